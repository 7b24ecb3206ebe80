"""A GAN on the 8x8 digits, trained as a batched ensemble: the compare panel's GAN on images.

The compare panel trains a VAE, a GAN and a diffusion model on the same digits and measures
them the same way; this is its GAN. It is core.gan's game, not a new one: Algorithm 1 with
k = 1 (one D step, then one G step on fresh noise) and the non-saturating generator loss, on
the same stacked-weight MLPs (core.gan.mlp), losses (core.gan.losses) and Adam
(core.gan.optim), so each member has its own seed and its own learning rate. Only the data
(64 pixels instead of 2 coordinates) and the sizes differ.

Pixels in [0, 1] are scaled to [-1, 1] for the game and G ends in tanh, so G can draw the
saturated black and white of real digits; ``DigitsGAN.sample`` maps them back to [0, 1].

The sizes are what one CPU thread affords: 6 members (2 seeds x 3 learning rates) in about
10 s. Within that budget these drew the most digits the classifier is sure of: a third hidden
layer in G, widths of 96 (128 drew no more and took a third longer), a minibatch of 32 (more
steps in the time), a high rate (2e-3) and Adam without momentum (beta1 = 0, as in SAGAN and
BigGAN; at ganhacks' 0.5 about a tenth fewer sure readings, at 0.8 the game fell apart). The
samples come from an exponential moving average of G's weights (Yazici et al. 2019), which
smooths the game's step-to-step jitter without changing the game: a few per cent more sure
readings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from core.device import cpu_threads, thread_budget
from core.gan.config import GANConfig
from core.gan.losses import d_loss_terms, g_loss_points
from core.gan.mlp import init_mlp, mlp
from core.gan.optim import EnsembleOptimiser
from core.gan.seeds import ENSEMBLE_THREADS_FROM
from core.images import image_set
from core.progress import ProgressFn, report

SIDE = 8
NOISE_DIM = 32
G_SIZES = [NOISE_DIM, 96, 96, 96, SIDE * SIDE]
D_SIZES = [SIDE * SIDE, 96, 96, 1]
ACTIVATION = "leaky_relu"          # DCGAN's choice, for both players
BATCH = 32                         # m: real digits and generated ones in each step
BASE_LR = 2e-3                     # a scale-1 member's learning rate, for D and G alike
STEPS = 3000                       # G steps (k = 1: as many D steps); the compare panel's own
EMA = 0.99                         # the sampled G: weights averaged over the last ~100 steps
ADAM = GANConfig(beta1=0.0)        # only its optimiser fields count: Adam, no momentum
REPORTS = 50                       # progress reports a run


@dataclass(frozen=True)
class DigitsGAN:
    """Each member's generator (core.gan.mlp's layout: W (E, in, out), b (E, 1, out), the
    moving average of its weights) and how long the training loop alone took."""

    G: list[torch.Tensor]
    noise_dim: int
    train_seconds: float

    @property
    def members(self) -> int:
        return self.G[0].shape[0]

    def sample(self, n: int, seed: int) -> np.ndarray:
        """n digits from every member: (E, n, 8, 8) in [0, 1]. Member i's noise is the i-th
        slice of one draw from ``seed``, so member 0 draws the same digits whatever E is."""
        z = torch.randn(self.members, n, self.noise_dim,
                        generator=torch.Generator().manual_seed(seed))
        return _draw(self.G, z)

    def sample_seconds(self, n: int = 1000, seed: int = 0) -> float:
        """Seconds member 0 alone takes to draw n digits on one CPU thread."""
        one = [w[:1] for w in self.G]
        z = torch.randn(1, n, self.noise_dim, generator=torch.Generator().manual_seed(seed))
        with cpu_threads(1):
            start = time.perf_counter()
            _draw(one, z)
            return time.perf_counter() - start


def _generate(G: list[torch.Tensor], z: torch.Tensor) -> torch.Tensor:
    """G(z) in the game's pixel scale [-1, 1]: (E, n, 64)."""
    return torch.tanh(mlp(G, z, ACTIVATION))


