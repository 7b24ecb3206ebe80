"""Figures of the GAN lab. Pure: results and arrays in, plotly figures out, each built once
per input and shared by the sessions (ui.shared_figures).

The film is one figure with plotly animation frames: its slider and play button run in the
browser, so scrubbing through training never reruns the script.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.gan.config import equilibrium
from ui.charts import COLORS, LABEL_BG, arrow_lines, base_layout, cap_lengths, play_controls
from ui.shared_figures import shared

REAL = "#7f7f7f"
FAKE = "#6a3d9a"
LOSS_COLORS = {"nonsaturating": "#1b9e77", "minimax": "#d95f02"}
LOSS_NAMES = {"nonsaturating": "non-saturating −log D(G(z))",
              "minimax": "minimax log(1 − D(G(z)))"}
# D(x): blue where D says "real", red where it says "fake", white at the equilibrium's 1/2
D_SCALE = [[0, "#b2182b"], [0.5, "#f7f7f7"], [1, "#2166ac"]]
ARROW_LENGTH = 0.4    # a strong push (the film's 95th percentile), in data units


def _push_arrows(points: np.ndarray, arrows: np.ndarray, scale: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """G's push on each point, drawn at ``scale`` (one for the whole film, so a vanishing
    gradient shows as shrinking arrows); an outlier is capped at twice a strong push."""
    return arrow_lines(points, cap_lengths(scale * arrows, 2 * ARROW_LENGTH))


def _film_traces(film: Mapping[str, np.ndarray], frame: int,
                 scale: float) -> list[go.BaseTraceType]:
    axis = film["film_axis"]
    xs, ys = _push_arrows(film["film_points"][frame], film["film_arrows"][frame], scale)
    return [
        go.Heatmap(x=axis, y=axis, z=film["film_d"][frame].astype(np.float32), zmin=0, zmax=1,
                   colorscale=D_SCALE, opacity=0.75, name="D(x)",
                   colorbar={"title": {"text": "D(x)"}, "len": 0.8},
                   hovertemplate="x = (%{x:.2f}, %{y:.2f})<br>D(x) = %{z:.2f}<extra></extra>"),
        go.Scatter(x=xs, y=ys, mode="lines", name="G's push on each sample (−∇ₓ of its loss)",
                   line={"color": "black", "width": 1}, hoverinfo="skip"),
        go.Scatter(x=film["film_points"][frame][:, 0], y=film["film_points"][frame][:, 1],
                   mode="markers", name="generated G(z)", hoverinfo="skip",
                   marker={"color": FAKE, "size": 6, "line": {"color": "white", "width": 0.5}}),
    ]


@shared
def film(film: Mapping[str, np.ndarray], real: np.ndarray, title: str,
         extent: float, height: int = 640, legend: bool = True) -> go.Figure:
    """Training as a scrubbable film: D(x) as a heat map, the real data (grey), the generated
    points (purple, the same z in every frame) and the generator's gradient on each of them.

    ``film``: film_step (F,), film_points (F, n, 2), film_arrows (F, n, 2), film_d (F, g, g),
    film_axis (g,). Arrow lengths share one scale across frames, so a vanishing gradient
    shows as arrows that shrink."""
    steps = film["film_step"]
    strong = float(np.nanpercentile(np.linalg.norm(film["film_arrows"], axis=-1), 95))
    scale = ARROW_LENGTH / (strong or 1.0)
    real_trace = go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name="real data",
                            marker={"color": REAL, "size": 4, "opacity": 0.6},
                            hoverinfo="skip")
    last = len(steps) - 1
    fig = go.Figure([*_film_traces(film, last, scale), real_trace])
    fig.frames = [go.Frame(data=_film_traces(film, f, scale), traces=[0, 1, 2],
                           name=str(int(steps[f]))) for f in range(len(steps))]
    fig.update_layout(**play_controls([str(int(s)) for s in steps], last, "generator step ",
                                      duration=120, slider_pad=50, buttons_pad=60))
    fig = base_layout(fig, title, "x₁", "x₂", height=height)
    fig.update_layout(legend={"y": -0.32}, margin={"b": 150 if legend else 110},
                      showlegend=legend)
    fig.update_xaxes(range=[-extent, extent], constrain="domain")
    fig.update_yaxes(range=[-extent, extent], scaleanchor="x")
    return fig


@shared
def losses(history: Mapping[str, np.ndarray], loss: str, steps_total: int | None = None,
           smoothing: float = 0.0, y_range: tuple[float, float] | None = None) -> go.Figure:
    """D's and G's losses with their equilibrium values (D = 1/2: 2 log 2 and G's own; with
    one-sided label smoothing, those of D* = (1 - s)/2). ``y_range``: fixed, to share the axis
    with another run's losses."""
    step = history["step"]
    # with smoothing D's real-data term is the cross-entropy against the target 1 - s
    d_name = ("D's loss −[log D(x) + log(1 − D(G(z)))]" if not smoothing else
              "D's loss −[(1 − s) log D(x) + s log(1 − D(x)) + log(1 − D(G(z)))], "
              f"s = {smoothing:g}")
    fig = go.Figure([
        go.Scatter(x=step, y=history["d_loss"], name=d_name,
                   line={"color": COLORS["lr"], "width": 2.5}),
        go.Scatter(x=step, y=history["g_loss"], name=f"G's loss, {LOSS_NAMES[loss]}",
                   line={"color": LOSS_COLORS[loss], "width": 2.5}),
    ])
    star = equilibrium(loss, smoothing)
    d_text = ("D's loss at equilibrium: 2 log 2" if not smoothing else
              f"D's loss at equilibrium (smoothing {smoothing:g}): {star['d_loss']:.2f}")
    for value, color, text in ((star["d_loss"], COLORS["lr"], d_text),
                               (star["g_loss"], LOSS_COLORS[loss],
                                f"G's at equilibrium: {star['g_loss']:+.2f}")):
        fig.add_hline(y=value, line={"color": color, "dash": "dot"}, annotation_text=text,
                      annotation_position="top left", annotation_bgcolor=LABEL_BG)
    fig = base_layout(fig, "Losses: a game, not a descent", "generator step",
                      "loss (nats per sample)", height=400)
    if steps_total:
        fig.update_xaxes(range=[0, steps_total])
    if y_range:
        fig.update_yaxes(range=list(y_range))
    return fig


