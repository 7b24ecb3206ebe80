"""Reading a run's histories: the scalar metrics its preset promises (core.presets).

Each reader takes one run's histories (1-D, or (n_logs, K) for mode counts), so an ensemble
member's rows (EnsembleResult.d_loss[e], ...) read the same way as a GANResult's.
"""

from __future__ import annotations

import numpy as np

from core.gan.config import equilibrium


def detrend(h: np.ndarray, window: int = 10) -> np.ndarray:
    """h minus its moving average over ``window`` points (edges padded): the swings alone."""
    h = np.asarray(h, dtype=float)
    padded = np.pad(h, (window // 2, window - 1 - window // 2), mode="edge")
    return h - np.convolve(padded, np.ones(window) / window, mode="valid")


def antiphase(d_loss: np.ndarray, g_loss: np.ndarray, window: int = 10) -> float:
    """Correlation of the detrended D and G losses: near -1 when one rises as the other falls."""
    return float(np.corrcoef(detrend(d_loss, window), detrend(g_loss, window))[0, 1])


def dominant_mode_changes(counts: np.ndarray, min_share: float = 0.5) -> int:
    """How often the mode that holds most of the high-quality samples changes, counting only
    the logs where it holds at least ``min_share`` of them (a balanced G never counts).
    counts: (n_logs, K)."""
    total = counts.sum(-1)
    held = counts.max(-1) >= min_share * np.maximum(total, 1)
    dominant = counts.argmax(-1)[held & (total > 0)]
    return int((dominant[1:] != dominant[:-1]).sum())


def modes_visited(counts: np.ndarray, min_share: float = 0.5) -> int:
    """How many different modes held most of the high-quality samples at some log (the logs
    ``dominant_mode_changes`` counts): a collapsed G flip-flops between few, a cycling G
    travels round many. counts: (n_logs, K)."""
    total = counts.sum(-1)
    held = (counts.max(-1) >= min_share * np.maximum(total, 1)) & (total > 0)
    return len(np.unique(counts.argmax(-1)[held]))


def second_half(h: np.ndarray) -> np.ndarray:
    """The second half of a history (its first axis): the game after the opening."""
    h = np.asarray(h)
    return h[len(h) // 2:]


def last_quarter(h: np.ndarray) -> float:
    """Mean over the last quarter of a history: where it ended up."""
    h = np.asarray(h, dtype=float)
    return float(h[3 * len(h) // 4:].mean())


def loss_swing(h: np.ndarray) -> float:
    """Std of the second half minus its straight-line fit: the swing seen on the chart,
    slow drift removed (unlike ``detrend``, which keeps only the fast wiggle)."""
    h = second_half(np.asarray(h, dtype=float))
    if len(h) < 3:
        return float("nan")
    t = np.arange(len(h))
    return float((h - np.polyval(np.polyfit(t, h, 1), t)).std())


def loss_offset(h: np.ndarray, star: float) -> float:
    """Median of the second half minus the equilibrium value: near 0 when the loss swings
    around its equilibrium line rather than beside it."""
    return float(np.median(second_half(np.asarray(h, dtype=float))) - star)


def distance_ratio(distance: np.ndarray) -> float:
    """Final over initial mean distance of the samples to the data (< 1: drawn onto it)."""
    distance = np.asarray(distance, dtype=float)
    return float(distance[-1] / max(distance[0], 1e-12))


def grad_decay(g_grad_norm: np.ndarray) -> float:
    """G's gradient norm over the last quarter relative to its first three logs."""
    g = np.asarray(g_grad_norm, dtype=float)
    return last_quarter(g) / max(float(g[:3].mean()), 1e-30)


def _json(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def history_metrics(d_loss: np.ndarray, g_loss: np.ndarray, d_real: np.ndarray,
                    d_fake: np.ndarray, g_grad_norm: np.ndarray, data_distance: np.ndarray,
                    mode_counts_history: np.ndarray, loss: str,
                    smoothing: float = 0.0) -> dict[str, float | None]:
    """The scalar readings of one run's histories (floats, None where undefined)."""
    star = equilibrium(loss, smoothing)
    d2, g2 = second_half(d_loss), second_half(g_loss)
    counts = np.asarray(mode_counts_history)
    has_modes = counts.ndim == 2 and counts.shape[-1] > 0 and len(counts) > 0
    with np.errstate(invalid="ignore", divide="ignore"):    # a flat loss: no correlation
        # corr. of D's and G's second-half losses, detrended (window 10): -1 = anti-phase
        phase = antiphase(d2, g2) if len(d2) > 2 else float("nan")
    return {k: _json(v) for k, v in {
        "antiphase": phase,
        # std of each second-half loss about its straight-line fit (see loss_swing)
        "d_loss_swing": loss_swing(d_loss),
        "g_loss_swing": loss_swing(g_loss),
        # second-half median minus the equilibrium line (2 log 2; G's own: log 2 for NS)
        "d_loss_offset": loss_offset(d_loss, star["d_loss"]),
        "g_loss_offset": loss_offset(g_loss, star["g_loss"]),
        # changes of the mode holding most samples over the second half (dominant_mode_changes)
        "mode_hops": (dominant_mode_changes(second_half(counts)) if has_modes
                      else float("nan")),
        # distinct modes that held most of the mass at some second-half log (modes_visited)
        "modes_visited": modes_visited(second_half(counts)) if has_modes else float("nan"),
        # last-quarter means of D(G(z)) and D(x)
        "d_fake_final": last_quarter(d_fake),
        "d_real_final": last_quarter(d_real),
        # their difference: > 0 when D rates the fakes above the data (a fooled D)
        "d_fake_minus_real": last_quarter(d_fake) - last_quarter(d_real),
        # G's gradient norm, last quarter / first three logs
        "g_grad_decay": grad_decay(g_grad_norm),
        # final / initial distance of the samples to the data
        "data_distance_ratio": distance_ratio(data_distance),
    }.items()}
