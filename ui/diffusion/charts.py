"""Figures of the diffusion page. Pure: results and arrays in, plotly figures out, each built
once per input and shared by the sessions (ui.shared_figures); its digits are in charts_digits,
the films' time slider in charts_time.

The films are plotly figures with animation frames, one per recorded time t: their slider and
play button run in the browser, so scrubbing t never reruns the script. Frames carry float32
arrays (plotly sends them as binary), a few hundred points each, so 101 frames stay around a
megabyte.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.diffusion.schedules import ALPHA_BAR_T_MAX, Schedule
from ui.charts import LABEL_BG, arrow_lines, as_f32, base_layout, cap_lengths
from ui.diffusion.charts_time import animate_over_t, t_label
from ui.shared_figures import shared

FORWARD = "#1f77b4"      # the forward process q: blue
REVERSE = "#6a3d9a"      # the reverse process p_theta: purple, as the GAN lab's generated points
TRAIL = "#ff7f0e"        # the particles whose paths are drawn
DATA = "#7f7f7f"
FIELD = "#222222"
NOISE = "#d62728"        # the noise share 1 - alpha_bar
SCHEDULE_COLORS = {"linear": "#1f77b4", "cosine": "#2ca02c", "linear_fixed": "#d62728"}
SCHEDULE_NAMES = {"linear": "linear (β scaled by 1000/T)", "cosine": "cosine (Nichol & Dhariwal)",
                  "linear_fixed": "linear, β 1e-4…0.02 whatever T (tiny-diffusion)"}
N_TRAILS = 6             # reverse particles whose recent paths the film draws ...
TRAIL_FRAMES = 25        # ... over this many frames: DDPM's steps are noisy, so whole paths
                         # from x_T scribble over the panel
FIELD_EVERY = 2          # the film's arrows: every other point of the 21 x 21 field grid


# ---------------------------------------------------------------- the schedule

@shared
def schedule_view(schedules: Mapping[str, Schedule], current: str, x0: np.ndarray,
                  xT: np.ndarray, noise: np.ndarray) -> go.Figure:
    """alpha_bar_t of each schedule at the same T (the current one bold), log SNR, and where
    the current schedule leaves the data at t = T next to N(0, I), where sampling starts.

    x0, xT, noise: (n, 2) the data, q(x_T | x_0) of it under the current schedule, N(0, I)."""
    s = schedules[current]
    fig = make_subplots(1, 3, horizontal_spacing=0.09, column_widths=[0.36, 0.34, 0.30],
                        subplot_titles=("ᾱ_t: the signal's share of the variance",
                                        "signal-to-noise ratio ᾱ_t / (1 − ᾱ_t)",
                                        f"x_T (T = {s.T}) against N(0, I)"))
    for kind, sched in schedules.items():
        bold = kind == current
        t = np.arange(sched.T + 1)
        style = {"color": SCHEDULE_COLORS[kind], "width": 4 if bold else 2,
                 "dash": None if bold else "dot"}
        fig.add_trace(go.Scatter(x=t, y=sched.alpha_bar, name=SCHEDULE_NAMES[kind],
                                 legendgroup=kind, line=style,
                                 hovertemplate="t = %{x}<br>ᾱ_t = %{y:.4f}<extra></extra>"), 1, 1)
        snr = sched.snr()[1:]
        fig.add_trace(go.Scatter(x=t[1:], y=snr, name=SCHEDULE_NAMES[kind], legendgroup=kind,
                                 showlegend=False, line=style,
                                 hovertemplate="t = %{x}<br>SNR = %{y:.3g}<extra></extra>"), 1, 2)
    ab_T = float(s.alpha_bar[-1])
    fig.add_hline(y=ALPHA_BAR_T_MAX, line={"color": "black", "dash": "dash", "width": 1},
                  row=1, col=1)
    fig.add_annotation(x=s.T, y=ab_T, row=1, col=1, text=f"ᾱ_T = {ab_T:.2g}", showarrow=True,
                       arrowhead=2, ax=-60, ay=-40, bgcolor=LABEL_BG,
                       font={"color": SCHEDULE_COLORS[current]})
    fig.add_annotation(x=0.02 * s.T, y=ALPHA_BAR_T_MAX, row=1, col=1, xanchor="left",
                       yanchor="bottom", showarrow=False, bgcolor=LABEL_BG, font={"size": 12},
                       text=f"ᾱ = {ALPHA_BAR_T_MAX:g}: the warning's line")
    fig.add_trace(go.Scatter(x=as_f32(noise[:, 0]), y=as_f32(noise[:, 1]), mode="markers",
                             name="N(0, I): where sampling starts", hoverinfo="skip",
                             marker={"color": DATA, "size": 4, "opacity": 0.5}), 1, 3)
    fig.add_trace(go.Scatter(x=as_f32(xT[:, 0]), y=as_f32(xT[:, 1]), mode="markers",
                             name=f"x_T ~ q(x_T | x_0) of the data ({SCHEDULE_NAMES[current]})",
                             hoverinfo="skip",
                             marker={"color": SCHEDULE_COLORS[current], "size": 4,
                                     "opacity": 0.7}), 1, 3)
    fig = base_layout(fig, "The noise schedule", "", "", height=470)
    fig.update_layout(legend={"y": -0.22}, margin={"b": 110, "t": 90})
    for col in (1, 2):
        fig.update_xaxes(title_text="time step t", row=1, col=col)
    fig.update_yaxes(title_text="ᾱ_t (1 = data, 0 = noise)", range=[-0.02, 1.02], row=1, col=1)
    fig.update_yaxes(title_text="SNR (log scale)", type="log", exponentformat="power",
                     row=1, col=2)
    fig.update_xaxes(title_text="x₁", range=[-4, 4], row=1, col=3)
    fig.update_yaxes(title_text="x₂", range=[-4, 4], scaleanchor="x3", row=1, col=3)
    return fig


# ---------------------------------------------------------------- the 2-D film

def field_arrows(field: np.ndarray, axis: np.ndarray, every: int = FIELD_EVERY
                 ) -> tuple[np.ndarray, np.ndarray]:
    """-eps_theta (where the denoiser moves x) on a subgrid as segments. field: (G, G, 2) at
    (axis[j], axis[i]). Lengths are relative within the frame: the 90th percentile spans 0.9
    grid cells, so the pattern stays legible at every t (|eps_theta| grows as t -> 0)."""
    sub = axis[::every]
    xx, yy = np.meshgrid(sub, sub)
    points = np.stack([xx, yy], -1).reshape(-1, 2)
    vectors = -field[::every, ::every].reshape(-1, 2)
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    cell = float(sub[1] - sub[0]) if len(sub) > 1 else 1.0
    typical = float(np.percentile(length, 90)) or 1.0
    vectors = cap_lengths(vectors * (0.9 * cell / typical), 1.2 * cell)   # outliers
    return arrow_lines(points, vectors, heads=True)


def _trails(reverse_x: np.ndarray, frame: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first n particles' paths over the last TRAIL_FRAMES frames, NaN-separated."""
    paths = reverse_x[max(0, frame - TRAIL_FRAMES): frame + 1, :n]     # (f, n, 2)
    gap = np.full((1, paths.shape[1], 2), np.nan)
    lines = np.concatenate([paths, gap]).transpose(1, 0, 2).reshape(-1, 2)
    return as_f32(lines[:, 0]), as_f32(lines[:, 1])


