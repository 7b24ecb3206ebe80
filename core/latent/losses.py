"""What each autoencoder minimises (lecture: "Autoencoders" … "Variational Autoencoders").

The plain autoencoder minimises the slide's L(x, x') = ||x - x'||^2; its variants regularise
it: denoising (noise on the input, the clean image as target), dropout (dropout layers in the
net force redundant features), sparse (an L1 penalty sum_i |Enc_i(x)| on a non-negative code,
read through a linear decoder so each unit is one image that the decode adds in: the
monosemanticity slide's "features"). The VAE maximises the ELBO: its loss per image is

    L = -E_{z ~ q(z|x)}[log p(x|z)] + beta * KL(q(z|x) || p(z)),   p(z) = N(0, I),

with z = mu + sigma * eps (the reparameterisation trick) so the expectation has gradients.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from core.latent.config import AEConfig
from core.latent.nets import Autoencoder

# The Gaussian likelihood's fixed pixel standard deviation: with sigma = 1 the KL term would
# swamp a reconstruction error of a few hundredths per pixel and the posterior collapses.
GAUSSIAN_SIGMA = 0.1


def prior_z(latent_dim: int, n: int, seed: int) -> np.ndarray:
    """n draws of z ~ p(z) = N(0, I), (n, latent_dim) float32."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag e^logvar) || N(0, I)) per row: 0.5 sum(mu^2 + sigma^2 - 1 - log sigma^2)."""
    return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(-1)


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z = mu + sigma * eps with eps ~ N(0, I) passed in, so the sample is differentiable."""
    return mu + torch.exp(0.5 * logvar) * eps


def reconstruction_nll(logits: torch.Tensor, x: torch.Tensor, likelihood: str) -> torch.Tensor:
    """-log p(x|z) per row (up to a constant for the Gaussian)."""
    if likelihood == "bernoulli":
        return nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
    return 0.5 * ((torch.sigmoid(logits) - x) ** 2).sum(-1) / GAUSSIAN_SIGMA**2


def corrupt(x: torch.Tensor, cfg: AEConfig, generator: torch.Generator) -> torch.Tensor:
    """The denoising autoencoder's input: x plus Gaussian noise, clipped to [0, 1]."""
    noise = torch.randn(x.shape, generator=generator, device=x.device)
    return (x + cfg.noise * noise).clamp(0, 1)


def loss_terms(model: Autoencoder, x: torch.Tensor, target: torch.Tensor,
               generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
    """The batch means of the loss and its terms for one minibatch."""
    cfg = model.cfg
    code, logvar = model.encode(x)
    if cfg.model == "vae":
        eps = torch.randn(code.shape, generator=generator, device=code.device)
        logits = model.decoder(reparameterise(code, logvar, eps))
        recon = reconstruction_nll(logits, target, cfg.likelihood).mean()
        kl = kl_to_standard_normal(code, logvar).mean()
        return {"loss": recon + cfg.beta * kl, "recon": recon, "kl": kl}
    recon = ((model.decode(code) - target) ** 2).sum(-1).mean()   # ||x - x'||^2
    terms = {"loss": recon, "recon": recon}
    if cfg.model == "sparse":
        # sum_i |Enc_i(x)|, each unit weighted by its decoder column's norm: otherwise the
        # model shrinks the code and grows the decoder, and the penalty stops biting
        l1 = (code.abs() * model.decoder[-1].weight.norm(dim=0)).sum(-1).mean()
        terms.update(loss=recon + cfg.l1 * l1, l1=l1)
    return terms
