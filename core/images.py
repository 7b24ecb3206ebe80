"""Digit images for the latent-space explorer: pixels in [0, 1], a fixed seeded split.

``digits``: scikit-learn's bundled 8x8 digits (1,797 images). ``mnist``: 5,000 28x28 MNIST
digits shipped in assets/data (see its README for source and licence). No network.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "data"
IMAGE_SETS = ("digits", "mnist")
TEST_FRACTION = 0.2
SPLIT_SEED = 0  # one split for every model, so their test metrics compare


@dataclass(frozen=True)
class ImageSet:
    """X_*: (n, side * side) float32 in [0, 1]; y_*: (n,) digit labels."""

    name: str
    side: int
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@cache
def image_set(name: str) -> ImageSet:
    if name == "digits":
        from sklearn.datasets import load_digits

        bunch = load_digits()
        X, y, side = bunch.data / 16.0, bunch.target, 8
    elif name == "mnist":
        with np.load(ASSETS / "mnist_5k.npz", allow_pickle=False) as npz:
            X, y = npz["images"].reshape(len(npz["labels"]), -1) / 255.0, npz["labels"]
        side = 28
    else:
        raise ValueError(f"image set {name!r} is not one of {', '.join(IMAGE_SETS)}")
    order = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    n_test = int(round(TEST_FRACTION * len(y)))
    test, train = order[:n_test], order[n_test:]
    X = X.astype(np.float32)
    y = y.astype(np.int64)
    return ImageSet(name, side, X[train], y[train], X[test], y[test])
