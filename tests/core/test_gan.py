import dataclasses
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from core import toy2d
from core.gan import seeds as gan_seeds
from core.gan.config import D_LOSS_STAR, G_LOSS_STAR, V_STAR, GANConfig, equilibrium
from core.gan.history import antiphase, detrend, dominant_mode_changes
from core.gan.losses import d_loss_terms, g_loss_points
from core.gan.mlp import init_mlp, mlp
from core.gan.optim import EnsembleOptimiser
from core.gan.record import EVAL_SAMPLES, FILM_GRID
from core.gan.seeds import train_ensemble
from core.gan.train import GANResult, train_gan

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- data

@pytest.mark.parametrize("name", toy2d.SETS)
def test_every_set_is_seeded_float32_and_inside_the_plotting_range(name):
    a, b = toy2d.sample(name, 500, seed=3), toy2d.sample(name, 500, seed=3)
    assert a.shape == (500, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, toy2d.sample(name, 500, seed=4))
    assert np.abs(a).max() < toy2d.EXTENT


def test_ring_and_grid_have_the_promised_modes():
    ring, grid = toy2d.mode_centres("ring"), toy2d.mode_centres("grid")
    np.testing.assert_allclose(np.linalg.norm(ring, axis=1), 2.0)
    assert len(ring) == 8 and len(grid) == 25 and toy2d.mode_centres("moons") is None
    # their samples cover every mode: tests/core/test_modes.py


def test_unknown_set_names_the_valid_ones():
    with pytest.raises(ValueError, match="data='circles' is not allowed: use one of ring"):
        toy2d.sample("circles", 10, 0)


# ---------------------------------------------------------------- the game's values

def test_equilibrium_values_are_those_of_d_equal_one_half():
    logit = torch.zeros(1, 4, 1)                                  # D = sigmoid(0) = 1/2
    assert d_loss_terms(logit, logit).item() == pytest.approx(D_LOSS_STAR)
    assert D_LOSS_STAR == pytest.approx(-V_STAR) and V_STAR == -math.log(4)
    for loss, star in G_LOSS_STAR.items():
        assert g_loss_points(logit, loss).mean().item() == pytest.approx(star)
    # one-sided smoothing moves D's target, not the value of the loss at D = 1/2
    assert d_loss_terms(logit, logit, 0.1).item() == pytest.approx(2 * math.log(2))


def test_losses_match_their_formulas_in_float64():
    logit = torch.linspace(-6, 6, 13, dtype=torch.float64).reshape(1, -1, 1)
    D = torch.sigmoid(logit)
    np.testing.assert_allclose(g_loss_points(logit, "minimax"), torch.log(1 - D), rtol=1e-9)
    np.testing.assert_allclose(g_loss_points(logit, "nonsaturating"), -torch.log(D), rtol=1e-9)
    expected = -(torch.log(D) + torch.log(1 - D)).mean()
    assert d_loss_terms(logit, logit).item() == pytest.approx(expected.item(), rel=1e-9)


def test_minimax_gradient_vanishes_where_d_rejects_and_nonsaturating_does_not():
    logit = torch.tensor([[[-8.0]]], dtype=torch.float64, requires_grad=True)   # D = 3e-4
    (mm,) = torch.autograd.grad(g_loss_points(logit, "minimax").sum(), logit)
    (ns,) = torch.autograd.grad(g_loss_points(logit, "nonsaturating").sum(), logit)
    D = torch.sigmoid(logit).item()
    assert mm.item() == pytest.approx(-D) and ns.item() == pytest.approx(-(1 - D))
    assert abs(ns.item() / mm.item()) > 1000


def test_optimiser_matches_torch_adam_and_sgd():
    cfg = GANConfig()
    for kind, reference in (("adam", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.5, 0.999))),
                            ("sgd", lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5))):
        ours = [torch.randn(1, 3, 2, generator=torch.Generator().manual_seed(0))]
        theirs = [ours[0].clone().requires_grad_()]
        opt = EnsembleOptimiser(ours, 0.01, dataclasses.replace(cfg, optimiser=kind))
        ref = reference(theirs)
        for t in range(5):
            grad = torch.randn(1, 3, 2, generator=torch.Generator().manual_seed(t + 1))
            opt.step((grad,))
            theirs[0].grad = grad.clone()
            ref.step()
        torch.testing.assert_close(ours[0], theirs[0].detach(), rtol=1e-5, atol=1e-6)


