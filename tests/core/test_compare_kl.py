import math

import numpy as np
import pytest
import torch

from core.compare import kl
from core.compare.kl import KLConfig, KLResult, fit_kl


def gaussian_kl(m1: float, s1: float, m2: float, s2: float) -> float:
    """KL(N(m1, s1^2) || N(m2, s2^2)) in closed form."""
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


@pytest.fixture(scope="module")
def far_apart() -> KLResult:
    """Two modes 8 stds apart: the covering fit spans both, the seeking fit takes one."""
    return fit_kl(KLConfig(modes=2, separation=8.0))


# ---------------------------------------------------------------- the quadrature

@pytest.mark.parametrize(("m", "s"), [(0.0, 1.0), (1.5, 2.0), (-3.0, 0.7)])
def test_quadrature_gives_the_closed_form_kl_between_gaussians(m, s):
    x = torch.as_tensor(kl.grid(1, 0.0) * 2, dtype=torch.float64)   # +-16 holds both
    lq = kl.log_q(x, torch.zeros(1, dtype=torch.float64))
    lp = kl.log_p(x, torch.tensor([m], dtype=torch.float64),
                  torch.tensor([math.log(s)], dtype=torch.float64))
    assert float(kl.kl_q_p(lq, lp)[0]) == pytest.approx(gaussian_kl(0, 1, m, s), abs=1e-9)
    assert float(kl.kl_p_q(lq, lp)[0]) == pytest.approx(gaussian_kl(m, s, 0, 1), abs=1e-9)


def test_mixture_density_has_its_moments_on_the_grid():
    for modes, separation in [(1, 0.0), (2, 4.0), (3, 7.5), (6, 10.0)]:
        x = kl.grid(modes, separation)
        q = kl.log_q(torch.as_tensor(x), torch.as_tensor(kl.centres(modes, separation)))
        q = q.exp().numpy()
        mean, std = kl.moments(modes, separation)
        assert np.trapezoid(q, x) == pytest.approx(1.0, abs=1e-9)
        assert np.trapezoid(x * q, x) == pytest.approx(mean, abs=1e-9)
        assert np.trapezoid((x - mean) ** 2 * q, x) == pytest.approx(std**2, rel=1e-9)


def test_centres_are_symmetric_and_evenly_spaced():
    c = kl.centres(4, 3.0)
    np.testing.assert_allclose(c, [-4.5, -1.5, 1.5, 4.5])
    assert kl.moments(2, 8.0) == pytest.approx((0.0, math.sqrt(17.0)))


# ---------------------------------------------------------------- the fits

def test_one_gaussian_is_recovered_by_both_fits():
    r = fit_kl(KLConfig(modes=1))
    for mean, std in [(r.covering_fit_mean, r.covering_fit_std),
                      (r.seeking_fit_mean, r.seeking_fit_std)]:
        assert mean == pytest.approx(0.0, abs=1e-4)
        assert std == pytest.approx(1.0, rel=1e-4)
    for value in (r.covering_kl_q_p, r.covering_kl_p_q, r.seeking_kl_q_p, r.seeking_kl_p_q):
        assert abs(value) < 1e-8
    # the start was off the answer: the fit moved there
    assert r.covering_kl[0] > 1e-3 and r.seeking_kl[0] > 1e-3


def test_covering_fit_matches_the_mixtures_moments(far_apart):
    assert far_apart.covering_fit_mean == pytest.approx(0.0, abs=1e-4)
    assert far_apart.covering_fit_std == pytest.approx(math.sqrt(1 + 16), rel=1e-4)


@pytest.mark.parametrize(("modes", "separation"), [(3, 2.0), (6, 10.0), (5, 6.0)])
def test_covering_fit_is_moment_matching_for_other_mixtures(modes, separation):
    r = fit_kl(KLConfig(modes=modes, separation=separation, seed=1))
    mean, std = kl.moments(modes, separation)
    assert r.covering_fit_mean == pytest.approx(mean, abs=1e-4)
    assert r.covering_fit_std == pytest.approx(std, rel=1e-4)


def test_seeking_fit_sits_on_one_mode(far_apart):
    assert abs(far_apart.seeking_fit_mean) == pytest.approx(4.0, abs=0.01)
    assert far_apart.seeking_fit_std == pytest.approx(1.0, abs=0.01)
    # on one of two far modes, P sees Q at half its height: KL(P || Q) -> log 2
    assert far_apart.seeking_kl_p_q == pytest.approx(math.log(2), abs=1e-3)


@pytest.mark.parametrize(("modes", "separation"), [(2, 8.0), (2, 4.0), (6, 10.0), (3, 6.0)])
def test_each_fit_wins_its_own_direction(modes, separation):
    r = fit_kl(KLConfig(modes=modes, separation=separation))
    assert r.covering_kl_q_p < r.seeking_kl_q_p
    assert r.seeking_kl_p_q < r.covering_kl_p_q


def test_far_modes_make_the_covering_fit_wider_than_the_seeking_fit(far_apart):
    assert far_apart.covering_fit_std > 4 * far_apart.seeking_fit_std
    # the covering fit puts mass where Q has almost none: at the centre, between the modes
    centre = int(np.argmin(np.abs(far_apart.x)))
    assert far_apart.covering[centre] > 100 * far_apart.q[centre]


