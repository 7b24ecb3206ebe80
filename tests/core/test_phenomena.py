"""Each preset shows what it promises, over several seeds (slow; still run in CI)."""

import dataclasses

import pytest

from core import presets
from core.ngjordan import learning_curves

SEEDS = range(5)


def run(name, seed):
    return learning_curves(dataclasses.replace(presets.get(name).config, seed=seed)).metrics()


def nb_ahead_beyond_noise(m):
    return m["nb_lead"] > 2 * m["nb_lead_se"]


def lr_ahead_at_the_end(m):
    return m["lr_lead_final"] > 2 * m["lr_lead_final_se"]


@pytest.mark.slow
def test_correlated_preset_crosses_over_clearly_for_every_seed():
    for seed in SEEDS:
        m = run("ngjordan.correlated", seed)
        assert m["m_star"] is not None, seed
        assert nb_ahead_beyond_noise(m) and lr_ahead_at_the_end(m), (seed, m)


@pytest.mark.slow
def test_wine_preset_crosses_over_for_every_seed_and_beyond_noise_for_most():
    results = [run("ngjordan.wine", seed) for seed in SEEDS]
    assert all(m["m_star"] is not None and lr_ahead_at_the_end(m) for m in results), results
    # wine's small-m lead is about half a point: at least 4 of 5 seeds clear 2 standard errors
    assert sum(nb_ahead_beyond_noise(m) for m in results) >= 4, results


@pytest.mark.slow
def test_nb_holds_preset_never_crosses_over():
    for seed in SEEDS:
        m = run("ngjordan.nb_holds", seed)
        assert m["m_star"] is None, (seed, m)
        assert nb_ahead_beyond_noise(m), (seed, m)
