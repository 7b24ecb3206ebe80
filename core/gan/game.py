"""The game of Algorithm 1 for an ensemble: E GANs in one set of stacked weights.

Each member has its own G and D (core.gan.mlp) and optimiser state (core.gan.optim); the
data pool and the random stream are shared, so a one-member game is exactly a single GAN run.
"""

from __future__ import annotations

import torch

from core import toy2d
from core.gan.config import DATA_SEED, POOL_SIZE, GANConfig
from core.gan.losses import d_loss_terms, g_loss_points
from core.gan.mlp import init_mlp, mlp, sizes_d, sizes_g
from core.gan.optim import EnsembleOptimiser


class Game:
    """E GANs in one: weights, optimisers, the data pool and the random stream."""

    def __init__(self, cfg: GANConfig, seeds: list[int], device: torch.device,
                 lr_d: torch.Tensor | None = None, lr_g: torch.Tensor | None = None) -> None:
        self.cfg, self.E, self.device = cfg, len(seeds), device
        self.G = [p.to(device).requires_grad_() for p in init_mlp(sizes_g(cfg), seeds, 0)]
        self.D = [p.to(device).requires_grad_() for p in init_mlp(sizes_d(cfg), seeds, 1)]
        self.opt_g = EnsembleOptimiser(self.G, cfg.lr_g if lr_g is None else lr_g.to(device), cfg)
        self.opt_d = EnsembleOptimiser(self.D, cfg.lr_d if lr_d is None else lr_d.to(device), cfg)
        self.pool = torch.as_tensor(toy2d.sample(cfg.data, POOL_SIZE, DATA_SEED), device=device)
        self.rng = torch.Generator(device=device).manual_seed(seeds[0])

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        return mlp(self.G, z, self.cfg.activation)

    def discriminate(self, x: torch.Tensor) -> torch.Tensor:
        """D's logit l(x), D(x) = sigmoid(l); instance noise (ganhacks) blurs what D sees."""
        if self.cfg.instance_noise:
            x = x + self.cfg.instance_noise * torch.randn(x.shape, generator=self.rng,
                                                          device=x.device)
        return mlp(self.D, x, self.cfg.activation)

    def noise(self, n: int) -> torch.Tensor:
        return torch.randn(self.E, n, self.cfg.noise_dim, generator=self.rng, device=self.device)

    def real(self, n: int) -> torch.Tensor:
        index = torch.randint(POOL_SIZE, (self.E, n), generator=self.rng, device=self.device)
        return self.pool[index]

    def d_step(self, update: bool = True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One ascent step on V for D: (loss, mean D(x) on real, mean D(G(z))), each (E,)."""
        m = self.cfg.batch_size
        with torch.no_grad():
            fake = self.generate(self.noise(m))
        logits = self.discriminate(torch.cat([self.real(m), fake], 1))
        real_logit, fake_logit = logits[:, :m], logits[:, m:]
        loss = d_loss_terms(real_logit, fake_logit, self.cfg.label_smoothing)
        if update:
            self.opt_d.step(torch.autograd.grad(loss.sum(), self.D))
        with torch.no_grad():
            return (loss.detach(), torch.sigmoid(real_logit).mean((1, 2)),
                    torch.sigmoid(fake_logit).mean((1, 2)))

    def g_grads(self, loss_name: str) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """The generator's loss (E,) on a fresh minibatch and its gradient in G's weights."""
        logit = self.discriminate(self.generate(self.noise(self.cfg.batch_size)))
        loss = g_loss_points(logit, loss_name).mean((1, 2))
        return loss.detach(), torch.autograd.grad(loss.sum(), self.G)

    def g_step(self, update: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
        """One descent step for G: (loss, norm of its gradient in G's weights), each (E,)."""
        loss, grads = self.g_grads(self.cfg.loss)
        if update:
            self.opt_g.step(grads)
        return loss, grad_norm(grads)

    def state(self) -> dict:
        """Everything that decides the future: to start two games from the same point."""
        copy = lambda ts: [t.detach().clone() for t in ts]  # noqa: E731
        return {"G": copy(self.G), "D": copy(self.D), "rng": self.rng.get_state(),
                "opt": [(o.t, copy(o.m), copy(o.v)) for o in (self.opt_g, self.opt_d)]}

    @torch.no_grad()
    def restore(self, state: dict) -> None:
        for mine, saved in ((self.G, state["G"]), (self.D, state["D"])):
            for p, s in zip(mine, saved, strict=True):
                p.copy_(s)
        self.rng.set_state(state["rng"])
        for opt, (t, m, v) in zip((self.opt_g, self.opt_d), state["opt"], strict=True):
            opt.t, opt.m, opt.v = t, [x.clone() for x in m], [x.clone() for x in v]


def grad_norm(grads: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """Each member's gradient norm over all its weights: (E,)."""
    return torch.stack([g.flatten(1).pow(2).sum(1) for g in grads]).sum(0).sqrt()