@pytest.mark.parametrize(("modes", "separation"), [(2, 4.0), (5, 6.0), (4, 7.0), (6, 10.0)])
def test_seeking_fit_finds_the_lowest_kl_over_a_brute_force_grid(modes, separation):
    """Its starts must reach the global minimum, a wide Gaussian for close modes (2 modes 4
    apart) as well as one mode for far ones; mu >= 0 suffices by symmetry."""
    x = torch.as_tensor(kl.grid(modes, separation))
    lq = kl.log_q(x, torch.as_tensor(kl.centres(modes, separation)))
    top, std = kl.centres(modes, separation)[-1], kl.moments(modes, separation)[1]
    mu, log_sigma = torch.meshgrid(torch.linspace(0, top + 1, 81, dtype=torch.float64),
                                   torch.linspace(math.log(0.5), math.log(1.2 * std), 81,
                                                  dtype=torch.float64), indexing="ij")
    brute = float(kl.kl_p_q(lq, kl.log_p(x, mu.reshape(-1), log_sigma.reshape(-1))).min())
    for seed in range(2):
        r = fit_kl(KLConfig(modes=modes, separation=separation, seed=seed))
        assert r.seeking_kl_p_q <= brute + 1e-6


def test_histories_fall_to_the_final_values(far_apart):
    r = far_apart
    assert r.covering_step.shape == r.covering_kl.shape == (KLConfig().steps,)
    assert r.seeking_step.shape == r.seeking_kl.shape == (KLConfig().steps,)
    assert r.covering_kl[-1] < r.covering_kl[0] and r.seeking_kl[-1] < r.seeking_kl[0]
    assert r.covering_kl[-1] == pytest.approx(r.covering_kl_q_p, abs=1e-6)
    assert r.seeking_kl[-1] == pytest.approx(r.seeking_kl_p_q, abs=1e-6)
    for density in (r.q, r.covering, r.seeking):
        assert density.shape == r.x.shape
        assert np.trapezoid(density, r.x) == pytest.approx(1.0, abs=1e-6)


def test_seed_moves_only_the_starts():
    a, b = fit_kl(KLConfig(seed=0)), fit_kl(KLConfig(seed=0))
    np.testing.assert_array_equal(a.covering_kl, b.covering_kl)
    assert not np.array_equal(kl.starts(KLConfig(seed=0)), kl.starts(KLConfig(seed=1)))


# ---------------------------------------------------------------- config, progress, store

@pytest.mark.parametrize("changes", [
    {"modes": 0}, {"modes": 7}, {"modes": 2.5}, {"separation": -0.1}, {"separation": 10.5},
    {"separation": "4"}, {"steps": 0}, {"lr": 0.0}, {"seed": -1}, {"modes": None}])
def test_bad_configs_raise_one_sentence(changes):
    name = next(iter(changes))
    with pytest.raises(ValueError, match=rf"^{name}=.* is not allowed: .*\.$"):
        KLConfig(**changes)


def test_config_takes_numpy_numbers_and_whole_floats():
    cfg = KLConfig(modes=np.int64(3), separation=np.float32(2.5), steps=50.0)
    assert (cfg.modes, cfg.separation, cfg.steps) == (3, 2.5, 50)
    assert type(cfg.modes) is int and type(cfg.separation) is float


def test_progress_is_reported_with_the_histories_and_reaches_one():
    calls = []
    fit_kl(KLConfig.tiny(), on_progress=lambda f, note, partial=None: calls.append((f, partial)))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(calls) > 2
    partials = [p for _, p in calls if p is not None]
    assert partials
    for p in partials:
        assert len(p["covering_step"]) == len(p["covering_kl"]) > 0
        assert len(p["seeking_step"]) == len(p["seeking_kl"]) > 0
    assert len(partials[-1]["covering_kl"]) == KLConfig.tiny().steps


def test_result_round_trips_through_the_store(far_apart):
    arrays, meta = far_apart.to_store()
    back = KLResult.from_store(arrays, meta)
    assert back.metrics() == far_apart.metrics()
    for name, value in far_apart.arrays().items():
        np.testing.assert_array_equal(back.arrays()[name], value)
    np.testing.assert_array_equal(back.seeking_kl, far_apart.seeking_kl)
    assert (back.modes, back.separation) == (2, 8.0)


def test_metrics_and_arrays_name_what_the_page_and_the_cli_use(far_apart):
    assert set(far_apart.metrics()) == {
        "covering_fit_mean", "covering_fit_std", "seeking_fit_mean", "seeking_fit_std",
        "covering_kl_q_p", "covering_kl_p_q", "seeking_kl_q_p", "seeking_kl_p_q",
        "seeking_mode_distance", "fit_seconds"}
    assert far_apart.metrics()["seeking_mode_distance"] < 0.05     # on a mode, either one
    assert all(isinstance(v, float) for v in far_apart.metrics().values())
    assert set(far_apart.arrays()) == {"x", "q", "covering", "seeking"}
