"""An ensemble of MLPs as plain stacked tensors: E nets trained as one.

The weights carry a leading dimension E (one member per seed) and every layer is a batched
matrix product (torch.baddbmm), so E independent nets run in one call. A single net is the
ensemble of one.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from core.gan.config import GANConfig

LEAK = 0.2                  # leaky ReLU slope (DCGAN's choice)


def init_mlp(sizes: list[int], seeds: list[int], offset: int) -> list[torch.Tensor]:
    """Weights [W1, b1, W2, b2, ...], W: (E, in, out), b: (E, 1, out), for E = len(seeds).

    nn.Linear's default init, U(-1/sqrt(in), 1/sqrt(in)), drawn for each member from its own
    seed (plus ``offset``, so G and D differ), so a member does not depend on the others."""
    members = []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed * 2 + offset)
        layer = []
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            bound = 1 / math.sqrt(a)
            layer += [(torch.rand(a, b, generator=g) * 2 - 1) * bound,
                      (torch.rand(1, b, generator=g) * 2 - 1) * bound]
        members.append(layer)
    return [torch.stack(ws) for ws in zip(*members, strict=True)]


def mlp(params: list[torch.Tensor], x: torch.Tensor, activation: str) -> torch.Tensor:
    """Batched MLP: x (E, n, in) -> (E, n, out); each member uses its own weights."""
    # Plain torch.tanh: an older form, 2 sigmoid(2h) - 1, was once faster on the CPU; with torch
    # 2.13 it made gan.healthy 25 % slower (bench: gan.batched_mlp_vs_torch_func)
    act = {"leaky_relu": lambda h: F.leaky_relu(h, LEAK), "relu": F.relu,
           "tanh": torch.tanh}[activation]
    for i in range(0, len(params), 2):
        x = torch.baddbmm(params[i + 1], x, params[i])
        if i + 2 < len(params):
            x = act(x)
    return x


def sizes_g(cfg: GANConfig) -> list[int]:
    return [cfg.noise_dim, *[cfg.g_hidden] * cfg.g_layers, 2]


def sizes_d(cfg: GANConfig) -> list[int]:
    return [2, *[cfg.d_hidden] * cfg.d_layers, 1]