def _film_xy(r: Mapping[str, np.ndarray], f: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(x, y) of each animated trace at frame f, in FILM_ROWS' order."""
    t = int(r["frame_t"][f])
    ab = float(r["alpha_bar"][t])
    forward, reverse = r["forward_x"][f], r["reverse_x"][f]
    return [
        (as_f32(forward[:, 0]), as_f32(forward[:, 1])),
        _trails(r["reverse_x"], f, N_TRAILS),
        (as_f32(reverse[:, 0]), as_f32(reverse[:, 1])),
        (as_f32(reverse[:N_TRAILS, 0]), as_f32(reverse[:N_TRAILS, 1])),
        field_arrows(r["field"][f], r["field_axis"]),
        (np.array([t, t]), np.array([0.0, 1.0])),
        (np.array([t, t]), np.array([ab, 1 - ab])),
    ]


def _film_traces(r: Mapping[str, np.ndarray], f: int) -> list[go.BaseTraceType]:
    """The animated traces with their looks; frames then carry their x and y alone (plotly
    merges a frame's data into the traces), which keeps the figure small."""
    xy = _film_xy(r, f)
    looks = [
        {"mode": "markers", "name": "forward: data noised to x_t",
         "marker": {"color": FORWARD, "size": 5, "opacity": 0.75}},
        {"mode": "lines", "name": f"{N_TRAILS} particles' last {TRAIL_FRAMES} steps",
         "line": {"color": TRAIL, "width": 1.2}, "opacity": 0.8},
        {"mode": "markers", "name": "reverse: particles at x_t",
         "marker": {"color": REVERSE, "size": 5, "opacity": 0.75}},
        {"mode": "markers", "showlegend": False,
         "marker": {"color": TRAIL, "size": 9, "line": {"color": "white", "width": 1}}},
        {"mode": "lines", "name": "−ε_θ(x, t): where the denoiser moves x",
         "line": {"color": FIELD, "width": 1.2}},
        {"mode": "lines", "showlegend": False, "line": {"color": "black", "width": 2}},
        {"mode": "markers", "showlegend": False,
         "marker": {"color": [FORWARD, NOISE], "size": 11,
                    "line": {"color": "white", "width": 1}}},
    ]
    return [go.Scatter(x=x, y=y, hoverinfo="skip", **look)
            for (x, y), look in zip(xy, looks, strict=True)]


FILM_ROWS = [(1, 1), (1, 2), (1, 2), (1, 2), (1, 3), (2, 1), (2, 1)]


@shared
def film(r: Mapping[str, np.ndarray], data: np.ndarray, extent: float,
         height: int = 940) -> go.Figure:
    """The forward and the reverse process on one time slider, with the learned noise field
    and alpha_bar_t below.

    ``r``: frame_t (F,) T..0, forward_x and reverse_x (F, P, 2), field (F, G, G, 2),
    field_axis (G,), alpha_bar (T + 1,). ``data``: (n, 2) reference points drawn faint."""
    frame_t = r["frame_t"]
    T = int(frame_t[0])
    ab = np.asarray(r["alpha_bar"])
    fig = make_subplots(
        2, 3, row_heights=[0.76, 0.24], vertical_spacing=0.13, horizontal_spacing=0.05,
        specs=[[{}, {}, {}], [{"colspan": 3}, None, None]],
        subplot_titles=("forward q(x_t | x_0): held-out data noised",
                        "reverse p_θ(x_{t−1} | x_t): from N(0, I)",
                        "learned noise: −ε_θ(x, t) on a grid", ""))
    first = len(frame_t) - 1        # opens on t = 0: the data and the finished samples
    for trace, (row, col) in zip(_film_traces(r, first), FILM_ROWS, strict=True):
        fig.add_trace(trace, row, col)
    animated = list(range(len(FILM_ROWS)))
    ref = {"x": as_f32(data[:, 0]), "y": as_f32(data[:, 1]), "mode": "markers", "hoverinfo": "skip",
           "marker": {"color": DATA, "size": 3, "opacity": 0.25}}
    fig.add_trace(go.Scatter(**ref, name="the data (x_0)"), 1, 2)
    fig.add_trace(go.Scatter(**ref, showlegend=False), 1, 3)
    t_all = np.arange(T + 1)
    fig.add_trace(go.Scatter(x=t_all, y=ab, name="ᾱ_t: signal variance", hoverinfo="skip",
                             line={"color": FORWARD, "width": 2.5}), 2, 1)
    fig.add_trace(go.Scatter(x=t_all, y=1 - ab, name="1 − ᾱ_t: noise variance",
                             hoverinfo="skip", line={"color": NOISE, "width": 2.5}), 2, 1)
    animate_over_t(fig, frame_t, ab,
                   lambda f: [go.Scatter(x=x, y=y) for x, y in _film_xy(r, f)], animated)
    fig = base_layout(fig, t_label(0, T, float(ab[0])), "", "", height=height)
    # the legend goes under the slider and its buttons, which sit just below the plots
    fig.update_layout(legend={"y": -0.21}, margin={"b": 210, "t": 90}, title_font_size=15)
    for col in (1, 2, 3):
        axis = "x" if col == 1 else f"x{col}"
        fig.update_xaxes(range=[-extent, extent], title_text="x₁", row=1, col=col)
        fig.update_yaxes(range=[-extent, extent], scaleanchor=axis, title_text="x₂",
                         title_standoff=0, row=1, col=col)
    fig.update_xaxes(title_text="time step t (the slider's t is the black line)",
                     range=[-0.5, T + 0.5], row=2, col=1)
    fig.update_yaxes(title_text="share of variance", range=[0, 1.05], row=2, col=1)
    return fig


@shared
def loss_curve(history: Mapping[str, np.ndarray], steps_total: int | None = None) -> go.Figure:
    """L_simple over training (the live chart while it trains)."""
    fig = go.Figure(go.Scatter(x=history["step"] if "step" in history else history["loss_step"],
                               y=history["loss"], name="L_simple",
                               line={"color": REVERSE, "width": 2.5}))
    fig = base_layout(fig, "Training: L_simple = E‖ε − ε_θ(x_t, t)‖²", "training step",
                      "mean squared error per coordinate", height=380)
    fig.update_layout(showlegend=False)
    if steps_total:
        fig.update_xaxes(range=[0, steps_total])
    return fig


# ---------------------------------------------------------------- sampling: DDPM vs DDIM

def _two_planes(panels: tuple[tuple[np.ndarray, np.ndarray, str, str, bool], ...],
                titles: tuple[str, str], extent: float) -> go.Figure:
    """Two square panels of the plane on one range; each (samples, data, name, colour,
    legend) draws its samples over its data, faint."""
    fig = make_subplots(1, 2, horizontal_spacing=0.06, subplot_titles=titles)
    for col, (x, data, name, color, legend) in enumerate(panels, start=1):
        fig.add_trace(go.Scatter(x=as_f32(data[:, 0]), y=as_f32(data[:, 1]), mode="markers",
                                 name="held-out data", showlegend=col == 1, hoverinfo="skip",
                                 marker={"color": DATA, "size": 3, "opacity": 0.3}), 1, col)
        fig.add_trace(go.Scatter(x=as_f32(x[:, 0]), y=as_f32(x[:, 1]), mode="markers",
                                 name=name, showlegend=legend, hoverinfo="skip",
                                 marker={"color": color, "size": 3, "opacity": 0.6}), 1, col)
    fig = base_layout(fig, "", "", "", height=520)
    fig.update_layout(margin={"t": 50, "b": 110}, legend={"y": -0.14})
    for col in (1, 2):
        fig.update_xaxes(range=[-extent, extent], title_text="x₁", row=1, col=col)
        fig.update_yaxes(range=[-extent, extent], scaleanchor="x" if col == 1 else "x2",
                         title_text="x₂" if col == 1 else None, row=1, col=col)
    return fig


@shared
def samplers(ddpm: np.ndarray, ddim: np.ndarray, T: int, steps: int, data: np.ndarray,
             extent: float, titles: tuple[str, str]) -> go.Figure:
    """DDPM's samples beside DDIM's from the same x_T, the data faint under both."""
    return _two_planes(((ddpm, data, f"DDPM, {T} random steps", REVERSE, True),
                        (ddim, data, f"DDIM, {steps} deterministic steps", TRAIL, True)),
                       titles, extent)


@shared
def side_samples(a: np.ndarray, b: np.ndarray, data_a: np.ndarray, data_b: np.ndarray,
                 extent: float, titles: tuple[str, str]) -> go.Figure:
    """Two runs' DDPM samples next to each other on the same plane, each over its data."""
    return _two_planes(((a, data_a, "samples (DDPM)", REVERSE, True),
                        (b, data_b, "samples (DDPM)", REVERSE, False)), titles, extent)


@shared
def quality_by_steps(steps: np.ndarray, off_data: np.ndarray, seconds: np.ndarray,
                     T: int, ddpm_off: float, ddpm_seconds: float,
                     current: int | None = None) -> go.Figure:
    """DDIM's share of samples off the data and its time against its number of steps, with
    DDPM's T steps as the reference point."""
    fig = make_subplots(1, 2, horizontal_spacing=0.14, subplot_titles=(
        "samples off the data", "time for 2,500 samples"))
    order = np.argsort(steps)
    seconds, ddpm_seconds = 1000 * np.asarray(seconds), 1000 * ddpm_seconds   # milliseconds
    for col, (y, ddpm_y) in enumerate(((off_data, ddpm_off), (seconds, ddpm_seconds)), 1):
        fig.add_trace(go.Scatter(x=steps[order], y=y[order], mode="lines+markers",
                                 name="DDIM", showlegend=col == 1,
                                 line={"color": TRAIL, "width": 2.5}, marker={"size": 9}), 1, col)
        fig.add_trace(go.Scatter(x=[T], y=[ddpm_y], mode="markers", name=f"DDPM ({T} steps)",
                                 showlegend=col == 1,
                                 marker={"color": REVERSE, "size": 13, "symbol": "diamond"}),
                      1, col)
        if current is not None and current in steps:
            i = int(np.flatnonzero(steps == current)[0])
            fig.add_trace(go.Scatter(x=[current], y=[y[i]], mode="markers",
                                     name="the slider's DDIM", showlegend=col == 1,
                                     marker={"color": "black", "size": 15, "symbol": "circle-open",
                                             "line": {"width": 2.5}}), 1, col)
    fig = base_layout(fig, "DDIM: fewer steps, faster, until the samples leave the data", "",
                      "", height=400)
    fig.update_layout(margin={"b": 110}, legend={"y": -0.3})
    ticks = sorted({*np.asarray(steps).tolist(), T})
    for col in (1, 2):
        fig.update_xaxes(type="log", title_text="sampling steps (log scale)", tickvals=ticks,
                         row=1, col=col)
    fig.update_yaxes(title_text="share off the data", tickformat=".0%", rangemode="tozero",
                     row=1, col=1)
    fig.update_yaxes(title_text="milliseconds", rangemode="tozero", row=1, col=2)
    return fig