@shared
def d_outputs(history: Mapping[str, np.ndarray], smoothing: float = 0.0) -> go.Figure:
    """Mean D(x) on real data and on generated samples; both D* at the equilibrium."""
    step = history["step"]
    fig = go.Figure([
        go.Scatter(x=step, y=history["d_real"], name="D(x), real",
                   line={"color": "#2166ac", "width": 2.5}),
        go.Scatter(x=step, y=history["d_fake"], name="D(G(z)), generated",
                   line={"color": "#b2182b", "width": 2.5}),
    ])
    d_star = equilibrium("nonsaturating", smoothing)["d_star"]
    fig.add_hline(y=d_star, line={"dash": "dot", "color": "black"},
                  annotation_text="D* = 1/2" if not smoothing else
                  f"D* = (1 − s)/2 = {d_star:.2f}", annotation_position="top left",
                  annotation_bgcolor=LABEL_BG)
    fig = base_layout(fig, "What D believes", "generator step", "mean D output", height=400)
    fig.update_yaxes(range=[0, 1])
    return fig


@shared
def d_against_optimum(axis: np.ndarray, d_map: np.ndarray, d_star: np.ndarray, step: int,
                      extent: float, smoothing: float = 0.0) -> go.Figure:
    """D's learned map beside D* for the final G, on one grid and one colour scale.

    ``axis`` (g,); ``d_map``, ``d_star`` (g, g), row i at y = axis[i]; NaN in ``d_star``
    (neither p_data nor p_g there) is left blank."""
    formula = "p_data / (p_data + p_g)" if not smoothing else \
        f"(1 − s) p_data / (p_data + p_g) with s = {smoothing:g}"
    fig = make_subplots(1, 2, horizontal_spacing=0.08, subplot_titles=(
        f"What D learned: D(x)<br><sup>at generator step {step:,}</sup>",
        f"The optimum it chases: D*(x)<br><sup>D* = {formula} (Goodfellow et al. 2014, "
        "Prop. 1)<br>p_g: kernel density of G's final samples; blank: neither has mass</sup>"))
    for col, (z, name) in enumerate(((d_map, "D(x)"), (d_star, "D*(x)")), start=1):
        fig.add_trace(go.Heatmap(
            x=axis, y=axis, z=np.asarray(z, dtype=np.float32), zmin=0, zmax=1,
            colorscale=D_SCALE, name=name, showscale=col == 2,
            colorbar={"title": {"text": "D(x), D*(x)"}, "len": 0.8},
            hovertemplate="x = (%{x:.2f}, %{y:.2f})<br>" + name + " = %{z:.2f}<extra></extra>"),
            1, col)
    fig = base_layout(fig, "", "x₁", "x₂", height=500)
    for col, anchor in ((1, "x"), (2, "x2")):
        # the same unit on both axes, so the ring stays a circle
        fig.update_xaxes(title_text="x₁", range=[-extent, extent], constrain="domain", col=col)
        fig.update_yaxes(title_text="x₂", range=[-extent, extent], scaleanchor=anchor,
                         col=col)
    fig.update_layout(margin={"t": 100})
    fig.update_annotations(font_size=14)
    return fig


