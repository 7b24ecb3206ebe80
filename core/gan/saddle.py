"""Gradient descent-ascent on the bilinear game V(x, y) = x y.

Lecture slide "GAN Training – Saddle point interpretation": the minimax game
min_G max_D V(D, G) is solved at a saddle point, not at a minimum. The smallest game with
that shape is V(x, y) = x y: x minimises (like the generator G), y maximises (like the
discriminator D), and (0, 0) is the only saddle point (the Nash equilibrium). Its gradient is
(dV/dx, dV/dy) = (y, x), so each player pushes the other around the saddle and nobody is
drawn into it:

- the gradient flow  dx/dt = -y, dy/dt = x  circles the saddle at a constant radius;
- simultaneous GDA spirals out: the radius grows by exactly sqrt(1 + eta^2) every step;
- alternating GDA (x moves first, y answers the new x) stays on a closed orbit, the ellipse
  x^2 + y^2 - eta x y = const (for eta < 2);
- extragradient (look one step ahead, then step with the gradient found there) spirals in:
  the radius shrinks by exactly sqrt(1 - eta^2 + eta^4) every step (for eta < 1).

Every method is the linear map z_{k+1} = M z_k with z = (x, y); ``update_matrix`` gives M,
``spectral_radius`` the modulus of its eigenvalues. The trajectories below are computed step
by step with the gradient, exactly as the algorithm is written; the tests compare them with
the closed forms in the docstrings.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

METHODS = ("simultaneous", "alternating", "extragradient", "continuous")
ETA_MAX = 2.0      # alternating GDA's orbit is bounded for eta < 2, the edge of stability
STEPS_MAX = 5000
# Past this radius a diverging trajectory is cut: the rest of its rows are NaN (plotly leaves
# a gap), so that 5000 steps at eta = 2 do not overflow to inf - inf.
ESCAPE = 1e150


def _check(x0: float, y0: float, eta: float, steps: int) -> tuple[float, float, float, int]:
    if not all(isinstance(v, int | float | np.number) and not isinstance(v, bool)
               for v in (x0, y0, eta)):
        raise ValueError(f"x0={x0!r}, y0={y0!r} and eta={eta!r} must be numbers.")
    if not (math.isfinite(x0) and math.isfinite(y0)):
        raise ValueError(f"The start (x0, y0) = ({x0!r}, {y0!r}) must be two finite numbers.")
    if not (math.isfinite(eta) and 0 < eta <= ETA_MAX):
        raise ValueError(f"eta={eta!r} is not allowed: use a step size above 0 and at most "
                         f"{ETA_MAX:g}.")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) \
            or not 1 <= steps <= STEPS_MAX:
        raise ValueError(f"steps={steps!r} is not allowed: use a whole number from 1 to "
                         f"{STEPS_MAX}.")
    return float(x0), float(y0), float(eta), int(steps)


def grad(x: float, y: float) -> tuple[float, float]:
    """(dV/dx, dV/dy) of V(x, y) = x y."""
    return y, x


def _iterate(step: Callable[[float, float], tuple[float, float]], x0: float, y0: float,
             steps: int) -> np.ndarray:
    path = np.full((steps + 1, 2), np.nan)
    path[0] = x, y = x0, y0
    for k in range(1, steps + 1):
        x, y = step(x, y)
        if not math.hypot(x, y) <= ESCAPE:
            break
        path[k] = x, y
    return path


def simultaneous(x0: float, y0: float, eta: float, steps: int) -> np.ndarray:
    """Simultaneous GDA, (steps + 1, 2): both players step from the same point.

    x_{k+1} = x_k - eta dV/dx(x_k, y_k) = x_k - eta y_k
    y_{k+1} = y_k + eta dV/dy(x_k, y_k) = y_k + eta x_k

    Closed form: M = [[1, -eta], [eta, 1]] = sqrt(1 + eta^2) R(atan eta), a rotation times a
    stretch, so z_k = (1 + eta^2)^(k/2) R(k atan eta) z_0: an outward spiral for every eta.
    """
    x0, y0, eta, steps = _check(x0, y0, eta, steps)

    def step(x: float, y: float) -> tuple[float, float]:
        gx, gy = grad(x, y)
        return x - eta * gx, y + eta * gy

    return _iterate(step, x0, y0, steps)


def alternating(x0: float, y0: float, eta: float, steps: int) -> np.ndarray:
    """Alternating GDA, (steps + 1, 2): x steps first, then y answers the new x.

    x_{k+1} = x_k - eta y_k
    y_{k+1} = y_k + eta x_{k+1}

    Closed form: M = [[1, -eta], [eta, 1 - eta^2]] has det M = 1 and trace 2 - eta^2, so for
    eta < 2 its eigenvalues are exp(+-i w) with w = 2 asin(eta / 2) and
    M^k = (sin(k w) M - sin((k - 1) w) I) / sin w. The quadratic form
    x^2 + y^2 - eta x y is conserved exactly (``alternating_invariant``): the iterates stay
    on one ellipse around the saddle. At eta = 2 the eigenvalue -1 is double and the
    orbit opens: the radius grows linearly.
    """
    x0, y0, eta, steps = _check(x0, y0, eta, steps)

    def step(x: float, y: float) -> tuple[float, float]:
        x = x - eta * grad(x, y)[0]
        return x, y + eta * grad(x, y)[1]

    return _iterate(step, x0, y0, steps)


def extragradient(x0: float, y0: float, eta: float, steps: int) -> np.ndarray:
    """Extragradient (Korpelevich 1976), (steps + 1, 2): a look-ahead step, then the real
    step from the old point with the gradient found at the look-ahead point.

    x_{k+1/2} = x_k - eta y_k,            y_{k+1/2} = y_k + eta x_k
    x_{k+1}   = x_k - eta y_{k+1/2},      y_{k+1}   = y_k + eta x_{k+1/2}

    Closed form: M = [[1 - eta^2, -eta], [eta, 1 - eta^2]]
    = sqrt(1 - eta^2 + eta^4) R(atan2(eta, 1 - eta^2)), so
    z_k = (1 - eta^2 + eta^4)^(k/2) R(k atan2(eta, 1 - eta^2)) z_0: an inward spiral to the
    saddle for eta < 1, a circle at eta = 1, outward beyond.
    """
    x0, y0, eta, steps = _check(x0, y0, eta, steps)

    def step(x: float, y: float) -> tuple[float, float]:
        gx, gy = grad(x, y)
        xh, yh = x - eta * gx, y + eta * gy
        gx, gy = grad(xh, yh)
        return x - eta * gx, y + eta * gy

    return _iterate(step, x0, y0, steps)


def continuous(x0: float, y0: float, t: np.ndarray) -> np.ndarray:
    """The gradient flow dx/dt = -y, dy/dt = x exactly, (len(t), 2): a circle.

    x(t) = r cos(t + phi) = x0 cos t - y0 sin t,  y(t) = r sin(t + phi) = x0 sin t + y0 cos t
    with (x0, y0) = r (cos phi, sin phi). GDA with step eta is this flow's Euler-type
    discretisation: its step k approximates time t = k eta.
    """
    if not (math.isfinite(x0) and math.isfinite(y0)):
        raise ValueError(f"The start (x0, y0) = ({x0!r}, {y0!r}) must be two finite numbers.")
    t = np.asarray(t, dtype=np.float64).reshape(-1)
    if not np.isfinite(t).all():
        raise ValueError("The times t must be finite numbers.")
    c, s = np.cos(t), np.sin(t)
    return np.stack([x0 * c - y0 * s, x0 * s + y0 * c], axis=1)


def run(method: str, x0: float, y0: float, eta: float, steps: int) -> np.ndarray:
    """One of METHODS, (steps + 1, 2); "continuous" is the flow sampled at t = k eta."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}: use one of {', '.join(METHODS)}.")
    if method == "continuous":
        x0, y0, eta, steps = _check(x0, y0, eta, steps)
        return continuous(x0, y0, eta * np.arange(steps + 1))
    return {"simultaneous": simultaneous, "alternating": alternating,
            "extragradient": extragradient}[method](x0, y0, eta, steps)


