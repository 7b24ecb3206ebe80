"""What the latent-space page does with a trained autoencoder: the codes' range, the decoder
over a grid of the latent plane (the manifold), walks between two images, decodes of prior
samples, what each sparse unit draws, feature steering and denoised examples."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from core.latent.config import AEConfig
from core.latent.losses import corrupt, prior_z
from core.latent.nets import Autoencoder, decode, encode

if TYPE_CHECKING:
    from core.latent.train import AEResult


def latent_extent(result: AEResult, margin: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Low and high corners (k,) of the test codes' range, widened by a margin."""
    lo, hi = np.percentile(result.latent, 1, axis=0), np.percentile(result.latent, 99, axis=0)
    pad = margin * (hi - lo)
    return lo - pad, hi + pad


def manifold(model: Autoencoder, result: AEResult, n: int = 12) -> tuple[np.ndarray, np.ndarray,
                                                                         np.ndarray]:
    """Decodes over an n x n grid of a 2-D latent range: (n, n, side, side), and the axes."""
    lo, hi = latent_extent(result)
    z1, z2 = np.linspace(lo[0], hi[0], n), np.linspace(hi[1], lo[1], n)  # top row: high z2
    grid = np.stack(np.meshgrid(z1, z2), -1).reshape(-1, 2)
    images = decode(model, grid)
    return images.reshape(n, n, *images.shape[1:]), z1, z2


def interpolate(model: Autoencoder, x_a: np.ndarray, x_b: np.ndarray, steps: int = 9
                ) -> tuple[np.ndarray, np.ndarray]:
    """Walk from image a to image b: decoded along the straight line between their codes,
    and the pixel-space blend (1 - t) x_a + t x_b. Both (steps, side, side)."""
    t = np.linspace(0, 1, steps)[:, None]
    z_a, z_b = encode(model, np.stack([x_a, x_b]))
    side = int(round(np.sqrt(x_a.size)))
    blend = ((1 - t) * x_a + t * x_b).reshape(steps, side, side)
    return decode(model, (1 - t) * z_a + t * z_b), blend


def prior_samples(model: Autoencoder, n: int, seed: int) -> np.ndarray:
    """Decodes of z ~ N(0, I): what the model generates when sampled like a VAE."""
    return decode(model, prior_z(model.cfg.latent_dim, n, seed))


def feature_images(model: Autoencoder, result: AEResult) -> np.ndarray:
    """What each code unit draws: the ink it adds at its largest test activation a_i,
    decode(a_i e_i) - decode(0), scaled so each unit's darkest pixel is 1. (k, side, side)."""
    k = result.latent.shape[1]
    codes = np.vstack([np.diag(np.maximum(result.latent.max(0), 1e-3)), np.zeros((1, k))])
    images = decode(model, codes.astype(np.float32))
    ink = np.clip(images[:k] - images[k], 0, None)
    return ink / np.maximum(ink.max(axis=(1, 2), keepdims=True), 1e-6)


def steer(model: Autoencoder, x: np.ndarray, unit: int, value: float) -> np.ndarray:
    """Feature steering (the monosemanticity slide): encode x, clamp one unit, decode."""
    z = encode(model, x[None])
    z[0, unit] = value
    return decode(model, z)[0]


def denoise_examples(model: Autoencoder, cfg: AEConfig, x: np.ndarray, seed: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Noisy inputs (as in training) and the model's outputs for them, both (n, side, side)."""
    generator = torch.Generator().manual_seed(seed)
    noisy = corrupt(torch.as_tensor(x), cfg, generator)
    with torch.no_grad():
        clean = model.decode(model.encode(noisy)[0]).numpy()
    side = int(round(np.sqrt(x.shape[1])))
    return noisy.numpy().reshape(-1, side, side), clean.reshape(-1, side, side)
