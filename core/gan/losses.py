"""The two players' losses, per point, written in D's logit l (D = sigmoid(l)) so they stay
finite where D saturates."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def d_loss_terms(real_logit: torch.Tensor, fake_logit: torch.Tensor,
                 smoothing: float = 0.0) -> torch.Tensor:
    """-[log D(x) + log(1 - D(G(z)))] per member, batch-averaged: (E, n, 1) -> (E,).

    Minimising it is Algorithm 1's ascent on V. One-sided label smoothing (ganhacks) aims the
    real target at 1 - smoothing; the fake target stays 0."""
    real = F.binary_cross_entropy_with_logits(
        real_logit, torch.full_like(real_logit, 1 - smoothing), reduction="none")
    fake = F.softplus(fake_logit)                     # -log(1 - sigmoid(l))
    return real.mean((1, 2)) + fake.mean((1, 2))


def g_loss_points(fake_logit: torch.Tensor, loss: str) -> torch.Tensor:
    """The generator's loss per generated point, same shape as the logits.

    minimax: log(1 - D(G(z))) = -softplus(l); non-saturating: -log D(G(z)) = softplus(-l).
    Their gradients in l are -D and -(1 - D): when D rejects the fakes (D -> 0) the first
    vanishes and the second does not (the lecture's "non-saturating" slide)."""
    return -F.softplus(fake_logit) if loss == "minimax" else F.softplus(-fake_logit)
