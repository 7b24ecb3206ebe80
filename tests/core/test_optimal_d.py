import math

import numpy as np
import pytest
from sklearn.neighbors import KernelDensity

from core import toy2d
from core.gan import config as gan
from core.gan import optimal_d
from core.gan.optimal_d import d_star, d_star_map, log_data_density, log_kde

AXIS = np.linspace(-toy2d.EXTENT, toy2d.EXTENT, 40)


@pytest.mark.parametrize("s", [0.0, 0.1, 0.3])
def test_d_star_is_the_equilibriums_where_p_g_equals_p_data(s):
    log_p = np.log(np.array([1e-6, 0.1, 3.0]))
    np.testing.assert_allclose(d_star(log_p, log_p, s), (1 - s) / 2)
    assert d_star(log_p, log_p, s)[0] == pytest.approx(gan.equilibrium("minimax", s)["d_star"])


def test_d_star_is_smoothing_times_the_density_ratio():
    p_data, p_g = np.array([3.0, 1.0, 1e-300]), np.array([1.0, 3.0, 1.0])
    expected = 0.8 * p_data / (p_data + p_g)
    np.testing.assert_allclose(d_star(np.log(p_data), np.log(p_g), 0.2), expected)


def test_d_star_names_the_allowed_smoothing():
    with pytest.raises(ValueError, match="smoothing=1.0 is not allowed"):
        d_star(np.zeros(1), np.zeros(1), 1.0)


def test_log_kde_matches_sklearns_kernel_density():
    rng = np.random.default_rng(0)
    points, x = rng.standard_normal((200, 2)), 3 * rng.standard_normal((50, 2))
    reference = KernelDensity(bandwidth=0.3).fit(points).score_samples(x)
    # sklearn's tree sums the far tails only to about 1e-9 relative
    np.testing.assert_allclose(log_kde(x, points, 0.3), reference, rtol=1e-7)


def test_log_kde_stays_finite_far_from_every_point():
    assert np.isfinite(log_kde(np.array([[50.0, 50.0]]), np.zeros((3, 2)), 0.1)).all()


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_smoothed_mixture_density_integrates_to_one(name):
    axis = np.linspace(-4.5, 4.5, 301)
    gx, gy = np.meshgrid(axis, axis)
    density = np.exp(log_data_density(name, np.c_[gx.ravel(), gy.ravel()], 0.15))
    assert density.sum() * (axis[1] - axis[0]) ** 2 == pytest.approx(1.0, abs=1e-3)


def test_d_star_map_is_half_where_g_draws_the_curves_own_sample():
    same = toy2d.sample("moons", optimal_d.DATA_POINTS, optimal_d.DATA_SEED)
    D = d_star_map("moons", same, AXIS)
    assert np.isfinite(D).sum() > 100
    np.testing.assert_allclose(D[np.isfinite(D)], 0.5)


def test_d_star_map_is_near_half_where_g_samples_the_mixture():
    samples = toy2d.sample("ring", 2500, seed=5)
    D = d_star_map("ring", samples, AXIS)
    gx, gy = np.meshgrid(AXIS, AXIS)
    near = np.exp(log_data_density("ring", np.c_[gx.ravel(), gy.ravel()], 0.15)) > 0.1
    assert near.sum() >= 8
    assert np.abs(D.ravel()[near] - 0.5).max() < 0.1


def test_d_star_map_rows_follow_y_as_in_the_film():
    # all of G's mass at x = AXIS[5], y = AXIS[30], off the ring; nothing at the mirror point
    D = d_star_map("ring", np.tile([[AXIS[5], AXIS[30]]], (100, 1)), AXIS)
    assert D[30, 5] < 0.01 and np.isnan(D[5, 30])


def test_d_star_map_is_undefined_where_neither_distribution_has_mass():
    D = d_star_map("ring", toy2d.sample("ring", 500, seed=1), AXIS)
    assert np.isnan(D[0, 0]) and np.isnan(D[-1, -1])          # the corners, far from the ring


def test_instance_noise_blurs_d_star_over_more_of_the_plane():
    samples = toy2d.sample("ring", 500, seed=1)
    plain, noisy = (np.isfinite(d_star_map("ring", samples, AXIS, instance_noise=sigma)).sum()
                    for sigma in (0.0, 0.5))
    assert noisy > plain
    with pytest.raises(ValueError, match="instance_noise=-0.1 is not allowed"):
        d_star_map("ring", samples, AXIS, instance_noise=-0.1)


def test_d_star_map_follows_label_smoothing():
    same = toy2d.sample("moons", optimal_d.DATA_POINTS, optimal_d.DATA_SEED)
    D = d_star_map("moons", same, AXIS, smoothing=0.2)
    assert np.nanmax(np.abs(D - 0.4)) < 1e-12
    assert math.isclose(np.nanmean(D), gan.equilibrium("nonsaturating", 0.2)["d_star"])
