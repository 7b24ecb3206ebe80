"""The record of a run: its histories (every log_every G steps) and its film.

The histories are the losses, D's outputs and G's gradient norm (means over the window since
the last log) and the mode metrics of EVAL_SAMPLES generated points (core.modes). The film is
the first member's generated points, D(x) over a grid, and the direction G's loss pushes each
point, every film_every G steps: what the page plays back.
"""

from __future__ import annotations

import numpy as np
import torch

from core import modes, toy2d
from core.gan.game import Game
from core.gan.losses import g_loss_points
from core.gan.mlp import mlp

EVAL_SAMPLES = 2_500        # the metrics' sample size (PacGAN / VEEGAN)
FILM_GRID = 40              # D(x) is drawn on a FILM_GRID x FILM_GRID grid over the extent


def film_axis() -> np.ndarray:
    """The heat map's axis: FILM_GRID points over [-EXTENT, EXTENT] (x and y alike)."""
    return np.linspace(-toy2d.EXTENT, toy2d.EXTENT, FILM_GRID, dtype=np.float32)


class Recorder:
    """Histories (every log_every G steps, means over the window) and film frames."""

    NAMES = ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm")

    def __init__(self, game: Game, film: bool) -> None:
        cfg, self.game, self.film = game.cfg, game, film
        self.has_modes = modes.count(cfg.data) > 0    # a mixture or drawn regions, not a curve
        seed_rng = torch.Generator().manual_seed(cfg.seed + 7919)   # not the game's stream
        self.z_eval = torch.randn(game.E, EVAL_SAMPLES, cfg.noise_dim, generator=seed_rng
                                  ).to(game.device)
        self.z_film = self.z_eval[:1, :cfg.film_points]
        axis = torch.as_tensor(film_axis())
        gx, gy = torch.meshgrid(axis, axis, indexing="xy")           # row i is y = axis[i]
        self.grid = torch.stack([gx, gy], -1).reshape(1, -1, 2).to(game.device)
        self.window = torch.zeros(len(self.NAMES), game.E, device=game.device)
        self.count = 0
        self.rows: list[torch.Tensor] = []
        self.steps: list[int] = []
        self.covered: list[np.ndarray] = []    # (E,) modes covered, per log
        self.hq: list[np.ndarray] = []
        self.distance: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []     # (E, K) high-quality samples per mode, per log
        self.frames: dict[str, list[np.ndarray]] = {"film_step": [], "film_points": [],
                                                    "film_d": [], "film_arrows": []}

    def add(self, d: tuple[torch.Tensor, ...], g: tuple[torch.Tensor, torch.Tensor]) -> None:
        d_loss, d_real, d_fake = d
        g_loss, g_norm = g
        self.window += torch.stack([d_loss, g_loss, d_real, d_fake, g_norm])
        self.count += 1

    @torch.no_grad()
    def log(self, step: int) -> None:
        self.rows.append(self.window / max(self.count, 1))
        self.window.zero_()
        self.count = 0
        self.steps.append(step)
        x = self.game.generate(self.z_eval)
        self.distance.append(data_distance(x, self.game.pool))
        x = x.cpu().numpy()
        if not self.has_modes:
            self.covered.append(np.full(self.game.E, np.nan))
            self.hq.append(np.full(self.game.E, np.nan))
            self.counts.append(np.zeros((self.game.E, 0), dtype=np.int64))
            return
        counts = np.stack([modes.counts_per_mode(xe, self.game.cfg.data) for xe in x])
        self.counts.append(counts)                                         # (E, K)
        self.covered.append(modes.covered_from_counts(counts, x.shape[1]).astype(float))
        self.hq.append(modes.hq_from_counts(counts, x.shape[1]))

    def frame(self, step: int) -> None:
        """The first member's film frame: points, D(x) on the grid, and G's push on each point."""
        if not self.film:
            return
        game = self.game
        first = lambda ps: [p[:1] for p in ps]  # noqa: E731
        with torch.no_grad():
            x = mlp(first(game.G), self.z_film, game.cfg.activation)
            heat = torch.sigmoid(mlp(first(game.D), self.grid, game.cfg.activation))
        x = x.detach().requires_grad_()
        loss = g_loss_points(mlp(first(game.D), x, game.cfg.activation), game.cfg.loss).sum()
        (grad,) = torch.autograd.grad(loss, x)
        self.frames["film_step"].append(np.array(step))
        self.frames["film_points"].append(x.detach()[0].cpu().numpy())
        self.frames["film_d"].append(heat[0, :, 0].reshape(FILM_GRID, FILM_GRID).cpu().numpy())
        self.frames["film_arrows"].append(-grad[0].cpu().numpy())    # descent: where G moves it

    def histories(self) -> dict[str, np.ndarray]:
        """Each history as (E, n_logs) arrays, plus ``step`` (n_logs,)."""
        table = torch.stack(self.rows, -1).cpu().numpy() if self.rows else np.zeros((5, 0, 0))
        out = {name: table[i] for i, name in enumerate(self.NAMES)}
        out["step"] = np.array(self.steps)
        out["modes_covered_history"] = np.stack(self.covered, -1)
        out["hq_fraction_history"] = np.stack(self.hq, -1)
        out["data_distance"] = np.stack(self.distance, -1)
        out["mode_counts_history"] = np.stack(self.counts, 1)              # (E, n_logs, K)
        return out

    def film_arrays(self) -> dict[str, np.ndarray]:
        return {k: np.stack(v).astype(np.float32 if k != "film_step" else np.int64)
                for k, v in self.frames.items()}


def data_distance(x: torch.Tensor, data: torch.Tensor) -> np.ndarray:
    """Mean distance from each member's samples to their nearest data point: (E,).

    x: (E, n, 2), data: (n_data, 2). Works on every data set, mixture or not: the measure of
    "reached the data" in the minimax comparison. A subsample of each keeps it cheap enough
    to log often (500 x 1,000 distances)."""
    d = torch.cdist(x[:, :500], data[None, :1000].expand(len(x), -1, -1))
    return d.min(-1).values.mean(-1).cpu().numpy()
