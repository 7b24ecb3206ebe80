"""The optimal discriminator D* for the current generator, on the GAN lab's 2-D data.

Goodfellow et al. (2014), Proposition 1 (the paper, not the lecture's slides): for a fixed G
the D that maximises V(D, G) is

    D*_G(x) = p_data(x) / (p_data(x) + p_g(x)).

With one-sided label smoothing s (Salimans et al. 2016, "Improved techniques for training
GANs"; a ganhacks trick) D's target on real data is 1 - s, and the same pointwise argument
gives D*(x) = (1 - s) p_data(x) / (p_data(x) + p_g(x)).

p_g has no formula: it is estimated from G's samples with a Gaussian kernel density. p_data is
smoothed with the same kernel (exactly for the Gaussian mixtures, from a sample for the
curves), so that a G that matches the data gives D* = (1 - s)/2, not a ratio of a sharp
density to a blurred one. Instance noise of std sigma_n is a second Gaussian blur of both
inputs of D, so it adds sigma_n^2 to the kernel's variance: D chases the D* of the noisy
densities.
"""

from __future__ import annotations

import math

import numpy as np

from core import toy2d

# About one cell of the GAN film's 40 x 40 grid over [-3, 3]^2: finer detail cannot show on
# the map, and with 2,500 samples a narrower kernel would draw single samples as spots.
BANDWIDTH = 0.15
DATA_POINTS = 2_500         # the curves' p_data sample: as many points as G's final samples
DATA_SEED = 0
# Where (p_data + p_g)/2 is below this (per unit area) neither distribution puts mass and
# D* = 0/0 is undefined: V(D, G) does not depend on D there.
MIN_DENSITY = 1e-3


def log_kde(x: np.ndarray, points: np.ndarray, bandwidth: float) -> np.ndarray:
    """log (1/N) sum_i N(x; points_i, bandwidth^2 I): x (n, d), points (N, d) -> (n,)."""
    x = np.asarray(x, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64)
    d = x.shape[1]
    sq = ((x[:, None, :] - points[None]) ** 2).sum(-1) / (2 * bandwidth**2)   # (n, N)
    # log-sum-exp: far from every point each exp underflows, the log density does not
    low = sq.min(1)
    log_sum = -low + np.log(np.exp(low[:, None] - sq).sum(1))
    return log_sum - math.log(len(points)) - 0.5 * d * math.log(2 * math.pi * bandwidth**2)


def log_data_density(name: str, x: np.ndarray, bandwidth: float) -> np.ndarray:
    """log of p_data smoothed by N(0, bandwidth^2 I) at x (n, 2) -> (n,).

    Mixtures: exact, as N(c_k, std^2) convolved with N(0, h^2) is N(c_k, (std^2 + h^2) I)
    and the modes are equally likely. Curves: a kernel density of DATA_POINTS points."""
    centres = toy2d.mode_centres(name)
    if centres is not None:
        return log_kde(x, centres, math.sqrt(toy2d.mode_std(name) ** 2 + bandwidth**2))
    return log_kde(x, toy2d.sample(name, DATA_POINTS, DATA_SEED), bandwidth)


def d_star(log_p_data: np.ndarray, log_p_g: np.ndarray, smoothing: float = 0.0) -> np.ndarray:
    """D*(x) = (1 - s) p_data / (p_data + p_g) from log densities of any (equal) shape."""
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing={smoothing!r} is not allowed: use 0 <= s < 1.")
    # the logistic of the log ratio: no 0/0 where both densities underflow
    return (1 - smoothing) / (1 + np.exp(np.clip(log_p_g - log_p_data, -700, 700)))


def d_star_map(data: str, samples: np.ndarray, axis: np.ndarray, smoothing: float = 0.0,
               instance_noise: float = 0.0, bandwidth: float = BANDWIDTH) -> np.ndarray:
    """D* on the grid axis x axis for the G that drew ``samples`` (n, 2): (g, g), row i at
    y = axis[i] and column j at x = axis[j] (as GANResult.film_d); NaN where neither p_data
    nor p_g has mass (below MIN_DENSITY)."""
    if instance_noise < 0:
        raise ValueError(f"instance_noise={instance_noise!r} is not allowed: use >= 0.")
    h = math.sqrt(bandwidth**2 + instance_noise**2)
    gx, gy = np.meshgrid(axis, axis, indexing="xy")
    grid = np.stack([gx, gy], -1).reshape(-1, 2)                          # (g*g, 2)
    lp_data, lp_g = log_data_density(data, grid, h), log_kde(grid, samples, h)
    D = d_star(lp_data, lp_g, smoothing)
    mass = 0.5 * (np.exp(lp_data) + np.exp(lp_g))
    return np.where(mass >= MIN_DENSITY, D, np.nan).reshape(len(axis), len(axis))