def radius(path: np.ndarray) -> np.ndarray:
    """Distance from the saddle point per row, (n,): sqrt(x^2 + y^2); NaN after an escape."""
    path = np.asarray(path, dtype=np.float64)
    return np.hypot(path[:, 0], path[:, 1])


def alternating_invariant(path: np.ndarray, eta: float) -> np.ndarray:
    """x^2 + y^2 - eta x y per row, (n,): constant along an ``alternating`` trajectory."""
    path = np.asarray(path, dtype=np.float64)
    x, y = path[:, 0], path[:, 1]
    return x * x + y * y - eta * x * y


def update_matrix(method: str, eta: float) -> np.ndarray:
    """The 2 x 2 matrix M of z_{k+1} = M z_k; for "continuous", exp(eta A), the flow over
    time eta."""
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}: use one of {', '.join(METHODS)}.")
    e = float(eta)
    if method == "simultaneous":
        return np.array([[1.0, -e], [e, 1.0]])
    if method == "alternating":
        return np.array([[1.0, -e], [e, 1.0 - e * e]])
    if method == "extragradient":
        return np.array([[1.0 - e * e, -e], [e, 1.0 - e * e]])
    return np.array([[math.cos(e), -math.sin(e)], [math.sin(e), math.cos(e)]])


def spectral_radius(method: str, eta: float) -> float:
    """|eigenvalue| of M: the radius factor per step (> 1 spirals out, 1 orbits, < 1 in)."""
    e2 = float(eta) ** 2
    if method == "simultaneous":
        return math.sqrt(1.0 + e2)
    if method == "extragradient":
        return math.sqrt(1.0 - e2 + e2 * e2)
    if method in METHODS:
        return 1.0  # alternating: det M = 1 with complex eigenvalues (eta <= 2); the flow
    raise ValueError(f"Unknown method {method!r}: use one of {', '.join(METHODS)}.")
