"""Generative adversarial nets on 2-D data (lecture: "Generative Adversarial Nets (GANs)").

The minimax game of Goodfellow et al. (2014),

    min_G max_D V(D, G) = E_{x ~ p_data}[log D(x)] + E_{z ~ p(z)}[log(1 - D(G(z)))],

trained by Algorithm 1: k ascent steps of the discriminator D, then one descent step of the
generator G, each on minibatches of m. G descends either the minimax loss log(1 - D(G(z)))
or the "non-saturating" -log D(G(z)) of the lecture's slide. At the Nash equilibrium
p_g = p_data, D* = 1/2 everywhere and V = -log 4.

Every run is an *ensemble*: the weights carry a leading dimension E (one member per seed), the
layers are batched matrix products (torch.baddbmm) and the optimiser is elementwise, so E
members train in one loop as E independent GANs. A single run is the ensemble of one; the
outcome statistics and the learning-rate phase diagram are larger ensembles (members may have
their own learning rates).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from core import runs, toy2d
from core.device import trains_on_one_thread
from core.progress import ProgressFn, report
from core.results import StoredResult
from core.validation import check_choices, check_ranges, check_types

LOSSES = ("nonsaturating", "minimax")
OPTIMISERS = ("adam", "sgd")
ACTIVATIONS = ("tanh", "leaky_relu", "relu")
POOL_SIZE = 20_000          # the training set: one fixed sample of the data set
DATA_SEED = 0               # ... the same for every run, so runs differ only by their seed
EVAL_SAMPLES = 2_500        # the metrics' sample size (PacGAN / VEEGAN)
FILM_GRID = 40              # D(x) is drawn on a FILM_GRID x FILM_GRID grid over the extent
LEAK = 0.2                  # leaky ReLU slope (DCGAN's choice)

# The equilibrium (p_g = p_data, D = 1/2) in the units this module logs.
D_STAR = 0.5
V_STAR = -math.log(4)                    # V(D*, G*)
D_LOSS_STAR = 2 * math.log(2)            # BCE on real + BCE on fake = -V at D = 1/2
G_LOSS_STAR = {"nonsaturating": math.log(2),     # -log D(G(z))
               "minimax": -math.log(2)}          # log(1 - D(G(z)))


def equilibrium(loss: str, smoothing: float = 0.0) -> dict[str, float]:
    """D*, D's loss and G's loss at p_g = p_data, in the units logged here. One-sided label
    smoothing s aims D at 1 - s on real data, so D*(x) = (1 - s) p_data / (p_data + p_g):
    (1 - s)/2 at the equilibrium, not 1/2."""
    d = (1 - smoothing) / 2
    d_loss = -((1 - smoothing) * math.log(d) + smoothing * math.log(1 - d)) - math.log(1 - d)
    g_loss = -math.log(d) if loss == "nonsaturating" else math.log(1 - d)
    return {"d_star": d, "d_loss": d_loss, "g_loss": g_loss}


@dataclass(frozen=True)
class GANConfig:
    """One GAN run. Defaults: the healthy non-saturating GAN on the 8-Gaussian ring."""

    data: str = "ring"
    loss: str = "nonsaturating"   # the generator's loss
    k: int = 1                    # D steps per G step (Algorithm 1)
    batch_size: int = 128         # m
    lr_d: float = 1e-3
    lr_g: float = 1e-3
    beta1: float = 0.5            # Adam's beta1 (ganhacks); SGD's momentum
    beta2: float = 0.999
    optimiser: str = "adam"       # "sgd": SGD with momentum, as in the 2014 paper
    g_hidden: int = 64
    g_layers: int = 3
    d_hidden: int = 64
    d_layers: int = 3
    activation: str = "tanh"
    noise_dim: int = 2
    steps: int = 3000             # generator steps
    d_pretrain: int = 0           # D steps against the untrained G before the game starts
    compare_losses: bool = False  # also train G with the other loss from the same state
    label_smoothing: float = 0.0  # one-sided: D's target for real data is 1 - this
    instance_noise: float = 0.0   # std of Gaussian noise added to every input of D
    log_every: int = 10           # history points: every this many G steps
    film_every: int = 50          # film frames: every this many G steps
    film_points: int = 300        # generated points per frame (the same z in every frame)
    seed: int = 0

    def __post_init__(self) -> None:
        check_types(self)
        choices = {"data": toy2d.SETS, "loss": LOSSES, "optimiser": OPTIMISERS,
                   "activation": ACTIVATIONS}
        check_choices(self, choices)
        ranges = {"k": (1, 20), "batch_size": (8, 4096), "lr_d": (1e-6, 1.0),
                  "lr_g": (1e-6, 1.0), "beta1": (0.0, 0.999), "beta2": (0.0, 0.99999),
                  "g_hidden": (4, 1024), "g_layers": (1, 6), "d_hidden": (4, 1024),
                  "d_layers": (1, 6), "noise_dim": (1, 64), "steps": (1, 100_000),
                  "d_pretrain": (0, 10_000), "label_smoothing": (0.0, 0.5),
                  "instance_noise": (0.0, 2.0), "log_every": (1, 10_000),
                  "film_every": (1, 100_000), "film_points": (1, 5000), "seed": (0, 2**31 - 1)}
        check_ranges(self, ranges)

    @classmethod
    def tiny(cls, **changes) -> GANConfig:
        """The smallest config that runs every line (for tests)."""
        values = dict(g_hidden=8, d_hidden=8, batch_size=16, steps=20, log_every=5,
                      film_every=10, film_points=7)
        return cls(**{**values, **changes})


# ---------------------------------------------------------------- the ensemble of MLPs

def init_mlp(sizes: list[int], seeds: list[int], offset: int) -> list[torch.Tensor]:
    """Weights [W1, b1, W2, b2, ...], W: (E, in, out), b: (E, 1, out), for E = len(seeds).

    nn.Linear's default init, U(-1/sqrt(in), 1/sqrt(in)), drawn for each member from its own
    seed (plus ``offset``, so G and D differ), so a member does not depend on the others."""
    members = []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed * 2 + offset)
        layer = []
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            bound = 1 / math.sqrt(a)
            layer += [(torch.rand(a, b, generator=g) * 2 - 1) * bound,
                      (torch.rand(1, b, generator=g) * 2 - 1) * bound]
        members.append(layer)
    return [torch.stack(ws) for ws in zip(*members, strict=True)]


def mlp(params: list[torch.Tensor], x: torch.Tensor, activation: str) -> torch.Tensor:
    """Batched MLP: x (E, n, in) -> (E, n, out); each member uses its own weights."""
    act = {"leaky_relu": lambda h: F.leaky_relu(h, LEAK), "relu": F.relu}.get(activation)
    for i in range(0, len(params), 2):
        last = i + 2 == len(params)
        if activation == "tanh" and not last:
            # tanh(h) = 2 sigmoid(2h) - 1, the 2h folded into the product: torch's CPU tanh
            # is ten times slower than its sigmoid and was a third of the training time
            x = torch.sigmoid(torch.baddbmm(params[i + 1], x, params[i], beta=2, alpha=2))
            x = x.mul(2).sub_(1)
            continue
        x = torch.baddbmm(params[i + 1], x, params[i])
        if not last:
            x = act(x)
    return x


def sizes_g(cfg: GANConfig) -> list[int]:
    return [cfg.noise_dim, *[cfg.g_hidden] * cfg.g_layers, 2]


def sizes_d(cfg: GANConfig) -> list[int]:
    return [2, *[cfg.d_hidden] * cfg.d_layers, 1]


# ---------------------------------------------------------------- losses (per point)

def d_loss_terms(real_logit: torch.Tensor, fake_logit: torch.Tensor,
                 smoothing: float = 0.0) -> torch.Tensor:
    """-[log D(x) + log(1 - D(G(z)))] per member, batch-averaged: (E, n, 1) -> (E,).

    Minimising it is Algorithm 1's ascent on V. One-sided label smoothing (ganhacks) aims the
    real target at 1 - smoothing; the fake target stays 0."""
    real = F.binary_cross_entropy_with_logits(
        real_logit, torch.full_like(real_logit, 1 - smoothing), reduction="none")
    fake = F.softplus(fake_logit)                     # -log(1 - sigmoid(l))
    return real.mean((1, 2)) + fake.mean((1, 2))


def g_loss_points(fake_logit: torch.Tensor, loss: str) -> torch.Tensor:
    """The generator's loss per generated point, same shape as the logits.

    minimax: log(1 - D(G(z))) = -softplus(l); non-saturating: -log D(G(z)) = softplus(-l).
    Their gradients in l are -D and -(1 - D): when D rejects the fakes (D -> 0) the first
    vanishes and the second does not (the lecture's "non-saturating" slide)."""
    return -F.softplus(fake_logit) if loss == "minimax" else F.softplus(-fake_logit)


# ---------------------------------------------------------------- optimisers (elementwise)

class _Optimiser:
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


# ---------------------------------------------------------------- the game

class Game:
    """E GANs in one: weights, optimisers, the data pool and the random stream."""

    def __init__(self, cfg: GANConfig, seeds: list[int], device: torch.device,
                 lr_d: torch.Tensor | None = None, lr_g: torch.Tensor | None = None) -> None:
        self.cfg, self.E, self.device = cfg, len(seeds), device
        self.G = [p.to(device).requires_grad_() for p in init_mlp(sizes_g(cfg), seeds, 0)]
        self.D = [p.to(device).requires_grad_() for p in init_mlp(sizes_d(cfg), seeds, 1)]
        self.opt_g = _Optimiser(self.G, cfg.lr_g if lr_g is None else lr_g.to(device), cfg)
        self.opt_d = _Optimiser(self.D, cfg.lr_d if lr_d is None else lr_d.to(device), cfg)
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


# ---------------------------------------------------------------- the record of a run

def film_axis() -> np.ndarray:
    """The heat map's axis: FILM_GRID points over [-EXTENT, EXTENT] (x and y alike)."""
    return np.linspace(-toy2d.EXTENT, toy2d.EXTENT, FILM_GRID, dtype=np.float32)


class Recorder:
    """Histories (every log_every G steps, means over the window) and film frames."""

    NAMES = ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm")

    def __init__(self, game: Game, film: bool) -> None:
        cfg, self.game, self.film = game.cfg, game, film
        self.centres, self.std = toy2d.mode_centres(cfg.data), toy2d.mode_std(cfg.data)
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
        self.modes: list[np.ndarray] = []      # (E,) modes covered, per log
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
        if self.centres is None:
            self.modes.append(np.full(self.game.E, np.nan))
            self.hq.append(np.full(self.game.E, np.nan))
            self.counts.append(np.zeros((self.game.E, 0), dtype=np.int64))
            return
        counts = np.stack([toy2d.mode_counts(xe, self.centres, self.std) for xe in x])
        self.counts.append(counts)                                         # (E, K)
        self.modes.append((counts >= toy2d.COVER_SHARE * x.shape[1]).sum(1).astype(float))
        self.hq.append(counts.sum(1) / x.shape[1])

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
        out["modes_covered_history"] = np.stack(self.modes, -1)
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


def play(game: Game, steps: int, recorder: Recorder, on_progress: ProgressFn | None,
         note: str = "", done: float = 0.0, share: float = 1.0) -> None:
    """Algorithm 1 for ``steps`` generator steps: k D steps, then one G step, recorded."""
    cfg = game.cfg
    recorder.add(game.d_step(update=False), game.g_step(update=False))   # the state at step 0
    recorder.log(0)
    recorder.frame(0)
    for step in range(1, steps + 1):
        for _ in range(cfg.k):
            d = game.d_step()
        recorder.add(d, game.g_step())
        if step % cfg.log_every == 0 or step == steps:
            recorder.log(step)
        if step % cfg.film_every == 0 or step == steps:
            recorder.frame(step)
            report(on_progress, done + share * step / steps, f"{note}step {step}/{steps}",
                   partial=_partial(recorder))


def _partial(recorder: Recorder) -> dict[str, np.ndarray]:
    h = recorder.histories()
    return {k: (v[0] if v.ndim >= 2 else v) for k, v in h.items()}


# ---------------------------------------------------------------- one run

@dataclass(frozen=True)
class GANResult(StoredResult):
    """A trained GAN: weights, histories, the film, the final samples and their metrics.

    Histories are sampled every ``log_every`` G steps (means over the window for the losses,
    D outputs and gradient norm; the metrics on 2,500 samples at that step)."""

    data: str
    loss: str
    G: dict[str, np.ndarray]           # "W0", "b0", ...: W (in, out), b (1, out)
    D: dict[str, np.ndarray]
    samples: np.ndarray                # (2500, 2) generated at the end
    mode_counts: np.ndarray            # (K,) high-quality samples per mode (empty: no modes)
    step: np.ndarray                   # (n_logs,) G steps done at each history point
    d_loss: np.ndarray                 # (n_logs,) -[log D(x) + log(1 - D(G(z)))]
    g_loss: np.ndarray                 # (n_logs,) the generator's loss (cfg.loss)
    d_real: np.ndarray                 # (n_logs,) mean D(x) on real minibatches
    d_fake: np.ndarray                 # (n_logs,) mean D(G(z))
    g_grad_norm: np.ndarray            # (n_logs,) norm of G's loss gradient in G's weights
    modes_covered_history: np.ndarray  # (n_logs,) NaN for data that are not mixtures
    hq_fraction_history: np.ndarray    # (n_logs,)
    data_distance: np.ndarray          # (n_logs,) mean distance of samples to nearest data
    mode_counts_history: np.ndarray    # (n_logs, K) high-quality samples per mode
    film_step: np.ndarray              # (frames,)
    film_points: np.ndarray            # (frames, film_points, 2): the same z every frame
    film_d: np.ndarray                 # (frames, 40, 40): D(x) at (film_axis[j], film_axis[i])
    film_arrows: np.ndarray            # (frames, film_points, 2): -grad_x of G's loss per point
    film_axis: np.ndarray              # (40,) the heat map's x and y coordinates
    modes_covered: float | None
    hq_fraction: float | None
    grad_ratio: float | None           # NS / minimax gradient norm at the shared state
    partner_loss: str                  # compare_losses: the other loss ("" otherwise)
    partner: dict[str, np.ndarray] = field(default_factory=dict)  # its samples and histories
    train_seconds: float = 0.0         # the training loop alone
    label_smoothing: float = 0.0       # the run's (it moves the equilibrium lines)

    def metrics(self) -> dict[str, float | None]:
        partner = self.partner
        return {"modes_covered": self.modes_covered, "hq_fraction": self.hq_fraction,
                "grad_ratio": self.grad_ratio, "train_seconds": self.train_seconds,
                **history_metrics(self.d_loss, self.g_loss, self.d_real, self.d_fake,
                                  self.g_grad_norm, self.data_distance,
                                  self.mode_counts_history, self.loss, self.label_smoothing),
                "partner_modes_covered": (_modes_from_counts(partner["mode_counts"],
                                                             len(partner["samples"]))
                                          if "mode_counts" in partner else None),
                "partner_distance_ratio": (distance_ratio(partner["data_distance"])
                                           if "data_distance" in partner else None)}

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in (
            "samples", "mode_counts", "step", "d_loss", "g_loss", "d_real", "d_fake",
            "modes_covered_history", "hq_fraction_history", "g_grad_norm")}


