"""Denoising diffusion, the library every diffusion model here uses (lecture: "Diffusion
models: reverse pass").

A net eps_theta(x_t, t) learns the noise in x_t with the simple loss of Ho et al. (2020),

    L_simple = E_{t, x0, eps} ||eps - eps_theta(xt, t)||^2,
    xt = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps,

the lecture's "VLB / score matching" line with w(t) = 1 (eps_theta is the score up to the
factor -sqrt(1 - alpha_bar_t)). It then generates by running the reverse process from
x_T ~ N(0, I): DDPM's ancestral sampler (Algorithm 2), or DDIM (Song et al. 2021, eta = 0),
which takes fewer, deterministic steps. Both are written as the same two named steps: predict
x0 from the noise, then move to an earlier time (core.diffusion.schedules has both, tested).

Schedules and the forward process: core.diffusion.schedules. The 2-D experiment:
core.diffusion.toy. Images, classifier-free guidance and latent diffusion:
core.diffusion.digits.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from core.diffusion.schedules import Schedule, posterior, predict_x0, q_sample
from core.nets import mlp
from core.progress import ProgressFn, report

MAX_FRAMES = 101            # the time slider's frames: every t when T <= 100

EpsFn = Callable[[torch.Tensor, int], torch.Tensor]   # (x_t (n, d), t) -> eps_hat (n, d)


# ---------------------------------------------------------------- the noise-prediction net

def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Transformer-style sinusoids of t (n,) -> (n, dim), as DDPM embeds its time step:
    frequencies 1 down to 1/1000, so both neighbouring steps and far ones are told apart."""
    half = dim // 2
    freqs = torch.exp(-math.log(1000.0) * torch.arange(half, device=t.device) / half)
    angle = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(angle), torch.cos(angle)], 1)


class EpsNet(nn.Module):
    """eps_theta(x_t, t[, y]): an MLP on [x_t, Fourier features of x_t, time embedding
    (+ class embedding)].

    ``fourier`` > 0 adds sin and cos of ``fourier`` fixed random projections of x_t with
    frequencies ~ N(0, fourier_scale^2) (Tancik et al. 2020): a small MLP on raw 2-D points
    learns smooth functions first and blurs the ring's thin modes; with the features it
    draws them sharp in the same training time. ``n_classes`` > 0 adds a class embedding
    with one extra row, index ``n_classes``: the "no class" token that classifier-free
    guidance trains by dropping labels."""

    def __init__(self, dim: int, hidden: int, layers: int, t_dim: int, n_classes: int = 0,
                 fourier: int = 0, fourier_scale: float = 3.0) -> None:
        super().__init__()
        self.t_dim, self.n_classes = t_dim, n_classes
        self.class_embedding = nn.Embedding(n_classes + 1, t_dim) if n_classes else None
        # fixed, not learned: a buffer, so it travels with the weights
        g = torch.Generator().manual_seed(0)
        self.register_buffer("freqs", fourier_scale * torch.randn(dim, fourier, generator=g))
        # SiLU (swish), DDPM's activation
        self.mlp = mlp([dim + 2 * fourier + t_dim, *[hidden] * layers, dim], nn.SiLU)

    def forward(self, xt: torch.Tensor, t: torch.Tensor | int, y: torch.Tensor | None = None
                ) -> torch.Tensor:
        """xt: (n, dim); t: (n,) or an int (one time for all rows); y: (n,) class indices."""
        if isinstance(t, int):
            h = timestep_embedding(torch.tensor([t]), self.t_dim).expand(len(xt), -1)
        else:
            h = timestep_embedding(t, self.t_dim)
        if self.class_embedding is not None:
            if y is None:
                y = torch.full((len(xt),), self.n_classes, dtype=torch.long, device=xt.device)
            h = h + self.class_embedding(y)
        parts = [xt, h.to(xt.device, xt.dtype)]
        if self.freqs.shape[1]:
            angle = xt @ self.freqs
            parts += [torch.sin(angle), torch.cos(angle)]
        return self.mlp(torch.cat(parts, 1))


# ---------------------------------------------------------------- training

