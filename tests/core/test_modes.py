import numpy as np
import pytest

from core import modes, toy2d


def test_ring_samples_cover_every_mode():
    ring = toy2d.mode_centres("ring")
    x = toy2d.sample("ring", 4000, seed=0)
    assert modes.modes_covered(x, ring, toy2d.MODE_STD) == 8
    assert modes.hq_fraction(x, ring, toy2d.MODE_STD) > 0.98   # 3 std holds 98.9 % in 2-D


def test_mode_metrics_on_hand_made_points():
    centres, std = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), 0.1
    x = np.array([[0.0, 0.05], [0.02, 0.0], [0.0, -0.29],      # mode 0: three, all within 0.3
                  [1.0, 0.31],                                 # just beyond 3 std of mode 1
                  [0.0, 0.9],                                  # mode 2: one
                  [0.5, 0.5]] * 10)                            # between modes: not hq
    np.testing.assert_array_equal(modes.mode_counts(x, centres, std), [30, 0, 10])
    assert modes.hq_fraction(x, centres, std) == pytest.approx(40 / 60)
    assert modes.modes_covered(x, centres, std) == 2
    # a mode is covered at 1 % of the samples: 10 of 1,000 is enough, 9 is not
    many = np.concatenate([np.zeros((990, 2)), np.tile([[1.0, 0.0]], (10, 1))])
    assert modes.modes_covered(many, centres, std) == 2
    assert modes.modes_covered(many[1:] * [[1, 1]], centres, std) == 2
    assert modes.modes_covered(np.concatenate([np.zeros((991, 2)), many[-9:]]), centres, std) == 1


@pytest.mark.parametrize("data", ["ring", "grid"])
def test_counts_give_the_numbers_the_points_give(data):
    """A trainer that logs counts reports exactly what the points would give."""
    centres, std = toy2d.mode_centres(data), toy2d.mode_std(data)
    rng = np.random.default_rng(1)
    x = np.concatenate([toy2d.sample(data, 700, seed=2)[:rng.integers(50, 700)],
                        rng.uniform(-3, 3, (300, 2))])
    counts = modes.counts_per_mode(x, data)
    np.testing.assert_array_equal(counts, modes.mode_counts(x, centres, std))
    assert modes.covered_from_counts(counts, len(x)) == modes.modes_covered(x, centres, std)
    assert modes.hq_from_counts(counts, len(x)) == modes.hq_fraction(x, centres, std)
    assert modes.mode_metrics(x, data) == {
        "modes_covered": float(modes.modes_covered(x, centres, std)),
        "hq_fraction": modes.hq_fraction(x, centres, std)}
    # an ensemble's (E, K) or a history's (n_logs, K) counts read row by row
    np.testing.assert_array_equal(modes.covered_from_counts(np.stack([counts, counts * 0]),
                                                            len(x)),
                                  [modes.modes_covered(x, centres, std), 0])


def test_curves_have_no_modes():
    x = toy2d.sample("moons", 100, seed=0)
    assert modes.mode_metrics(x, "moons") == {"modes_covered": None, "hq_fraction": None}
    counts = modes.counts_per_mode(x, "moons")
    assert counts.shape == (0,) and counts.dtype == np.int64
