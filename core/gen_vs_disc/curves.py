"""Ng & Jordan (2001): naive Bayes vs logistic regression learning curves.

Lecture slides "Logistic Regression vs Naive Bayes" and "Discriminative vs Generative: A
Proposition": the generative classifier (naive Bayes, P(X, Y)) approaches its higher
asymptotic error with O(log d) examples, the discriminative one (logistic regression,
P(Y | X)) needs O(d) but ends lower.

Every fit of a curve is done at once: naive Bayes in closed form from prefix sums over the
nested training sets of all splits, logistic regression by batched Newton (IRLS) in float64
over all splits, warm-started from the previous training-set size.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from core.gen_vs_disc.config import NgJordanConfig
from core.gen_vs_disc.data import check_trainable, load_data, make_splits, training_sizes
from core.gen_vs_disc.logistic_regression import lr_test_errors
from core.gen_vs_disc.naive_bayes import nb_test_errors
from core.progress import ProgressFn, report
from core.results import StoredResult


@dataclass(frozen=True)
class LearningCurves(StoredResult):
    """Test error against training-set size, over many random splits.

    nb_err, lr_err: (n_splits, n_sizes). m_star: the crossover size, or None.
    """

    data_name: str
    description: str
    n_features: int
    n_pool: int
    n_test: int
    sizes: np.ndarray
    nb_err: np.ndarray
    lr_err: np.ndarray
    m_star: int | None
    seconds: float

    def quantile(self, model: str, q: float) -> np.ndarray:
        return np.quantile(self.nb_err if model == "nb" else self.lr_err, q, axis=0)

    def nb_lead(self) -> tuple[float, float]:
        """NB's lead at small m: mean over splits of (LR - NB error) averaged over the sizes
        before m* where NB is ahead on average, and its standard error (paired, over splits).
        (0, 0) when NB is never ahead."""
        diff = self.lr_err - self.nb_err                            # (S, K)
        stop = int(np.searchsorted(self.sizes, self.m_star)) if self.m_star else diff.shape[1]
        ahead = np.flatnonzero(diff[:, :stop].mean(0) > 0)
        if ahead.size == 0:
            return 0.0, 0.0
        per_split = diff[:, ahead].mean(1)
        return float(per_split.mean()), float(per_split.std(ddof=1) / np.sqrt(len(per_split)))

    def lr_lead_final(self) -> tuple[float, float]:
        """LR's lead (NB - LR error) at the largest m and its standard error over splits."""
        diff = self.nb_err[:, -1] - self.lr_err[:, -1]
        return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))

    def metrics(self) -> dict[str, float | None]:
        nb_lead, nb_lead_se = self.nb_lead()
        lr_lead, lr_lead_se = self.lr_lead_final()
        nb_final, lr_final = float(self.nb_err[:, -1].mean()), float(self.lr_err[:, -1].mean())
        return {
            "m_star": self.m_star,
            "crossover": float(self.m_star is not None),
            "nb_err_final": nb_final, "lr_err_final": lr_final,
            # LR's final error as a share of NB's ("ends at half NB's error": 0.5)
            "lr_nb_error_ratio": lr_final / nb_final if nb_final > 0 else None,
            "nb_lead": nb_lead, "nb_lead_se": nb_lead_se,
            # leads in standard errors of the paired split-to-split noise (2: beyond the noise)
            "nb_lead_z": _z(nb_lead, nb_lead_se),
            "lr_lead_final": lr_lead, "lr_lead_final_se": lr_lead_se,
            "lr_lead_final_z": _z(lr_lead, lr_lead_se),
        }

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "sizes": self.sizes,
            "nb_err_mean": self.nb_err.mean(0), "lr_err_mean": self.lr_err.mean(0),
            "nb_err_q10": self.quantile("nb", 0.1), "nb_err_q90": self.quantile("nb", 0.9),
            "lr_err_q10": self.quantile("lr", 0.1), "lr_err_q90": self.quantile("lr", 0.9),
        }


def _z(lead: float, se: float) -> float:
    """A lead in standard errors; a lead with no spread at all counts as far beyond it."""
    if se > 0:
        return lead / se
    return math.copysign(1e6, lead) if lead else 0.0


def crossover(sizes: np.ndarray, nb_mean: np.ndarray, lr_mean: np.ndarray) -> int | None:
    """m*: the smallest m from which LR's mean error stays below NB's, after NB was ahead."""
    below = lr_mean < nb_mean
    for k in range(1, len(sizes)):
        if below[k:].all() and (nb_mean[:k] < lr_mean[:k]).any():
            return int(sizes[k])
    return None


def learning_curves(cfg: NgJordanConfig, *, device=None, on_progress: ProgressFn | None = None
                    ) -> LearningCurves:
    start = time.perf_counter()
    data = load_data(cfg)
    check_trainable(data, cfg)
    report(on_progress, 0.05, "splitting")
    pool_idx, test_idx = make_splits(data.y, cfg.n_splits, cfg.test_fraction, cfg.seed)
    Xp, yp = data.X[pool_idx], data.y[pool_idx]                  # (S, N, d), (S, N)
    Xt, yt = data.X[test_idx], data.y[test_idx]                  # (S, T, d), (S, T)
    sizes = training_sizes(cfg.min_size, Xp.shape[1], cfg.n_sizes)

    nb_err = nb_test_errors(Xp, yp, Xt, yt, sizes, cfg.nb_variance)
    report(on_progress, 0.2, "naive Bayes done; logistic regression")
    lr_err = np.empty_like(nb_err)
    fits = lr_test_errors(Xp, yp, Xt, yt, sizes, cfg.C, device)
    for k, (m, errors) in enumerate(fits):
        lr_err[:, k] = errors
        report(on_progress, 0.2 + 0.8 * (k + 1) / len(sizes), f"logistic regression m={m}")

    return LearningCurves(
        data_name=data.name, description=data.description, n_features=data.X.shape[1],
        n_pool=Xp.shape[1], n_test=Xt.shape[1], sizes=sizes, nb_err=nb_err, lr_err=lr_err,
        m_star=crossover(sizes, nb_err.mean(0), lr_err.mean(0)),
        seconds=time.perf_counter() - start)
