import math

import numpy as np
import pytest
import torch

from core import toy2d
from core.device import one_cpu_thread
from core.diffusion import ddpm, digit_spaces, digits_metrics, schedules, toy, toy_metrics
from core.diffusion import digits as diffusion_digits
from core.diffusion.digits import DigitsDiffusionConfig, train_digits_diffusion
from core.diffusion.schedules import Schedule, check_schedule, make_schedule
from core.diffusion.toy import DiffusionConfig, train_diffusion
from core.images import image_set


def gaussian_eps(mu: float, s: float, schedule: Schedule):
    """The exact noise prediction E[eps | x_t] for data N(mu, s^2 I): x_t and eps are jointly
    Gaussian with Cov(eps, x_t) = sqrt(1 - ab), Var(x_t) = ab s^2 + 1 - ab."""
    def eps(xt, t):
        ab = schedule.alpha_bar[t]
        return math.sqrt(1 - ab) * (xt - math.sqrt(ab) * mu) / (ab * s * s + 1 - ab)
    return eps


# ---------------------------------------------------------------- schedules

@pytest.mark.parametrize("kind", schedules.SCHEDULES)
@pytest.mark.parametrize("T", [10, 37, 100, 1000])
def test_schedule_alpha_bar_falls_from_one_and_beta_stays_in_range(kind, T):
    s = make_schedule(kind, T)
    assert s.beta.shape == s.alpha_bar.shape == (T + 1,)
    assert s.alpha_bar[0] == 1 and s.beta[0] == 0
    assert (np.diff(s.alpha_bar) < 0).all()
    assert ((s.beta[1:] > 0) & (s.beta[1:] <= schedules.BETA_MAX)).all()
    np.testing.assert_allclose(s.alpha_bar, np.cumprod(1 - s.beta))


def test_linear_schedule_is_ddpm_at_1000_steps_and_scaled_below():
    s = make_schedule("linear", 1000)
    np.testing.assert_allclose(s.beta[[1, -1]], [1e-4, 0.02])
    assert s.alpha_bar[-1] == pytest.approx(4.04e-5, rel=0.01)
    # scaled to T: 100 steps end about as close to noise as 1000 do
    assert make_schedule("linear", 100).alpha_bar[-1] < 1e-4
    # unscaled (tiny-diffusion's 50 steps): x_T keeps most of the signal
    assert make_schedule("linear_fixed", 50).alpha_bar[-1] == pytest.approx(0.60, abs=0.01)


def test_cosine_schedule_follows_its_alpha_bar_formula():
    s, T = make_schedule("cosine", 200), 200
    f = np.cos((np.arange(T + 1) / T + 0.008) / 1.008 * np.pi / 2) ** 2
    np.testing.assert_allclose(s.alpha_bar[:-1], (f / f[0])[:-1], rtol=1e-9)


def test_warning_names_how_much_signal_x_T_keeps():
    (warning,) = check_schedule(make_schedule("linear_fixed", 50))
    assert warning.startswith("alpha_bar_T = 0.6: x_T keeps 78% of the signal's std")
    assert check_schedule(make_schedule("linear", 100)) == []
    assert check_schedule(make_schedule("cosine", 1000)) == []


def test_warning_thresholds_are_where_the_docs_say():
    def with_alpha_bar_T(ab_T):
        ab = np.linspace(1, ab_T, 1001)       # tiny steps: only alpha_bar_T can warn
        return Schedule("test", 1000, np.r_[0, 1 - ab[1:] / ab[:-1]],
                        np.r_[1, ab[1:] / ab[:-1]], ab)
    limit = schedules.ALPHA_BAR_T_MAX
    assert check_schedule(with_alpha_bar_T(0.99 * limit)) == []
    assert "alpha_bar_T" in check_schedule(with_alpha_bar_T(1.01 * limit))[0]
    # coarse steps: one step removes more than 5 % of the signal's std
    drops = [schedules.signal_drops(make_schedule("linear", T)).max() for T in (40, 50)]
    assert drops[0] > schedules.MAX_SIGNAL_DROP > drops[1]
    (warning,) = check_schedule(make_schedule("linear", 40))
    assert warning.startswith("The steps are coarse: step t = 13 removes 5%")
    assert check_schedule(make_schedule("linear", 50)) == []


def test_bad_schedules_get_a_sentence():
    with pytest.raises(ValueError, match="schedule='quadratic' is not allowed: use one of linear"):
        make_schedule("quadratic", 100)
    with pytest.raises(ValueError, match="T=5 is not allowed: use 10 to 1000"):
        make_schedule("linear", 5)


# ---------------------------------------------------------------- the forward process

