"""Adam (or SGD with momentum) over the stacked weights of an ensemble, written out.

The update is elementwise, so members stay independent, and ``lr`` may be an (E,) tensor: each
member its own learning rate. torch.optim cannot do that (a parameter group's rate covers
whole tensors, and each tensor here holds every member); the phase diagram needs it.

Single runs and shared-rate ensembles could use torch.optim.Adam/SGD (foreach): we checked,
its numbers are bit for bit these (tiny runs, adam and sgd, the loss comparison's restore,
ensembles). It is not used because its per-call overhead (the step wrapper, grouping the
tensors by device each call) made gan.healthy 8 % slower on one thread (600 steps, best of 7:
1.91 s here, 2.06 s with torch.optim), and the benchmark promises no slowdown. Its fused=True
is faster but not the same numbers (6e-8 apart after 500 steps), which would move the presets.
"""

from __future__ import annotations

import math

import torch

from core.gan.config import GANConfig


class EnsembleOptimiser:
    """Adam (or SGD with momentum, beta1 its momentum) over a list of (E, ...) tensors, as
    torch.optim computes them. ``lr`` is a float or an (E,) tensor: each member its own."""

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
