"""The autoencoders' nets: one family of fully connected encoders and decoders, and the
bridges that run a trained one on numpy arrays (what the pages and the latent diffusion
model call)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from core.latent.config import AEConfig
from core.nets import mlp

if TYPE_CHECKING:
    from core.latent.train import AEResult

# The sparse code layer's initial bias: every unit starts on for every image, so each gets a
# gradient and finds a feature before the L1 penalty switches it off on most images. A ReLU
# unit that stops firing on every image never gets a gradient again: with torch's small random
# bias 25 to 36 of the 64 units ended dead (seeds 0-4, l1 = 0.03), with this one 15 to 22.
SPARSE_CODE_BIAS = 0.5


class Autoencoder(nn.Module):
    """Encoder x -> code (VAE: mu and log sigma^2), decoder z -> pixel logits."""

    def __init__(self, cfg: AEConfig, n_pixels: int) -> None:
        super().__init__()
        self.cfg = cfg
        hidden = [cfg.hidden] * cfg.layers
        out = 2 * cfg.latent_dim if cfg.model == "vae" else cfg.latent_dim
        dropout = cfg.dropout if cfg.model == "dropout" else 0.0
        self.encoder = mlp([n_pixels, *hidden, out], dropout=dropout)
        # the sparse model's decoder is linear: x' = sigmoid(b + sum_i z_i w_i), so a unit's
        # column w_i is the one picture it adds, whatever the other units do
        decoder_hidden = [] if cfg.model == "sparse" else hidden[::-1]
        self.decoder = mlp([cfg.latent_dim, *decoder_hidden, n_pixels])
        if cfg.model == "sparse":
            nn.init.constant_(self.encoder[-1].bias, SPARSE_CODE_BIAS)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x: (n, p) -> (code or mu, log sigma^2 or None), each (n, k)."""
        h = self.encoder(x)
        if self.cfg.model == "vae":
            mu, logvar = h.chunk(2, dim=-1)
            return mu, logvar.clamp(-12, 8)
        if self.cfg.model == "sparse":
            return torch.relu(h), None  # non-negative code: "active" means above zero
        return h, None

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z: (n, k) -> pixel means in [0, 1], (n, p)."""
        return torch.sigmoid(self.decoder(z))


def load_model(cfg: AEConfig, result: AEResult) -> Autoencoder:
    """The trained network back from a result's weights, on the CPU, in eval mode."""
    model = Autoencoder(cfg, result.side * result.side)
    model.load_state_dict({k: torch.as_tensor(v) for k, v in result.weights.items()})
    return model.eval()


@torch.no_grad()
def encode(model: Autoencoder, x: np.ndarray) -> np.ndarray:
    """Codes (VAE: posterior means) of images x: (n, p) -> (n, k)."""
    return model.encode(torch.as_tensor(np.asarray(x, dtype=np.float32)))[0].numpy()


@torch.no_grad()
def decode(model: Autoencoder, z: np.ndarray) -> np.ndarray:
    """Decoded images for codes z: (n, k) -> (n, side, side) pixel means in [0, 1]."""
    images = model.decode(torch.as_tensor(np.asarray(z, dtype=np.float32))).numpy()
    side = int(round(np.sqrt(images.shape[1])))
    return images.reshape(len(images), side, side)
