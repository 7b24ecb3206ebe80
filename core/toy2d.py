"""Seeded 2-D data sets for the GAN and diffusion labs (their mode metrics: ``core.modes``).

Two of the sets are Gaussian mixtures with known modes, the standard test of mode collapse:
"ring" (8 Gaussians on a circle of radius 2) and "grid" (25 Gaussians on a 5 x 5 grid), both
with std 0.02. The others ("moons", "swissroll", "spiral") are curves with noise, scaled to
about [-2.5, 2.5]^2, so one plotting range (``EXTENT``) and one set of learning rates fit all.
"""

from __future__ import annotations

import numpy as np

from core import points as drawn
from core.validation import shown

SETS = ("ring", "grid", "moons", "swissroll", "spiral")
MIXTURES = ("ring", "grid")
EXTENT = 3.0                  # every set lies inside [-EXTENT, EXTENT]^2: the plotting range
RING_RADIUS = 2.0
GRID_SPACING = 1.0            # 5 x 5 modes at -2, -1, 0, 1, 2: the same scale as the ring
MODE_STD = 0.02


def check(name: str) -> None:
    """One sentence (ValueError) unless ``name`` is a built-in set or a person's kept points
    (``points:<digest>``, core.points)."""
    if drawn.is_points(name):
        drawn.check(name)
    elif name not in SETS:
        raise ValueError(f"data={shown(name)} is not allowed: use one of {', '.join(SETS)}, "
                         "or points drawn on the page.")


def mode_centres(name: str) -> np.ndarray | None:
    """The K mixture means, (K, 2) float64, or None for the sets that are not mixtures (a
    person's points are a kernel density, not a mixture with known modes)."""
    check(name)
    if drawn.is_points(name):
        return None
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
    check(name)
    rng = np.random.default_rng(seed)
    centres = mode_centres(name)
    if drawn.is_points(name):
        return drawn.sample(name, n, rng).astype(np.float32)
    if centres is None:
        points = _curve(name, n, rng)
    else:
        which = rng.integers(len(centres), size=n)
        points = centres[which] + MODE_STD * rng.standard_normal((n, 2))
    return points.astype(np.float32)
