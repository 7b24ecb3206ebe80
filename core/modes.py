"""The 2-D mode metrics of VEEGAN and PacGAN, for every model that samples the toy sets.

Srivastava et al. 2017 (VEEGAN), Lin et al. 2018 (PacGAN): a sample is *high quality* when it
lies within 3 standard deviations of a mode; a mode is *covered* when at least 1 % of the
samples are high-quality samples of it. The mixtures of ``core.toy2d`` ("ring", "grid") have
modes, and so do a person's drawn points (their separate regions, ``core.points.modes``); on
the curves the metrics of a data set are None and its counts are empty.

Two levels: the metrics of points against given ``centres`` and ``std``, and those of a
named data set (``mode_metrics``, ``counts_per_mode``), which is what a trainer reports.
The ``*_from_counts`` readers give the same numbers from counts already taken, so a trainer
that logs counts need not look at the points twice.
"""

from __future__ import annotations

import numpy as np

from core import points, toy2d

HQ_STDS = 3.0                 # "within 3 standard deviations of a mode"
COVER_SHARE = 0.01            # "at least 1 % of the samples"


# ---------------------------------------------------------------- points against given modes

def nearest_mode(x: np.ndarray, centres: np.ndarray, std: float) -> np.ndarray:
    """For each point of x (n, 2): the index of its nearest mode when it lies within
    HQ_STDS * std of it (a high-quality sample), else -1. (n,) int."""
    d2 = ((np.asarray(x, dtype=np.float64)[:, None, :] - centres[None]) ** 2).sum(-1)
    nearest = d2.argmin(1)
    close = d2[np.arange(len(x)), nearest] <= (HQ_STDS * std) ** 2
    return np.where(close, nearest, -1)


def mode_counts(x: np.ndarray, centres: np.ndarray, std: float) -> np.ndarray:
    """How many high-quality samples each mode holds: (K,) int."""
    which = nearest_mode(x, centres, std)
    return np.bincount(which[which >= 0], minlength=len(centres))


def modes_covered(x: np.ndarray, centres: np.ndarray, std: float) -> int:
    """Modes that hold at least COVER_SHARE of the samples as high-quality samples."""
    return int(covered_from_counts(mode_counts(x, centres, std), len(x)))


def hq_fraction(x: np.ndarray, centres: np.ndarray, std: float) -> float:
    """Share of the samples within HQ_STDS standard deviations of some mode."""
    return float((nearest_mode(x, centres, std) >= 0).mean()) if len(x) else 0.0


# ---------------------------------------------------------------- from counts already taken

def covered_from_counts(counts: np.ndarray, n_samples: int) -> np.ndarray:
    """Modes covered from high-quality counts per mode (..., K) of n_samples points: (...) int.

    Works on one run's counts (K,), an ensemble's (E, K) or a history (n_logs, K) alike."""
    return (np.asarray(counts) >= COVER_SHARE * n_samples).sum(-1)


def hq_from_counts(counts: np.ndarray, n_samples: int) -> np.ndarray:
    """High-quality share from counts per mode (..., K) of n_samples points: (...) float."""
    return np.asarray(counts).sum(-1) / n_samples


# ---------------------------------------------------------------- a named data set

def of(data: str) -> tuple[np.ndarray, float] | None:
    """The modes the metrics count on the data set ``data``, ``(centres (K, 2), std)``: a
    mixture's components, a drawn set's separate regions (``core.points.modes``), or None
    for a curve."""
    if points.is_points(data):
        return points.modes(data)
    centres = toy2d.mode_centres(data)
    return None if centres is None else (centres, toy2d.mode_std(data))


def count(data: str) -> int:
    """How many modes the metrics count on ``data`` (0: none, a curve)."""
    found = of(data)
    return 0 if found is None else len(found[0])


def counts_per_mode(samples: np.ndarray, data: str) -> np.ndarray:
    """High-quality samples per mode of the data set ``data``: (K,) int, (0,) for a curve."""
    found = of(data)
    if found is None:
        return np.zeros(0, dtype=np.int64)
    return mode_counts(samples, *found)


def mode_metrics(samples: np.ndarray, data: str) -> dict[str, float | None]:
    """``modes_covered`` and ``hq_fraction`` of samples (n, 2) of the data set ``data``, as a
    run reports them: floats where it has modes, None for a curve."""
    found = of(data)
    if found is None:
        return {"modes_covered": None, "hq_fraction": None}
    centres, std = found
    return {"modes_covered": float(modes_covered(samples, centres, std)),
            "hq_fraction": hq_fraction(samples, centres, std)}
