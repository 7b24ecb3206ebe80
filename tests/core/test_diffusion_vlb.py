"""DDPM's variational bound (core.diffusion.vlb) where the answer is known.

For data x0 ~ N(0, I) the forward process keeps every x_t ~ N(0, I), the best noise guess is
eps*(x_t, t) = E[eps | x_t] = sqrt(1 - alpha_bar_t) x_t, and the true reverse step is
N(sqrt(alpha_t) x_t, beta_t I): exactly the model the bound uses (mean through x0_hat,
sigma_t^2 = beta_t). So the model's chain is the forward chain, p_theta(x0) = N(0, I), and the
bound's expectation is the true NLL with no gap; what is left is Monte-Carlo noise, one draw of
x_{1:T} per row. Measured over 10 seeds with 4,000 rows (d = 2) its std is 0.014 (T = 100) to
0.017 nats/dim, most of it from the x_t draws of the first steps, whose terms are chi-square
like. The tests use 8,000 rows and compare with the NLL of those same rows, which removes the
rows' own noise (std about 0.01): 0.05 nats/dim is 5 of those stds, and tight enough that a
missing L_0 (-2 nats/dim at T = 100) or the first KL terms (0.7, 0.4, ...) fail it. L_T is
about 1e-5 here (alpha_bar_T is 4e-5), too small to see: the hand-computed test checks it.
"""

import math

import numpy as np
import pytest
import torch

from core.diffusion.schedules import make_schedule, posterior, predict_x0
from core.diffusion.vlb import bound_terms, gaussian_kl, gaussian_nll, nll_bound

ROWS = 8_000
TOLERANCE = 0.05              # nats per dimension: 5 std of the estimate (module docstring)


def gaussian_data(std: float, seed: int = 0, rows: int = ROWS) -> tuple[torch.Tensor, float]:
    """x0 ~ N(0, std^2 I) (rows, 2) and its exact NLL in nats per dimension."""
    x0 = std * torch.randn(rows, 2, generator=torch.Generator().manual_seed(seed),
                           dtype=torch.float64)
    nll = (0.5 * math.log(2 * math.pi * std**2) + 0.5 * (x0 / std) ** 2).mean().item()
    return x0, nll


def optimal_eps(schedule, std: float = 1.0):
    """E[eps | x_t] for x0 ~ N(0, std^2 I): sqrt(1 - ab) x_t / (ab std^2 + 1 - ab)."""
    ab = schedule.alpha_bar
    return lambda xt, t: math.sqrt(1 - ab[t]) * xt / (ab[t] * std**2 + 1 - ab[t])


@pytest.mark.parametrize("T", [100, 1000])
def test_bound_of_the_optimal_model_is_the_true_nll(T):
    schedule = make_schedule("linear", T)
    x0, nll = gaussian_data(1.0)
    bound = nll_bound(optimal_eps(schedule), schedule, x0, torch.Generator().manual_seed(1))
    assert abs(nll - 0.5 * math.log(2 * math.pi * math.e)) < 0.02   # the rows are N(0, I)
    assert bound >= nll - TOLERANCE
    assert abs(bound - nll) < TOLERANCE


def test_a_wrong_noise_guess_gives_a_much_larger_bound():
    schedule = make_schedule("linear", 100)
    x0, nll = gaussian_data(1.0, rows=2_000)
    zeros = nll_bound(lambda xt, t: torch.zeros_like(xt), schedule, x0,
                      torch.Generator().manual_seed(1))
    assert zeros > nll + 1.0


def test_coarse_steps_loosen_the_bound_on_narrow_data():
    """With std 0.1 the true reverse steps are narrower than beta_t: the bound keeps a gap,
    which T = 1000's finer steps shrink (measured: 0.18 nats/dim at T = 100, 0.02 at 1000)."""
    x0, nll = gaussian_data(0.1)
    bounds = {}
    for T in (100, 1000):
        schedule = make_schedule("linear", T)
        bounds[T] = nll_bound(optimal_eps(schedule, 0.1), schedule, x0,
                              torch.Generator().manual_seed(1))
    assert bounds[100] > nll + 0.1
    assert nll - TOLERANCE < bounds[1000] < bounds[100] - 0.1


def test_gaussian_kl_and_nll_by_hand():
    # KL(N(0, 1) || N(1, 2)) = 0.5 (1/2 + 1/2 - 1 + log 2) = 0.5 log 2
    assert gaussian_kl(0.0, 1.0, 1.0, 2.0) == pytest.approx(0.5 * math.log(2))
    assert gaussian_kl(torch.tensor([0.3]), 0.5, torch.tensor([0.3]), 0.5).item() == 0.0
    # -log N(1; 0, 1) = 0.5 log(2 pi) + 0.5
    assert gaussian_nll(1.0, 0.0, 1.0) == pytest.approx(0.5 * math.log(2 * math.pi) + 0.5)


def test_each_term_is_the_hand_computed_gaussian_term():
    """One row, T = 10, eps_theta = 0 (so x0_hat = x_t / sqrt(ab_t)): every term, L_0, the
    L_{t-1} and L_T, recomputed from the x_t the bound drew."""
    schedule = make_schedule("linear", 10)
    x0 = torch.tensor([[0.5, -1.0]], dtype=torch.float64)
    seen = {}

    def eps_fn(xt, t):
        seen[t] = xt.clone()
        return torch.zeros_like(xt)

    terms = bound_terms(eps_fn, schedule, x0, torch.Generator().manual_seed(3))
    assert terms.shape == (11,)
    ab, beta = schedule.alpha_bar, schedule.beta
    expected = np.zeros(11)
    for t in range(1, 11):
        xt = seen[t][0].numpy()
        x0_hat = xt / math.sqrt(ab[t])
        mean_theta, _ = posterior(x0_hat, xt, t, schedule)
        if t == 1:
            # -log N(x0; mean_theta, beta_1), summed over the 2 coordinates
            expected[0] = sum(0.5 * math.log(2 * math.pi * beta[1])
                              + (x0[0, i].item() - mean_theta[i]) ** 2 / (2 * beta[1])
                              for i in range(2))
        else:
            mean_q, var_q = posterior(x0[0].numpy(), xt, t, schedule)
            r = var_q / beta[t]
            expected[t - 1] = sum(0.5 * (r + (mean_q[i] - mean_theta[i]) ** 2 / beta[t] - 1
                                         - math.log(r)) for i in range(2))
    # L_T: KL(N(sqrt(ab_T) x0, 1 - ab_T) || N(0, 1)) per coordinate
    expected[10] = sum(0.5 * ((1 - ab[10]) + ab[10] * v**2 - 1 - math.log(1 - ab[10]))
                       for v in (0.5, -1.0))
    np.testing.assert_allclose(terms, expected / 2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(predict_x0(seen[4], 4, torch.zeros(1, 2), ab),
                               seen[4] / math.sqrt(ab[4]))


def test_the_net_sees_x_t_in_the_dtype_of_x0_and_the_bound_is_a_float():
    schedule = make_schedule("linear", 10)
    dtypes = set()

    def eps_fn(xt, t):
        dtypes.add(xt.dtype)
        return torch.zeros_like(xt)

    x0 = torch.zeros(5, 2)
    bound = nll_bound(eps_fn, schedule, x0, torch.Generator().manual_seed(0))
    assert dtypes == {torch.float32} and isinstance(bound, float) and math.isfinite(bound)
