"""Noise schedules and the forward process of diffusion (lecture: "Diffusion models: forward pass").

The forward process adds Gaussian noise in T steps,

    q(x_t | x_{t-1}) = N(x_t; sqrt(1 - beta_t) x_{t-1}, beta_t I),

and with alpha_t = 1 - beta_t and alpha_bar_t = prod_{s <= t} alpha_s it has the closed form
(Ho et al. 2020, eq. 4)

    q(x_t | x_0) = N(x_t; sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I).

Every schedule array here has T + 1 entries indexed by t itself: entry 0 is t = 0, the data
(beta_0 = 0, alpha_bar_0 = 1), so ``alpha_bar[t]`` reads like the paper. The maths functions
work on numpy arrays and torch tensors alike; the noise eps is passed in, so tests can fix it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

# linear: DDPM's betas (1e-4 to 0.02 over T = 1000) scaled by 1000 / T (Nichol & Dhariwal
# 2021), so every T ends as close to noise as DDPM's 1000 steps do. cosine: Nichol & Dhariwal's
# alpha_bar. linear_fixed: DDPM's 1e-4 to 0.02 whatever T (tiny-diffusion's choice): with few
# steps x_T is not noise, the pitfall the schedule view warns about.
SCHEDULES = ("linear", "cosine", "linear_fixed")
T_MIN, T_MAX = 10, 1000
BETA_START, BETA_END = 1e-4, 0.02     # DDPM's linear schedule at T = 1000
BETA_MAX = 0.999                      # Nichol & Dhariwal clip beta here: beta = 1 erases x_t
COSINE_S = 0.008                      # their offset: beta_1 is not vanishingly small

# Warning thresholds (check_schedule). sqrt(alpha_bar_T) is the share of the signal's std that
# x_T keeps; sampling starts from N(0, I), which ignores it, so above 0.1 (alpha_bar_T above
# 0.01) the start visibly differs from q(x_T) (DDPM's 1000 steps keep 0.6 %).
ALPHA_BAR_T_MAX = 0.01
# A reverse step p(x_{t-1} | x_t) is a Gaussian, which is only right for small steps
# (Sohl-Dickstein et al. 2015). We call a step coarse when it removes more than 5 % of the
# signal's std at once, sqrt(alpha_bar_{t-1}) - sqrt(alpha_bar_t) > 0.05: the linear and cosine
# schedules cross that below about 40 and 30 steps; DDPM's largest step removes 0.2 %.
MAX_SIGNAL_DROP = 0.05


def snr(alpha_bar: Any) -> Any:
    """Signal-to-noise ratio of x_t: alpha_bar_t / (1 - alpha_bar_t), for one alpha_bar_t or
    an array of them; inf at the data (alpha_bar_t = 1)."""
    with np.errstate(divide="ignore"):
        return np.divide(alpha_bar, 1 - alpha_bar)


@dataclass(frozen=True, eq=False)
class Schedule:
    """beta, alpha, alpha_bar: (T + 1,) float64 indexed by t; entry 0 is the data itself."""

    kind: str
    T: int
    beta: np.ndarray
    alpha: np.ndarray
    alpha_bar: np.ndarray

    def snr(self) -> np.ndarray:
        """Signal-to-noise ratio alpha_bar_t / (1 - alpha_bar_t), (T + 1,); inf at t = 0."""
        return snr(self.alpha_bar)

    def posterior_variance(self) -> np.ndarray:
        """beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t (eq. 7), (T + 1,);
        0 at t <= 1."""
        out = np.zeros(self.T + 1)
        t = np.arange(2, self.T + 1)
        out[2:] = (1 - self.alpha_bar[t - 1]) / (1 - self.alpha_bar[t]) * self.beta[t]
        return out


def linear_betas(T: int, scaled: bool = True) -> np.ndarray:
    """DDPM's beta_1..beta_T, linear from 1e-4 to 0.02, times 1000 / T when ``scaled``: (T,)."""
    scale = 1000 / T if scaled else 1.0
    return np.clip(np.linspace(BETA_START * scale, BETA_END * scale, T), 0, BETA_MAX)


def cosine_betas(T: int, s: float = COSINE_S) -> np.ndarray:
    """Nichol & Dhariwal (2021), eq. 17: alpha_bar(t) = f(t) / f(0),
    f(t) = cos^2((t / T + s) / (1 + s) * pi / 2); beta_t = 1 - alpha_bar_t / alpha_bar_{t-1}."""
    f = np.cos((np.arange(T + 1) / T + s) / (1 + s) * math.pi / 2) ** 2
    return np.clip(1 - f[1:] / f[:-1], 0, BETA_MAX)