def test_closed_form_matches_the_step_by_step_chain_in_float64():
    s = make_schedule("cosine", 40)
    n = 40_000
    x0 = np.tile([[1.5, -0.5]], (n, 1))
    with one_cpu_thread():
        chain = schedules.forward_chain(x0, s, [0, 5, 20, 40], np.random.default_rng(0))
    closed = [schedules.q_sample(x0, t, np.random.default_rng(t).standard_normal(x0.shape),
                                 s.alpha_bar) for t in (5, 20, 40)]
    np.testing.assert_array_equal(chain[0], x0)
    for x_chain, x_closed, t in zip(chain[1:], closed, (5, 20, 40), strict=True):
        mean, var = math.sqrt(s.alpha_bar[t]) * x0[0], 1 - s.alpha_bar[t]
        se = math.sqrt(var / n)
        for x in (x_chain, x_closed):
            assert x.dtype == np.float64
            np.testing.assert_allclose(x.mean(0), mean, atol=5 * se)
            np.testing.assert_allclose(x.var(0), var, rtol=0.03)


def test_q_sample_takes_one_t_per_row_and_torch_tensors():
    s = make_schedule("linear", 100)
    x0, eps = torch.ones(3, 2), torch.full((3, 2), 2.0)
    t = torch.tensor([0, 50, 100])
    xt = schedules.q_sample(x0, t, eps, torch.as_tensor(s.alpha_bar, dtype=torch.float32))
    ab = s.alpha_bar[[0, 50, 100]]
    expected = np.sqrt(ab)[:, None] + 2 * np.sqrt(1 - ab)[:, None]
    np.testing.assert_allclose(xt.numpy(), np.repeat(expected, 2, 1), rtol=1e-6)


def test_posterior_is_bayes_rule_for_the_two_gaussians():
    s = make_schedule("linear", 100)
    x0, xt = np.array([0.7, -1.2]), np.array([0.1, 0.4])
    for t in (2, 30, 100):
        # q(x_{t-1} | x0) = N(sqrt(ab_{t-1}) x0, 1 - ab_{t-1}), q(x_t | x_{t-1}) =
        # N(sqrt(alpha_t) x_{t-1}, beta_t): precisions add, means weigh by precision
        prior_var, beta, alpha = 1 - s.alpha_bar[t - 1], s.beta[t], s.alpha[t]
        var = 1 / (1 / prior_var + alpha / beta)
        mean = var * (math.sqrt(s.alpha_bar[t - 1]) * x0 / prior_var + math.sqrt(alpha) * xt / beta)
        got_mean, got_var = schedules.posterior(x0, xt, t, s)
        np.testing.assert_allclose(got_mean, mean, rtol=1e-10)
        assert got_var == pytest.approx(var, rel=1e-10)
        assert s.posterior_variance()[t] == pytest.approx(var, rel=1e-10)
    # at t = 1 the posterior is x0 itself
    mean, var = schedules.posterior(x0, xt, 1, s)
    np.testing.assert_allclose(mean, x0)
    assert var == 0


def test_predict_x0_inverts_q_sample():
    s = make_schedule("cosine", 100)
    x0, eps = np.array([[0.3, -2.0]]), np.array([[1.1, 0.2]])
    xt = schedules.q_sample(x0, 60, eps, s.alpha_bar)
    np.testing.assert_allclose(schedules.predict_x0(xt, 60, eps, s.alpha_bar), x0, rtol=1e-9)


# ---------------------------------------------------------------- samplers with the true noise

@pytest.mark.parametrize("sampler", ["ddpm", "ddim"])
def test_sampler_given_the_true_noise_recovers_a_gaussian(sampler):
    # 1000 steps: with sigma_t^2 = beta~_t (exact for a point mass) DDPM's steps are a little
    # too narrow for a spread-out x0; the shortfall shrinks with the step size (4 % at T = 200)
    mu, std, n = 1.5, 0.5, 20_000
    s = make_schedule("linear", 1000)
    eps = gaussian_eps(mu, std, s)
    g = torch.Generator().manual_seed(0)
    xT = torch.randn((n, 2), generator=g, dtype=torch.float64)
    with one_cpu_thread():    # 20,000 x 2 float64: a second thread only spins
        if sampler == "ddpm":
            x, _ = ddpm.ddpm_sample(eps, s, xT, g)
        else:
            x, times, _ = ddpm.ddim_sample(eps, s, xT, steps=200)
            assert times[0] == 1000 and times[-1] == 0 and len(times) == 201
    x = x.numpy()
    np.testing.assert_allclose(x.mean(0), mu, atol=0.02)
    np.testing.assert_allclose(x.std(0), std, rtol=0.03)


