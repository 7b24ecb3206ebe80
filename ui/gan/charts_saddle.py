"""Figures of the saddle-point panel. Pure: trajectories in, plotly figures out, each built once
per input and shared by the sessions (ui.shared_figures).

``paths`` maps a method of core.gan.saddle.METHODS (or any other label) to its (steps + 1, 2)
trajectory, all sampled per step (the flow at t = k eta, as ``saddle.run("continuous", ...)``
gives it). NaN rows (a diverged trajectory, cut at saddle.ESCAPE) are left out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.gan.saddle import ETA_MAX, radius, spectral_radius
from ui.charts import COLORS, base_layout
from ui.shared_figures import shared

NAMES = {"simultaneous": "simultaneous GDA", "alternating": "alternating GDA",
         "extragradient": "extragradient", "continuous": "gradient flow (η → 0)"}
# (colour, dash): diverging warm, orbiting cool, converging green, the exact flow black
STYLES = {"simultaneous": (COLORS["nb"], "solid"), "alternating": (COLORS["lr"], "solid"),
          "extragradient": (COLORS["class1"], "solid"), "continuous": ("black", "dot")}
OTHER_STYLES = [(COLORS["class0"], "dash"), (COLORS["neutral"], "dashdot")]
# Frame of the plane: a path counts while it stays within this many start radii, so a spiral
# that runs away does not shrink the orbits to a dot; it goes on in the radius chart.
# (Alternating GDA's ellipse has semi-axis sqrt(Q / (1 - eta/2)): inside up to eta ~ 1.9.)
FRAME = 5.0


def label(name: str, eta: float | None) -> str:
    """Legend text: the method and what its update matrix does at this eta."""
    base = NAMES.get(name, name)
    if eta is None or name not in NAMES:
        return base
    if name == "continuous":
        return f"{base}: a circle"
    if name == "alternating":
        return f"{base}: " + ("a closed orbit" if eta < ETA_MAX else "the orbit opens (η = 2)")
    rho = spectral_radius(name, eta)
    if rho == 1.0:
        return f"{base}: a circle (radius ×1 a step)"
    return f"{base}: spirals {'out' if rho > 1 else 'in'}, radius ×{rho:.4g} a step"


def _style(name: str, i: int) -> tuple[str, str]:
    return STYLES.get(name, OTHER_STYLES[i % len(OTHER_STYLES)])


@shared
def trajectories(paths: dict[str, np.ndarray], eta: float) -> go.Figure:
    """The (x, y) plane over a heat map of V = x y: each path, its start and end, the
    saddle point at (0, 0); equal aspect so a circle looks like one. The flow ("continuous")
    is drawn as its orbit, the smooth circle through its start."""
    paths = {name: np.asarray(p, dtype=np.float64) for name, p in paths.items()}
    r_start = max((float(radius(p[:1])[0]) for p in paths.values()), default=0.0) or 1.0
    reach = [float(np.nanmax(np.abs(p))) for p in paths.values() if np.isfinite(p).any()]
    lim = 1.1 * max([r for r in reach if r <= FRAME * r_start] + [r_start])

    grid = np.linspace(-lim, lim, 121)
    fig = go.Figure(go.Contour(
        x=grid, y=grid, z=grid[None, :] * grid[:, None], colorscale="RdBu_r", zmid=0,
        opacity=0.45, ncontours=16, line={"width": 0.5, "color": "white"},
        colorbar={"title": {"text": "V = x y"}, "len": 0.8},
        hovertemplate="V(%{x:.2f}, %{y:.2f}) = %{z:.2f}<extra></extra>",
        name="V(x, y) = x y", showlegend=False))

    for i, (name, path) in enumerate(paths.items()):
        color, dash = _style(name, i)
        text = label(name, eta)
        keep = np.isfinite(path).all(1)
        steps = np.flatnonzero(keep)
        pts = path[keep]
        if name == "continuous" and len(pts):
            # sampled every eta the flow is a polygon of chords; its orbit is the circle
            angle = np.arctan2(pts[0, 1], pts[0, 0]) + np.linspace(0, 2 * np.pi, 181)
            pts = radius(pts[:1])[0] * np.c_[np.cos(angle), np.sin(angle)]
            steps = np.zeros(0, dtype=int)
        long_path = len(pts) > 100
        fig.add_trace(go.Scatter(
            x=pts[:, 0], y=pts[:, 1], customdata=steps, name=text, legendgroup=name,
            mode="lines+markers" if len(pts) <= 60 and name != "continuous" else "lines",
            line={"color": color, "width": 1.5 if long_path or name == "continuous" else 3,
                  "dash": dash},
            marker={"size": 5, "color": color},
            hoverinfo="skip" if name == "continuous" else None,
            hovertemplate="step %{customdata}<br>(x, y) = (%{x:.3f}, %{y:.3f})<extra>"
            + name + "</extra>"))
        if len(pts) > 2:
            # a few arrowheads along the path, pointing the way it goes
            idx = np.unique(np.linspace(1, len(pts) - 1, 8).round().astype(int))
            fig.add_trace(go.Scatter(
                x=pts[idx, 0], y=pts[idx, 1], mode="markers", hoverinfo="skip",
                marker={"symbol": "arrow", "angleref": "previous", "size": 13, "color": color},
                legendgroup=name, showlegend=False, name=text))
        if len(steps) > 1:
            fig.add_trace(go.Scatter(
                x=pts[-1:, 0], y=pts[-1:, 1], mode="markers", legendgroup=name,
                showlegend=False, name=text,
                marker={"symbol": "circle", "size": 11, "color": color,
                        "line": {"color": "black", "width": 1.5}},
                hovertemplate=f"{name} after step {steps[-1]}<br>"
                "(x, y) = (%{x:.3g}, %{y:.3g})<extra></extra>"))

    for x0, y0 in {tuple(p[0]) for p in paths.values() if np.isfinite(p[0]).all()}:
        fig.add_trace(go.Scatter(
            x=[x0], y=[y0], mode="markers", name=f"start ({x0:g}, {y0:g})",
            marker={"symbol": "star", "size": 16, "color": "gold",
                    "line": {"color": "black", "width": 1}},
            hovertemplate="start (%{x:g}, %{y:g})<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[0], y=[0], mode="markers", name="saddle point (0, 0): the equilibrium",
        marker={"symbol": "x-thin", "size": 16, "line": {"color": "black", "width": 3}},
        hovertemplate="saddle point (0, 0): V = 0, ∇V = 0<extra></extra>"))
    fig.add_annotation(x=0, y=0, text="saddle point (0, 0)", showarrow=True, arrowhead=0,
                       ax=60, ay=45, font={"size": 14, "color": "black"},
                       bgcolor="rgba(255,255,255,0.8)")

    left = [NAMES.get(n, n) for n, p in paths.items()
            if np.nanmax(np.abs(p), initial=0.0) > lim or np.isnan(p).any()]
    sub = ("x steps down V, y steps up V; background: V, blue below 0, red above" if not left
           else f"{' and '.join(left)} leave{'s' if len(left) == 1 else ''} the frame: "
           "see the radius per step")
    fig = base_layout(fig, f"Gradient descent-ascent on V(x, y) = x y, η = {eta:g}"
                      f"<br><sup>{sub}</sup>", "x (the minimiser, like G)",
                      "y (the maximiser, like D)", height=600)
    fig.update_xaxes(range=[-lim, lim], zeroline=False, constrain="domain")
    fig.update_yaxes(range=[-lim, lim], zeroline=False, scaleanchor="x", scaleratio=1,
                     constrain="domain")
    fig.update_layout(legend={"y": -0.16}, margin={"b": 150})
    return fig


@shared
def radius_curves(paths: dict[str, np.ndarray], eta: float | None = None) -> go.Figure:
    """Distance sqrt(x^2 + y^2) from the saddle point against the step, one line per path;
    a log axis when the radii span more than a factor 20, where a spiral is a straight line.
    With ``eta`` the legend gives each method's radius factor per step."""
    fig = go.Figure()
    radii = {name: radius(p) for name, p in paths.items()}
    for i, (name, r) in enumerate(radii.items()):
        color, dash = _style(name, i)
        fig.add_trace(go.Scatter(
            x=np.arange(len(r)), y=r, mode="lines", name=label(name, eta),
            line={"color": color, "width": 3 if name != "continuous" else 2, "dash": dash},
            hovertemplate="step %{x}<br>radius = %{y:.4g}<extra>" + name + "</extra>"))
    finite = np.concatenate([r[np.isfinite(r) & (r > 0)] for r in radii.values()] or [[]])
    log = finite.size > 0 and finite.max() > 20 * finite.min()
    fig = base_layout(fig, "Distance from the saddle point<br><sup>grows: diverges; flat: "
                      "orbits; falls: converges" + ("; log scale" if log else "") + "</sup>",
                      "step k", "radius √(x² + y²)", height=420)
    fig.update_yaxes(type="log" if log else "linear", rangemode="normal" if log else "tozero")
    return fig
