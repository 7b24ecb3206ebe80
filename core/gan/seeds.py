"""Many GANs at once: one config from many seeds, and the learning-rate phase diagram.

Both are one batched ``Game`` (core.gan.game): the weights carry a leading ensemble dimension, so
E members train in one loop as E independent GANs. A one-seed ensemble is exactly ``train_gan``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import torch

from core.device import cpu_threads, thread_budget
from core.gan.config import GANConfig
from core.gan.game import Game
from core.gan.record import Recorder
from core.gan.train import play, pretrain_d
from core.progress import ProgressFn
from core.results import StoredResult
from core.validation import bad, check_ranges, check_types

ENSEMBLE_THREADS_FROM = 8  # ensembles of this many members may use every core (thread_budget)


@dataclass(frozen=True)
class EnsembleResult(StoredResult):
    """The same config trained from many seeds as one batched model: outcomes per seed."""

    seeds: np.ndarray                  # (E,)
    modes_covered: np.ndarray          # (E,) at the end (NaN for data that are not mixtures)
    hq_fraction: np.ndarray            # (E,)
    step: np.ndarray                   # (n_logs,)
    d_loss: np.ndarray                 # (E, n_logs), as in GANResult
    g_loss: np.ndarray
    d_real: np.ndarray
    d_fake: np.ndarray
    g_grad_norm: np.ndarray
    modes_covered_history: np.ndarray  # (E, n_logs)
    hq_fraction_history: np.ndarray
    data_distance: np.ndarray
    mode_counts_history: np.ndarray    # (E, n_logs, K)
    samples: np.ndarray                # (E, 2500, 2) each member's samples at the end
    train_seconds: float

    def metrics(self) -> dict[str, float | None]:
        modes = self.modes_covered
        if np.isnan(modes).all():
            return {"modes_covered_mean": None, "train_seconds": self.train_seconds}
        return {"modes_covered_mean": float(modes.mean()),
                "seeds_covering_7": float((modes >= 7).mean()),
                "train_seconds": self.train_seconds}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"seeds": self.seeds, "modes_covered": self.modes_covered,
                "hq_fraction": self.hq_fraction}


def train_ensemble(cfg: GANConfig, seeds: list[int] | np.ndarray, *,
                   device: torch.device | None = None, on_progress: ProgressFn | None = None,
                   lr_d: np.ndarray | None = None, lr_g: np.ndarray | None = None
                   ) -> EnsembleResult:
    """``cfg`` trained from every seed in one batched loop (no film, no loss comparison).

    ``lr_d`` / ``lr_g`` (E,) give each member its own learning rates (the phase diagram).
    Member i starts from the same weights as ``train_gan`` with seed ``seeds[i]``; the
    minibatches come from one stream, so a one-seed ensemble is exactly that run."""
    device = torch.device("cpu") if device is None else device
    # Many members make each batched product big enough to share between cores (16 seeds:
    # 20 s on one thread, 12.7 s on two, idle 2-core CPU); one member stays on one thread.
    threads = thread_budget() if len(seeds) >= ENSEMBLE_THREADS_FROM else 1
    with cpu_threads(threads, device):
        return _train_ensemble(cfg, [int(s) for s in seeds], device, on_progress, lr_d, lr_g)


def _train_ensemble(cfg: GANConfig, seeds: list[int], device: torch.device,
                    on_progress: ProgressFn | None, lr_d: np.ndarray | None,
                    lr_g: np.ndarray | None) -> EnsembleResult:
    as_tensor = lambda a: None if a is None else torch.as_tensor(  # noqa: E731
        np.asarray(a, dtype=np.float32))
    start = time.perf_counter()
    game = Game(replace(cfg, seed=seeds[0]), seeds, device, as_tensor(lr_d), as_tensor(lr_g))
    pretrain_d(game, cfg.d_pretrain)
    recorder = Recorder(game, film=False)
    play(game, cfg.steps, recorder, on_progress)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        samples = game.generate(recorder.z_eval).cpu().numpy()
    h = recorder.histories()
    return EnsembleResult(
        seeds=np.array(seeds), modes_covered=h["modes_covered_history"][:, -1],
        hq_fraction=h["hq_fraction_history"][:, -1], samples=samples, train_seconds=seconds,
        **{k: h[k] for k in ("step", "d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm",
                             "modes_covered_history", "hq_fraction_history", "data_distance",
                             "mode_counts_history")})


@dataclass(frozen=True)
class EnsembleConfig:
    """One GAN config trained from seeds gan.seed, gan.seed + 1, ... as one batched model."""

    gan: GANConfig = GANConfig()
    n_seeds: int = 16

    def __post_init__(self) -> None:
        check_types(self)
        check_ranges(self, {"n_seeds": (1, 256)})


def train_ensemble_run(cfg: EnsembleConfig, *, device: torch.device | None = None,
                       on_progress: ProgressFn | None = None) -> EnsembleResult:
    seeds = range(cfg.gan.seed, cfg.gan.seed + cfg.n_seeds)
    return train_ensemble(cfg.gan, list(seeds), device=device, on_progress=on_progress)


# ---------------------------------------------------------------- the learning-rate phase diagram

@dataclass(frozen=True)
class PhaseConfig:
    """lr_D x lr_G grid (log-spaced, the same values on both axes), a few seeds per cell, the
    rest of the game as GANConfig's defaults; every cell and seed in one batched ensemble."""

    data: str = "ring"
    loss: str = "nonsaturating"
    lr_min: float = 1e-4
    lr_max: float = 1e-2
    n_lr: int = 5
    seeds_per_cell: int = 2
    steps: int = 1500
    seed: int = 0

    def __post_init__(self) -> None:
        check_types(self)
        GANConfig(data=self.data, loss=self.loss, steps=self.steps, seed=self.seed)
        if not 1e-6 <= self.lr_min <= 1.0:
            bad(self, "lr_min", "use 0.000001 to 1")
        if not self.lr_min < self.lr_max <= 1.0:
            bad(self, "lr_max", f"use more than lr_min={self.lr_min:g} and at most 1")
        if not 2 <= self.n_lr <= 8:
            bad(self, "n_lr", "use 2 to 8")
        if not 1 <= self.seeds_per_cell <= 8:
            bad(self, "seeds_per_cell", "use 1 to 8")

    def lrs(self) -> np.ndarray:
        return np.geomspace(self.lr_min, self.lr_max, self.n_lr)

    def gan(self) -> GANConfig:
        return GANConfig(data=self.data, loss=self.loss, steps=self.steps, seed=self.seed,
                         log_every=max(self.steps // 10, 1), film_every=self.steps)


@dataclass(frozen=True)
class PhaseResult(StoredResult):
    lr_d: np.ndarray                # (n,) rows
    lr_g: np.ndarray                # (n,) columns
    modes: np.ndarray               # (n, n, seeds) modes covered per cell and seed
    hq: np.ndarray                  # (n, n, seeds) hq fraction
    d_fake: np.ndarray              # (n, n, seeds) mean D(G(z)) over the last tenth
    train_seconds: float

    def mean_modes(self) -> np.ndarray:
        return self.modes.mean(-1)

    def metrics(self) -> dict[str, float | None]:
        modes = self.mean_modes()                     # rows lr_D, columns lr_G
        d_row, g_col = np.indices(modes.shape)
        off = np.abs(d_row - g_col)                   # grid steps from the diagonal lr_D = lr_G
        best = np.unravel_index(np.argmax(modes), modes.shape)
        return {"healthy_cells": float((modes >= 7).mean()),
                "best_cell_modes": float(modes[best]),
                "best_cell_off_diagonal": float(abs(best[0] - best[1])),
                # mean modes covered near the diagonal (at most one step off) and far from it
                "modes_near_diagonal": float(modes[off <= 1].mean()),
                "modes_far_from_diagonal": float(modes[off >= 2].mean()),
                # mean modes covered where D learns faster than G, and where G is the faster
                "modes_d_faster": float(modes[d_row > g_col].mean()),
                "modes_g_faster": float(modes[g_col > d_row].mean()),
                "train_seconds": self.train_seconds}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"lr_d": self.lr_d, "lr_g": self.lr_g, "modes_covered": self.mean_modes(),
                "hq_fraction": self.hq.mean(-1)}


def phase_diagram(cfg: PhaseConfig, *, device: torch.device | None = None,
                  on_progress: ProgressFn | None = None) -> PhaseResult:
    """Modes covered over the lr_D x lr_G grid. Member (i, j, s) has lr_D = lrs[i],
    lr_G = lrs[j] and seed cfg.seed + s: every cell starts from the same weights."""
    lrs = cfg.lrs()
    n, s = cfg.n_lr, cfg.seeds_per_cell
    i, j, seed = np.meshgrid(np.arange(n), np.arange(n), np.arange(s), indexing="ij")
    result = train_ensemble(cfg.gan(), (cfg.seed + seed).ravel(), device=device,
                            on_progress=on_progress, lr_d=lrs[i.ravel()], lr_g=lrs[j.ravel()])
    shape = (n, n, s)
    return PhaseResult(lr_d=lrs, lr_g=lrs, modes=result.modes_covered.reshape(shape),
                       hq=result.hq_fraction.reshape(shape),
                       d_fake=result.d_fake[:, -1].reshape(shape),
                       train_seconds=result.train_seconds)