def test_ddim_from_the_same_noise_is_deterministic_and_records_its_times():
    s = make_schedule("linear", 50)
    eps = gaussian_eps(0.0, 1.0, s)
    xT = torch.randn(10, 2, generator=torch.Generator().manual_seed(1))
    a, times, traj = ddpm.ddim_sample(eps, s, xT, steps=10, n_record=4)
    b, _, _ = ddpm.ddim_sample(eps, s, xT, steps=10)
    torch.testing.assert_close(a, b)
    assert traj.shape == (len(times), 4, 2)
    torch.testing.assert_close(traj[0], xT[:4])
    torch.testing.assert_close(traj[-1], a[:4])


def test_record_times_cover_t_down_to_zero():
    np.testing.assert_array_equal(ddpm.record_times(20), np.arange(20, -1, -1))
    long = ddpm.record_times(1000)
    assert len(long) == ddpm.MAX_FRAMES and long[0] == 1000 and long[-1] == 0
    assert (np.diff(long) < 0).all()


# ---------------------------------------------------------------- metrics

def test_off_data_fraction_and_mmd2_on_hand_made_points():
    reference = np.zeros((100, 2))
    x = np.array([[0.05, 0.0], [0.0, 0.099], [0.2, 0.0], [3.0, 3.0]])
    assert toy_metrics.off_data_fraction(x, reference) == 0.5
    data, other = toy2d.sample("ring", 500, 0), toy2d.sample("ring", 500, 1)
    assert abs(toy_metrics.mmd2(other, data)) < 5e-3
    shifted = toy_metrics.mmd2(other + 0.3, data)
    assert shifted > 0.05
    assert toy_metrics.mmd2(other + 1, data) > shifted


# ---------------------------------------------------------------- configs and runs

def test_bad_configs_get_a_sentence():
    with pytest.raises(ValueError, match="data='mnist' is not allowed: use one of ring"):
        DiffusionConfig(data="mnist")
    with pytest.raises(ValueError, match="T=2000 is not allowed: use 10 to 1000"):
        DiffusionConfig(T=2000)
    with pytest.raises(ValueError, match="schedule='sqrt' is not allowed: use one of linear"):
        DiffusionConfig(schedule="sqrt")
    with pytest.raises(ValueError, match="t_dim=7 is not allowed: use an even number"):
        DiffusionConfig(t_dim=7)


