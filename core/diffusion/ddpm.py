"""Denoising diffusion on 2-D data (lecture: "Diffusion models: reverse pass").

A net eps_theta(x_t, t) learns the noise in x_t with the simple loss of Ho et al. (2020),

    L_simple = E_{t, x0, eps} ||eps - eps_theta(xt, t)||^2,
    xt = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps,

the lecture's "VLB / score matching" line with w(t) = 1 (eps_theta is the score up to the
factor -sqrt(1 - alpha_bar_t)). It then generates by running the reverse process from
x_T ~ N(0, I): DDPM's ancestral sampler (Algorithm 2), or DDIM (Song et al. 2021, eta = 0),
which takes fewer, deterministic steps. Schedules and the forward process: core.diffusion.schedules.
Images, classifier-free guidance and latent diffusion: core.diffusion.digits.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core import runs, toy2d
from core.device import one_cpu_thread, trains_on_one_thread
from core.diffusion.schedules import (
    SCHEDULES,
    T_MAX,
    T_MIN,
    Schedule,
    check_schedule,
    forward_chain,
    make_schedule,
    q_sample,
)
from core.progress import ProgressFn, report
from core.results import StoredResult
from core.validation import bad, check_choices, check_ranges, check_types

POOL_SIZE = 20_000          # the training set: one fixed sample of the data set ...
DATA_SEED = 0               # ... the same for every run, as in the GAN lab
HELD_OUT_SEED = 1           # the reference sample the metrics compare with
EVAL_SAMPLES = 2_500        # generated points, as many as the GAN lab's metrics use
# A sample is "off the data" when the nearest of 20,000 fresh data points is farther than
# this: 5 std of a ring mode, twice the noise std of the curves (moons, swiss roll). The
# reference points lie far closer together than that, so it measures the model, not them.
OFF_DATA_DISTANCE = 0.1
# MMD^2 with a sum of RBF kernels at fixed bandwidths (fixed, so numbers compare across data
# sets and runs): the small one sees a ring mode's width, the large one the overall layout.
# It compares the first MMD_SAMPLES samples with as many held-out points: the kernel
# matrices grow with n^2, and 1,000 keep the six evaluations of a run under a second.
MMD_BANDWIDTHS = (0.05, 0.2, 1.0)
MMD_SAMPLES = 1_000
MAX_FRAMES = 101            # the time slider's frames: every t when T <= 100
FIELD_GRID = 21             # the noise field is drawn on FIELD_GRID x FIELD_GRID points
DDIM_STEPS = (5, 10, 20, 50)

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
        sizes = [dim + 2 * fourier + t_dim, *[hidden] * layers]
        blocks: list[nn.Module] = []
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            blocks += [nn.Linear(a, b), nn.SiLU()]       # SiLU (swish), DDPM's activation
        blocks.append(nn.Linear(hidden, dim))
        self.mlp = nn.Sequential(*blocks)

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
    """DDPM's ancestral sampler (Algorithm 2) from x_T (n, d), with sigma_t^2 = beta~_t:
    x_{t-1} = 1 / sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_hat) + sigma_t z.

    With ``clip`` the predicted x0 is clipped to [-clip, clip] and the mean is the posterior's
    mu~(x0_hat, x_t), the same formula before clipping (DDPM's image sampler). Returns x_0
    (n, d) and the first ``n_record`` rows of x_t at each time of ``record_t``: (F, n_record, d)."""
    s = schedule
    traj, keep = _recorder(record_t, n_record, xT)
    x = xT
    keep(s.T, x)
    sigma = np.sqrt(s.posterior_variance())
    for t in range(s.T, 0, -1):
        eps = eps_fn(x, t)
        if clip is None:
            mean = (x - s.beta[t] / math.sqrt(1 - s.alpha_bar[t]) * eps) / math.sqrt(s.alpha[t])
        else:
            x0 = _clip((x - math.sqrt(1 - s.alpha_bar[t]) * eps) / math.sqrt(s.alpha_bar[t]), clip)
            mean = (math.sqrt(s.alpha_bar[t - 1]) * s.beta[t] / (1 - s.alpha_bar[t]) * x0
                    + math.sqrt(s.alpha[t]) * (1 - s.alpha_bar[t - 1]) / (1 - s.alpha_bar[t]) * x)
        noise = torch.randn(x.shape, generator=generator, device=x.device) if t > 1 else 0.0
        x = mean + sigma[t] * noise
        keep(t - 1, x)
    return x, traj


@torch.no_grad()
def ddim_sample(eps_fn: EpsFn, schedule: Schedule, xT: torch.Tensor, steps: int,
                n_record: int = 0, clip: float | None = None
                ) -> tuple[torch.Tensor, np.ndarray, torch.Tensor]:
    """DDIM with eta = 0 (Song et al. 2021, eq. 12) in ``steps`` jumps t -> s:
    x0_hat = (x_t - sqrt(1 - ab_t) eps_hat) / sqrt(ab_t),
    x_s = sqrt(ab_s) x0_hat + sqrt(1 - ab_s) eps_hat.

    Deterministic given x_T. Returns x_0 (n, d), its times (steps + 1,) and the first
    ``n_record`` rows at each of them: (steps + 1, n_record, d)."""
    ab = schedule.alpha_bar
    times = ddim_times(schedule.T, steps)
    traj, keep = _recorder(times, n_record, xT)
    x = xT
    keep(int(times[0]), x)
    for t, s in zip(times[:-1], times[1:], strict=True):
        eps = eps_fn(x, int(t))
        x0 = _clip((x - math.sqrt(1 - ab[t]) * eps) / math.sqrt(ab[t]), clip)
        x = math.sqrt(ab[s]) * x0 + math.sqrt(1 - ab[s]) * eps
        keep(int(s), x)
    return x, times, traj


def net_eps(net: EpsNet) -> EpsFn:
    return lambda x, t: net(x, t)


@torch.no_grad()
def noise_field(net: EpsNet, t: int, axis: np.ndarray) -> np.ndarray:
    """eps_theta(x, t) on the grid axis x axis: (G, G, 2), entry [i, j] at (axis[j], axis[i]).

    -eps_theta points toward the data: the score is -eps_theta / sqrt(1 - alpha_bar_t)."""
    xx, yy = np.meshgrid(axis, axis)
    grid = torch.as_tensor(np.stack([xx, yy], -1).reshape(-1, 2), dtype=torch.float32)
    return net(grid, max(int(t), 1)).numpy().reshape(len(axis), len(axis), 2)


# ---------------------------------------------------------------- 2-D metrics

def off_data_fraction(samples: np.ndarray, reference: np.ndarray,
                      distance: float = OFF_DATA_DISTANCE) -> float:
    """Share of samples whose nearest reference point is farther than ``distance``."""
    from sklearn.neighbors import KDTree

    nearest, _ = KDTree(reference).query(samples, k=1, return_distance=True)
    return float((nearest[:, 0] > distance).mean())


def mmd2(x: np.ndarray, y: np.ndarray, bandwidths=MMD_BANDWIDTHS) -> float:
    """Unbiased MMD^2 (Gretton et al. 2012) with k(a, b) = sum_h exp(-|a - b|^2 / (2 h^2))."""
    x = torch.as_tensor(np.asarray(x), dtype=torch.float64)
    y = torch.as_tensor(np.asarray(y), dtype=torch.float64)

    def k(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        # float32 kernels (half the time), float64 sums
        d2 = (torch.cdist(a, b) ** 2).float()
        return sum(torch.exp(-d2 / (2 * h * h)) for h in bandwidths).double()

    n, m = len(x), len(y)
    with one_cpu_thread():
        kxx, kyy = k(x, x), k(y, y)
        same = ((kxx.sum() - kxx.diagonal().sum()) / (n * (n - 1))
                + (kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1)))
        return float(same - 2 * k(x, y).mean())


def quality(samples: np.ndarray, data: str, reference: np.ndarray) -> dict[str, float | None]:
    """off_data_fraction, mmd2 (MMD_SAMPLES of each), modes_covered and
    hq_fraction (mixtures only, PacGAN's metrics from core.toy2d)."""
    centres, std = toy2d.mode_centres(data), toy2d.mode_std(data)
    return {
        "off_data_fraction": off_data_fraction(samples, reference),
        "mmd2": mmd2(samples[:MMD_SAMPLES], reference[:MMD_SAMPLES]),
        "modes_covered": (float(toy2d.modes_covered(samples, centres, std))
                          if centres is not None else None),
        "hq_fraction": toy2d.hq_fraction(samples, centres, std) if centres is not None else None,
    }


# ---------------------------------------------------------------- the 2-D run

@dataclass(frozen=True)
class DiffusionConfig:
    """One diffusion run on a 2-D data set. Defaults: the 8-Gaussian ring."""

    data: str = "ring"
    schedule: str = "linear"
    T: int = 100
    hidden: int = 64
    layers: int = 3
    t_dim: int = 32
    fourier: int = 16             # Fourier features of x_t (EpsNet): what makes thin modes sharp
    fourier_scale: float = 3.0
    steps: int = 3000
    batch_size: int = 256
    lr: float = 3e-3
    n_particles: int = 300        # trajectories kept for the time slider
    log_every: int = 50
    seed: int = 0

    def __post_init__(self) -> None:
        check_types(self)
        check_choices(self, {"data": toy2d.SETS, "schedule": SCHEDULES})
        ranges = {"T": (T_MIN, T_MAX), "hidden": (8, 1024), "layers": (1, 8),
                  "t_dim": (2, 256), "fourier": (0, 256), "fourier_scale": (0.01, 100.0),
                  "steps": (1, 200_000), "batch_size": (8, 8192),
                  "lr": (1e-6, 0.1), "n_particles": (1, EVAL_SAMPLES),
                  "log_every": (1, 100_000), "seed": (0, 2**31 - 1)}
        check_ranges(self, ranges)
        if self.t_dim % 2:
            bad(self, "t_dim", "use an even number (sines and cosines come in pairs)")

    @classmethod
    def tiny(cls, **changes) -> DiffusionConfig:
        """The smallest config that runs every line (for tests)."""
        values = dict(T=10, hidden=8, layers=1, t_dim=4, fourier=2, steps=20, batch_size=16,
                      n_particles=7, log_every=5)
        return cls(**{**values, **changes})


@dataclass(frozen=True)
class DiffusionResult(StoredResult):
    """A trained 2-D diffusion model, its samples, the slider's films and the metrics.

    Times: ``frame_t`` (F,) runs from T down to 0 (F = T + 1 when T <= 100, else 101), the
    same frames for the forward and the reverse film, so one slider index drives both."""

    data: str
    schedule: str
    T: int
    weights: dict[str, np.ndarray]
    beta: np.ndarray              # (T + 1,) indexed by t, beta[0] = 0
    alpha_bar: np.ndarray         # (T + 1,) indexed by t, alpha_bar[0] = 1
    warnings: list                # check_schedule's sentences
    loss_step: np.ndarray         # (n_logs,)
    loss: np.ndarray              # (n_logs,) mean L_simple over each log interval
    samples: np.ndarray           # (2500, 2) DDPM samples
    frame_t: np.ndarray           # (F,) T .. 0
    reverse_x: np.ndarray         # (F, P, 2) DDPM particles at frame_t (the first P samples)
    forward_x: np.ndarray         # (F, P, 2) held-out data pushed through q(x_t | x_{t-1})
    field_axis: np.ndarray        # (G,) grid coordinates, -EXTENT .. EXTENT
    field: np.ndarray             # (F, G, G, 2) eps_theta(x, max(t, 1)) at (axis[j], axis[i])
    ddim_steps: np.ndarray        # (k,) DDIM step counts
    ddim_samples: np.ndarray      # (k, 2500, 2) from the same x_T as ``samples``
    ddim_seconds: np.ndarray      # (k,)
    ddim_off_data: np.ndarray     # (k,)
    ddim_mmd2: np.ndarray         # (k,)
    ddim_modes: np.ndarray        # (k,) modes covered (NaN for the curves)
    off_data_fraction: float
    mmd2: float
    mmd2_floor: float             # mmd2 of a fresh data sample: what a perfect model scores
    modes_covered: float | None
    hq_fraction: float | None
    train_seconds: float          # the training loop alone
    sample_seconds: float         # DDPM: 2,500 samples with T steps, trajectories recorded

    def metrics(self) -> dict[str, float | None]:
        return {"off_data_fraction": self.off_data_fraction, "mmd2": self.mmd2,
                "mmd2_floor": self.mmd2_floor, "modes_covered": self.modes_covered,
                "hq_fraction": self.hq_fraction, "train_seconds": self.train_seconds,
                "sample_seconds": self.sample_seconds,
                # DDIM with few steps against many: ddim5_off_data, ..., ddim50_off_data
                **{f"ddim{int(s)}_off_data": float(f)
                   for s, f in zip(self.ddim_steps, self.ddim_off_data, strict=True)}}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"samples": self.samples, "alpha_bar": self.alpha_bar, "beta": self.beta,
                "loss_step": self.loss_step, "loss": self.loss, "frame_t": self.frame_t,
                "ddim_steps": self.ddim_steps, "ddim_seconds": self.ddim_seconds,
                "ddim_off_data": self.ddim_off_data, "ddim_mmd2": self.ddim_mmd2}


def build_net(cfg: DiffusionConfig) -> EpsNet:
    return EpsNet(2, cfg.hidden, cfg.layers, cfg.t_dim, fourier=cfg.fourier,
                  fourier_scale=cfg.fourier_scale)


def load_model(cfg: DiffusionConfig, result: DiffusionResult) -> EpsNet:
    """The trained eps_theta back from a result, on the CPU, in eval mode."""
    net = build_net(cfg)
    net.load_state_dict({k: torch.as_tensor(v) for k, v in result.weights.items()})
    return net.eval()


def sample_2d(net: EpsNet, schedule: Schedule, n: int, seed: int, sampler: str = "ddpm",
              steps: int | None = None, n_record: int = 0) -> dict:
    """n samples from N(0, I) noise seeded by ``seed``: {"x0" (n, 2), "t" (F,), "traj"
    (F, n_record, 2), "seconds"}. ``steps`` is DDIM's (default: T)."""
    if sampler not in ("ddpm", "ddim"):
        raise ValueError(f"sampler={sampler!r} is not allowed: use one of ddpm, ddim.")
    generator = torch.Generator().manual_seed(seed)
    xT = torch.randn((n, 2), generator=generator)
    with one_cpu_thread():
        start = time.perf_counter()
        if sampler == "ddpm":
            times = record_times(schedule.T)
            x0, traj = ddpm_sample(net_eps(net), schedule, xT, generator, times, n_record)
        else:
            x0, times, traj = ddim_sample(net_eps(net), schedule, xT, steps or schedule.T,
                                          n_record)
        seconds = time.perf_counter() - start
    return {"x0": x0.numpy(), "t": times, "traj": traj.numpy(), "seconds": seconds}


@trains_on_one_thread
def train_diffusion(cfg: DiffusionConfig, *, device: torch.device,
                    on_progress: ProgressFn | None) -> DiffusionResult:
    schedule = make_schedule(cfg.schedule, cfg.T)
    torch.manual_seed(cfg.seed)
    net = build_net(cfg).to(device)
    generator = torch.Generator(device=device).manual_seed(cfg.seed)
    pool = torch.as_tensor(toy2d.sample(cfg.data, POOL_SIZE, DATA_SEED), device=device)
    loss_step, loss, seconds = train_eps(
        net, pool, schedule, steps=cfg.steps, batch_size=cfg.batch_size, lr=cfg.lr,
        generator=generator, log_every=cfg.log_every, on_progress=on_progress,
        share=(0.0, 0.9))
    net = net.cpu().eval()
    report(on_progress, 0.9, "sampling")
    reference = toy2d.sample(cfg.data, POOL_SIZE, HELD_OUT_SEED)
    # the sampler's noise comes from its own stream: the same x_T for DDPM and every DDIM
    ddpm = sample_2d(net, schedule, EVAL_SAMPLES, cfg.seed + 1, "ddpm", n_record=cfg.n_particles)
    frame_t = ddpm["t"]
    ddims = [sample_2d(net, schedule, EVAL_SAMPLES, cfg.seed + 1, "ddim", s) for s in DDIM_STEPS]
    ddim_q = [quality(d["x0"], cfg.data, reference) for d in ddims]
    forward = forward_chain(reference[-cfg.n_particles:], schedule, frame_t,
                            np.random.default_rng(cfg.seed))
    axis = np.linspace(-toy2d.EXTENT, toy2d.EXTENT, FIELD_GRID)
    q = quality(ddpm["x0"], cfg.data, reference)
    floor = mmd2(toy2d.sample(cfg.data, MMD_SAMPLES, HELD_OUT_SEED + 1), reference[:MMD_SAMPLES])
    report(on_progress, 1.0, "done")
    return DiffusionResult(
        data=cfg.data, schedule=cfg.schedule, T=cfg.T,
        weights={k: v.detach().numpy() for k, v in net.state_dict().items()},
        beta=schedule.beta, alpha_bar=schedule.alpha_bar, warnings=check_schedule(schedule),
        loss_step=loss_step, loss=loss, samples=ddpm["x0"], frame_t=frame_t,
        reverse_x=ddpm["traj"], forward_x=forward.astype(np.float32), field_axis=axis,
        field=np.stack([noise_field(net, t, axis) for t in frame_t]),
        ddim_steps=np.array(DDIM_STEPS), ddim_samples=np.stack([d["x0"] for d in ddims]),
        ddim_seconds=np.array([d["seconds"] for d in ddims]),
        ddim_off_data=np.array([d["off_data_fraction"] for d in ddim_q]),
        ddim_mmd2=np.array([d["mmd2"] for d in ddim_q]),
        ddim_modes=np.array([np.nan if d["modes_covered"] is None else d["modes_covered"]
                             for d in ddim_q]),
        mmd2_floor=floor, train_seconds=seconds, sample_seconds=ddpm["seconds"], **q)


runs.register("diffusion", DiffusionConfig, DiffusionResult, train_diffusion)
