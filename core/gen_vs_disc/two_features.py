"""The 2-D view of panel 1: both models fitted on two features of all the data, what each
learned, and what only the generative one can do (sample new points from P(x | y))."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.gen_vs_disc import tabular
from core.gen_vs_disc.config import NgJordanConfig
from core.gen_vs_disc.data import load_data
from core.gen_vs_disc.logistic_regression import fit_lr_batched
from core.gen_vs_disc.naive_bayes import fit_nb


@dataclass(frozen=True)
class TwoFeatureView:
    """Both models fitted on two features of a data set (all rows).

    X: (n, 2), y: (n,); grid_x, grid_y: (G,); nb_prob, lr_prob: (G, G) P(Y=1|x) on the grid
    (rows follow grid_y); nb_prior: (2,) P(y); nb_mu, nb_var: (2 classes, 2 features);
    lr_theta: (3,) weights then intercept; samples: (2k, 2) drawn from
    NB's P(x | y) with sample_y their classes; nb_variance: the config's option, so the view
    can write sigma^2_j (pooled: nb_var's two rows are equal) or sigma^2_jk (per_class).
    """

    feature_names: tuple[str, str]
    class_names: tuple[str, str]
    X: np.ndarray
    y: np.ndarray
    grid_x: np.ndarray
    grid_y: np.ndarray
    nb_prob: np.ndarray
    lr_prob: np.ndarray
    nb_prior: np.ndarray
    nb_mu: np.ndarray
    nb_var: np.ndarray
    lr_theta: np.ndarray
    samples: np.ndarray
    sample_y: np.ndarray
    nb_variance: str = "pooled"


def informative_pair(data: tabular.Dataset) -> tuple[int, int]:
    """The two features whose class means differ most (in pooled standard deviations)."""
    nb = fit_nb(data.X, data.y, "pooled")
    score = np.abs(nb.mu_[1] - nb.mu_[0]) / np.sqrt(nb.var_[0])
    first, second = np.argsort(-score)[:2]
    return int(first), int(second)


def two_feature_view(cfg: NgJordanConfig, features: tuple[int, int], grid: int = 60,
                     n_samples: int = 60) -> TwoFeatureView:
    data = load_data(cfg)
    i, j = features
    if not (0 <= i < data.X.shape[1] and 0 <= j < data.X.shape[1]) or i == j:
        raise ValueError(f"features {features} must be two different columns of "
                         f"{data.X.shape[1]}")
    X, y = data.X[:, [i, j]], data.y
    nb = fit_nb(X, y, cfg.nb_variance)
    Z = torch.as_tensor(np.c_[X, np.ones(len(y))])[None]
    theta = fit_lr_batched(Z, torch.as_tensor(y, dtype=torch.float64)[None],
                           torch.ones(1, len(y), dtype=torch.float64), 1.0 / cfg.C)[0].numpy()
    lo, hi = X.min(0) - 1.0, X.max(0) + 1.0
    gx, gy = np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid)
    mesh = np.stack(np.meshgrid(gx, gy), -1).reshape(-1, 2)           # (G*G, 2), x fastest
    nb_prob = 1 / (1 + np.exp(-np.clip(nb.log_odds(mesh), -50, 50)))
    lr_prob = 1 / (1 + np.exp(-np.clip(np.c_[mesh, np.ones(len(mesh))] @ theta, -50, 50)))
    samples, sample_y = nb.sample(n_samples, np.random.default_rng(cfg.seed))
    return TwoFeatureView(
        (data.feature_names[i], data.feature_names[j]), data.class_names, X, y, gx, gy,
        nb_prob.reshape(grid, grid), lr_prob.reshape(grid, grid), np.exp(nb.log_prior_),
        nb.mu_, nb.var_, theta,
        samples, sample_y, cfg.nb_variance)
