"""The ring's diffusion model for the compare panel (lecture: "Diffusion models"), trained as a
batched ensemble.

It is the diffusion panel's model (core.diffusion.toy at its defaults): the same eps_theta as
EpsNet, an MLP with SiLU on [x_t, sin and cos of the same fixed Fourier projections of x_t,
DDPM's sinusoidal embedding of t], the same linear schedule, trained on L_simple as
core.diffusion.ddpm.train_eps trains it, and sampled with DDPM's ancestral sampler through the
same two steps (predict x0, then the posterior q(x_{t-1} | x_t, x0_hat)). Only the layout
differs: E members in stacked weights (core.gan.mlp's (E, in, out), core.gan.optim's Adam), so
each member has its own seed and learning rate and all train in one loop, as the GAN's
ensembles do. Its likelihood is DDPM's variational bound (core.diffusion.vlb).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core import toy2d
from core.device import cpu_threads
from core.diffusion import vlb
from core.diffusion.ddpm import EpsFn, timestep_embedding
from core.diffusion.schedules import Schedule, make_schedule, posterior, predict_x0
from core.diffusion.toy import DATA_SEED, POOL_SIZE, DiffusionConfig
from core.gan.config import GANConfig
from core.gan.mlp import init_mlp
from core.gan.optim import EnsembleOptimiser
from core.progress import ProgressFn, report

NET = DiffusionConfig()       # the diffusion panel's defaults: sizes, schedule, batch, lr
STEPS = NET.steps
ADAM = GANConfig(beta1=0.9)   # torch.optim.Adam's betas, as train_eps uses
REPORTS = 50                  # progress reports a run


def fourier_freqs() -> torch.Tensor:
    """EpsNet's fixed projections of x_t, (2, fourier): drawn from seed 0, as EpsNet draws them."""
    g = torch.Generator().manual_seed(0)
    return NET.fourier_scale * torch.randn(2, NET.fourier, generator=g)


def t_table(T: int) -> torch.Tensor:
    """DDPM's time embedding of t = 0..T: (T + 1, t_dim), looked up instead of recomputed."""
    return timestep_embedding(torch.arange(T + 1), NET.t_dim)


def sizes() -> list[int]:
    """Layer widths, EpsNet's: [x_t, time embedding, sin, cos] in, eps out."""
    return [2 + 2 * NET.fourier + NET.t_dim, *[NET.hidden] * NET.layers, 2]


def eps_theta(params: list[torch.Tensor], freqs: torch.Tensor, table: torch.Tensor,
              xt: torch.Tensor, t: torch.Tensor | int) -> torch.Tensor:
    """eps_theta(x_t, t) for every member: xt (E, n, 2), t (E, n) or one int -> (E, n, 2).

    EpsNet's input [x_t, time embedding, sin, cos] in EpsNet's order, so its first layer's
    weights read like EpsNet's; the embedding is looked up in ``table`` (t_table's)."""
    angle = xt @ freqs
    if isinstance(t, int):
        embedding = table[t].expand(*xt.shape[:-1], -1)
    else:
        embedding = table[t]
    h = torch.cat([xt, embedding, torch.sin(angle), torch.cos(angle)], -1)
    for i in range(0, len(params), 2):
        h = torch.baddbmm(params[i + 1], h, params[i])
        if i + 2 < len(params):
            h = F.silu(h)
    return h


@dataclass(frozen=True, eq=False)
class RingDiffusion:
    """A trained ensemble: eps_theta's stacked weights [W1, b1, ...] (W: (E, in, out), b:
    (E, 1, out)) on the CPU, the schedule, each member's L_simple log and the loop's time."""

    params: list[torch.Tensor]
    schedule: Schedule
    loss_step: np.ndarray         # (n_logs,)
    loss: np.ndarray              # (E, n_logs) mean L_simple over each log interval
    train_seconds: float

    @property
    def E(self) -> int:
        return self.params[0].shape[0]

    def member(self, i: int) -> RingDiffusion:
        """Member i alone, an ensemble of one."""
        return RingDiffusion([p[i: i + 1] for p in self.params], self.schedule,
                             self.loss_step, self.loss[i: i + 1], self.train_seconds)

    def eps_fn(self, i: int) -> EpsFn:
        """Member i's eps_theta in core.diffusion.ddpm's form: (x_t (n, 2), t) -> (n, 2)."""
        one = [p[i: i + 1] for p in self.params]
        freqs, table = fourier_freqs(), t_table(self.schedule.T)
        return lambda xt, t: eps_theta(one, freqs, table, xt[None], t)[0]

    @torch.no_grad()
    def sample(self, n: int, seed: int) -> np.ndarray:
        """DDPM's ancestral sampler (core.diffusion.ddpm.ddpm_sample's steps) for every member
        at once: (E, n, 2). Every member starts from the same x_T and draws the same noise
        (from ``seed``), so members differ only by their nets, and member i's samples are
        those it draws alone."""
        g = torch.Generator().manual_seed(seed)
        freqs, table = fourier_freqs(), t_table(self.schedule.T)
        x = torch.randn(1, n, 2, generator=g).expand(self.E, n, 2)
        with cpu_threads(1):
            for t in range(self.schedule.T, 0, -1):
                eps = eps_theta(self.params, freqs, table, x, t)
                mean, variance = posterior(predict_x0(x, t, eps, self.schedule.alpha_bar), x,
                                           t, self.schedule)
                # at t = 1 the posterior's variance is 0: x_0 is its mean
                x = mean + variance**0.5 * torch.randn(1, n, 2, generator=g) if t > 1 else mean
        return x.numpy()

    def sample_seconds(self, n: int = 1000, seed: int = 0) -> float:
        """Seconds for member 0 alone to draw n samples (T net calls) on one CPU thread."""
        one = self.member(0)
        start = time.perf_counter()
        one.sample(n, seed)
        return time.perf_counter() - start

    def nll_bound(self, x0: np.ndarray, seed: int = 0) -> np.ndarray:
        """DDPM's variational bound on -log p_theta(x0) in nats per dimension, each member's on
        the same points x0 (n, 2) and the same draws of x_t: (E,)."""
        x = torch.as_tensor(np.asarray(x0, dtype=np.float32))
        with cpu_threads(1):
            return np.array([
                vlb.nll_bound(self.eps_fn(i), self.schedule, x,
                              torch.Generator().manual_seed(seed))
                for i in range(self.E)])


