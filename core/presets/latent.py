"""The presets of panel 2, the latent-space explorer: the autoencoders and the VAE."""

from __future__ import annotations

from core.latent.config import AEConfig
from core.presets.preset import preset

PRESETS = [
    # The AE presets' checks: qz_cov_gap, the largest |Cov(codes) - I| entry (how far the codes
    # are from N(0, I)); prior_classes, the effective number of digit classes among decodes
    # of z ~ N(0, I) (10: every digit equally often).
    preset("ae.plain", "Plain autoencoder",
            "Plain autoencoder, 8x8 digits, 2-D code: L = ||x - x'||^2; nothing pulls its codes "
            "to N(0, I), so its prior samples repeat a few digits",
            "The map: the codes spread far beyond the dashed circles of N(0, I) (their "
            "covariance is far from I), so decodes of z ~ N(0, I) look like digits but repeat a "
            "few of them (at most 7.5 effective classes of 10). Two numbers keep too little for "
            "the probe: the pixels beat the 2-D codes.",
            ("recon_mse <= 0.036", "qz_cov_gap >= 1", "prior_classes <= 7.5",
             "probe_accuracy < pixel_probe_accuracy"), AEConfig(model="plain")),
    preset("ae.denoising", "Denoising autoencoder",
            "Denoising autoencoder: noisy input (std 0.3), clean target",
            "Below the curves: noisy inputs on top, their decodes under them. The loss compares "
            "each decode with the clean image, never with the noisy one.",
            ("recon_mse <= 0.036", "qz_cov_gap >= 1"), AEConfig(model="denoising", noise=0.3)),
    preset("ae.dropout", "Dropout autoencoder",
            "Dropout autoencoder: dropout 0.2 after the input and hidden layers",
            "Dropout drops a fifth of the inputs and hidden units at random in training: compare "
            "its map and its error with the plain autoencoder's.",
            ("recon_mse <= 0.036", "qz_cov_gap >= 1"), AEConfig(model="dropout", dropout=0.2)),
    preset("ae.sparse", "Sparse autoencoder (64 features)",
            "Sparse autoencoder: 64 non-negative features, a linear decoder and an L1 penalty on "
            "the code: most units live, each firing on under half of the digits; with 10 labels "
            "per digit its codes beat the pixels",
            "The dictionary: more than half of the 64 units are live, each fires on under half "
            "of the digits, and the 20 images that excite a unit most are, on average over the "
            "live units, mostly one digit. With 10 labelled images per digit, a probe on these "
            "codes beats the same probe on the pixels, by a small margin.",
            ("recon_mse <= 0.015", "active_fraction <= 0.3", "live_units_fraction > 0.5",
             "live_unit_max_firing < 0.5", "feature_purity >= 0.5",
             "probe_accuracy > pixel_probe_accuracy"),
            AEConfig(model="sparse", latent_dim=64, l1=0.035)),
    preset("vae.digits", "VAE (8x8 digits)",
            "VAE on 8x8 digits, 2-D latent, Bernoulli p(x|z): ELBO = recon - KL; its codes fill "
            "N(0, I), so its prior samples draw more kinds of digit than the plain AE's",
            "The map: the codes fill the dashed circles of N(0, I) (mean near 0, covariance "
            "near I), so decodes of z ~ N(0, I) read as 8.5 or more effective digit classes of "
            "10, more than the plain autoencoder's. Two numbers keep too little for the probe: "
            "the pixels beat the 2-D codes.",
            ("recon_mse <= 0.04", "kl >= 1", "qz_mean_offset <= 0.25", "qz_cov_gap <= 0.3",
             "prior_classes >= 8.5", "prior_classes > prior_classes@ae.plain",
             "probe_accuracy < pixel_probe_accuracy"), AEConfig(model="vae")),
    preset("vae.mnist", "VAE (28x28 MNIST, 5,000 digits)",
            "VAE on 5,000 28x28 MNIST digits, 2-D latent: its codes fill N(0, I) and its prior "
            "samples draw nearly every digit",
            "The same VAE on larger images: the codes roughly fill the dashed circles of N(0, I) "
            "(covariance within 0.6 of I, mean within 0.25 of 0), and "
            "decodes of z ~ N(0, I) read as 8.5 or more effective digit classes of 10.",
            ("recon_mse <= 0.045", "qz_mean_offset <= 0.25", "qz_cov_gap <= 0.6",
             "prior_classes >= 8.5"),
            AEConfig(model="vae", data="mnist", hidden=256, epochs=60, batch_size=128, lr=2e-3)),
]