def _weights(params: list[torch.Tensor], member: int = 0) -> dict[str, np.ndarray]:
    return {f"{'Wb'[i % 2]}{i // 2}": p[member].detach().cpu().numpy()
            for i, p in enumerate(params)}


def _final(game: Game, recorder: Recorder) -> dict:
    """The first member's samples, histories and metrics, as GANResult fields."""
    with torch.no_grad():
        samples = game.generate(recorder.z_eval[:1])[0].cpu().numpy()
    centres = recorder.centres
    counts = (toy2d.mode_counts(samples, centres, recorder.std) if centres is not None
              else np.zeros(0, dtype=np.int64))
    out = {k: (v[0] if v.ndim >= 2 else v) for k, v in recorder.histories().items()}
    out.update(samples=samples, mode_counts=counts,
               modes_covered=(float(toy2d.modes_covered(samples, centres, recorder.std))
                              if centres is not None else None),
               hq_fraction=(toy2d.hq_fraction(samples, centres, recorder.std)
                            if centres is not None else None))
    if recorder.film:
        out.update(recorder.film_arrays())
    return out


def generator_grad_norms(game: Game) -> dict[str, float]:
    """G's gradient norm under each loss, on the same minibatch, at the game's state."""
    state = game.rng.get_state()
    norms = {}
    for loss in LOSSES:
        game.rng.set_state(state)       # the same z (and instance noise) for both losses
        norms[loss] = float(grad_norm(game.g_grads(loss)[1])[0])
    game.rng.set_state(state)           # a look, not a move: the run goes on as without it
    return norms


