"""How the digit samples are judged: a classifier reads them (agreement with the prompt), and
their spread and edges are compared with real digits' (diversity, sharpness)."""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.spatial.distance import pdist

from core.images import image_set


@cache
def digit_classifier():
    """Logistic regression on the real training digits (pixels in [0, 1]), fitted once a
    process: the judge of the samples. Its test accuracy is the ceiling for agreement."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits  # ships with scikit-learn

    data = image_set("digits")
    with threadpool_limits(1):      # a small fit: BLAS threads only spin on a busy CPU
        return LogisticRegression(max_iter=3000).fit(data.X_train, data.y_train)


def classifier_test_accuracy() -> float:
    data = image_set("digits")
    return float((digit_classifier().predict(data.X_test) == data.y_test).mean())


def agreement(images: np.ndarray, prompts: np.ndarray) -> float:
    """Share of samples the classifier reads as their prompt."""
    return float((digit_classifier().predict(images.reshape(len(images), -1)) == prompts).mean())


def mean_pairwise_distance(x: np.ndarray) -> float:
    """Mean Euclidean distance over the n (n - 1) / 2 pairs of rows of x (n, d)."""
    return float(pdist(x).mean())


def diversity(images: np.ndarray, prompts: np.ndarray | None) -> float:
    """Mean pairwise distance of the samples of each prompt over that of the real training
    digits of that class, averaged over prompts (1: as varied as real digits, 0: one image).
    Without prompts: all samples over all real digits."""
    data = image_set("digits")
    x = images.reshape(len(images), -1)
    if prompts is None:
        real = data.X_train[np.random.default_rng(0).permutation(len(data.X_train))[:500]]
        return mean_pairwise_distance(x) / mean_pairwise_distance(real)
    return float(np.mean([mean_pairwise_distance(x[prompts == c])
                          / mean_pairwise_distance(data.X_train[data.y_train == c])
                          for c in np.unique(prompts)]))


def edge_strength(images: np.ndarray) -> float:
    """Mean |difference| of neighbouring pixels (rows and columns): low for a blurry image.
    images: (n, 8, 8) in [0, 1]."""
    return float((np.abs(np.diff(images, axis=1)).mean() + np.abs(np.diff(images, axis=2)).mean())
                 / 2)


def sharpness(images: np.ndarray) -> float:
    """Edge strength of the samples over that of the real test digits (1: as sharp as real
    digits; a blurry decode scores less)."""
    real = image_set("digits").X_test.reshape(-1, 8, 8)
    return edge_strength(images.reshape(-1, 8, 8)) / edge_strength(real)
