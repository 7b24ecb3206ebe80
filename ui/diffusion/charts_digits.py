"""Figures of the diffusion page's digits: the digits film, samples in a grid, guidance's
trade-off and where the time goes. Pure: arrays in, shared plotly figures out
(ui.shared_figures)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.charts import as_f32, base_layout, picture_figure, picture_trace, tile_images
from ui.diffusion.charts import DATA, REVERSE, TRAIL
from ui.diffusion.charts_time import animate_over_t, t_label
from ui.shared_figures import shared


def _mosaic(rows: np.ndarray) -> np.ndarray:
    """(r, c, 8, 8) images -> one picture (ui.charts.tile_images), float32 for the films'
    frames; a sample's pixels can overshoot [0, 1], clipped to black and white."""
    return as_f32(tile_images(np.clip(rows, 0, 1)))


@shared
def digits_film(frame_t: np.ndarray, alpha_bar: np.ndarray, forward: np.ndarray,
                reverse: np.ndarray, reverse_label: str, height: int = 330) -> go.Figure:
    """Real digits noised (top row) and the reverse process's images (bottom row) on one
    time slider. forward, reverse: (F, 10, 8, 8) in [0, 1]."""
    T = int(frame_t[0])

    def trace(f: int) -> go.Heatmap:
        return picture_trace(_mosaic(np.stack([forward[f], reverse[f]])))

    fig = go.Figure([trace(len(frame_t) - 1)])     # opens on t = 0, as the slider does
    animate_over_t(fig, frame_t, alpha_bar, lambda f: [trace(f)], [0])
    fig = base_layout(fig, t_label(0, T, float(alpha_bar[0])), "", "", height=height)
    fig.update_layout(title_font_size=14, margin={"l": 210, "b": 110, "t": 60})
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False,
                     tickvals=[4, 13], ticktext=["forward q: real digits", reverse_label])
    return fig


@shared
def tradeoff(scales: np.ndarray, agreement: np.ndarray, diversity: np.ndarray,
             ceiling: float, current: float | None = None, live: tuple | None = None
             ) -> go.Figure:
    """Classifier-free guidance's measured trade-off: agreement with the prompt against
    diversity, one point per guidance weight w (scale s = 1 + w). ``live``: (diversity,
    agreement, w) of the samples on screen, when measured."""
    fig = go.Figure(go.Scatter(
        x=diversity, y=agreement, mode="lines+markers+text", name="the sweep (20 per digit)",
        text=[f"w = {w:g}" for w in scales], textposition="top center",
        line={"color": REVERSE, "width": 2.5}, marker={"size": 11},
        hovertemplate="w = %{text}<br>diversity %{x:.2f}<br>agreement %{y:.0%}<extra></extra>"))
    if current is not None and current in scales:
        i = int(np.flatnonzero(scales == current)[0])
        fig.add_trace(go.Scatter(x=[diversity[i]], y=[agreement[i]], mode="markers",
                                 name=f"the guidance you picked (w = {current:g})",
                                 marker={"color": "black", "size": 18, "symbol": "circle-open",
                                         "line": {"width": 3}}))
    if live is not None:
        fig.add_trace(go.Scatter(x=[live[0]], y=[live[1]], mode="markers",
                                 name=f"the samples on screen (one digit, w = {live[2]:g})",
                                 marker={"color": TRAIL, "size": 13, "symbol": "star"}))
    xs = [*np.asarray(diversity, dtype=float), *([live[0]] if live else [])]
    pad = 0.1 * ((max(xs) - min(xs)) or 0.1)
    x_range = [min(xs) - pad, max(xs) + pad]
    # a legend entry, not a label on the line: the sweep's points sit right at it
    fig.add_trace(go.Scatter(x=x_range, y=[ceiling, ceiling], mode="lines", hoverinfo="skip",
                             name=f"the classifier's accuracy on real digits: {ceiling:.0%}",
                             line={"color": "black", "dash": "dot", "width": 1.5}))
    fig = base_layout(fig, "Guidance: agreement with the prompt against diversity",
                      "diversity (pairwise distance ÷ real digits'; 1 = as varied as real)",
                      "agreement: read as the prompt", height=460)
    low = min(float(np.min(agreement)), ceiling, live[1] if live else 1.0)
    fig.update_yaxes(tickformat=".0%", range=[min(0.5, low - 0.15), 1.09], dtick=0.1)
    fig.update_xaxes(range=x_range)
    fig.update_layout(margin={"b": 140}, legend={"y": -0.3})
    return fig


@shared
def digits_grid(images: np.ndarray, per_row: int, title: str, height: int = 360) -> go.Figure:
    """(n, 8, 8) images in rows of ``per_row``."""
    n = len(images) // per_row * per_row
    grid = images[:n].reshape(-1, per_row, 8, 8)
    fig = picture_figure(_mosaic(grid), title, height=height)
    fig.update_layout(margin={"t": 60, "b": 10, "l": 10})
    return fig


def by_digit(samples: np.ndarray, prompts: np.ndarray, per_digit: int) -> np.ndarray:
    """(per_digit * 10, 8, 8): row k holds the k-th sample of every digit 0..9 (or of the
    unconditional model, the first samples)."""
    if (prompts < 0).all():
        return samples[: per_digit * 10]
    rows = [samples[prompts == c][:per_digit] for c in range(10)]
    return np.stack(rows, 1).reshape(-1, 8, 8)


@shared
def times_bars(labels: list[str], train: list[float], vae: list[float], sample: list[float]
               ) -> go.Figure:
    """Seconds spent per model: diffusion training, VAE training, sampling (stacked)."""
    fig = go.Figure([
        go.Bar(x=labels, y=train, name="training the diffusion", marker_color=REVERSE),
        go.Bar(x=labels, y=vae, name="training the VAE (latent only)", marker_color=DATA),
        go.Bar(x=labels, y=sample, name="sampling 500 digits", marker_color=TRAIL),
    ])
    fig = base_layout(fig, "Where the time goes", "", "seconds", height=380)
    fig.update_layout(barmode="stack", margin={"b": 100}, legend={"y": -0.15})
    return fig

