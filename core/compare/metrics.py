"""One set of measures for every family's samples, on the ring and on the digits.

The lecture's table claims three things of each family: its modes (covering or collapse), its
samples (blurry or realistic) and its training (robust or fragile). Each becomes a number,
measured the same way whichever family drew the samples:

* **modes**: PacGAN's high-quality samples and modes covered (core.modes). On the ring a
  sample is high quality within 3 std of a mode; on the digits when the digit classifier
  (core.diffusion.digits_metrics) reads it with probability >= HQ_PROBABILITY. A mode (a
  Gaussian, a digit) is covered when at least 1 % of the samples are high-quality samples of it.
  The digits' bar is set where real data clear it as the ring's data clear theirs (97 % of
  the test digits are read with probability >= 0.5, 99 % of ring points lie within 3 std);
  at 0.9 only 76 % of real digits would count, and the bar would measure the classifier's
  doubt about blurred or grainy strokes, not which digits a family draws.
* **blurry or realistic**: ``sharpness``, 1 for samples as sharp as the data, less for blur.
  On the ring: the data's mean distance to their nearest mode over the samples' (mass smeared
  between modes scores low); on the digits: edge strength over real digits' (blurry decodes
  score low).
* **how close overall**: MMD^2 to held-out data (core.diffusion.toy_metrics.mmd2): on the ring
  with its fixed bandwidths, on the digits with bandwidths from the median distance between
  real digits.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from core import modes, toy2d
from core.diffusion.digits_metrics import digit_classifier, sharpness
from core.diffusion.toy_metrics import mmd2
from core.images import image_set

HQ_PROBABILITY = 0.5          # a digit sample is high quality when read this surely
N_DIGITS = 10


# ---------------------------------------------------------------- the data

def in_the_plane(data: str) -> bool:
    """The ring or a person's drawn points (2-D), not the digits."""
    return data != "digits"


def held_out(data: str) -> np.ndarray:
    """What samples are compared with: fresh points of a 2-D set (1000, 2), or the test
    digits (n, 8, 8) in [0, 1]."""
    if in_the_plane(data):
        return toy2d.sample(data, 1000, 1)
    return image_set("digits").X_test.reshape(-1, 8, 8)


def modes_total(data: str) -> int:
    """8 on the ring, a drawn set's separate regions (core.modes.of), 10 digits."""
    return modes.count(data) if in_the_plane(data) else N_DIGITS


# ---------------------------------------------------------------- the measures

def mode_counts(samples: np.ndarray, data: str) -> np.ndarray:
    """High-quality samples of each mode: (K,) int."""
    if in_the_plane(data):
        return modes.counts_per_mode(samples, data)
    p = digit_classifier().predict_proba(samples.reshape(len(samples), -1))
    read = np.where(p.max(1) >= HQ_PROBABILITY, p.argmax(1), -1)
    return np.bincount(read[read >= 0], minlength=N_DIGITS)


def plane_sharpness(samples: np.ndarray, reference: np.ndarray, data: str) -> float:
    """Mean distance of the data to their nearest mode over that of the samples."""
    centres = modes.of(data)[0]

    def spread(x: np.ndarray) -> float:
        return float(np.sqrt(((x[:, None] - centres[None]) ** 2).sum(-1)).min(1).mean())
    return spread(reference) / max(spread(samples), 1e-12)


@cache
def digit_bandwidths() -> tuple[float, ...]:
    """MMD bandwidths for 64 pixels: half, once and twice the median distance of real digits
    (fixed by the data, so every family is measured with the same kernel)."""
    from scipy.spatial.distance import pdist

    median = float(np.median(pdist(image_set("digits").X_test)))
    return (0.5 * median, median, 2 * median)


def measure(samples: np.ndarray, data: str, reference: np.ndarray) -> dict[str, float]:
    """modes_covered, hq_fraction, mmd2 and sharpness of one family's samples."""
    counts = mode_counts(samples, data)
    n = len(samples)
    if in_the_plane(data):
        distance, sharp = mmd2(samples, reference), plane_sharpness(samples, reference, data)
    else:
        flat = lambda a: a.reshape(len(a), -1)  # noqa: E731
        distance = mmd2(flat(samples), flat(reference), digit_bandwidths())
        sharp = sharpness(samples)
    return {"modes_covered": float(modes.covered_from_counts(counts, n)),
            "hq_fraction": float(modes.hq_from_counts(counts, n)),
            "mmd2": float(distance), "sharpness": float(sharp)}


def floor(data: str) -> float:
    """MMD^2 of fresh data to the held-out data: what a perfect model scores."""
    reference = held_out(data)
    if in_the_plane(data):
        return mmd2(toy2d.sample(data, 1000, 2), reference)
    train = image_set("digits").X_train
    return mmd2(train[: len(reference)], reference.reshape(len(reference), -1),
                digit_bandwidths())