def test_tiny_run_has_the_films_on_one_time_axis():
    cfg = DiffusionConfig.tiny()
    r = train_diffusion(cfg)
    F, P, G = cfg.T + 1, cfg.n_particles, toy.FIELD_GRID
    np.testing.assert_array_equal(r.frame_t, np.arange(cfg.T, -1, -1))
    assert r.samples.shape == (toy.EVAL_SAMPLES, 2)
    assert r.reverse_x.shape == r.forward_x.shape == (F, P, 2)
    np.testing.assert_array_equal(r.reverse_x[-1], r.samples[:P])
    # the forward film starts at held-out data and ends near N(0, I)
    np.testing.assert_allclose(r.forward_x[-1], toy2d.sample(
        "ring", toy.POOL_SIZE, toy.HELD_OUT_SEED)[-P:], atol=1e-6)
    assert r.field.shape == (F, G, G, 2) and r.field_axis.shape == (G,)
    assert r.alpha_bar.shape == r.beta.shape == (cfg.T + 1,)
    k = len(toy.DDIM_STEPS)
    assert r.ddim_samples.shape == (k, toy.EVAL_SAMPLES, 2) and r.ddim_seconds.shape == (k,)
    assert r.loss.shape == r.loss_step.shape == (cfg.steps // cfg.log_every,)
    assert isinstance(r.warnings, list) and r.warnings     # T = 10 linear steps are coarse
    assert set(r.metrics()) >= {"off_data_fraction", "mmd2", "modes_covered", "train_seconds",
                                "sample_seconds"}


def test_training_is_seeded_and_reports_progress_with_the_loss():
    cfg = DiffusionConfig.tiny(data="moons", seed=3)
    calls = []
    a = train_diffusion(cfg, on_progress=lambda f, note, partial=None: calls.append((f, partial)))
    b = train_diffusion(cfg)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.modes_covered is None and np.isnan(a.ddim_modes).all()
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(p is not None and "loss" in p for _, p in calls)


def test_load_model_gives_back_the_trained_field():
    cfg = DiffusionConfig.tiny()
    r = train_diffusion(cfg)
    net = toy.load_model(cfg, r)
    np.testing.assert_allclose(toy.noise_field(net, int(r.frame_t[3]), r.field_axis),
                               r.field[3], rtol=1e-5, atol=1e-6)


def test_result_round_trips_through_the_store(tmp_path):
    from core.store import ArtifactStore

    r = train_diffusion(DiffusionConfig.tiny())
    store = ArtifactStore(tmp_path)
    store.save("b" * 64, *r.to_store())
    back = toy.DiffusionResult.from_store(*store.load("b" * 64))
    np.testing.assert_array_equal(back.reverse_x, r.reverse_x)
    np.testing.assert_array_equal(back.weights["mlp.0.weight"], r.weights["mlp.0.weight"])
    assert back.warnings == r.warnings and back.metrics() == r.metrics()


# ---------------------------------------------------------------- digits, guidance, latent

class _ConstantNet:
    """eps(x, t, y) = y + 1 for a class y, 0 for "no class" (index 10)."""

    n_classes = 10

    def __call__(self, x, t, y=None):
        return torch.where(y == 10, 0.0, y + 1.0)[:, None].expand(len(x), 2)


def test_guidance_mixes_conditional_and_unconditional_noise():
    y = torch.tensor([0, 3])
    x = torch.zeros(2, 2)
    for w in (0.0, 1.0, 2.5):
        eps = diffusion_digits.guided_eps(_ConstantNet(), y, w)(x, 5)
        expected = (1 + w) * (y + 1.0) - w * 0.0          # (1 + w) eps_c - w eps_null
        torch.testing.assert_close(eps[:, 0], expected)


def test_digits_config_rejects_guidance_without_label_dropout():
    with pytest.raises(ValueError, match="label_drop=0.0 is not allowed: use more than 0 with "
                                         "guidance > 0"):
        DigitsDiffusionConfig(label_drop=0.0, guidance=1.0)
    with pytest.raises(ValueError, match="space='text' is not allowed: use one of pixel, latent"):
        DigitsDiffusionConfig(space="text")
    DigitsDiffusionConfig(conditional=False, label_drop=0.0)


def test_diversity_is_one_for_real_digits_and_zero_for_copies():
    data = image_set("digits")
    real = data.X_train[data.y_train == 4]
    assert digits_metrics.diversity(real, np.full(len(real), 4)) == pytest.approx(1.0)
    copies = np.repeat(real[:1], 5, 0)
    assert digits_metrics.diversity(copies, np.full(5, 4)) == 0
    assert digits_metrics.agreement(data.X_test, data.y_test) == pytest.approx(
        digits_metrics.classifier_test_accuracy())


def test_tiny_digits_run_has_samples_films_and_the_sweep():
    cfg = DigitsDiffusionConfig.tiny()
    r = train_digits_diffusion(cfg)
    n, F = 10 * cfg.samples_per_class, cfg.T + 1
    assert r.samples.shape == (n, 8, 8) and 0 <= r.samples.min() and r.samples.max() <= 1
    np.testing.assert_array_equal(r.prompts[:10], np.arange(10))
    assert r.reverse_images.shape == r.forward_images.shape == (F, 10, 8, 8)
    assert r.reverse_x.shape == (F, 10, 64)
    k = len(diffusion_digits.GUIDANCE_SWEEP)
    assert r.agreement_by_guidance.shape == r.diversity_by_guidance.shape == (k,)
    assert r.class_counts.sum() == n and r.vae_train_seconds is None
    assert set(r.metrics()) >= {"classifier_agreement", "diversity", "train_seconds",
                                "sample_seconds"}


def test_tiny_unconditional_and_latent_runs(monkeypatch, tmp_path):
    from core.latent.config import AEConfig

    r = train_digits_diffusion(DigitsDiffusionConfig.tiny(conditional=False, guidance=0.0))
    assert r.classifier_agreement is None and (r.prompts == -1).all()
    assert len(r.guidance_scales) == 0
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path))
    monkeypatch.setattr(digit_spaces, "vae_config", lambda cfg: AEConfig.tiny())
    latent = train_digits_diffusion(DigitsDiffusionConfig.tiny(space="latent", latent_dim=2))
    assert latent.reverse_x.shape[-1] == 2 and latent.latent_mean.shape == (2,)
    assert latent.samples.shape == (30, 8, 8) and latent.vae_train_seconds > 0
    from core.store import ArtifactStore

    store = ArtifactStore(tmp_path / "round")
    store.save("c" * 64, *latent.to_store())
    back = diffusion_digits.DigitsDiffusionResult.from_store(*store.load("c" * 64))
    np.testing.assert_array_equal(back.samples, latent.samples)
    assert back.metrics() == latent.metrics()