def make_schedule(kind: str = "linear", T: int = 100) -> Schedule:
    if kind not in SCHEDULES:
        raise ValueError(f"schedule={kind!r} is not allowed: use one of {', '.join(SCHEDULES)}.")
    if not (isinstance(T, int) and T_MIN <= T <= T_MAX):
        raise ValueError(f"T={T!r} is not allowed: use {T_MIN} to {T_MAX}.")
    betas = cosine_betas(T) if kind == "cosine" else linear_betas(T, scaled=kind == "linear")
    beta = np.concatenate([[0.0], betas])
    alpha = 1 - beta
    return Schedule(kind, T, beta, alpha, np.cumprod(alpha))


def check_schedule(schedule: Schedule) -> list[str]:
    """The schedule's pitfalls, one sentence each (empty when there are none)."""
    warnings = []
    ab_T = schedule.alpha_bar[-1]
    if ab_T > ALPHA_BAR_T_MAX:
        warnings.append(
            f"alpha_bar_T = {ab_T:.2g}: x_T keeps {math.sqrt(ab_T):.0%} of the signal's std, "
            f"so it is not noise and sampling from N(0, I) starts in the wrong place; use more "
            f"steps or a schedule whose alpha_bar_T is below {ALPHA_BAR_T_MAX:g}.")
    drop = signal_drops(schedule)
    t = int(drop.argmax()) + 1
    if drop[t - 1] > MAX_SIGNAL_DROP:
        warnings.append(
            f"The steps are coarse: step t = {t} removes {drop[t - 1]:.0%} of the signal's std "
            f"at once (above {MAX_SIGNAL_DROP:.0%}), where a Gaussian reverse step is a poor "
            f"fit; use more steps (T = {schedule.T} now).")
    return warnings


def signal_drops(schedule: Schedule) -> np.ndarray:
    """sqrt(alpha_bar_{t-1}) - sqrt(alpha_bar_t) for t = 1..T: the signal each step removes."""
    return -np.diff(np.sqrt(schedule.alpha_bar))


# ---------------------------------------------------------------- the forward process

def _at(a, t, x):
    """a[t] shaped to broadcast against x (n, d): a scalar t, or one t per row of x."""
    v = a[t]
    return v if getattr(v, "ndim", 0) == 0 else v.reshape(-1, *[1] * (x.ndim - 1))


def q_sample(x0, t, eps, alpha_bar):
    """x_t ~ q(x_t | x_0): sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps (eq. 4). x0, eps:
    (n, d); t: an int or (n,) ints; alpha_bar: (T + 1,) of the same kind as x0."""
    ab = _at(alpha_bar, t, x0)
    return ab**0.5 * x0 + (1 - ab) ** 0.5 * eps


def q_step(x_prev, t, eps, beta):
    """x_t ~ q(x_t | x_{t-1}): sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps (eq. 2)."""
    b = _at(beta, t, x_prev)
    return (1 - b) ** 0.5 * x_prev + b**0.5 * eps


def forward_chain(x0: np.ndarray, schedule: Schedule, record_t, rng: np.random.Generator
                  ) -> np.ndarray:
    """The step-by-step chain x_0 -> x_1 -> ... -> x_T, in float64, kept at the times in
    ``record_t``: (len(record_t), n, d), in the order given."""
    x = np.asarray(x0, dtype=np.float64)
    wanted = {int(t): i for i, t in enumerate(record_t)}
    out = np.empty((len(wanted), *x.shape))
    if 0 in wanted:
        out[wanted[0]] = x
    for t in range(1, schedule.T + 1):
        x = q_step(x, t, rng.standard_normal(x.shape), schedule.beta)
        if t in wanted:
            out[wanted[t]] = x
    return out


def posterior(x0, xt, t, schedule: Schedule):
    """q(x_{t-1} | x_t, x_0) = N(mu~, beta~ I) for t >= 1 (Ho et al. eq. 6-7):
    mu~ = sqrt(alpha_bar_{t-1}) beta_t / (1 - alpha_bar_t) x0
          + sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) xt,
    beta~ = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t. Returns (mu~ like xt, beta~)."""
    ab, ab_prev = schedule.alpha_bar[t], schedule.alpha_bar[t - 1]
    beta, alpha = schedule.beta[t], schedule.alpha[t]
    mean = (math.sqrt(ab_prev) * beta / (1 - ab) * x0
            + math.sqrt(alpha) * (1 - ab_prev) / (1 - ab) * xt)
    return mean, (1 - ab_prev) / (1 - ab) * beta


def predict_x0(xt, t: int, eps, alpha_bar):
    """x0 from x_t and the noise in it (eq. 4 solved for x0): (xt - sqrt(1 - ab) eps) / sqrt(ab)."""
    ab = float(alpha_bar[t])
    return (xt - math.sqrt(1 - ab) * eps) / math.sqrt(ab)