def test_ensemble_members_are_independent_nets():
    x = torch.randn(3, 5, 2)
    params = init_mlp([2, 4, 1], seeds=[7, 8, 7], offset=0)
    out = mlp(params, x, "tanh")
    alone = mlp(init_mlp([2, 4, 1], seeds=[8], offset=0), x[1:2], "tanh")
    torch.testing.assert_close(out[1:2], alone)
    torch.testing.assert_close(params[0][0], params[0][2])


# ---------------------------------------------------------------- configs and runs

def test_config_rejects_bad_values_with_the_valid_range():
    with pytest.raises(ValueError, match="loss='wasserstein' is not allowed: use one of "
                                         "nonsaturating, minimax"):
        GANConfig(loss="wasserstein")
    with pytest.raises(ValueError, match="k=0 is not allowed: use 1 to 20"):
        GANConfig(k=0)
    with pytest.raises(ValueError, match="label_smoothing=0.9 is not allowed: use 0 to 0.5"):
        GANConfig(label_smoothing=0.9)
    with pytest.raises(ValueError, match="data='mnist'"):
        GANConfig(data="mnist")
    with pytest.raises(ValueError, match="lr_max=0.0001 is not allowed: use more than lr_min"):
        gan_seeds.PhaseConfig(lr_min=1e-3, lr_max=1e-4)


def test_tiny_run_has_every_history_and_the_film():
    cfg = GANConfig.tiny(label_smoothing=0.1, instance_noise=0.05)
    r = train_gan(cfg)
    n_logs, frames = cfg.steps // cfg.log_every + 1, cfg.steps // cfg.film_every + 1
    np.testing.assert_array_equal(r.step, np.arange(0, cfg.steps + 1, cfg.log_every))
    for name in ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm",
                 "modes_covered_history", "hq_fraction_history", "data_distance"):
        assert getattr(r, name).shape == (n_logs,), name
    assert r.mode_counts_history.shape == (n_logs, 8) and r.mode_counts.shape == (8,)
    assert r.samples.shape == (EVAL_SAMPLES, 2)
    assert r.film_points.shape == r.film_arrows.shape == (frames, cfg.film_points, 2)
    assert r.film_d.shape == (frames, FILM_GRID, FILM_GRID)
    assert ((r.film_d > 0) & (r.film_d < 1)).all()
    np.testing.assert_array_equal(r.film_step, np.arange(0, cfg.steps + 1, cfg.film_every))
    assert r.film_axis[0] == -toy2d.EXTENT and r.film_axis[-1] == toy2d.EXTENT
    assert r.G["W0"].shape == (cfg.noise_dim, cfg.g_hidden) and r.partner == {}
    assert set(r.metrics()) >= {"modes_covered", "hq_fraction", "grad_ratio"}


def test_film_arrows_point_where_the_generator_loss_falls():
    cfg = GANConfig.tiny(steps=10, film_every=10)
    r = train_gan(cfg)
    D = [torch.as_tensor(r.D[f"{w}{i}"])[None] for i in range(cfg.d_layers + 1) for w in "Wb"]
    x = torch.as_tensor(r.film_points[-1])[None]
    loss = lambda x: g_loss_points(mlp(D, x, cfg.activation), cfg.loss).sum()  # noqa: E731
    step = 1e-3 * torch.as_tensor(r.film_arrows[-1])[None]
    assert loss(x + step) < loss(x)


def test_training_is_seeded_and_a_one_seed_ensemble_is_the_same_run():
    cfg = GANConfig.tiny(seed=5)
    a, b = train_gan(cfg), train_gan(cfg)
    np.testing.assert_array_equal(a.samples, b.samples)
    e = train_ensemble(cfg, [5])
    np.testing.assert_array_equal(e.samples[0], a.samples)
    np.testing.assert_array_equal(e.d_loss[0], a.d_loss)
    assert not np.array_equal(train_gan(dataclasses.replace(cfg, seed=6)).samples, a.samples)


