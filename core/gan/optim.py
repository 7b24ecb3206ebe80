"""Adam (or SGD with momentum) with a learning rate per ensemble member.

torch.optim takes one learning rate per parameter group, and a group holds whole tensors: it
cannot give the members stacked inside one (E, ...) tensor different rates. The phase diagram
needs exactly that (member e trains with lr_D[e], lr_G[e]), so this is torch's update written
out with the rate as an (E, 1, 1) tensor. Elementwise, so members stay independent.
"""

from __future__ import annotations

import math

import torch

from core.gan.config import GANConfig


class PerMemberOptimiser:
    """Adam (or SGD with momentum) over a list of (E, ...) tensors. ``lr`` is a float or an
    (E,) tensor: each member its own learning rate. Elementwise, so members stay independent."""

    def __init__(self, params: list[torch.Tensor], lr: float | torch.Tensor, cfg: GANConfig,
                 eps: float = 1e-8) -> None:
        self.params, self.kind, self.eps = params, cfg.optimiser, eps
        self.b1, self.b2 = cfg.beta1, cfg.beta2
        self.lr = lr if isinstance(lr, float) else lr.reshape(-1, 1, 1)
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params] if self.kind == "adam" else []
        self.t = 0

    @torch.no_grad()
    def step(self, grads: tuple[torch.Tensor, ...]) -> None:
        self.t += 1
        if self.kind == "sgd":
            torch._foreach_mul_(self.m, self.b1)
            torch._foreach_add_(self.m, grads)
            update = self.m
        else:
            torch._foreach_lerp_(self.m, grads, 1 - self.b1)
            torch._foreach_mul_(self.v, self.b2)
            torch._foreach_addcmul_(self.v, grads, grads, 1 - self.b2)
            denom = torch._foreach_sqrt(self.v)
            torch._foreach_div_(denom, math.sqrt(1 - self.b2 ** self.t))
            torch._foreach_add_(denom, self.eps)
            if isinstance(self.lr, float):
                torch._foreach_addcdiv_(self.params, self.m, denom,
                                        -self.lr / (1 - self.b1 ** self.t))
                return
            update = torch._foreach_div(self.m, denom)
            torch._foreach_div_(update, 1 - self.b1 ** self.t)
        if isinstance(self.lr, float):
            torch._foreach_add_(self.params, update, alpha=-self.lr)
        else:
            torch._foreach_sub_(self.params, torch._foreach_mul(update, [self.lr] * len(update)))