def train_eps(net: EpsNet, x0_pool: torch.Tensor, schedule: Schedule, *, steps: int,
              batch_size: int, lr: float, generator: torch.Generator,
              labels: torch.Tensor | None = None, label_drop: float = 0.0, log_every: int = 50,
              on_progress: ProgressFn | None = None, share: tuple[float, float] = (0.0, 1.0)
              ) -> tuple[np.ndarray, np.ndarray, float]:
    """Adam on L_simple over minibatches of x0_pool (n, d) with t ~ U{1..T}, eps ~ N(0, I).

    Labels, when given, are replaced by the "no class" token with probability
    ``label_drop`` (Ho & Salimans 2022), so one net learns eps(x_t, t, y) and eps(x_t, t).
    Returns the logged steps, the mean loss over each log interval, and the loop's seconds.
    Progress goes to ``on_progress`` as the fraction share[0] + share[1] * done."""
    device = x0_pool.device
    alpha_bar = torch.as_tensor(schedule.alpha_bar, dtype=torch.float32, device=device)
    optimiser = torch.optim.Adam(net.parameters(), lr=lr)
    n = len(x0_pool)
    logged_step, logged_loss = [], []
    running = torch.zeros((), device=device)
    start = time.perf_counter()
    for step in range(1, steps + 1):
        idx = torch.randint(n, (batch_size,), generator=generator, device=device)
        t = torch.randint(1, schedule.T + 1, (batch_size,), generator=generator, device=device)
        x0 = x0_pool[idx]
        eps = torch.randn(x0.shape, generator=generator, device=device)
        y = None
        if labels is not None:
            y = labels[idx]
            drop = torch.rand(batch_size, generator=generator, device=device) < label_drop
            y = torch.where(drop, net.n_classes, y)
        loss = ((net(q_sample(x0, t, eps, alpha_bar), t, y) - eps) ** 2).mean()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        running += loss.detach()
        if step % log_every == 0 or step == steps:
            # one .item() per interval: a sync per step would slow the GPU path
            logged_loss.append(running.item() / (step - (logged_step[-1] if logged_step else 0)))
            logged_step.append(step)
            running.zero_()
            report(on_progress, share[0] + share[1] * step / steps,
                   f"step {step}/{steps}, loss {logged_loss[-1]:.4f}",
                   partial={"step": np.array(logged_step), "loss": np.array(logged_loss)})
    return np.array(logged_step), np.array(logged_loss), time.perf_counter() - start


# ---------------------------------------------------------------- samplers

def record_times(T: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The slider's times, T down to 0: every t when they fit in max_frames, else evenly spaced."""
    if T + 1 <= max_frames:
        return np.arange(T, -1, -1)
    return np.unique(np.round(np.linspace(0, T, max_frames)).astype(int))[::-1].copy()


def ddim_times(T: int, steps: int) -> np.ndarray:
    """DDIM's subsequence of times, T down to 0 in ``steps`` (near-)equal jumps: (steps + 1,)."""
    return np.unique(np.round(np.linspace(0, T, min(steps, T) + 1)).astype(int))[::-1].copy()


def _recorder(record_t, n_record: int, x: torch.Tensor):
    frames = {int(t): i for i, t in enumerate(record_t)}
    out = torch.empty((len(frames), min(n_record, len(x)), x.shape[1]))

    def keep(t: int, x: torch.Tensor) -> None:
        if t in frames:
            out[frames[t]] = x[: out.shape[1]].cpu()
    return out, keep


def _clip(x0: torch.Tensor, clip: float | None) -> torch.Tensor:
    return x0 if clip is None else x0.clamp(-clip, clip)


@torch.no_grad()
def ddpm_sample(eps_fn: EpsFn, schedule: Schedule, xT: torch.Tensor, generator: torch.Generator,
                record_t=(), n_record: int = 0, clip: float | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """DDPM's ancestral sampler (Algorithm 2) from x_T (n, d), with sigma_t^2 = beta~_t.

    Each step predicts x0 from the noise, then draws x_{t-1} from the posterior
    q(x_{t-1} | x_t, x0_hat); its mean is Algorithm 2's
    1 / sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_hat), written through x0_hat.
    With ``clip`` x0_hat is clipped to [-clip, clip] first (DDPM's image sampler: pixels live
    in [-1, 1]). Returns x_0 (n, d) and the first ``n_record`` rows of x_t at each time of
    ``record_t``: (F, n_record, d)."""
    traj, keep = _recorder(record_t, n_record, xT)
    x = xT
    keep(schedule.T, x)
    for t in range(schedule.T, 0, -1):
        x0 = _clip(predict_x0(x, t, eps_fn(x, t), schedule.alpha_bar), clip)
        mean, variance = posterior(x0, x, t, schedule)
        # at t = 1 the posterior's variance is 0 (x_0 is its mean): no noise is drawn
        noise = torch.randn(x.shape, generator=generator, device=x.device) if t > 1 else 0.0
        x = mean + math.sqrt(variance) * noise
        keep(t - 1, x)
    return x, traj


@torch.no_grad()
def ddim_sample(eps_fn: EpsFn, schedule: Schedule, xT: torch.Tensor, steps: int,
                n_record: int = 0, clip: float | None = None
                ) -> tuple[torch.Tensor, np.ndarray, torch.Tensor]:
    """DDIM with eta = 0 (Song et al. 2021, eq. 12) in ``steps`` jumps t -> s: predict x0,
    then put the same noise back at the earlier time s,
    x0_hat = (x_t - sqrt(1 - ab_t) eps_hat) / sqrt(ab_t),
    x_s = sqrt(ab_s) x0_hat + sqrt(1 - ab_s) eps_hat   (q_sample with eps = eps_hat).

    Deterministic given x_T. Returns x_0 (n, d), its times (steps + 1,) and the first
    ``n_record`` rows at each of them: (steps + 1, n_record, d)."""
    alpha_bar = schedule.alpha_bar
    times = ddim_times(schedule.T, steps)
    traj, keep = _recorder(times, n_record, xT)
    x = xT
    keep(int(times[0]), x)
    for t, s in zip(times[:-1], times[1:], strict=True):
        eps = eps_fn(x, int(t))
        x0 = _clip(predict_x0(x, int(t), eps, alpha_bar), clip)
        x = q_sample(x0, int(s), eps, alpha_bar)
        keep(int(s), x)
    return x, times, traj


def net_eps(net: EpsNet) -> EpsFn:
    return lambda x, t: net(x, t)