def pretrain_d(game: Game, steps: int) -> None:
    """D steps against the untrained G: "D rejects the early samples with high confidence"."""
    for _ in range(steps):
        game.d_step()


@trains_on_one_thread
def train_gan(cfg: GANConfig, *, device: torch.device,
              on_progress: ProgressFn | None) -> GANResult:
    start = time.perf_counter()
    game = Game(cfg, [cfg.seed], device)
    pretrain_d(game, cfg.d_pretrain)
    norms = generator_grad_norms(game)
    shared = game.state() if cfg.compare_losses else None
    recorder = Recorder(game, film=True)
    share = 0.5 if cfg.compare_losses else 1.0
    play(game, cfg.steps, recorder, on_progress, share=share)
    main = _final(game, recorder)
    partner_loss, partner = "", {}
    if shared is not None:
        partner_loss = LOSSES[1 - LOSSES.index(cfg.loss)]
        other = Game(_with(cfg, loss=partner_loss), [cfg.seed], device)
        other.restore(shared)
        other_recorder = Recorder(other, film=True)
        play(other, cfg.steps, other_recorder, on_progress, f"{partner_loss}: ", 0.5, 0.5)
        partner = {k: np.asarray(v) for k, v in _final(other, other_recorder).items()
                   if isinstance(v, np.ndarray)}
    seconds = time.perf_counter() - start
    return GANResult(
        data=cfg.data, loss=cfg.loss, G=_weights(game.G), D=_weights(game.D),
        film_axis=film_axis(),
        grad_ratio=norms["nonsaturating"] / max(norms["minimax"], 1e-30),
        partner_loss=partner_loss, partner=partner, train_seconds=seconds,
        label_smoothing=cfg.label_smoothing, **main)


