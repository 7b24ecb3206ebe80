"""Seeded 2-D data sets for the GAN and diffusion labs, and the mode metrics of PacGAN/VEEGAN.

Two of the sets are Gaussian mixtures with known modes, the standard test of mode collapse:
"ring" (8 Gaussians on a circle of radius 2) and "grid" (25 Gaussians on a 5 x 5 grid), both
with std 0.02. The others ("moons", "swissroll", "spiral") are curves with noise, scaled to
about [-2.5, 2.5]^2, so one plotting range (``EXTENT``) and one set of learning rates fit all.

Mode metrics (Srivastava et al. 2017, VEEGAN; Lin et al. 2018, PacGAN): a sample is *high
quality* when it lies within 3 standard deviations of a mode; a mode is *covered* when at
least 1 % of the samples are high-quality samples of it.
"""

from __future__ import annotations

import numpy as np

SETS = ("ring", "grid", "moons", "swissroll", "spiral")
MIXTURES = ("ring", "grid")
EXTENT = 3.0                  # every set lies inside [-EXTENT, EXTENT]^2: the plotting range
RING_RADIUS = 2.0
GRID_SPACING = 1.0            # 5 x 5 modes at -2, -1, 0, 1, 2: the same scale as the ring
MODE_STD = 0.02
HQ_STDS = 3.0                 # "within 3 standard deviations of a mode"
COVER_SHARE = 0.01            # "at least 1 % of the samples"


def _check(name: str) -> None:
    if name not in SETS:
        raise ValueError(f"data={name!r} is not allowed: use one of {', '.join(SETS)}.")


def mode_centres(name: str) -> np.ndarray | None:
    """The K mixture means, (K, 2) float64, or None for the sets that are not mixtures."""
    _check(name)
    if name == "ring":
        angle = 2 * np.pi * np.arange(8) / 8
        return RING_RADIUS * np.stack([np.cos(angle), np.sin(angle)], 1)
    if name == "grid":
        axis = GRID_SPACING * (np.arange(5) - 2.0)
        return np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)
    return None


def mode_std(name: str) -> float | None:
    """The mixture components' standard deviation (None for the curves)."""
    return MODE_STD if mode_centres(name) is not None else None


def _curve(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if name == "moons":
        t = np.pi * rng.random(n)
        upper = rng.random(n) < 0.5
        x = np.where(upper, np.cos(t), 1 - np.cos(t))
        y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
        points = np.stack([x - 0.5, y - 0.25], 1) * 1.8   # centred, about [-2.7, 2.7] x [-1.4, 1.4]
        return points + 0.05 * rng.standard_normal((n, 2))
    if name == "swissroll":
        t = 1.5 * np.pi * (1 + 2 * rng.random(n))          # sklearn's make_swiss_roll angle
        points = np.stack([t * np.cos(t), t * np.sin(t)], 1) / 14.0 * 2.3
        return points + 0.05 * rng.standard_normal((n, 2))
    # spiral: two interleaved arms, radius growing linearly with the angle
    t = np.sqrt(rng.random(n)) * 3 * np.pi
    arm = np.where(rng.random(n) < 0.5, 1.0, -1.0)[:, None]
    points = arm * np.stack([t * np.cos(t), t * np.sin(t)], 1) / (3 * np.pi) * 2.4
    return points + 0.04 * rng.standard_normal((n, 2))


def sample(name: str, n: int, seed: int) -> np.ndarray:
    """n points of the set, (n, 2) float32; the same seed gives the same points."""
    _check(name)
    rng = np.random.default_rng(seed)
    centres = mode_centres(name)
    if centres is None:
        points = _curve(name, n, rng)
    else:
        which = rng.integers(len(centres), size=n)
        points = centres[which] + MODE_STD * rng.standard_normal((n, 2))
    return points.astype(np.float32)


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
    return int((mode_counts(x, centres, std) >= COVER_SHARE * len(x)).sum())


def hq_fraction(x: np.ndarray, centres: np.ndarray, std: float) -> float:
    """Share of the samples within HQ_STDS standard deviations of some mode."""
    return float((nearest_mode(x, centres, std) >= 0).mean()) if len(x) else 0.0
