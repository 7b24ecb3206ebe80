"""Figures of the compare page: the three families' samples side by side, the spread of each
family over seeds and learning rates, and the two KL fits. Pure: arrays in, plotly figures
out, each built once per input and shared by the sessions (ui.shared_figures)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.compare.config import FAMILIES
from ui.charts import LABEL_BG, as_f32, base_layout, picture_trace, tile_images
from ui.compare.text import HEADERS
from ui.shared_figures import shared

FAMILY_COLORS = {"vae": "#1f77b4", "gan": "#6a3d9a", "diffusion": "#d95f02"}
DATA_COLOR = "#7f7f7f"
DIGIT_ROWS, DIGIT_COLS = 8, 5          # 40 digits a grid, tall: four grids share the width
SEED_DODGE = 1.15                      # seeds at one learning rate sit this factor apart on x
P = "P<sub>θ</sub>"                    # the model's density, as plotly writes a subscript


@shared
def ring_samples(samples: Mapping[str, np.ndarray], reference: np.ndarray,
                 extent: float) -> go.Figure:
    """Each family's samples (n, 2) in its own panel, the held-out data faint behind, on one
    square range so the ring stays a circle in all three."""
    fig = make_subplots(1, len(FAMILIES), horizontal_spacing=0.05,
                        subplot_titles=[HEADERS[f] for f in FAMILIES])
    for col, family in enumerate(FAMILIES, start=1):
        fig.add_trace(go.Scatter(
            x=as_f32(reference[:, 0]), y=as_f32(reference[:, 1]), mode="markers",
            name="held-out data", legendgroup="data", showlegend=col == 1, hoverinfo="skip",
            marker={"color": DATA_COLOR, "size": 12, "opacity": 0.12}), 1, col)
        points = samples[family]
        fig.add_trace(go.Scatter(
            x=as_f32(points[:, 0]), y=as_f32(points[:, 1]), mode="markers", hoverinfo="skip",
            name=f"{HEADERS[family]}: {len(points):,} samples",
            marker={"color": FAMILY_COLORS[family], "size": 4, "opacity": 0.6}), 1, col)
    fig = base_layout(fig, f"{len(reference):,} samples of each family over the held-out data "
                      "(grey)", "", "", height=480)
    for col in range(1, len(FAMILIES) + 1):
        anchor = "x" if col == 1 else f"x{col}"
        fig.update_xaxes(title_text="x₁", range=[-extent, extent], constrain="domain",
                         col=col)
        # the same unit on both axes, so the ring stays a circle
        fig.update_yaxes(title_text="x₂", range=[-extent, extent], scaleanchor=anchor,
                         col=col)
    fig.update_layout(legend={"y": -0.2}, margin={"b": 90})
    return fig


@shared
def digit_samples(samples: Mapping[str, np.ndarray], reference: np.ndarray) -> go.Figure:
    """The first 40 digits of each family (n, 8, 8) in [0, 1], beside 40 held-out digits."""
    n = DIGIT_ROWS * DIGIT_COLS
    grids = {"data": reference, **samples}
    titles = ["held-out digits", *(HEADERS[f] for f in FAMILIES)]
    fig = make_subplots(1, len(grids), horizontal_spacing=0.03, subplot_titles=titles)
    for col, images in enumerate(grids.values(), start=1):
        rows = np.clip(images[:n], 0, 1).reshape(DIGIT_ROWS, DIGIT_COLS, *images.shape[1:])
        fig.add_trace(picture_trace(as_f32(tile_images(rows))), 1, col)
    fig = base_layout(fig, f"{n} samples of each family beside {n} held-out digits", "", "",
                      height=480)
    for col in range(1, len(grids) + 1):
        anchor = "x" if col == 1 else f"x{col}"
        fig.update_xaxes(title_text=f"{n} digits, 8×8 pixels each", showticklabels=False,
                         showgrid=False, zeroline=False, col=col)
        fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False,
                         autorange="reversed", scaleanchor=anchor, col=col)
    fig.update_layout(showlegend=False)
    return fig


def _robustness(modes: np.ndarray, total: float) -> str:
    trained = modes[~np.isnan(modes)]
    if len(trained) < 2:
        return "one run: no spread"
    return f"worst {trained.min():.0f} of {total:.0f}, {(trained >= total).mean():.0%} all"


@shared
def spread(lr_scale: np.ndarray, seed: np.ndarray, modes: Mapping[str, np.ndarray],
           total: float) -> go.Figure:
    """Modes covered by every member (a seed at a learning-rate scale) of each family, one
    panel a family; member 0, the run the table reads, is ringed. NaN: not trained."""
    seeds = sorted({int(s) for s in seed})
    offset = {s: SEED_DODGE ** (i - (len(seeds) - 1) / 2) for i, s in enumerate(seeds)}
    x = np.array([scale * offset[int(s)] for scale, s in zip(lr_scale, seed, strict=True)])
    fig = make_subplots(1, len(FAMILIES), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[f"{HEADERS[f]}: {_robustness(modes[f], total)}"
                                        for f in FAMILIES])
    for col, family in enumerate(FAMILIES, start=1):
        y = np.asarray(modes[family], dtype=float)
        ok = ~np.isnan(y)
        fig.add_trace(go.Scatter(
            x=x[ok], y=y[ok], mode="markers", name=HEADERS[family], showlegend=False,
            marker={"color": FAMILY_COLORS[family], "size": 13, "opacity": 0.8},
            customdata=np.stack([seed[ok], lr_scale[ok]], 1),
            hovertemplate="seed %{customdata[0]:.0f}, learning rate ×%{customdata[1]:.2g}"
                          "<br>%{y:.0f} modes covered<extra></extra>"), 1, col)
        if ok[0]:
            fig.add_trace(go.Scatter(
                x=x[:1], y=y[:1], mode="markers", name="the run the table reads",
                legendgroup="shown", showlegend=col == 1, hoverinfo="skip",
                marker={"color": "rgba(0,0,0,0)", "size": 22,
                        "line": {"color": "black", "width": 2}}), 1, col)
        label = {"annotation_text": "every mode", "annotation_position": "bottom left",
                 "annotation_bgcolor": LABEL_BG} if col == 1 else {}
        fig.add_hline(y=total, line={"dash": "dot", "color": "black"}, row=1, col=col, **label)
    fig = base_layout(fig, "Modes covered by each run: one point per seed and learning rate",
                      "", "", height=440)
    scales = sorted({float(s) for s in lr_scale})
    for col in range(1, len(FAMILIES) + 1):
        fig.update_xaxes(type="log", tickvals=scales, ticktext=[f"×{s:.2g}" for s in scales],
                         title_text="learning rate, × its own (log)",
                         range=[np.log10(min(scales) / 1.6), np.log10(max(scales) * 1.6)],
                         col=col)
    fig.update_yaxes(title_text=f"modes covered (of {total:.0f})", range=[-0.5, total + 0.8],
                     dtick=2 if total > 8 else 1, col=1)
    fig.update_layout(legend={"y": -0.3}, margin={"b": 100})
    return fig


def _visible(x: np.ndarray, *densities: np.ndarray, share: float = 1e-3) -> list[float]:
    """The x range where any density is above ``share`` of its peak: the grid reaches far
    into the tails, where nothing can be seen."""
    seen = np.zeros(len(x), dtype=bool)
    for d in densities:
        seen |= d > share * d.max()
    idx = np.flatnonzero(seen)
    return [float(x[idx[0]]), float(x[idx[-1]])]


@shared
def kl_fits(x: np.ndarray, q: np.ndarray, covering: np.ndarray, seeking: np.ndarray,
            modes: int, separation: float) -> go.Figure:
    """Q and the two Gaussians fitted to it, on the fit's grid x (G,)."""
    fig = go.Figure([
        go.Scatter(x=as_f32(x), y=as_f32(q), name="Q: the data (a mixture)", fill="tozeroy",
                   line={"color": DATA_COLOR, "width": 1.5},
                   fillcolor="rgba(127,127,127,0.25)"),
        go.Scatter(x=as_f32(x), y=as_f32(covering),
                   name=f"{P} fitted by KL(Q‖{P}): mode covering, the VAE's direction",
                   line={"color": FAMILY_COLORS["vae"], "width": 3}),
        go.Scatter(x=as_f32(x), y=as_f32(seeking),
                   name=f"{P} fitted by KL({P}‖Q): mode seeking, the GAN's direction",
                   line={"color": FAMILY_COLORS["gan"], "width": 3, "dash": "dash"}),
    ])
    apart = f", {separation:g} apart" if modes > 1 else ""
    fig = base_layout(fig, f"One Gaussian {P} fitted to Q both ways ({modes} mode"
                      f"{'s' if modes > 1 else ''} of std 1{apart})", "x", "density",
                      height=460)
    fig.update_xaxes(range=_visible(x, q, covering, seeking))
    fig.update_layout(legend={"y": -0.2}, margin={"b": 120})
    return fig


@shared
def kl_progress(covering_step: np.ndarray, covering_kl: np.ndarray, seeking_step: np.ndarray,
                seeking_kl: np.ndarray) -> go.Figure:
    """Each fit's own objective over its Adam steps."""
    fig = go.Figure([
        go.Scatter(x=covering_step, y=as_f32(covering_kl), name=f"KL(Q‖{P}), the covering fit",
                   line={"color": FAMILY_COLORS["vae"], "width": 2.5}),
        go.Scatter(x=seeking_step, y=as_f32(seeking_kl), name=f"KL({P}‖Q), the seeking fit",
                   line={"color": FAMILY_COLORS["gan"], "width": 2.5, "dash": "dash"}),
    ])
    fig = base_layout(fig, "The fits' progress", "Adam step", "KL (nats)", height=380)
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(legend={"y": -0.3}, margin={"b": 110})
    return fig