def _with(cfg: GANConfig, **changes) -> GANConfig:
    from dataclasses import replace

    return replace(cfg, **changes)


runs.register("gan", GANConfig, GANResult, train_gan)


# ---------------------------------------------------------------- reading the histories

def detrend(h: np.ndarray, window: int = 10) -> np.ndarray:
    """h minus its moving average over ``window`` points (edges padded): the swings alone."""
    h = np.asarray(h, dtype=float)
    padded = np.pad(h, (window // 2, window - 1 - window // 2), mode="edge")
    return h - np.convolve(padded, np.ones(window) / window, mode="valid")


def antiphase(d_loss: np.ndarray, g_loss: np.ndarray, window: int = 10) -> float:
    """Correlation of the detrended D and G losses: near -1 when one rises as the other falls."""
    return float(np.corrcoef(detrend(d_loss, window), detrend(g_loss, window))[0, 1])


def swing(h: np.ndarray, window: int = 10) -> float:
    """Standard deviation of the detrended history: how hard it oscillates."""
    return float(detrend(h, window).std())


def dominant_mode_changes(counts: np.ndarray, min_share: float = 0.5) -> int:
    """How often the mode that holds most of the high-quality samples changes, counting only
    the logs where it holds at least ``min_share`` of them (a balanced G never counts).
    counts: (n_logs, K)."""
    total = counts.sum(-1)
    held = counts.max(-1) >= min_share * np.maximum(total, 1)
    dominant = counts.argmax(-1)[held & (total > 0)]
    return int((dominant[1:] != dominant[:-1]).sum())


def modes_visited(counts: np.ndarray, min_share: float = 0.5) -> int:
    """How many different modes held most of the high-quality samples at some log (the logs
    ``dominant_mode_changes`` counts): a collapsed G flip-flops between few, a cycling G
    travels round many. counts: (n_logs, K)."""
    total = counts.sum(-1)
    held = (counts.max(-1) >= min_share * np.maximum(total, 1)) & (total > 0)
    return len(np.unique(counts.argmax(-1)[held]))


# ---------------------------------------------------------------- the metrics the presets promise
# Each takes one run's histories (1-D, or (n_logs, K) for mode counts), so an ensemble member's
# rows (EnsembleResult.d_loss[e], ...) read the same way as a GANResult.

def second_half(h: np.ndarray) -> np.ndarray:
    """The second half of a history (its first axis): the game after the opening."""
    h = np.asarray(h)
    return h[len(h) // 2:]


def last_quarter(h: np.ndarray) -> float:
    """Mean over the last quarter of a history: where it ended up."""
    h = np.asarray(h, dtype=float)
    return float(h[3 * len(h) // 4:].mean())


def loss_swing(h: np.ndarray) -> float:
    """Std of the second half minus its straight-line fit: the swing seen on the chart,
    slow drift removed (unlike ``swing``, which keeps only the fast wiggle)."""
    h = second_half(np.asarray(h, dtype=float))
    if len(h) < 3:
        return float("nan")
    t = np.arange(len(h))
    return float((h - np.polyval(np.polyfit(t, h, 1), t)).std())


def loss_offset(h: np.ndarray, star: float) -> float:
    """Median of the second half minus the equilibrium value: near 0 when the loss swings
    around its equilibrium line rather than beside it."""
    return float(np.median(second_half(np.asarray(h, dtype=float))) - star)


def distance_ratio(distance: np.ndarray) -> float:
    """Final over initial mean distance of the samples to the data (< 1: drawn onto it)."""
    distance = np.asarray(distance, dtype=float)
    return float(distance[-1] / max(distance[0], 1e-12))


def grad_decay(g_grad_norm: np.ndarray) -> float:
    """G's gradient norm over the last quarter relative to its first three logs."""
    g = np.asarray(g_grad_norm, dtype=float)
    return last_quarter(g) / max(float(g[:3].mean()), 1e-30)


def _modes_from_counts(counts: np.ndarray, n_samples: int) -> float | None:
    """Modes covered (toy2d.modes_covered) from one row of high-quality counts per mode."""
    counts = np.asarray(counts)
    if counts.size == 0:
        return None
    return float((counts >= toy2d.COVER_SHARE * n_samples).sum())


def _json(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def history_metrics(d_loss: np.ndarray, g_loss: np.ndarray, d_real: np.ndarray,
                    d_fake: np.ndarray, g_grad_norm: np.ndarray, data_distance: np.ndarray,
                    mode_counts_history: np.ndarray, loss: str,
                    smoothing: float = 0.0) -> dict[str, float | None]:
    """The scalar readings of one run's histories (floats, None where undefined)."""
    star = equilibrium(loss, smoothing)
    d2, g2 = second_half(d_loss), second_half(g_loss)
    counts = np.asarray(mode_counts_history)
    has_modes = counts.ndim == 2 and counts.shape[-1] > 0 and len(counts) > 0
    with np.errstate(invalid="ignore", divide="ignore"):    # a flat loss: no correlation
        # corr. of D's and G's second-half losses, detrended (window 10): -1 = anti-phase
        phase = antiphase(d2, g2) if len(d2) > 2 else float("nan")
    return {k: _json(v) for k, v in {
        "antiphase": phase,
        # std of each second-half loss about its straight-line fit (see loss_swing)
        "d_loss_swing": loss_swing(d_loss),
        "g_loss_swing": loss_swing(g_loss),
        # second-half median minus the equilibrium line (2 log 2; G's own: log 2 for NS)
        "d_loss_offset": loss_offset(d_loss, star["d_loss"]),
        "g_loss_offset": loss_offset(g_loss, star["g_loss"]),
        # changes of the mode holding most samples over the second half (dominant_mode_changes)
        "mode_hops": (dominant_mode_changes(second_half(counts)) if has_modes
                      else float("nan")),
        # distinct modes that held most of the mass at some second-half log (modes_visited)
        "modes_visited": modes_visited(second_half(counts)) if has_modes else float("nan"),
        # last-quarter means of D(G(z)) and D(x)
        "d_fake_final": last_quarter(d_fake),
        "d_real_final": last_quarter(d_real),
        # their difference: > 0 when D rates the fakes above the data (a fooled D)
        "d_fake_minus_real": last_quarter(d_fake) - last_quarter(d_real),
        # G's gradient norm, last quarter / first three logs
        "g_grad_decay": grad_decay(g_grad_norm),
        # final / initial distance of the samples to the data
        "data_distance_ratio": distance_ratio(data_distance),
    }.items()}
