"""Each latent-explorer preset reaches its quality over several seeds (slow; run in CI)."""

import dataclasses
import functools

import numpy as np
import pytest

from core import presets
from core.autoencoders import train_autoencoder

SEEDS = range(3)


@functools.cache   # the quality and the posterior checks look at the same runs
def trained(name, seed):
    return train_autoencoder(dataclasses.replace(presets.get(name).config, seed=seed))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "max_mse"), [
    ("ae.plain", 0.036), ("ae.denoising", 0.036), ("ae.dropout", 0.036),
    ("ae.sparse", 0.015), ("vae.digits", 0.04), ("vae.mnist", 0.045)])
def test_preset_reconstructs_the_test_split(name, max_mse):
    for seed in SEEDS:
        assert trained(name, seed).recon_mse <= max_mse, (name, seed)


@pytest.mark.slow
def test_sparse_preset_has_many_selective_features_and_they_serve_a_probe():
    """The monosemanticity slide: each live feature fires on a minority of the images, and
    the images that excite it most are mostly one digit (not a code where every unit fires
    on everything)."""
    for seed in SEEDS:
        result = trained("ae.sparse", seed)
        active = result.latent > 1e-3
        frequency = active.mean(0)
        live = np.flatnonzero(frequency > 0)
        assert result.active_fraction <= 0.3, seed
        assert len(live) >= 20, (seed, len(live))
        assert frequency[live].mean() <= 0.4, (seed, frequency[live].mean())
        assert frequency.max() <= 0.7, (seed, frequency.max())
        purity = [np.bincount(result.labels[np.argsort(-result.latent[:, u])[:20]]).max() / 20
                  for u in live]
        assert np.mean(purity) >= 0.5, (seed, np.mean(purity))   # chance is about 0.1
        assert result.probe_accuracy >= 0.85, seed


@pytest.mark.slow
def test_vae_aggregate_posterior_is_near_the_prior_and_the_plain_aes_is_not():
    for seed in SEEDS:
        mean, cov = trained("vae.digits", seed).aggregate_posterior()
        assert np.abs(mean).max() < 0.25, (seed, mean)
        assert np.abs(cov - np.eye(2)).max() < 0.3, (seed, cov)
        ae_mean, ae_cov = trained("ae.plain", seed).aggregate_posterior()
        assert np.abs(ae_cov - np.eye(2)).max() > 1.0, (seed, ae_cov)
