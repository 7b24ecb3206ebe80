"""Shared look of every chart: big type for a projector, the same colours everywhere."""

from __future__ import annotations

import plotly.graph_objects as go

# One colour per model family, kept across pages: generative warm, discriminative cool.
COLORS = {"nb": "#d62728", "lr": "#1f77b4", "class0": "#ff7f0e", "class1": "#2ca02c",
          "neutral": "#7f7f7f"}


def base_layout(fig: go.Figure, title: str, x_title: str, y_title: str,
                height: int = 460) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        font={"size": 15}, height=height, template="plotly_white",
        margin={"l": 70, "r": 20, "t": 80, "b": 40},
        # below the plot, under the axis title, so it never covers a title or the data
        legend={"orientation": "h", "yanchor": "top", "y": -0.28, "xanchor": "left", "x": 0},
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def log_ticks(lo: float, hi: float) -> list[int]:
    """Readable tick values for a log axis of counts: 1, 2, 5, 10, 20, 50, ..."""
    ticks, decade = [], 1
    while decade <= hi * 10:
        ticks += [t * decade for t in (1, 2, 5) if lo * 0.9 <= t * decade <= hi * 1.1]
        decade *= 10
    return ticks