@shared
def modes(history: Mapping[str, np.ndarray], n_modes: int) -> go.Figure:
    """Modes covered and the share of high-quality samples over training."""
    step = history["step"]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=step, y=history["modes_covered_history"], name="modes covered",
                             line={"color": FAKE, "width": 2.5, "shape": "hv"}))
    fig.add_trace(go.Scatter(x=step, y=history["hq_fraction_history"],
                             name="high-quality share", line={"color": REAL, "width": 2}),
                  secondary_y=True)
    fig = base_layout(fig, "Mode coverage over training", "generator step", "", height=400)
    fig.update_yaxes(title_text=f"modes covered (of {n_modes})", range=[0, n_modes + 0.5],
                     secondary_y=False)
    fig.update_yaxes(title_text="share within 3σ of a mode", range=[0, 1], tickformat=".0%",
                     secondary_y=True, showgrid=False)
    return fig


@shared
def mode_bars(counts: np.ndarray, total: int) -> go.Figure:
    """How many of the final samples each mode receives (1 % of them marks 'covered')."""
    fig = go.Figure(go.Bar(x=[f"mode {i + 1}" for i in range(len(counts))], y=counts,
                           marker={"color": FAKE}, name="samples"))
    fig.add_hline(y=0.01 * total, line={"dash": "dot", "color": "black"},
                  annotation_text="covered: 1 % of the samples", annotation_position="top right",
                  annotation_bgcolor=LABEL_BG)
    fig = base_layout(fig, f"Where the final {total:,} samples land", "mode",
                      "high-quality samples", height=360)
    fig.update_layout(showlegend=False)
    return fig


def _curve_per_loss(histories: Mapping[str, Mapping[str, np.ndarray]],
                    values: Callable[[Mapping[str, np.ndarray]], np.ndarray]) -> go.Figure:
    """One line per loss of ``values(history)`` against the generator step."""
    return go.Figure([
        go.Scatter(x=h["step"], y=values(h), name=LOSS_NAMES[loss],
                   line={"color": LOSS_COLORS[loss], "width": 2.5})
        for loss, h in histories.items()])


@shared
def gradient_norms(histories: Mapping[str, Mapping[str, np.ndarray]]) -> go.Figure:
    """G's gradient norm over training for each loss (log scale): the vanishing gradient."""
    # a log axis has no 0: an exactly vanished gradient sits at the floor 1e-12
    fig = _curve_per_loss(histories, lambda h: np.maximum(h["g_grad_norm"], 1e-12))
    fig = base_layout(fig, "The generator's gradient ‖∇_θ loss‖", "generator step",
                      "gradient norm (log scale)", height=400)
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


@shared
def distance_to_data(histories: Mapping[str, Mapping[str, np.ndarray]]) -> go.Figure:
    """Mean distance from the generated samples to the nearest data point, per loss."""
    fig = _curve_per_loss(histories, lambda h: h["data_distance"])
    return base_layout(fig, "How far the samples are from the data", "generator step",
                       "mean distance to nearest data point", height=400)


@shared
def outcome_histogram(modes_covered: np.ndarray, n_modes: int, label: str) -> go.Figure:
    """How many seeds end with each number of modes covered."""
    counts = np.bincount(np.asarray(modes_covered, dtype=int), minlength=n_modes + 1)
    fig = go.Figure(go.Bar(x=np.arange(n_modes + 1), y=counts, marker={"color": FAKE}))
    fig = base_layout(fig, f"{label}: modes covered at the end, over {len(modes_covered)} "
                      "seeds", "modes covered", "seeds", height=380)
    fig.update_xaxes(dtick=1)
    fig.update_layout(showlegend=False)
    return fig


@shared
def phase_diagram(lr_d: np.ndarray, lr_g: np.ndarray, mean_modes: np.ndarray, n_modes: int
                  ) -> go.Figure:
    """Mean modes covered over seeds for each (lr_D, lr_G) cell."""
    labels_d = [f"{v:g}" for v in lr_d]
    labels_g = [f"{v:g}" for v in lr_g]
    fig = go.Figure(go.Heatmap(
        x=labels_g, y=labels_d, z=mean_modes, zmin=0, zmax=n_modes, colorscale="Viridis",
        text=np.round(mean_modes, 1), texttemplate="%{text}",
        colorbar={"title": {"text": "modes"}},
        hovertemplate="lr_D = %{y}, lr_G = %{x}<br>%{z:.1f} modes<extra></extra>"))
    fig = base_layout(fig, "Learning-rate sensitivity: mean modes covered",
                      "generator's learning rate lr_G", "discriminator's learning rate lr_D",
                      height=460)
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig
