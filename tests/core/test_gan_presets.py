"""Each GAN preset shows its phenomenon over 5 seeds (slow; still run in CI).

The multi-seed checks train the 5 seeds as one batched ensemble (the same config and the same
initial weights per seed as train_gan); gan.healthy and gan.minimax go through train_gan."""

import dataclasses
from functools import cache

import numpy as np
import pytest

from core import gan, gan_seeds, presets

SEEDS = range(5)


def config(name, **changes):
    return dataclasses.replace(presets.get(name).config, **changes)


@cache
def ensemble(name):
    return gan_seeds.train_ensemble(config(name), list(SEEDS))


@cache
def single(name, seed):
    return gan.train_gan(config(name, seed=seed))


def last_quarter(h):
    return h[..., 3 * h.shape[-1] // 4:].mean(-1)


@pytest.mark.slow
def test_healthy_covers_at_least_7_of_8_modes_in_4_of_5_seeds():
    results = [single("gan.healthy", seed) for seed in SEEDS]
    modes = [r.modes_covered for r in results]
    assert sum(m >= 7 for m in modes) >= 4, modes
    # ... near the equilibrium: D outputs about 1/2, D's loss about 2 log 2
    for r in results:
        assert abs(last_quarter(r.d_fake) - gan.D_STAR) < 0.1, r.d_fake[-10:]
        assert abs(last_quarter(r.d_loss) - gan.D_LOSS_STAR) < 0.15, r.d_loss[-10:]


@pytest.mark.slow
def test_collapse_keeps_at_most_3_modes_in_4_of_5_seeds():
    modes = ensemble("gan.collapse").modes_covered
    assert (modes <= 3).sum() >= 4, modes


@pytest.mark.slow
def test_oscillation_swings_in_antiphase_and_hops_between_modes():
    osc, healthy = ensemble("gan.oscillation"), ensemble("gan.healthy")
    half = len(osc.step) // 2
    healthy_swing = np.mean([gan.swing(h[half:]) for h in healthy.d_loss])
    for e in range(len(SEEDS)):
        d, g = osc.d_loss[e, half:], osc.g_loss[e, half:]
        assert gan.antiphase(d, g) < -0.3, (e, gan.antiphase(d, g))
        assert gan.swing(d) > 4 * healthy_swing, (e, gan.swing(d), healthy_swing)
        hops = gan.dominant_mode_changes(osc.mode_counts_history[e, half:])
        assert hops >= 5, (e, hops)


@pytest.mark.slow
def test_minimax_gradient_vanishes_and_its_generator_stays_while_ns_reaches_the_data():
    for seed in SEEDS:
        r = single("gan.minimax", seed)
        assert r.loss == "minimax" and r.partner_loss == "nonsaturating"
        assert r.grad_ratio >= 100, (seed, r.grad_ratio)
        start = r.data_distance[0]
        assert r.partner["data_distance"][0] == pytest.approx(start)   # the same state
        assert r.data_distance[-1] > 0.9 * start, (seed, r.data_distance[[0, -1]])
        ns = r.partner["data_distance"]
        assert ns[-1] < 0.2 * start and ns[len(ns) // 2:].mean() < 0.3 * start, (seed, ns)


@pytest.mark.slow
def test_strong_d_rejects_the_fakes_and_g_gradient_vanishes():
    r = ensemble("gan.strong_d")
    assert (last_quarter(r.d_fake) < 0.05).all(), last_quarter(r.d_fake)
    assert (last_quarter(r.g_grad_norm) < 0.05 * r.g_grad_norm[:, :3].mean(1)).all(), (
        r.g_grad_norm[:, :3], last_quarter(r.g_grad_norm))


@pytest.mark.slow
def test_weak_d_is_fooled_and_g_is_not_drawn_to_the_data():
    r = ensemble("gan.weak_d")
    assert (r.hq_fraction < 0.05).all(), r.hq_fraction
    assert (last_quarter(r.d_fake) > last_quarter(r.d_real)).sum() >= 4, (r.d_fake, r.d_real)
    assert (r.data_distance[:, -1] > r.data_distance[:, 0]).sum() >= 4, r.data_distance
