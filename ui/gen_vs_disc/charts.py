"""Figures of the generative-vs-discriminative panel. Pure: results in, plotly figures out, each
built once per input and shared by the sessions (ui.shared_figures)."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.gen_vs_disc.curves import LearningCurves
from core.gen_vs_disc.two_features import TwoFeatureView
from ui.charts import COLORS, base_layout, log_ticks, rgba
from ui.shared_figures import shared

NAMES = {"nb": "naive Bayes (generative)", "lr": "logistic regression (discriminative)"}


def _text(name: str) -> str:
    """A name from a CSV in plotly's text, which reads <b>, <a href> and &entities;: as is."""
    return html.escape(str(name), quote=False)


@shared
def learning_curves(result: LearningCurves, y_top: float | None = None) -> go.Figure:
    """Mean test error against m on a log axis, a 10-90 % band over splits, m* marked.
    ``y_top``: the error axis's top, fixed to share it with another run's curves."""
    fig = go.Figure()
    m = result.sizes
    for model in ("nb", "lr"):
        err = result.nb_err if model == "nb" else result.lr_err
        color = COLORS[model]
        q10, q90 = result.quantile(model, 0.1), result.quantile(model, 0.9)
        fig.add_trace(go.Scatter(
            x=np.r_[m, m[::-1]], y=np.r_[q90, q10[::-1]], fill="toself",
            fillcolor=rgba(color, 0.12), line={"width": 0}, hoverinfo="skip",
            name=f"{model.upper()} 10-90 % of splits", showlegend=False))
        fig.add_trace(go.Scatter(
            x=m, y=err.mean(0), mode="lines+markers", name=NAMES[model],
            line={"color": color, "width": 3, "dash": "solid" if model == "nb" else "dot"},
            hovertemplate="m = %{x}<br>mean test error = %{y:.3f}<extra>" + model.upper()
            + "</extra>"))
    if result.m_star is not None:
        # a trace, not add_vline: shapes on a log axis take log10 positions
        top = float(max(result.quantile("nb", 0.9).max(), result.quantile("lr", 0.9).max()))
        fig.add_trace(go.Scatter(
            x=[result.m_star, result.m_star], y=[0, top], mode="lines+text",
            line={"color": COLORS["neutral"], "dash": "dash", "width": 2},
            text=["", f"  m* = {result.m_star}"], textposition="top right",
            name="crossover m*", hoverinfo="skip"))
    fig = base_layout(fig, "Test error vs training-set size m<br><sup>"
                      f"{_text(result.description)}; bands: 10-90 % of splits</sup>",
                      "training-set size m (examples, log scale)",
                      "test error (fraction misclassified)")
    fig.update_xaxes(type="log", tickvals=log_ticks(m[0], m[-1]))
    fig.update_yaxes(rangemode="tozero", range=None if y_top is None else [0, y_top])
    return fig


@shared
def error_gap(result: LearningCurves) -> go.Figure:
    """LR error minus NB error per m, with +-2 standard errors over the paired splits."""
    diff = result.lr_err - result.nb_err
    mean = diff.mean(0)
    se = diff.std(0, ddof=1) / np.sqrt(diff.shape[0])
    m = result.sizes
    fig = go.Figure([
        go.Scatter(x=np.r_[m, m[::-1]], y=np.r_[mean + 2 * se, (mean - 2 * se)[::-1]],
                   fill="toself", fillcolor=rgba(COLORS["neutral"], 0.2), line={"width": 0},
                   hoverinfo="skip", name="±2 standard errors (split-to-split noise)"),
        go.Scatter(x=m, y=mean, mode="lines+markers", name="mean of LR − NB",
                   line={"color": "black", "width": 2},
                   hovertemplate="m = %{x}<br>LR − NB = %{y:+.4f}<extra></extra>"),
    ])
    fig.add_hline(y=0, line={"color": COLORS["neutral"]})
    fig = base_layout(fig, "Who is ahead?<br><sup>above 0: naive Bayes; below 0: logistic "
                      "regression</sup>", "training-set size m (examples, log scale)",
                      "LR error − NB error", height=400)
    fig.update_xaxes(type="log", tickvals=log_ticks(m[0], m[-1]))
    return fig


def _ellipse(mu: np.ndarray, var: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    angle = np.linspace(0, 2 * np.pi, 60)
    return mu[0] + k * np.sqrt(var[0]) * np.cos(angle), mu[1] + k * np.sqrt(var[1]) * np.sin(angle)


@shared
def decision_boundaries(view: TwoFeatureView) -> go.Figure:
    """P(Y=1|x) of both models side by side; NB's class Gaussians and samples from P(x|y)."""
    fig = make_subplots(1, 2, shared_yaxes=True, horizontal_spacing=0.06, subplot_titles=(
        "Naive Bayes: P(Y=1|x) from P(x|y)P(y), and new points sampled from P(x|y)",
        "Logistic regression: P(Y=1|x) = σ(θᵀx), nothing to sample from"))
    for col, prob in ((1, view.nb_prob), (2, view.lr_prob)):
        fig.add_trace(go.Contour(
            x=view.grid_x, y=view.grid_y, z=prob, zmin=0, zmax=1, colorscale=[
                [0, COLORS["class0"]], [0.5, "white"], [1, COLORS["class1"]]],
            contours={"start": 0, "end": 1, "size": 0.1}, opacity=0.4, line={"width": 0.5},
            showscale=col == 2, colorbar={"title": {"text": "P(Y=1|x)"}},
            hovertemplate="P(Y=1|x) = %{z:.2f}<extra></extra>"), 1, col)
        for c in (0, 1):
            rows = view.y == c
            fig.add_trace(go.Scatter(
                x=view.X[rows, 0], y=view.X[rows, 1], mode="markers",
                marker={"color": COLORS[f"class{c}"], "size": 7,
                        "line": {"color": "black", "width": 0.6}},
                name=f"data: {_text(view.class_names[c])}", legendgroup=f"data{c}",
                showlegend=col == 1), 1, col)
    # pooled NB draws both classes' ellipses with the same radii, unlike the lecture's sigma_jk
    sigma = "σⱼ (shared by both classes)" if view.nb_variance == "pooled" else "σⱼₖ"
    for c in (0, 1):
        color = COLORS[f"class{c}"]
        for k in (1, 2):
            ex, ey = _ellipse(view.nb_mu[c], view.nb_var[c], k)
            fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip",
                                     line={"color": color, "width": 2, "dash": "dot"},
                                     name=f"NB's Gaussian P(x|y={_text(view.class_names[c])}), "
                                     f"1σ and 2σ with σ = {sigma}",
                                     legendgroup=f"gauss{c}", showlegend=k == 1), 1, 1)
        rows = view.sample_y == c
        fig.add_trace(go.Scatter(
            x=view.samples[rows, 0], y=view.samples[rows, 1], mode="markers",
            marker={"symbol": "x", "color": color, "size": 9,
                    "line": {"color": "black", "width": 1}},
            name=f"sampled from NB: {_text(view.class_names[c])}", legendgroup=f"sample{c}"), 1, 1)
    fig = base_layout(fig, "", "", "", height=520)
    fig.update_xaxes(title_text=f"{_text(view.feature_names[0])} (standardised)")
    fig.update_yaxes(title_text=f"{_text(view.feature_names[1])} (standardised)", col=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.18, "x": 0, "xanchor": "left",
                              "yanchor": "top"}, margin={"t": 40, "b": 140})
    fig.update_annotations(font_size=14)
    return fig