def test_ensemble_gives_outcomes_per_seed():
    e = train_ensemble(GANConfig.tiny(), [0, 1, 2])
    assert e.modes_covered.shape == e.hq_fraction.shape == (3,)
    assert e.d_loss.shape == (3, len(e.step)) and e.samples.shape == (3, EVAL_SAMPLES, 2)
    assert not np.array_equal(e.samples[0], e.samples[1])


def test_compare_losses_starts_both_generators_from_the_same_state():
    cfg = GANConfig.tiny(loss="minimax", d_pretrain=200, compare_losses=True)
    r = train_gan(cfg)
    assert r.partner_loss == "nonsaturating" and r.grad_ratio > 1
    assert r.partner["data_distance"][0] == pytest.approx(r.data_distance[0])
    assert r.partner["film_points"].shape == r.film_points.shape


def test_curves_have_no_mode_metrics():
    r = train_gan(GANConfig.tiny(data="moons"))
    assert r.modes_covered is None and np.isnan(r.modes_covered_history).all()
    assert r.mode_counts.shape == (0,) and np.isfinite(r.data_distance).all()


def test_phase_diagram_shape_and_lrs():
    cfg = gan_seeds.PhaseConfig(n_lr=2, seeds_per_cell=2, steps=10)
    p = gan_seeds.phase_diagram(cfg)
    np.testing.assert_allclose(p.lr_d, [1e-4, 1e-2])
    assert p.modes.shape == p.hq.shape == (2, 2, 2) and p.mean_modes().shape == (2, 2)


def test_result_round_trips_through_the_store(tmp_path):
    from core.store import ArtifactStore

    r = train_gan(GANConfig.tiny(compare_losses=True))
    store = ArtifactStore(tmp_path)
    store.save("a" * 64, *r.to_store())
    back = GANResult.from_store(*store.load("a" * 64))
    np.testing.assert_array_equal(back.film_d, r.film_d)
    np.testing.assert_array_equal(back.partner["samples"], r.partner["samples"])
    np.testing.assert_array_equal(back.G["W1"], r.G["W1"])
    assert back.metrics() == r.metrics()


def swing(h: np.ndarray, window: int = 10) -> float:
    """Standard deviation of the detrended history: how hard it oscillates."""
    return float(detrend(h, window).std())


def test_history_readers_on_hand_made_sequences():
    t = np.arange(200)
    wave = np.sin(t / 3)
    assert antiphase(1 + 0.01 * t + wave, 2 - wave) < -0.95
    assert swing(3 * wave) == pytest.approx(3 * swing(wave), rel=1e-6)
    counts = np.array([[9, 1, 0], [1, 9, 0], [1, 9, 0], [0, 1, 9], [3, 3, 4]])
    assert dominant_mode_changes(counts) == 2     # the balanced last row does not count


def test_core_run_writes_the_contracted_json(tmp_path):
    env = {**os.environ, "GENLAB_STORE": str(tmp_path / "store")}
    out = subprocess.run([sys.executable, "-m", "core", "run", "gan.healthy", "--set",
                          "steps=40"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert {"modes_covered", "hq_fraction", "grad_ratio"} <= set(payload["metrics"])
    assert {"samples", "step", "d_loss", "g_loss", "modes_covered_history",
            "g_grad_norm"} <= set(payload["arrays"])
    assert len(payload["arrays"]["samples"]) == 2500


@pytest.mark.parametrize("s", [0.0, 0.1, 0.3])
def test_equilibrium_with_label_smoothing_is_where_d_loss_is_flat(s):
    """At p_g = p_data the logged D loss, as a function of a constant D, is smallest at
    D* = (1 - s)/2, and its value there is the one the charts draw."""
    star = equilibrium("nonsaturating", s)
    grid = torch.linspace(-3, 3, 6001, dtype=torch.float64)
    values = torch.stack([d_loss_terms(g.view(1, 1, 1), g.view(1, 1, 1), s)[0]
                          for g in grid])
    best = torch.sigmoid(grid[values.argmin()]).item()
    assert best == pytest.approx(star["d_star"], abs=1e-3)
    assert values.min().item() == pytest.approx(star["d_loss"], abs=1e-6)
    if s == 0:
        assert star["d_loss"] == pytest.approx(D_LOSS_STAR)
        assert star["g_loss"] == pytest.approx(G_LOSS_STAR["nonsaturating"])
