import math

import numpy as np
import pytest

from core.gan import saddle

X0, Y0 = 1.0, 0.5
R0 = math.hypot(X0, Y0)


def _rotation(angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)


def _spiral(factor: float, angle: float, steps: int) -> np.ndarray:
    """float64 closed form factor^k R(k angle) z0, (steps + 1, 2)."""
    k = np.arange(steps + 1)
    return factor ** k[:, None] * (_rotation(k * angle) @ np.array([X0, Y0]))


@pytest.mark.parametrize("eta", [0.01, 0.1, 0.5, 1.0, 2.0])
def test_simultaneous_radius_grows_by_sqrt_one_plus_eta_squared(eta):
    r = saddle.radius(saddle.simultaneous(X0, Y0, eta, 200))
    np.testing.assert_allclose(r[1:] / r[:-1], math.sqrt(1 + eta**2), rtol=1e-12)


@pytest.mark.parametrize("eta", [0.05, 0.3, 1.5])
def test_simultaneous_matches_closed_form_spiral(eta):
    path = saddle.simultaneous(X0, Y0, eta, 100)
    np.testing.assert_allclose(path, _spiral(math.sqrt(1 + eta**2), math.atan(eta), 100),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("eta", [0.001, 0.1, 0.9, 1.5, 1.99])
def test_alternating_conserves_its_invariant(eta):
    inv = saddle.alternating_invariant(saddle.alternating(X0, Y0, eta, 5000), eta)
    np.testing.assert_allclose(inv, inv[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("eta", [0.1, 1.0, 1.9])
def test_alternating_matches_chebyshev_closed_form_and_stays_bounded(eta):
    steps = 300
    M = saddle.update_matrix("alternating", eta)
    w = 2 * math.asin(eta / 2)
    k = np.arange(steps + 1)[:, None, None]
    Mk = (np.sin(k * w) * M - np.sin((k - 1) * w) * np.eye(2)) / math.sin(w)
    path = saddle.alternating(X0, Y0, eta, steps)
    np.testing.assert_allclose(path, Mk @ np.array([X0, Y0]), rtol=1e-9, atol=1e-9)
    # the invariant ellipse's longest semi-axis: sqrt(Q / (1 - eta / 2))
    Q = X0**2 + Y0**2 - eta * X0 * Y0
    assert saddle.radius(path).max() <= math.sqrt(Q / (1 - eta / 2)) * (1 + 1e-12)


def test_alternating_at_eta_two_opens_and_grows_linearly():
    r = saddle.radius(saddle.alternating(X0, Y0, 2.0, 2000))
    assert r[-1] > 100 * R0
    assert r[-1] / r[1000] == pytest.approx(2.0, rel=0.01)


@pytest.mark.parametrize("eta", [0.01, 0.3, 0.9, 1.0, 1.2])
def test_extragradient_radius_changes_by_its_exact_factor(eta):
    r = saddle.radius(saddle.extragradient(X0, Y0, eta, 200))
    np.testing.assert_allclose(r[1:] / r[:-1], math.sqrt(1 - eta**2 + eta**4), rtol=1e-12)


def test_extragradient_converges_to_the_saddle_for_eta_below_one():
    path = saddle.extragradient(X0, Y0, 0.5, 500)
    assert saddle.radius(path)[-1] < 1e-12 * R0
    np.testing.assert_allclose(
        path, _spiral(math.sqrt(1 - 0.25 + 0.0625), math.atan2(0.5, 0.75), 500),
        rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("method", ["simultaneous", "alternating", "extragradient"])
def test_update_matrix_eigenvalues_have_the_spectral_radius(method):
    for eta in (0.1, 0.7, 1.3):
        lam = np.linalg.eigvals(saddle.update_matrix(method, eta))
        np.testing.assert_allclose(np.abs(lam), saddle.spectral_radius(method, eta), rtol=1e-6)


@pytest.mark.parametrize("method", ["simultaneous", "alternating", "extragradient"])
def test_step_is_the_update_matrix(method):
    eta = 0.37
    path = saddle.run(method, X0, Y0, eta, 1)
    np.testing.assert_allclose(path[1], saddle.update_matrix(method, eta) @ [X0, Y0],
                               rtol=1e-15)


def test_continuous_is_the_circle_solving_the_flow():
    t = np.linspace(0, 10, 1001)
    path = saddle.continuous(X0, Y0, t)
    phi = math.atan2(Y0, X0)
    np.testing.assert_allclose(path, R0 * np.c_[np.cos(t + phi), np.sin(t + phi)], atol=1e-14)
    # dx/dt = -y, dy/dt = x by central differences
    dt = t[1] - t[0]
    d = (path[2:] - path[:-2]) / (2 * dt)
    np.testing.assert_allclose(d, np.c_[-path[1:-1, 1], path[1:-1, 0]], atol=1e-4)


@pytest.mark.parametrize("method", ["simultaneous", "alternating", "extragradient"])
def test_small_steps_follow_the_continuous_circle_within_order_eta(method):
    T = 4.0

    def error(eta: float) -> float:
        steps = round(T / eta)
        path = saddle.run(method, X0, Y0, eta, steps)
        return float(np.abs(path - saddle.continuous(X0, Y0, eta * np.arange(steps + 1))).max())

    err = error(1e-3)
    assert err <= R0 * T * 1e-3           # O(eta) with the constant of the radius drift
    assert error(2e-3) / err == pytest.approx(2.0, rel=0.05)  # first order: halve eta, halve it


def test_run_continuous_samples_the_flow_at_k_eta():
    path = saddle.run("continuous", X0, Y0, 0.25, 8)
    np.testing.assert_allclose(path, saddle.continuous(X0, Y0, 0.25 * np.arange(9)))


def test_start_at_the_saddle_stays_there():
    for method in saddle.METHODS:
        np.testing.assert_array_equal(saddle.run(method, 0.0, 0.0, 0.5, 10), 0.0)


def test_diverging_trajectory_is_cut_at_escape_without_overflow():
    with np.errstate(all="raise"):
        path = saddle.simultaneous(X0, Y0, 2.0, 5000)
    r = saddle.radius(path)
    cut = int(np.argmax(np.isnan(r)))
    assert cut > 0 and np.isnan(r[cut:]).all() and r[cut - 1] <= saddle.ESCAPE
    assert np.isfinite(path[:cut]).all()


def test_output_shape_is_steps_plus_one_by_two():
    for method in saddle.METHODS:
        assert saddle.run(method, X0, Y0, 0.1, 7).shape == (8, 2)


@pytest.mark.parametrize("kwargs, match", [
    ({"eta": 0.0}, "eta=0.0 is not allowed: use a step size above 0 and at most 2"),
    ({"eta": 2.5}, "eta=2.5 is not allowed"),
    ({"eta": float("nan")}, "eta=nan is not allowed"),
    ({"steps": 0}, "steps=0 is not allowed: use a whole number from 1 to 5000"),
    ({"steps": 5001}, "steps=5001 is not allowed"),
    ({"steps": 2.5}, "steps=2.5 is not allowed"),
    ({"x0": float("inf")}, r"The start \(x0, y0\) = \(inf, 0.5\) must be two finite numbers"),
    ({"y0": float("nan")}, "must be two finite numbers"),
    ({"x0": "1"}, "must be numbers"),
])
@pytest.mark.parametrize("method", ["simultaneous", "alternating", "extragradient", "continuous"])
def test_bad_arguments_raise_a_sentence(method, kwargs, match):
    args = {"x0": X0, "y0": Y0, "eta": 0.1, "steps": 10} | kwargs
    with pytest.raises(ValueError, match=match):
        saddle.run(method, **args)


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match="use one of simultaneous, alternating, extragradient"):
        saddle.run("adam", X0, Y0, 0.1, 10)


def test_continuous_rejects_non_finite_times():
    with pytest.raises(ValueError, match="times t must be finite"):
        saddle.continuous(X0, Y0, [0.0, np.inf])
