"""The data a learning curve reads: the data set a config names, whether a curve can use it,
and the random splits into a test set and a training pool whose prefixes are the nested
training sets of growing size m."""

from __future__ import annotations

import numpy as np

from core.gen_vs_disc import tabular
from core.gen_vs_disc.config import NgJordanConfig

# All splits are held at once: (splits x pool x features) float64 arrays, a few of them, and
# (splits x features^2) Hessians. These bounds keep a run within a few hundred MB.
MAX_ELEMENTS = 30_000_000
MAX_FEATURES = 200


def load_data(cfg: NgJordanConfig) -> tabular.Dataset:
    if cfg.data == "wine":
        return tabular.wine()
    if cfg.data == "breast_cancer":
        return tabular.breast_cancer()
    if cfg.data == "iris":
        return tabular.iris()
    if cfg.data == "digits":
        return tabular.digits(cfg.digit_a, cfg.digit_b)
    if cfg.data in ("nb_holds", "correlated"):
        rho = 0.0 if cfg.data == "nb_holds" else cfg.rho
        return tabular.gaussian_classes(cfg.n_samples, cfg.n_features, cfg.separation, rho,
                                        cfg.seed)
    return tabular.from_csv(cfg.data, cfg.label, cfg.classes)


def check_trainable(data: tabular.Dataset, cfg: NgJordanConfig) -> None:
    """Refuse, with a sentence, data a learning curve cannot use or this server cannot hold."""
    counts = np.bincount(data.y, minlength=2)
    if counts.min() < 4 or len(data.y) < 12:
        raise tabular.DataError(
            f"{data.name} has {counts[0]} and {counts[1]} examples of its two classes; a "
            "learning curve needs at least 4 of each and 12 in all.")
    n, d = data.X.shape
    if d > MAX_FEATURES:
        raise tabular.DataError(f"{data.name} has {d} features; this lab handles at most "
                                f"{MAX_FEATURES}. Keep the most useful columns.")
    pool = int(n * (1 - cfg.test_fraction))
    if cfg.n_splits * pool * (d + 1) > MAX_ELEMENTS:
        most = max(1, MAX_ELEMENTS // (pool * (d + 1)))
        raise tabular.DataError(
            f"{cfg.n_splits} splits of {pool} training points with {d} features are too much "
            f"for this server to hold at once; use at most {most} splits, or fewer rows.")


def training_sizes(min_size: int, n_pool: int, n_sizes: int) -> np.ndarray:
    """About n_sizes log-spaced sizes from min_size to the whole pool, distinct integers."""
    lo = min(min_size, n_pool)
    return np.unique(np.round(np.geomspace(lo, n_pool, n_sizes)).astype(np.int64))


def stratified_order(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the pool whose every prefix keeps the class proportions.

    The first two points are one of each class, so even the smallest training set has both.
    """
    key = np.empty(len(y))
    for c in (0, 1):
        idx = np.flatnonzero(y == c)
        key[rng.permutation(idx)] = (np.arange(len(idx)) + 0.5) / len(idx)
        key[idx[np.argmin(key[idx])]] = -1.0
    return np.lexsort((rng.random(len(y)), key))


def make_splits(y: np.ndarray, n_splits: int, test_fraction: float, seed: int):
    """Per split: a stratified test set and the pool in stratified order. (S, N), (S, T).

    Each class gives round(test_fraction * its count) points to the test set, so every split
    has the same test size and class balance.
    """
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(y == c) for c in (0, 1)]
    n_test = [int(round(test_fraction * len(idx))) for idx in members]
    pools, tests = [], []
    for _ in range(n_splits):
        shuffled = [rng.permutation(idx) for idx in members]
        tests.append(np.concatenate([s[:k] for s, k in zip(shuffled, n_test, strict=True)]))
        pool = np.concatenate([s[k:] for s, k in zip(shuffled, n_test, strict=True)])
        pools.append(pool[stratified_order(y[pool], rng)])
    return np.stack(pools), np.stack(tests)
