"""The fully connected net every single model here is built from (the GAN's ensembles of
nets have their own batched form, ``core.gan.mlp``)."""

from __future__ import annotations

from torch import nn


def mlp(sizes: list[int], activation: type[nn.Module] = nn.ReLU,
        dropout: float = 0.0) -> nn.Sequential:
    """Linear layers ``sizes[0] -> sizes[1] -> ... -> sizes[-1]``, ``activation`` after every
    one but the last; with ``dropout``, dropout on the input and after every activation.
    The layers are made in order, so a seeded model draws the same initial weights."""
    layers: list[nn.Module] = [nn.Dropout(dropout)] if dropout else []
    for a, b in zip(sizes[:-2], sizes[1:-1], strict=True):
        layers += [nn.Linear(a, b), activation()]
        if dropout:
            layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)
