"""How good a trained autoencoder's codes are, on the test split: the probe (codes as
features for a classifier with few labels), the sparse code's units, and the variety of what
the model draws when sampled like a VAE."""

from __future__ import annotations

import numpy as np
import torch

from core.images import ImageSet
from core.latent.explore import prior_samples
from core.latent.nets import Autoencoder

ACTIVE_THRESHOLD = 1e-3  # a sparse code unit is active on an image when it exceeds this
PROBE_DRAWS = 10      # random choices of the labelled images the probe's accuracy averages
PRIOR_SAMPLES = 500   # decodes of z ~ N(0, I) that prior_classes reads
PRIOR_SEED = 0        # the same z for every model: the number depends on the model alone
PURITY_TOP = 20       # feature_purity looks at each live unit's 20 strongest test images
SPARSE_UNIT_STATS = ("live_units_fraction", "live_unit_max_firing", "live_unit_mean_firing",
                     "feature_purity")


def probe_accuracy(train_X: np.ndarray, train_y: np.ndarray, test_X: np.ndarray,
                   test_y: np.ndarray, per_class: int, seed: int, draws: int = PROBE_DRAWS
                   ) -> float:
    """The downstream task with few labels: logistic regression on `per_class` labelled
    examples per class, accuracy on test, averaged over `draws` random choices of the labelled
    examples (one choice of 10 to 50 images moves the accuracy by several points). The
    features are standardised with the whole training split's statistics: those need no
    labels (the autoencoder trained on the same images), and 10 labelled rows are too few to
    estimate a scale from."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits  # ships with scikit-learn

    rng = np.random.default_rng(seed)
    scaler = StandardScaler().fit(train_X)
    train_Z, test_Z = scaler.transform(train_X), scaler.transform(test_X)
    accuracies = []
    with threadpool_limits(1):   # tiny fits: BLAS threads only spin (10x slower on a busy CPU)
        for _ in range(draws):
            few = np.concatenate([rng.choice(np.flatnonzero(train_y == c), per_class,
                                             replace=False) for c in np.unique(train_y)])
            probe = LogisticRegression(max_iter=2000).fit(train_Z[few], train_y[few])
            accuracies.append((probe.predict(test_Z) == test_y).mean())
    return float(np.mean(accuracies))


def code_and_pixel_probes(train_codes: np.ndarray, test_codes: np.ndarray, data: ImageSet,
                          per_class: int, seed: int) -> tuple[float, float]:
    """The probe's accuracy on the codes, and on the raw pixels of the same labelled images:
    the bar a code has to clear to be a useful feature."""
    return (probe_accuracy(train_codes, data.y_train, test_codes, data.y_test, per_class, seed),
            probe_accuracy(data.X_train, data.y_train, data.X_test, data.y_test, per_class,
                           seed))


def firing_rates(latent: np.ndarray) -> np.ndarray:
    """Per code unit, the share of images (rows of latent) it is active on: (k,)."""
    return (latent > ACTIVE_THRESHOLD).mean(0)


def sparse_unit_stats(latent: np.ndarray, labels: np.ndarray) -> dict[str, float | None]:
    """The sparse code's units on the test split. A unit fires on an image when its code
    exceeds ACTIVE_THRESHOLD; it is live when it fires on at least one test image.

    live_units_fraction: live units / all units. live_unit_max_firing, live_unit_mean_firing:
    the largest and the mean, over live units, of the share of test images a unit fires on.
    feature_purity: mean over live units of the share of the most common digit among the unit's
    PURITY_TOP strongest test images (chance is about 0.1). The last three are None where no
    unit is live."""
    firing = firing_rates(latent)
    live = np.flatnonzero(firing > 0)
    if not len(live):
        return {"live_units_fraction": 0.0, "live_unit_max_firing": None,
                "live_unit_mean_firing": None, "feature_purity": None}
    top = np.argsort(-latent[:, live], axis=0)[:PURITY_TOP]          # (top, live)
    purity = [np.bincount(labels[top[:, i]]).max() / len(top) for i in range(len(live))]
    return {"live_units_fraction": len(live) / latent.shape[1],
            "live_unit_max_firing": float(firing[live].max()),
            "live_unit_mean_firing": float(firing[live].mean()),
            "feature_purity": float(np.mean(purity))}


def nearest_neighbour_digits(data: ImageSet, images: np.ndarray, k: int = 5) -> np.ndarray:
    """The digit a k-nearest-neighbour vote among the training images reads in each image
    (n, p): a judge that needs no fitting (99 % right on the 8x8 digits' test split, 92 % on
    MNIST's)."""
    dist = torch.cdist(torch.as_tensor(images, dtype=torch.float32),
                       torch.as_tensor(data.X_train))
    votes = data.y_train[dist.topk(k, largest=False).indices.numpy()]          # (n, k)
    counts = np.apply_along_axis(np.bincount, 1, votes, minlength=10)
    return counts.argmax(1)


def effective_classes(predicted: np.ndarray) -> float:
    """exp(entropy) of the class shares: 10 when ten digits come equally often, 1 when one
    digit is all there is, about 5 when five digits share the samples."""
    share = np.bincount(predicted) / len(predicted)
    share = share[share > 0]
    return float(np.exp(-(share * np.log(share)).sum()))


def prior_classes(model: Autoencoder, data: ImageSet, n: int = PRIOR_SAMPLES,
                  seed: int = PRIOR_SEED) -> float:
    """Variety of what the model makes when sampled like a VAE: decode n z ~ N(0, I) (a fixed
    seed), read each decode's digit by nearest_neighbour_digits and return the effective number
    of classes among them. Where the codes fill N(0, I) every digit comes up; where N(0, I)
    covers only part of the codes the samples repeat the few digits there."""
    images = prior_samples(model, n, seed)
    return effective_classes(nearest_neighbour_digits(data, images.reshape(n, -1)))