@torch.no_grad()
def _draw(G: list[torch.Tensor], z: torch.Tensor) -> np.ndarray:
    x = (_generate(G, z) + 1) / 2
    return x.reshape(*z.shape[:2], SIDE, SIDE).cpu().numpy()


def train_digits_gan(seeds: list[int], lr_scales: list[float], *, steps: int = STEPS,
                     device: torch.device | None = None, on_progress: ProgressFn | None = None,
                     share: tuple[float, float] = (0.0, 1.0)) -> DigitsGAN:
    """One GAN of the digits per (seeds[i], lr_scales[i]), all trained in one batched loop.

    Member i starts from weights drawn from seeds[i] and learns at BASE_LR * lr_scales[i],
    D and G alike. Minibatches and noise come from one stream seeded by seeds[0], as in
    core.gan.seeds: the same seeds and scales train the same GANs. Progress runs from
    share[0] to share[0] + share[1]."""
    if len(seeds) != len(lr_scales) or not seeds:
        raise ValueError(f"give one learning-rate scale per seed: {len(seeds)} seeds, "
                         f"{len(lr_scales)} scales")
    device = torch.device("cpu") if device is None else device
    # a few members on one thread (core.device.one_cpu_thread says why); many share the cores
    threads = thread_budget() if len(seeds) >= ENSEMBLE_THREADS_FROM else 1
    with cpu_threads(threads, device):
        G, seconds = _train([int(s) for s in seeds], [float(s) for s in lr_scales], steps,
                            device, on_progress, share)
    return DigitsGAN(G=G, noise_dim=NOISE_DIM, train_seconds=seconds)


def _train(seeds: list[int], lr_scales: list[float], steps: int, device: torch.device,
           on_progress: ProgressFn | None, share: tuple[float, float]
           ) -> tuple[list[torch.Tensor], float]:
    """Algorithm 1 (k = 1) for every member at once; returns G's averaged weights, seconds."""
    E, m = len(seeds), BATCH
    G = [p.to(device).requires_grad_() for p in init_mlp(G_SIZES, seeds, 0)]
    D = [p.to(device).requires_grad_() for p in init_mlp(D_SIZES, seeds, 1)]
    lr = BASE_LR * torch.tensor(lr_scales, dtype=torch.float32, device=device)
    opt_g, opt_d = EnsembleOptimiser(G, lr, ADAM), EnsembleOptimiser(D, lr, ADAM)
    G_avg = [p.detach().clone() for p in G]
    data = torch.as_tensor(image_set("digits").X_train, device=device) * 2 - 1
    rng = torch.Generator(device=device).manual_seed(seeds[0])
    noise = lambda: torch.randn(E, m, NOISE_DIM, generator=rng, device=device)  # noqa: E731
    every = max(steps // REPORTS, 1)
    report(on_progress, share[0], "GAN on the digits")
    start = time.perf_counter()
    for step in range(1, steps + 1):
        # D: one ascent step on V, m real digits against m of G's
        real = data[torch.randint(len(data), (E, m), generator=rng, device=device)]
        with torch.no_grad():
            fake = _generate(G, noise())
        logit = mlp(D, torch.cat([real, fake], 1), ACTIVATION)
        opt_d.step(torch.autograd.grad(d_loss_terms(logit[:, :m], logit[:, m:]).sum(), D))
        # G: one descent step on -log D(G(z)), fresh noise
        g_loss = g_loss_points(mlp(D, _generate(G, noise()), ACTIVATION), "nonsaturating")
        opt_g.step(torch.autograd.grad(g_loss.mean((1, 2)).sum(), G))
        with torch.no_grad():   # a short run's average forgets its start sooner
            decay = min(EMA, (1 + step) / (10 + step))
            torch._foreach_lerp_(G_avg, [p.detach() for p in G], 1 - decay)
        if step % every == 0 or step == steps:
            report(on_progress, share[0] + share[1] * step / steps,
                   f"GAN on the digits: step {step:,} of {steps:,}")
    seconds = time.perf_counter() - start
    return [p.cpu() for p in G_avg], seconds