def train_ring_diffusion(seeds: list[int], lr_scales: list[float], *, steps: int = STEPS,
                         device: torch.device | None = None,
                         on_progress: ProgressFn | None = None,
                         share: tuple[float, float] = (0.0, 1.0),
                         data: str = "ring") -> RingDiffusion:
    """Adam on L_simple over minibatches of ``data`` (a 2-D set), one diffusion model per (seeds[i],
    lr_scales[i]), in one batched loop on one CPU thread (or the GPU).

    Member i starts from weights drawn from seeds[i] (nn.Linear's init, core.gan.mlp) and learns
    at NET.lr * lr_scales[i]. The minibatches, times and noise come from one stream seeded by
    seeds[0], as in core.gan.seeds: every member sees its own draws. Progress runs from
    share[0] to share[0] + share[1]."""
    if len(seeds) != len(lr_scales) or not seeds:
        raise ValueError(f"give one lr scale per seed: {len(seeds)} seeds, "
                         f"{len(lr_scales)} scales")
    device = torch.device("cpu") if device is None else device
    schedule = make_schedule(NET.schedule, NET.T)
    with cpu_threads(1, device):
        params, step_log, loss_log, seconds = _train(
            [int(s) for s in seeds], lr_scales, schedule, steps, device, on_progress, share,
            data)
    return RingDiffusion(params, schedule, step_log, loss_log, seconds)


def _train(seeds: list[int], lr_scales: list[float], schedule: Schedule, steps: int,
           device: torch.device, on_progress: ProgressFn | None, share: tuple[float, float],
           data: str) -> tuple[list[torch.Tensor], np.ndarray, np.ndarray, float]:
    E, m = len(seeds), NET.batch_size
    params = [p.to(device).requires_grad_() for p in init_mlp(sizes(), seeds, 0)]
    lr = NET.lr * torch.tensor(lr_scales, dtype=torch.float32, device=device)
    optimiser = EnsembleOptimiser(params, lr, ADAM)
    freqs, table = fourier_freqs().to(device), t_table(schedule.T).to(device)
    root_ab = torch.as_tensor(schedule.alpha_bar ** 0.5, dtype=torch.float32, device=device)
    root_1m = torch.as_tensor((1 - schedule.alpha_bar) ** 0.5, dtype=torch.float32,
                              device=device)
    pool = torch.as_tensor(toy2d.sample(data, POOL_SIZE, DATA_SEED), device=device)
    rng = torch.Generator(device=device).manual_seed(seeds[0])
    every = max(steps // REPORTS, 1)
    step_log, loss_log = [], []
    running = torch.zeros(E, device=device)
    report(on_progress, share[0], "diffusion")
    start = time.perf_counter()
    for step in range(1, steps + 1):
        x0 = pool[torch.randint(POOL_SIZE, (E, m), generator=rng, device=device)]
        t = torch.randint(1, schedule.T + 1, (E, m), generator=rng, device=device)
        eps = torch.randn(E, m, 2, generator=rng, device=device)
        xt = root_ab[t, None] * x0 + root_1m[t, None] * eps        # q_sample, per row
        loss = ((eps_theta(params, freqs, table, xt, t) - eps) ** 2).mean((1, 2))
        optimiser.step(torch.autograd.grad(loss.sum(), params))
        running += loss.detach()
        if step % every == 0 or step == steps:
            done = step - (step_log[-1] if step_log else 0)
            loss_log.append((running / done).cpu().numpy())
            step_log.append(step)
            running.zero_()
            report(on_progress, share[0] + share[1] * step / steps,
                   f"diffusion: step {step:,} of {steps:,}")
    seconds = time.perf_counter() - start
    return ([p.detach().cpu() for p in params], np.array(step_log),
            np.stack(loss_log, 1), seconds)
