"""Shared look of every chart: big type for a projector, the same colours everywhere; and the
parts several panels draw: animation controls, arrows, image mosaics."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# One colour per model family, kept across pages: generative warm, discriminative cool.
COLORS = {"nb": "#d62728", "lr": "#1f77b4", "class0": "#ff7f0e", "class1": "#2ca02c",
          "neutral": "#7f7f7f"}
LABEL_BG = "rgba(255,255,255,0.85)"   # a label stays legible over the curve it names


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


def as_f32(a: np.ndarray) -> np.ndarray:
    """float32: plotly sends it as binary at half float64's size (films carry many frames)."""
    return np.asarray(a, dtype=np.float32)


# ---------------------------------------------------------------- animation controls

# An animation step: jump straight to the frame, no tweening between frames.
ANIMATE = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
           "transition": {"duration": 0}}


def play_controls(frame_names: list[str], active: int, prefix: str, duration: int = 80,
                  slider_pad: int = 40, buttons_pad: int = 50) -> dict:
    """Layout of a frame slider and play/pause buttons, all running in the browser, so
    scrubbing never reruns the script. ``duration``: milliseconds per frame while playing;
    the pads: pixels between the plot and the slider, and the buttons (left of it)."""
    return {
        "sliders": [{"active": active, "currentvalue": {"prefix": prefix, "xanchor": "right"},
                     "pad": {"t": slider_pad}, "x": 0.16, "len": 0.84,
                     "steps": [{"label": name, "method": "animate",
                                "args": [[name], ANIMATE]} for name in frame_names]}],
        "updatemenus": [{"type": "buttons", "direction": "left", "x": 0, "y": 0,
                         "yanchor": "top", "xanchor": "left",
                         "pad": {"t": buttons_pad, "r": 10}, "showactive": False, "buttons": [
                             {"label": "▶ play", "method": "animate", "args": [None, {
                                 **ANIMATE, "frame": {"duration": duration, "redraw": True},
                                 "fromcurrent": True}]},
                             {"label": "❚❚", "method": "animate",
                              "args": [[None], {**ANIMATE, "mode": "immediate"}]}]}],
    }


# ---------------------------------------------------------------- arrows

def cap_lengths(vectors: np.ndarray, longest: float) -> np.ndarray:
    """``vectors`` (n, 2) shortened to at most ``longest``: one outlier must not cross the
    whole plot."""
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors * np.minimum(1, longest / np.maximum(length, 1e-12))


def arrow_lines(points: np.ndarray, vectors: np.ndarray, heads: bool = False
                ) -> tuple[np.ndarray, np.ndarray]:
    """Arrows point -> point + vector as the x and y of one line trace (float32), NaN between
    arrows: plotly draws thousands of them as one trace, where an annotation each would be slow.
    With ``heads`` each arrow ends in a two-stroke head."""
    tips = points + vectors
    gap = np.full_like(points, np.nan)
    strokes = [points, tips, gap]
    if heads:
        length = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = vectors / np.maximum(length, 1e-12)
        normal = np.stack([-unit[:, 1], unit[:, 0]], 1)
        head = np.minimum(0.35 * length, 0.12)              # data units
        left = tips - head * unit + 0.6 * head * normal
        right = tips - head * unit - 0.6 * head * normal
        strokes += [left, tips, right, gap]
    path = np.stack(strokes, 1).reshape(-1, 2)
    return as_f32(path[:, 0]), as_f32(path[:, 1])


# ---------------------------------------------------------------- image mosaics

def tile_images(images: np.ndarray) -> np.ndarray:
    """(rows, cols, side, side) images in [0, 1] -> one (rows * (side + 1), cols * (side + 1))
    picture, ink dark, a 1-pixel white gap between images."""
    rows, cols, side, _ = images.shape
    pad = np.ones((rows, cols, side + 1, side + 1))
    pad[:, :, :side, :side] = 1 - images
    return pad.transpose(0, 2, 1, 3).reshape(rows * (side + 1), cols * (side + 1))


def picture_trace(picture: np.ndarray) -> go.Heatmap:
    """A tiled picture (``tile_images``) as a grey heat map: 0 black, 1 white."""
    return go.Heatmap(z=picture, colorscale="gray", zmin=0, zmax=1, showscale=False,
                      hoverinfo="skip")


def picture_figure(picture: np.ndarray, title: str, x_title: str = "", y_title: str = "",
                   height: int = 520) -> go.Figure:
    """A tiled picture alone, square pixels, row 0 on top, no ticks or grid."""
    fig = base_layout(go.Figure(picture_trace(picture)), title, x_title, y_title,
                      height=height)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed",
                     scaleanchor="x")
    return fig
