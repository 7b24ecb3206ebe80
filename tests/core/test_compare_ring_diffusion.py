"""The compare panel's ring diffusion ensemble (core.compare.ring_diffusion)."""

import math
import time
from itertools import pairwise

import numpy as np
import pytest
import torch

from core import toy2d
from core.compare import ring_diffusion as rd
from core.diffusion import vlb
from core.diffusion.ddpm import EpsNet, timestep_embedding
from core.diffusion.toy_metrics import mmd2
from core.modes import mode_metrics

SEEDS, SCALES = [0, 1, 0], [1.0, 1.0, 3.0]
# the ring's own NLL in nats per dimension: 8 well-separated modes of std 0.02
RING_NLL = math.log(8) / 2 + 0.5 * math.log(2 * math.pi * math.e * toy2d.MODE_STD**2)


@pytest.fixture(scope="module")
def tiny():
    return rd.train_ring_diffusion(SEEDS, SCALES, steps=30)


def test_shapes_and_finite_values(tiny):
    assert tiny.E == 3
    assert [tuple(p.shape) for p in tiny.params[:2]] == [(3, rd.sizes()[0], 64), (3, 1, 64)]
    samples = tiny.sample(40, seed=5)
    assert samples.shape == (3, 40, 2) and samples.dtype == np.float32
    assert np.isfinite(samples).all()
    assert tiny.loss.shape == (3, len(tiny.loss_step)) and tiny.loss_step[-1] == 30
    bound = tiny.nll_bound(toy2d.sample("ring", 50, 1))
    assert bound.shape == (3,) and np.isfinite(bound).all()
    assert tiny.sample_seconds(20) > 0 and tiny.train_seconds > 0


def test_a_run_is_repeatable(tiny):
    again = rd.train_ring_diffusion(SEEDS, SCALES, steps=30)
    for a, b in zip(tiny.params, again.params, strict=True):
        assert torch.equal(a, b)
    np.testing.assert_array_equal(tiny.sample(30, 2), again.sample(30, 2))
    np.testing.assert_array_equal(tiny.nll_bound(toy2d.sample("ring", 20, 1)),
                                  again.nll_bound(toy2d.sample("ring", 20, 1)))


def test_members_differ_by_seed_and_by_learning_rate(tiny):
    W = tiny.params[0]
    assert not torch.allclose(W[0], W[1])      # seeds 0 and 1
    assert not torch.allclose(W[0], W[2])      # seed 0 at lr x1 and x3
    samples = tiny.sample(30, 0)
    assert not np.allclose(samples[0], samples[1])


def test_member_samples_do_not_depend_on_the_others(tiny):
    """Every member starts from the same x_T and draws the same noise."""
    together = tiny.sample(25, 7)
    for i in range(tiny.E):
        np.testing.assert_allclose(together[i], tiny.member(i).sample(25, 7)[0], atol=1e-5)


def test_the_net_is_epsnet():
    """With EpsNet's weights stacked, eps_theta is EpsNet's function: the same input [x_t,
    time embedding, sin, cos], the same fixed frequencies, SiLU."""
    cfg = rd.NET
    torch.manual_seed(4)
    net = EpsNet(2, cfg.hidden, cfg.layers, cfg.t_dim, fourier=cfg.fourier,
                 fourier_scale=cfg.fourier_scale)
    assert torch.equal(net.freqs, rd.fourier_freqs())
    params = []
    for layer in net.mlp:
        if isinstance(layer, torch.nn.Linear):
            params += [layer.weight.detach().T[None], layer.bias.detach()[None, None]]
    assert [tuple(p.shape[1:]) for p in params[::2]] == list(pairwise(rd.sizes()))
    xt = torch.randn(64, 2, generator=torch.Generator().manual_seed(0))
    t = torch.randint(1, 101, (64,), generator=torch.Generator().manual_seed(1))
    table = rd.t_table(100)
    torch.testing.assert_close(table[t], timestep_embedding(t, cfg.t_dim))
    with torch.no_grad():
        for when in (t, 37):
            ours = rd.eps_theta(params, rd.fourier_freqs(), table, xt[None],
                                when if isinstance(when, int) else when[None])[0]
            torch.testing.assert_close(ours, net(xt, when), rtol=1e-5, atol=1e-5)


def test_progress_stays_in_its_share_and_lengths_are_checked():
    fractions = []
    rd.train_ring_diffusion([3], [1.0], steps=20, share=(0.2, 0.5),
                            on_progress=lambda f, note: fractions.append(f))
    assert fractions[0] == pytest.approx(0.2) and fractions[-1] == pytest.approx(0.7)
    assert fractions == sorted(fractions)
    with pytest.raises(ValueError, match="one lr scale per seed"):
        rd.train_ring_diffusion([0, 1], [1.0], steps=1)


def test_a_tiny_run_is_fast():
    start = time.perf_counter()
    rd.train_ring_diffusion([0, 1], [1.0, 3.0], steps=50).sample(100, 0)
    assert time.perf_counter() - start < 5.0     # about 0.3 s on one idle core


def ring_eps(schedule):
    """The best noise guess for the ring, E[eps | x_t]: the ring is a mixture of Gaussians, so
    x_t is one too, and E[x0 | x_t] weighs each mode's Gaussian posterior mean."""
    centres, var = torch.as_tensor(toy2d.mode_centres("ring")), toy2d.MODE_STD**2

    def eps(xt, t):
        ab = float(schedule.alpha_bar[t])
        spread = ab * var + 1 - ab                          # each mode's variance at t
        offset = xt.double()[:, None] - math.sqrt(ab) * centres[None]
        weight = torch.softmax(-(offset**2).sum(-1) / (2 * spread), 1)
        x0 = (weight[..., None] * (centres + math.sqrt(ab) * var / spread * offset)).sum(1)
        return (xt - math.sqrt(ab) * x0) / math.sqrt(1 - ab)
    return eps


@pytest.mark.slow
def test_a_full_run_covers_the_ring():
    """Scale-1 members of two seeds: all 8 modes, MMD^2 near the diffusion panel's (about 0.02
    at these settings), and a bound a little above the best any eps_theta reaches with these
    T = 100 steps (-0.58 nats/dim; the ring's own NLL, -1.45, lies far below: the variance
    sigma_t^2 = beta_t is much wider than the true reverse steps near modes of std 0.02)."""
    run = rd.train_ring_diffusion([0, 1], [1.0, 1.0])
    reference = toy2d.sample("ring", 1000, 1)
    samples = run.sample(1000, 0)
    for i in range(run.E):
        assert mode_metrics(samples[i], "ring")["modes_covered"] == 8
        assert mmd2(samples[i], reference) < 0.04
    bound = run.nll_bound(reference)
    best = vlb.nll_bound(ring_eps(run.schedule), run.schedule, torch.as_tensor(reference),
                         torch.Generator().manual_seed(0))
    assert RING_NLL < best < -0.5
    assert (best - 0.02 < bound).all() and (bound < best + 0.3).all()
