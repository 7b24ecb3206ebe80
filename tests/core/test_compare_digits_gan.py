"""The compare panel's GAN on the 8x8 digits: a batched ensemble that is seeded, reports its
progress, stays on one thread, and whose default run draws digits a classifier can read."""

import time

import numpy as np
import pytest
import torch

from core.compare.config import CompareConfig
from core.compare.digits_gan import G_SIZES, DigitsGAN, train_digits_gan
from core.diffusion.digits_metrics import digit_classifier, sharpness
from core.gan.mlp import init_mlp

TINY = dict(seeds=[0, 1, 0], lr_scales=[1.0, 1.0, 3.0], steps=30)


@pytest.fixture(scope="module")
def tiny() -> DigitsGAN:
    return train_digits_gan(TINY["seeds"], TINY["lr_scales"], steps=TINY["steps"])


def test_samples_are_digit_images_in_the_unit_range(tiny):
    x = tiny.sample(7, seed=3)
    assert x.shape == (3, 7, 8, 8) and x.dtype == np.float32
    assert np.isfinite(x).all() and x.min() >= 0 and x.max() <= 1
    assert x.std() > 0.01
    assert len(tiny.G) == 2 * (len(G_SIZES) - 1) and tiny.noise_dim == G_SIZES[0]


def test_the_same_seeds_train_the_same_gans_and_draw_the_same_samples(tiny):
    again = train_digits_gan(TINY["seeds"], TINY["lr_scales"], steps=TINY["steps"])
    for a, b in zip(tiny.G, again.G, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    np.testing.assert_array_equal(tiny.sample(5, seed=1), again.sample(5, seed=1))
    assert not np.array_equal(tiny.sample(5, seed=1), tiny.sample(5, seed=2))


def test_members_differ_by_seed_and_by_learning_rate(tiny):
    x = tiny.sample(20, seed=0)
    assert np.abs(x[0] - x[1]).mean() > 1e-3       # seeds 0 and 1, the same rate
    assert np.abs(x[0] - x[2]).mean() > 1e-3       # seed 0 at rates 1 and 3


def test_each_member_starts_from_its_own_seed_and_learns_at_its_own_rate():
    gan = train_digits_gan([3, 5], [0.0, 1.0], steps=5)
    start = {seed: init_mlp(G_SIZES, [seed], 0) for seed in (3, 5)}
    for w, w3, w5 in zip(gan.G, start[3], start[5], strict=True):
        torch.testing.assert_close(w[:1], w3, rtol=0, atol=0)   # rate 0: never moved
        assert not torch.equal(w[1:], w5)


def test_member_zero_draws_the_same_digits_whatever_the_ensemble(tiny):
    alone = DigitsGAN(G=[w[:1] for w in tiny.G], noise_dim=tiny.noise_dim, train_seconds=0.0)
    np.testing.assert_array_equal(alone.sample(6, seed=4)[0], tiny.sample(6, seed=4)[0])


def test_a_tiny_run_is_fast_and_so_is_sampling(tiny):
    start = time.perf_counter()
    gan = train_digits_gan([0, 1], [1.0, 1.0], steps=20)
    assert time.perf_counter() - start < 3.0
    assert 0 < gan.train_seconds < 2.0
    assert 0 < tiny.sample_seconds(1000) < 0.5


def test_progress_runs_over_its_share_on_one_thread():
    seen = []

    def on_progress(fraction, note):
        seen.append((fraction, note, torch.get_num_threads()))

    train_digits_gan([0, 1, 2, 0, 1, 2], [1.0] * 6, steps=40, on_progress=on_progress,
                     share=(0.5, 0.25))
    fractions = [f for f, _, _ in seen]
    assert fractions[0] == 0.5 and fractions[-1] == pytest.approx(0.75)
    assert (np.diff(fractions) >= 0).all()
    assert all(0.5 <= f <= 0.75 for f in fractions) and len(seen) >= 10
    assert all(note for _, note, _ in seen)
    assert {threads for _, _, threads in seen} == {1}


def test_one_learning_rate_scale_per_seed():
    with pytest.raises(ValueError, match="one learning-rate scale per seed"):
        train_digits_gan([0, 1], [1.0], steps=5)
    with pytest.raises(ValueError):
        train_digits_gan([], [], steps=5)


@pytest.mark.slow
def test_the_default_runs_scale_one_members_draw_readable_sharp_digits():
    """The run the compare panel shows (2 seeds x 3 rates, default steps): its scale-1 members
    draw digits the classifier is sure of (real test digits: about 3 in 4), several different
    ones, as sharp as real ones (a blurry mean scores well under 1)."""
    seeds, scales = CompareConfig(data="digits").members()
    gan = train_digits_gan(seeds, scales)
    x = gan.sample(1000, seed=1)
    classifier = digit_classifier()
    for member in (i for i, s in enumerate(scales) if s == 1.0):
        proba = classifier.predict_proba(x[member].reshape(1000, -1))
        sure = proba.max(1) >= 0.9
        read = np.bincount(proba.argmax(1)[sure], minlength=10)
        assert sure.mean() >= 0.5, (member, sure.mean())
        assert (read >= 10).sum() >= 5, (member, read)
        assert sharpness(x[member]) >= 0.8, (member, sharpness(x[member]))
