"""Figures of the latent-space explorer. Pure: results and arrays in, plotly figures out, each
built once per input and shared by the sessions (ui.shared_figures)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from core.latent.train import AEResult
from ui.charts import COLORS, base_layout, picture_figure, tile_images
from ui.shared_figures import editable, shared

DIGIT_COLORS = qualitative.T10


@shared
def training_curves(history: dict[str, np.ndarray], vae: bool, epochs_total: int | None = None,
                    beta: float = 1.0) -> go.Figure:
    """Loss per epoch (``history``: loss, recon, kl arrays); for the VAE the two ELBO terms
    beside their sum. ``epochs_total`` fixes the x range so a live curve grows into it.
    The sum is −ELBO only at ``beta`` = 1; otherwise it is the β-VAE loss."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    if vae:
        # reconstruction + β·KL is the lecture's −ELBO only at β = 1; any other β weighs the
        # KL term as the β-VAE of Higgins et al. (2017), a different objective
        title, name = (("−ELBO = reconstruction + KL", "−ELBO (loss)") if beta == 1 else
                       (f"β-VAE loss = reconstruction + β·KL, β = {beta:g}<br><sup>(Higgins "
                        "et al. 2017; −ELBO only at β = 1)</sup>", f"β-VAE loss (β = {beta:g})"))
        fig = make_subplots(1, 2, horizontal_spacing=0.12, subplot_titles=(
            title, "the two terms"))
        fig.add_trace(go.Scatter(x=epochs, y=history["loss"], name=name,
                                 line={"color": "black", "width": 3}), 1, 1)
        fig.add_trace(go.Scatter(x=epochs, y=history["recon"], name="reconstruction "
                                 "−E[log p(x|z)]", line={"color": COLORS["lr"], "width": 3}),
                      1, 2)
        fig.add_trace(go.Scatter(x=epochs, y=history["kl"], name="KL(q(z|x) ‖ p(z))",
                                 line={"color": COLORS["nb"], "width": 3}), 1, 2)
    else:
        fig = go.Figure(go.Scatter(x=epochs, y=history["loss"], name="training loss",
                                   line={"color": "black", "width": 3}))
    fig = base_layout(fig, "Training", "epoch", "loss per image (nats or squared error)",
                      height=380)
    fig.update_xaxes(title_text="epoch", range=[0, epochs_total] if epochs_total else None)
    return fig


@shared
def latent_map(result: AEResult, lo: np.ndarray, hi: np.ndarray, grid: int = 50) -> go.Figure:
    """Test codes coloured by digit, over an invisible grid so a click anywhere selects a z."""
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid))
    fig = go.Figure(go.Scatter(
        x=gx.ravel(), y=gy.ravel(), mode="markers", name="click to decode",
        marker={"size": 9, "color": "rgba(0,0,0,0.01)"}, showlegend=False,
        hovertemplate="z = (%{x:.2f}, %{y:.2f})<extra>click to decode</extra>"))
    for digit in range(10):
        rows = result.labels == digit
        fig.add_trace(go.Scatter(
            x=result.latent[rows, 0], y=result.latent[rows, 1], mode="markers",
            name=str(digit), marker={"size": 6, "color": DIGIT_COLORS[digit], "opacity": 0.8},
            hovertemplate=f"digit {digit}<br>z = (%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    fig = base_layout(fig, "Test images in the latent space<br><sup>colour: the digit, which "
                      "the model never saw; click anywhere to decode that z</sup>",
                      "z₁", "z₂", height=560)
    fig.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top",
                              "title": {"text": "digit"}}, clickmode="event+select")
    fig.update_xaxes(range=[lo[0], hi[0]])
    fig.update_yaxes(range=[lo[1], hi[1]])
    return fig


@shared
def image_mosaic(images: np.ndarray, title: str, x_title: str = "", y_title: str = "",
                 height: int = 520) -> go.Figure:
    """An (rows, cols, side, side) array of images as one grey picture (ink dark)."""
    return picture_figure(tile_images(images), title, x_title, y_title, height=height)


@shared
def decoded_image(image: np.ndarray, title: str) -> go.Figure:
    """One decoded image, big."""
    return image_mosaic.__wrapped__(image[None, None], title, height=320)


@shared
def add_prior_circles(fig: go.Figure) -> go.Figure:
    """The prior p(z) = N(0, I): circles at 1 and 2 standard deviations, over ``fig`` (a
    shared figure is copied, once)."""
    fig = editable(fig)
    angle = np.linspace(0, 2 * np.pi, 100)
    for radius in (1, 2):
        fig.add_trace(go.Scatter(
            x=radius * np.cos(angle), y=radius * np.sin(angle), mode="lines",
            line={"color": "black", "dash": "dash", "width": 1.5}, hoverinfo="skip",
            name="prior N(0, I): 1σ, 2σ", legendgroup="prior", showlegend=radius == 1))
    return fig


@shared
def activation_histogram(result: AEResult) -> go.Figure:
    """How often each code unit fires on the test images, and how strongly."""
    active = result.latent > 1e-3
    fig = make_subplots(1, 2, horizontal_spacing=0.12, subplot_titles=(
        "share of test images on which each unit is active", "activations of active units"))
    order = np.argsort(-active.mean(0))
    fig.add_trace(go.Bar(x=[f"#{u}" for u in order], y=active.mean(0)[order],
                         marker_color=COLORS["lr"], name="active share"), 1, 1)
    fig.add_trace(go.Histogram(x=result.latent[active], nbinsx=40, marker_color=COLORS["nb"],
                               name="activation"), 1, 2)
    fig = base_layout(fig, f"Sparse code: {active.mean():.0%} of the unit-image pairs are "
                      "active", "", "", height=380)
    fig.update_xaxes(title_text="unit (most often active first)", row=1, col=1)
    fig.update_yaxes(title_text="share of images", row=1, col=1)
    fig.update_xaxes(title_text="activation Enc_i(x)", row=1, col=2)
    fig.update_yaxes(title_text="count (unit, image) pairs", type="log", dtick=1, row=1,
                     col=2)  # labels at powers of ten only
    fig.update_layout(showlegend=False)
    return fig
