"""The 2-D diffusion experiment (lecture: "Diffusion models: forward pass", "reverse pass",
"generating a new sample"): DDPM on the ring, the moons or the swiss roll.

One run trains eps_theta (core.diffusion.ddpm) on a fixed sample of the data set, then keeps
what the page shows on one time slider: the forward film (held-out data pushed through
q(x_t | x_{t-1})), the reverse film (DDPM's particles) and the learned noise field, plus DDIM
with fewer steps from the same x_T, each measured against held-out data
(core.diffusion.toy_metrics).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from core import toy2d
from core.device import one_cpu_thread, trains_on_one_thread
from core.diffusion.ddpm import (
    EpsNet,
    ddim_sample,
    ddpm_sample,
    net_eps,
    record_times,
    train_eps,
)
from core.diffusion.schedules import (
    SCHEDULES,
    T_MAX,
    T_MIN,
    Schedule,
    check_schedule,
    forward_chain,
    make_schedule,
)
from core.diffusion.toy_metrics import MMD_SAMPLES, mmd2, quality
from core.progress import ProgressFn, report
from core.results import StoredResult
from core.validation import bad, check_choices, check_ranges, check_types

POOL_SIZE = 20_000          # the training set: one fixed sample of the data set ...
DATA_SEED = 0               # ... the same for every run, as in the GAN lab
HELD_OUT_SEED = 1           # the reference sample the metrics compare with
EVAL_SAMPLES = 2_500        # generated points, as many as the GAN lab's metrics use
FIELD_GRID = 21             # the noise field is drawn on FIELD_GRID x FIELD_GRID points
DDIM_STEPS = (5, 10, 20, 50)


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
        toy2d.check(self.data)
        check_choices(self, {"schedule": SCHEDULES})
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


def held_out(data: str, n: int = POOL_SIZE) -> np.ndarray:
    """Fresh points of the data set, never trained on: what the metrics compare with (n, 2)."""
    return toy2d.sample(data, n, HELD_OUT_SEED)


def measured_ddim(net: EpsNet, cfg: DiffusionConfig, schedule: Schedule, steps: int,
                  reference: np.ndarray) -> dict:
    """DDIM in ``steps`` from the run's own x_T (the one DDPM started from) and its quality
    against ``reference``: {"x0", "seconds", "off_data_fraction", "mmd2", "modes_covered",
    "hq_fraction"}."""
    ddim = sample_2d(net, schedule, EVAL_SAMPLES, cfg.seed + 1, "ddim", steps)
    return {"x0": ddim["x0"], "seconds": ddim["seconds"],
            **quality(ddim["x0"], cfg.data, reference)}


@torch.no_grad()
def noise_field(net: EpsNet, t: int, axis: np.ndarray) -> np.ndarray:
    """eps_theta(x, t) on the grid axis x axis: (G, G, 2), entry [i, j] at (axis[j], axis[i]).

    -eps_theta points toward the data: the score is -eps_theta / sqrt(1 - alpha_bar_t)."""
    xx, yy = np.meshgrid(axis, axis)
    grid = torch.as_tensor(np.stack([xx, yy], -1).reshape(-1, 2), dtype=torch.float32)
    return net(grid, max(int(t), 1)).numpy().reshape(len(axis), len(axis), 2)


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
    reference = held_out(cfg.data)
    # the sampler's noise comes from its own stream: the same x_T for DDPM and every DDIM
    ddpm = sample_2d(net, schedule, EVAL_SAMPLES, cfg.seed + 1, "ddpm", n_record=cfg.n_particles)
    frame_t = ddpm["t"]
    ddims = [measured_ddim(net, cfg, schedule, s, reference) for s in DDIM_STEPS]
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
        ddim_off_data=np.array([d["off_data_fraction"] for d in ddims]),
        ddim_mmd2=np.array([d["mmd2"] for d in ddims]),
        ddim_modes=np.array([np.nan if d["modes_covered"] is None else d["modes_covered"]
                             for d in ddims]),
        mmd2_floor=floor, train_seconds=seconds, sample_seconds=ddpm["seconds"], **q)
