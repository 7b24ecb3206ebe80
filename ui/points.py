"""Your own 2-D data on the GAN, diffusion and compare pages: paint regions on a canvas, or
upload a two-column CSV. The points live in the session until they are enough to train on;
then they are kept under their hash (core.points) and the page's config names them. Separate
regions are the modes the metrics count (core.points.modes).

The canvas is a plotly chart of an invisible grid: a lasso or a box over it selects grid
points, and those become data (as in GAN Lab, where a person draws the distribution).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core import points, toy2d
from ui import shared_figures
from ui.charts import base_layout

GRID = 49                        # canvas points per axis, over [-2.8, 2.8]
SPOT = 0.1                       # a single click adds a small spot of points around it
OPTION, LABEL = "points", "Your own points (draw or upload)"


def _grid() -> np.ndarray:
    axis = np.linspace(-2.8, 2.8, GRID)
    return np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)


def _canvas(drawn: np.ndarray) -> go.Figure:
    grid = _grid()
    fig = go.Figure([
        go.Scatter(x=grid[:, 0], y=grid[:, 1], mode="markers", name="canvas",
                   marker={"size": 9, "opacity": 0.0}, hoverinfo="none", showlegend=False),
        go.Scatter(x=drawn[:, 0] if len(drawn) else [], y=drawn[:, 1] if len(drawn) else [],
                   mode="markers", name=f"your points ({len(drawn)})",
                   marker={"size": 6, "color": "#1f77b4"}, hoverinfo="skip"),
    ])
    fig = base_layout(fig, "Your data: draw round a region; each loop adds points<br><sup>"
                      "the lasso, or the box from the toolbar; a click adds a spot</sup>",
                      "x₁", "x₂", height=520)
    fig.update_xaxes(range=[-toy2d.EXTENT, toy2d.EXTENT])
    fig.update_yaxes(range=[-toy2d.EXTENT, toy2d.EXTENT], scaleanchor="x")
    fig.update_layout(dragmode="lasso")
    return fig


def canvas(page: str) -> str | None:
    """The drawing canvas and the CSV upload; the name of the set to train on (``points:...``),
    or None (with a sentence) while there are too few points."""
    state, round_key = f"{page}.drawn", f"{page}.canvas_round"
    drawn = st.session_state.setdefault(state, np.zeros((0, 2)))
    st.subheader("Your own data")
    left, right = st.columns([3, 2])
    with left:
        # a new key each time points are added: the chart comes back without a selection, so
        # the same lasso is not added twice
        event = st.plotly_chart(shared_figures.as_shown(_canvas(drawn)), on_select="rerun",
                                selection_mode=("lasso", "box", "points"),
                                key=f"{page}.canvas.{st.session_state.get(round_key, 0)}")
    picked = [(p["x"], p["y"]) for p in (event or {}).get("selection", {}).get("points", [])
              if p.get("curve_number", p.get("curveNumber", 0)) == 0]
    if picked:
        added = np.array(picked, dtype=np.float64)
        if len(added) == 1:   # a click: a small spot, so one click is already a mode
            rng = np.random.default_rng(len(drawn))
            added = added + SPOT * rng.standard_normal((12, 2))
        both = np.round(np.concatenate([drawn, added]), 3)
        _, first = np.unique(both, axis=0, return_index=True)
        # in drawing order, and none past the cap: a new loop never erases an old region
        st.session_state[state] = both[np.sort(first)][:points.MAX_POINTS]
        st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
        st.rerun()
    with right:
        st.markdown(f"**{len(drawn)} points** (at least {points.MIN_POINTS} to train).")
        st.caption("Draw several separate regions to make modes: will the GAN find them all?")
        if st.button("Clear the points", key=f"{page}.clear", disabled=not len(drawn)):
            st.session_state[state] = np.zeros((0, 2))
            st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
            st.rerun()
        upload = st.file_uploader("Or upload a CSV of points: two columns x, y (a header row "
                                  "is fine)", type=["csv"], key=f"{page}.points_csv")
        if upload is not None:
            raw = upload.getvalue()
            digest = hash(raw)
            try:
                read = points.from_csv(raw)
            except ValueError as err:
                st.error(f"{err}")
            else:
                st.success(f"Read {len(read)} points from the file, centred and scaled to fit "
                           "the plane; draw on the canvas to add more.")
                if st.session_state.get(f"{page}.csv_read") != digest:   # a new file: its points
                    st.session_state[f"{page}.csv_read"] = digest
                    st.session_state[state] = drawn = read
    if len(drawn) < points.MIN_POINTS:
        st.info(f"Draw or upload at least {points.MIN_POINTS} points, then the model trains on "
                "them.", icon=":material/draw:")
        return None
    if len(drawn) >= points.MAX_POINTS:
        st.caption(f"{points.MAX_POINTS} points is the most a set takes: clear some to draw "
                   "more.")
    try:
        return points.save(drawn)
    except ValueError as err:
        st.error(f"{err}")
    except OSError:
        st.error("The server could not keep these points for training (its disk is full or "
                 "read-only): tell whoever runs it, and try again later.")
    return None
