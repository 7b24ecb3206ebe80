"""DDPM's variational bound on the negative log-likelihood (lecture, the families' table:
"Exact NLL not computed; optimize a variational upper bound on NLL").

A diffusion model's p_theta(x0) integrates over every path x_{1:T}, which nobody can do; what
can be computed is the bound of Sohl-Dickstein et al. (2015) in the form of Ho et al. (2020),
eq. 5, one Gaussian term per time:

    -log p_theta(x0) <= L_T + sum_{t=2..T} L_{t-1} + L_0,
    L_T     = KL(q(x_T | x0) || N(0, I)),
    L_{t-1} = KL(q(x_{t-1} | x_t, x0) || p_theta(x_{t-1} | x_t)),   x_t ~ q(x_t | x0),
    L_0     = -log p_theta(x0 | x_1),                              x_1 ~ q(x_1 | x0).

The reverse step is p_theta(x_{t-1} | x_t) = N(mu_theta(x_t, t), sigma_t^2 I) with mu_theta the
posterior mean at x0_hat = predict_x0(x_t, t, eps_theta) (the same step the DDPM sampler takes)
and sigma_t^2 = beta_t, the upper of Ho et al.'s two choices: the sampler's beta~_t is 0 at t = 1,
so L_0 would be the density of a point mass, -log of 0 or of infinity. The data are continuous,
so L_0 is a density and the bound may be negative (on the ring, whose modes have std 0.02, it
is). A trainer's L_simple drops this bound's weights; this measures the bound itself.

Expectations over x_t are estimated with one x_t per row and time; the KLs between Gaussians
are exact. The sums run in float64: at small t, mu~ and mu_theta agree to a few digits.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from core.diffusion.ddpm import EpsFn
from core.diffusion.schedules import Schedule, posterior, predict_x0, q_sample

LOG_2PI = math.log(2 * math.pi)


def gaussian_kl(mean_q, var_q, mean_p, var_p):
    """KL(N(mean_q, var_q) || N(mean_p, var_p)) per coordinate, for isotropic Gaussians:
    0.5 (var_q / var_p + (mean_q - mean_p)^2 / var_p - 1 - log(var_q / var_p))."""
    ratio = var_q / var_p
    return 0.5 * (ratio + (mean_q - mean_p) ** 2 / var_p - 1 - math.log(ratio))


def gaussian_nll(x, mean, var):
    """-log N(x; mean, var) per coordinate."""
    return 0.5 * (LOG_2PI + math.log(var) + (x - mean) ** 2 / var)


@torch.no_grad()
def bound_terms(eps_fn: EpsFn, schedule: Schedule, x0: torch.Tensor,
                generator: torch.Generator, clip: float | None = None) -> np.ndarray:
    """The bound's terms L_0, L_1, ..., L_T in nats per dimension, each averaged over the rows
    of x0 (n, d): (T + 1,) float64, entry k is L_k (entry t - 1 compares the step from t).

    ``clip``: x0_hat clipped to [-clip, clip] before the step, as the image sampler does
    (pixels live in [-1, 1]): the bound then has the sampler's mean and clip, with
    sigma_t^2 = beta_t (the sampler's beta~_t is 0 at t = 1, see above). Unclipped, a cosine
    schedule's last step (alpha_bar_T near 0) divides the noise's error by sqrt(alpha_bar_T)
    and one term swamps the rest.

    ``eps_fn`` sees x_t in x0's dtype and device (a net's float32); the terms are float64."""
    x = x0.double()
    n, d = x.shape
    alpha_bar, beta = schedule.alpha_bar, schedule.beta
    terms = np.zeros(schedule.T + 1)
    # L_T: q(x_T | x0) = N(sqrt(ab_T) x0, (1 - ab_T) I) against the sampler's N(0, I)
    ab_T = float(alpha_bar[-1])
    terms[-1] = gaussian_kl(math.sqrt(ab_T) * x, 1 - ab_T, 0.0, 1.0).sum(1).mean().item()
    for t in range(1, schedule.T + 1):
        eps = torch.randn(x.shape, generator=generator, device=x.device, dtype=torch.float64)
        xt = q_sample(x, t, eps, alpha_bar)
        eps_hat = eps_fn(xt.to(x0.dtype), t).double()
        x0_hat = predict_x0(xt, t, eps_hat, alpha_bar)
        if clip is not None:
            x0_hat = x0_hat.clamp(-clip, clip)
        mean_theta, _ = posterior(x0_hat, xt, t, schedule)
        var_theta = float(beta[t])
        if t == 1:
            per_row = gaussian_nll(x, mean_theta, var_theta).sum(1)
        else:
            mean_q, var_q = posterior(x, xt, t, schedule)
            per_row = gaussian_kl(mean_q, var_q, mean_theta, var_theta).sum(1)
        terms[t - 1] = per_row.mean().item()
    return terms / d


def nll_bound(eps_fn: EpsFn, schedule: Schedule, x0: torch.Tensor,
              generator: torch.Generator, clip: float | None = None) -> float:
    """DDPM's variational upper bound on -log p_theta(x0) in nats per dimension, averaged over
    the rows of x0 (n, d): the sum of ``bound_terms``. One draw of x_{1:T} per row, so it is an
    unbiased estimate of the bound; those draws move it by about 0.015 nats/dim (std) for
    1,000 ring points or 4,000 points of N(0, I)."""
    return float(bound_terms(eps_fn, schedule, x0, generator, clip).sum())
