"""The diffusion films' time axis, shared by the 2-D film (charts) and the digits film
(charts_digits): what the title says at time t, and the frames and slider over t."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from core.diffusion import schedules
from ui.charts import play_controls


def t_label(t: int, T: int, alpha_bar: float) -> str:
    """What the film's title says at time t: alpha_bar_t and the signal-to-noise ratio."""
    snr = schedules.snr(alpha_bar)
    snr_text = "∞ (the data)" if np.isinf(snr) else f"{snr:.3g}"
    return (f"t = {t} of {T}:  ᾱ_t = {alpha_bar:.3f}  (x_t keeps √ᾱ_t = {np.sqrt(alpha_bar):.0%} "
            f"of the signal),  SNR = ᾱ_t / (1 − ᾱ_t) = {snr_text}")


def animate_over_t(fig: go.Figure, frame_t: np.ndarray, alpha_bar: np.ndarray,
                   frame_data: Callable[[int], list[go.BaseTraceType]], traces: list[int]
                   ) -> None:
    """Make ``fig`` a film over the recorded times ``frame_t`` (T down to 0): a frame per t,
    named t for the slider and titled with t_label, carrying ``frame_data(f)`` for the
    ``traces`` it animates; the slider and play buttons open on the last frame, t = 0."""
    T = int(frame_t[0])
    fig.frames = [go.Frame(data=frame_data(f), traces=traces, name=str(int(t)),
                           layout={"title": {"text": t_label(int(t), T,
                                                             float(alpha_bar[int(t)]))}})
                  for f, t in enumerate(frame_t)]
    fig.update_layout(**play_controls([str(int(t)) for t in frame_t], len(frame_t) - 1,
                                      "t = "))
