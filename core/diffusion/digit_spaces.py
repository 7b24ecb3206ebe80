"""The two spaces digit diffusion runs in: pixels, or the codes of a VAE (lecture: "Should we
really run this process on pixels?", "Latent Diffusion").

A Space says what x0 the diffusion models and how to get there from pixels and back; latent
diffusion encodes the digits with a VAE (core.latent), diffuses the codes, and
decodes the samples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core import runs
from core.images import image_set
from core.latent.config import AEConfig
from core.latent.nets import decode, encode, load_model
from core.latent.train import AEResult

if TYPE_CHECKING:       # a type only: core.diffusion.digits imports this module
    from core.diffusion.digits import DigitsDiffusionConfig


def vae_config(cfg: DigitsDiffusionConfig) -> AEConfig:
    """The VAE whose codes latent diffusion models: vae.digits's config with cfg.latent_dim.

    8 dimensions, not vae.digits's 2: in 2-D the digit classes overlap (a 2-D code cannot
    keep ten classes apart and their styles), so even a perfect latent model would decode
    ambiguous digits; 8 keep the classes apart and are still 8 times fewer numbers than pixels."""
    return AEConfig(model="vae", latent_dim=cfg.latent_dim)


@dataclass
class Space:
    """How x0 for the diffusion is made from pixels, and how samples get back to pixels."""

    x0: np.ndarray                 # (n_train, d) what the diffusion models
    from_images: Callable[[np.ndarray], np.ndarray]   # (n, 64) pixels in [0, 1] -> (n, d)
    to_images: Callable[[np.ndarray], np.ndarray]     # (n, d) -> (n, 64) pixels in [0, 1]
    clip: float | None             # DDPM's x0 clipping: pixels live in [-1, 1]
    mean: np.ndarray               # (d,) latent standardisation (empty for pixels)
    std: np.ndarray
    vae_seconds: float | None


def pixel_space() -> Space:
    def from_images(x: np.ndarray) -> np.ndarray:
        return 2 * x - 1

    return Space(from_images(image_set("digits").X_train), from_images,
                 lambda x: np.clip((x + 1) / 2, 0, 1), 1.0, np.zeros(0), np.zeros(0), None)


def latent_space(cfg: DigitsDiffusionConfig, vae_result: AEResult) -> Space:
    """Codes (posterior means) of the training digits under the VAE of ``vae_result`` (the
    run of vae_config(cfg)), centred and divided by one overall scale so the schedule's
    N(0, I) end matches their size. One scale for all dimensions, like Stable Diffusion's
    0.18215: the VAE leaves some dimensions unused (posterior collapse, their means spread by
    ~0.05), and scaling each to unit std would blow those up into noise that the net must
    learn and the decoder ignores."""
    vae = load_model(vae_config(cfg), vae_result)
    z = encode(vae, image_set("digits").X_train)
    mean = z.mean(0)
    std = np.full_like(mean, np.sqrt(((z - mean) ** 2).mean()) + 1e-6)

    def from_images(x: np.ndarray) -> np.ndarray:
        return (encode(vae, x) - mean) / std

    def to_images(x: np.ndarray) -> np.ndarray:
        return decode(vae, (x * std + mean).astype(np.float32)).reshape(len(x), -1)
    return Space((z - mean) / std, from_images, to_images, None, mean, std,
                 vae_result.train_seconds)


def space_for(cfg: DigitsDiffusionConfig, device) -> Space:
    """The trainer's space: in latent space the VAE comes from the store, trained first when
    it is not there (the trainer runs in the job pool, where training belongs)."""
    if cfg.space == "pixel":
        return pixel_space()
    vae_result: AEResult = runs.load_or_train(vae_config(cfg), device=device)  # type: ignore
    return latent_space(cfg, vae_result)
