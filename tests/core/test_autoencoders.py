import dataclasses

import numpy as np
import pytest
import torch

from core.latent.config import MODELS, AEConfig
from core.latent.losses import kl_to_standard_normal, loss_terms, reparameterise
from core.latent.nets import Autoencoder, load_model
from core.latent.train import AEResult, train_autoencoder


def test_kl_matches_the_float64_closed_form():
    rng = np.random.default_rng(0)
    mu, logvar = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    var = np.exp(logvar)
    expected = 0.5 * (mu**2 + var - 1 - np.log(var)).sum(1)
    got = kl_to_standard_normal(torch.as_tensor(mu), torch.as_tensor(logvar)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_kl_by_monte_carlo_agrees_with_closed_form():
    mu, logvar = torch.tensor([[0.7, -1.2]], dtype=torch.float64), torch.tensor(
        [[-0.5, 0.4]], dtype=torch.float64)
    eps = torch.randn(200_000, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    z = reparameterise(mu, logvar, eps)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).log_prob(z).sum(-1)
    p = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(-1)
    assert (q - p).mean().item() == pytest.approx(kl_to_standard_normal(mu, logvar).item(),
                                                  abs=0.01)


def test_reparameterised_sample_has_mean_mu_and_variance_sigma_squared():
    mu, logvar = torch.tensor([1.5, -2.0]), torch.tensor([0.0, np.log(0.25)])
    eps = torch.randn(100_000, 2, generator=torch.Generator().manual_seed(1))
    z = reparameterise(mu, logvar, eps)
    np.testing.assert_allclose(z.mean(0), mu, atol=0.02)
    np.testing.assert_allclose(z.var(0), logvar.exp(), rtol=0.02)


def test_vae_loss_terms_match_a_float64_computation_on_a_tiny_batch():
    cfg = AEConfig.tiny("vae")
    model = Autoencoder(cfg, 64).double()
    x = torch.rand(4, 64, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    terms = loss_terms(model, x, x, torch.Generator().manual_seed(5))
    mu, logvar = model.encode(x)
    eps = torch.randn(mu.shape, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    p = model.decode(mu + torch.exp(0.5 * logvar) * eps)
    recon = -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).sum(1).mean()
    kl = (0.5 * (mu**2 + logvar.exp() - 1 - logvar)).sum(1).mean()
    assert terms["recon"].item() == pytest.approx(recon.item(), rel=1e-9)
    assert terms["kl"].item() == pytest.approx(kl.item(), rel=1e-9)
    assert terms["loss"].item() == pytest.approx((recon + cfg.beta * kl).item(), rel=1e-9)


def test_sparse_loss_adds_the_l1_of_the_code_weighted_by_decoder_norms():
    cfg = dataclasses.replace(AEConfig.tiny("sparse"), l1=0.5)
    model = Autoencoder(cfg, 64)
    x = torch.rand(8, 64)
    terms = loss_terms(model, x, x)
    code, _ = model.encode(x)
    assert (code >= 0).all()
    w = model.decoder[-1].weight.double()                       # (pixels, k): one column a unit
    norms = w.pow(2).sum(0).sqrt()
    l1 = (code.double() * norms).sum(1).mean().item()
    assert terms["loss"].item() == pytest.approx(terms["recon"].item() + 0.5 * l1, rel=1e-6)


def test_sparse_decoder_is_linear_so_each_unit_adds_one_image():
    model = Autoencoder(AEConfig.tiny("sparse"), 64)
    z = torch.rand(3, model.cfg.latent_dim)
    logits = model.decoder(z)
    w, b = model.decoder[-1].weight, model.decoder[-1].bias
    assert torch.allclose(logits, b + z @ w.T, atol=1e-6)


@pytest.mark.parametrize("model", MODELS)
def test_every_model_trains_and_reports_its_metrics(model):
    result = train_autoencoder(AEConfig.tiny(model))
    m = result.metrics()
    assert result.latent.shape == (len(result.labels), 2)
    assert len(result.loss_history) == 2 and 0 < m["recon_mse"] < 1
    assert (m["kl"] is not None) == (model == "vae")
    assert (m["active_fraction"] is not None) == (model == "sparse")
    assert 0 <= m["probe_accuracy"] <= 1


def test_result_round_trips_through_the_store_and_decodes_the_same(tmp_path):
    from core.store import ArtifactStore

    cfg = AEConfig.tiny("vae")
    result = train_autoencoder(cfg)
    store = ArtifactStore(tmp_path)
    store.save("a" * 64, *result.to_store())
    back = AEResult.from_store(*store.load("a" * 64))
    z = torch.tensor([[0.5, -1.0]])
    with torch.no_grad():
        np.testing.assert_array_equal(load_model(cfg, back).decode(z),
                                      load_model(cfg, result).decode(z))


def test_training_is_seeded():
    a = train_autoencoder(AEConfig.tiny("denoising"))
    b = train_autoencoder(AEConfig.tiny("denoising"))
    np.testing.assert_array_equal(a.latent, b.latent)


def test_config_rejects_bad_values_with_the_valid_range():
    with pytest.raises(ValueError, match="model='gan' is not allowed: use one of plain"):
        AEConfig(model="gan")
    with pytest.raises(ValueError, match="beta=-1 is not allowed: use 0 to 100"):
        AEConfig(beta=-1)
    with pytest.raises(ValueError, match="data='cifar'"):
        AEConfig(data="cifar")
