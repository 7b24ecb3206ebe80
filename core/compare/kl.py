"""The two directions of the KL divergence (lecture: "GANs vs VAEs: A Symmetry").

Hu et al. (2018) read both families as fitting a model P_theta to the data Q, in opposite
directions: the VAE minimises KL(Q || P_theta), the GAN's generator KL(P_theta || Q). This page
fits one Gaussian P = N(mu, sigma^2) to a 1-D mixture Q of ``modes`` equal-weight Gaussians
(std 1 each, centres symmetric around 0, ``separation`` apart) both ways:

- the **mode-covering** fit minimises KL(Q || P), the VAE's direction. Wherever Q has mass, P
  must too, or log(q / p) explodes: P spreads over every mode and puts mass between them,
  where the data have little. Its optimum is moment matching, mu = E_Q[x] = 0 and
  sigma^2 = Var_Q[x] = 1 + the centres' variance (the closed form the tests check).
- the **mode-seeking** fit minimises KL(P || Q), the GAN's direction. Wherever P has mass, Q
  must too, and mass that Q lacks costs a lot: P settles on one mode and misses the others.
  Only once the modes are far enough apart: up to a separation of about 5.6 stds, two modes
  are best fitted in this direction too by one Gaussian between them, narrower than the
  covering fit (4 modes need more: at 6 stds the best P still spans them all).

Both fits are Adam on (mu, log sigma) in float64, the KL by quadrature on a fixed grid that
holds Q and both fits' mass. Both together take 0.1 to 0.2 s on one CPU thread (6 modes
the most), so the page refits as a slider moves.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from core.device import one_cpu_thread
from core.progress import ProgressFn, report
from core.results import StoredResult
from core.validation import check_ranges, check_types

GRID = 2001              # quadrature points
TAIL = 8.0               # the grid reaches this many stds past Q's outer modes and the wide fit
INIT_JITTER = 0.5        # how far (in a mode's std) a start is pushed off its mode, seeded
PROGRESS_REPORTS = 10    # progress calls per run, each with both histories so far
LOG_2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class KLConfig:
    """Q: ``modes`` unit Gaussians, ``separation`` stds apart; P: one Gaussian fitted twice."""

    modes: int = 2
    separation: float = 8.0       # distance between neighbouring centres, in a mode's std
                                  # (two modes: under about 5.6 the KL(P‖Q) fit stays wide)
    steps: int = 300              # Adam steps of each fit
    lr: float = 0.1               # Adam's step on mu and log sigma, decayed to 0 (cosine)
    seed: int = 0                 # the starts' jitter

    def __post_init__(self) -> None:
        check_types(self)
        check_ranges(self, {"modes": (1, 6), "separation": (0.0, 10.0), "steps": (10, 5000),
                            "lr": (1e-4, 1.0), "seed": (0, 2**31 - 1)})

    @classmethod
    def tiny(cls, **changes) -> KLConfig:
        """The smallest config that runs every line (for tests)."""
        return cls(**{**dict(steps=20), **changes})


@dataclass(frozen=True)
class KLResult(StoredResult):
    """Both fits of P to Q, their densities on the grid and how their KLs fell.

    KLs are in nats. ``*_kl_q_p`` is KL(Q || P_fit), ``*_kl_p_q`` KL(P_fit || Q): each fit is
    scored in both directions, so the page can show that each wins its own."""

    modes: int
    separation: float
    x: np.ndarray                 # (G,) the grid
    q: np.ndarray                 # (G,) the mixture's density
    covering: np.ndarray          # (G,) the mode-covering fit's density
    seeking: np.ndarray           # (G,) the mode-seeking fit's density
    covering_step: np.ndarray     # (n,) Adam steps
    covering_kl: np.ndarray       # (n,) KL(Q || P) at each step
    seeking_step: np.ndarray      # (n,)
    seeking_kl: np.ndarray        # (n,) KL(P || Q) of the start that ended lowest
    covering_fit_mean: float
    covering_fit_std: float
    seeking_fit_mean: float
    seeking_fit_std: float
    covering_kl_q_p: float
    covering_kl_p_q: float
    seeking_kl_q_p: float
    seeking_kl_p_q: float
    fit_seconds: float

    def metrics(self) -> dict[str, float]:
        return {"covering_fit_mean": self.covering_fit_mean,
                "covering_fit_std": self.covering_fit_std,
                "seeking_fit_mean": self.seeking_fit_mean,
                "seeking_fit_std": self.seeking_fit_std,
                "covering_kl_q_p": self.covering_kl_q_p, "covering_kl_p_q": self.covering_kl_p_q,
                "seeking_kl_q_p": self.seeking_kl_q_p, "seeking_kl_p_q": self.seeking_kl_p_q,
                # how far the mode-seeking fit sits from its nearest mode (in a mode's std):
                # either mode will do, so the promise reads this, not the signed mean
                "seeking_mode_distance": float(np.abs(
                    centres(self.modes, self.separation) - self.seeking_fit_mean).min()),
                "fit_seconds": self.fit_seconds}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"x": self.x, "q": self.q, "covering": self.covering, "seeking": self.seeking}


def centres(modes: int, separation: float) -> np.ndarray:
    """The mixture's centres, (modes,): ``separation`` apart, symmetric around 0."""
    return (np.arange(modes) - (modes - 1) / 2) * separation


def moments(modes: int, separation: float) -> tuple[float, float]:
    """Q's mean and std: the mode-covering fit's closed-form optimum. The variance of a mixture
    of unit Gaussians is 1 plus the variance of its centres."""
    c = centres(modes, separation)
    return float(c.mean()), math.sqrt(1.0 + float(c.var()))


def grid(modes: int, separation: float) -> np.ndarray:
    """The quadrature grid, (GRID,): TAIL stds past the outer modes and past the moment-matched
    fit, whose tails reach furthest (KL(P || Q) of that fit needs them)."""
    half = max(centres(modes, separation)[-1] + TAIL, TAIL * moments(modes, separation)[1])
    return np.linspace(-half, half, GRID)


def log_q(x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """log of the mixture's density at x (any shape), centres c (K,), by logsumexp."""
    z = x[..., None] - c
    return torch.logsumexp(-0.5 * z**2, dim=-1) - math.log(len(c)) - 0.5 * LOG_2PI


def log_p(x: torch.Tensor, mu: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """log N(x; mu, sigma^2) for n Gaussians at once: mu, log_sigma (n,), x (G,) -> (n, G)."""
    z = (x - mu[:, None]) / log_sigma.exp()[:, None]
    return -0.5 * z**2 - log_sigma[:, None] - 0.5 * LOG_2PI


def kl_q_p(lq: torch.Tensor, lp: torch.Tensor) -> torch.Tensor:
    """KL(Q || P) for n Gaussians P, (n,), from log densities on an even grid: lq (G,),
    lp (n, G). The expectation over Q weighs the grid points by q normalised on the grid."""
    return (torch.softmax(lq, dim=-1) * (lq - lp)).sum(-1)


def kl_p_q(lq: torch.Tensor, lp: torch.Tensor) -> torch.Tensor:
    """KL(P || Q), (n,), as ``kl_q_p``. Weighing by p normalised on the grid keeps a P that
    drifts to the grid's edge a distribution there: its KL grows instead of vanishing with its
    lost mass."""
    return (torch.softmax(lp, dim=-1) * (lp - lq)).sum(-1)


def starts(cfg: KLConfig) -> np.ndarray:
    """Seeded starts (mu, log sigma), (1 + S, 2). The covering fit's first: near 0, sigma near
    1. Then the seeking fit's S = modes + 1: one on each mode with sigma near 1 (its local
    minima), and one wide at Q's mean and std (the symmetric one, global for modes close
    together: two modes 4 stds apart are best fitted by one Gaussian between them). Each is
    pushed off by INIT_JITTER, which also moves the wide one off the saddle it is when the
    modes are far apart."""
    rng = np.random.default_rng(cfg.seed)
    mean, std = moments(cfg.modes, cfg.separation)
    mu = np.concatenate([[0.0], centres(cfg.modes, cfg.separation), [mean]])
    log_sigma = np.zeros(len(mu))
    log_sigma[-1] = math.log(std)
    mu = mu + INIT_JITTER * rng.standard_normal(len(mu))
    log_sigma = log_sigma + 0.2 * rng.standard_normal(len(mu))
    return np.stack([mu, log_sigma], axis=1)


class Adam:
    """Adam (Kingma and Ba) on one tensor, written out as in core.gan.optim: torch.optim's
    first use imports its compiler (1.3 s, ten whole fits here) and its step costs more (a
    6-mode refit took 0.26 s with it, 0.19 s with this). beta2 is 0.9, not 0.999: KL(Q || P)'s
    gradient falls a hundredfold as sigma widens, and a long memory of the first, large
    gradients left Adam's steps too short to finish widening (a 6-mode fit ended at 2/3 of its
    std)."""

    def __init__(self, param: torch.Tensor, betas: tuple[float, float] = (0.9, 0.9),
                 eps: float = 1e-8) -> None:
        self.param, (self.b1, self.b2), self.eps = param, betas, eps
        self.m, self.v = torch.zeros_like(param), torch.zeros_like(param)
        self.t = 0

    @torch.no_grad()
    def step(self, grad: torch.Tensor, lr: float) -> None:
        self.t += 1
        self.m.mul_(self.b1).add_(grad, alpha=1 - self.b1)
        self.v.mul_(self.b2).addcmul_(grad, grad, value=1 - self.b2)
        v_hat = self.v / (1 - self.b2**self.t)
        self.param.sub_(lr / (1 - self.b1**self.t) * self.m / (v_hat.sqrt() + self.eps))


def fit_kl(cfg: KLConfig, *, device: torch.device | None = None,
           on_progress: ProgressFn | None = None) -> KLResult:
    """Fit P = N(mu, sigma^2) to Q by KL(Q || P) (mode-covering) and by KL(P || Q)
    (mode-seeking), each with Adam on (mu, log sigma) and a cosine-decayed step.

    KL(P || Q) has a local minimum on (near) every mode and a saddle at the centre between two
    modes, so its fit runs from modes + 1 seeded starts (``starts``) at once and keeps the one
    whose KL(P || Q) ends lowest. KL(Q || P) has one minimum (moment matching: P is an
    exponential family) and its fit one start. Histories hold the KL after 0, 1, ... steps.
    Runs on one CPU thread in float64 whatever ``device`` is: two parameters over
    a grid of GRID points gain nothing from an accelerator.
    """
    del device                                    # always the CPU: see above
    start = time.perf_counter()
    with one_cpu_thread():
        x_np = grid(cfg.modes, cfg.separation)
        x = torch.as_tensor(x_np, dtype=torch.float64)
        c = torch.as_tensor(centres(cfg.modes, cfg.separation), dtype=torch.float64)
        lq = log_q(x, c)
        theta = torch.as_tensor(starts(cfg), dtype=torch.float64).requires_grad_(True)
        adam = Adam(theta)
        # no sigma below a few grid spacings: the quadrature would no longer see its shape
        min_log_sigma = math.log(4 * (x_np[1] - x_np[0]))
        covering_kl = np.empty(cfg.steps)
        seeking_kl = np.empty((cfg.steps, len(theta) - 1))
        every = max(cfg.steps // PROGRESS_REPORTS, 1)
        for step in range(cfg.steps):
            lp = log_p(x, theta[:, 0], theta[:, 1])
            kl_cover, kl_seek = kl_q_p(lq, lp[:1]), kl_p_q(lq, lp[1:])
            # each start owns its row of theta: one sum trains all of them independently
            (grad,) = torch.autograd.grad(kl_cover.sum() + kl_seek.sum(), theta)
            with torch.no_grad():
                adam.step(grad, cfg.lr * (1 + math.cos(math.pi * step / cfg.steps)) / 2)
                theta[:, 0].clamp_(float(x_np[0]), float(x_np[-1]))
                theta[:, 1].clamp_(min=min_log_sigma)
            covering_kl[step] = kl_cover.item()
            seeking_kl[step] = kl_seek.detach().numpy()
            if (step + 1) % every == 0 or step + 1 == cfg.steps:
                best = int(np.argmin(seeking_kl[step]))
                steps_so_far = np.arange(step + 1)
                report(on_progress, (step + 1) / cfg.steps, "mode-covering and mode-seeking fits",
                       partial={"covering_step": steps_so_far,
                                "covering_kl": covering_kl[:step + 1].copy(),
                                "seeking_step": steps_so_far,
                                "seeking_kl": seeking_kl[:step + 1, best].copy()})
        with torch.no_grad():
            lp = log_p(x, theta[:, 0], theta[:, 1])
            kl_qp, kl_pq = kl_q_p(lq, lp), kl_p_q(lq, lp)
        best = 1 + int(torch.argmin(kl_pq[1:]))
        fits = torch.tensor([0, best])
        density = lp[fits].exp().numpy()
        fit_mu, fit_sigma = theta.detach()[fits, 0].numpy(), theta.detach()[fits, 1].exp().numpy()
        kl_qp, kl_pq = kl_qp[fits].numpy(), kl_pq[fits].numpy()
    seconds = time.perf_counter() - start
    report(on_progress, 1.0, "done")
    steps = np.arange(cfg.steps)
    return KLResult(
        modes=cfg.modes, separation=cfg.separation, x=x_np, q=lq.exp().numpy(),
        covering=density[0], seeking=density[1],
        covering_step=steps, covering_kl=covering_kl,
        seeking_step=steps.copy(), seeking_kl=seeking_kl[:, best - 1].copy(),
        covering_fit_mean=float(fit_mu[0]), covering_fit_std=float(fit_sigma[0]),
        seeking_fit_mean=float(fit_mu[1]), seeking_fit_std=float(fit_sigma[1]),
        covering_kl_q_p=float(kl_qp[0]), covering_kl_p_q=float(kl_pq[0]),
        seeking_kl_q_p=float(kl_qp[1]), seeking_kl_p_q=float(kl_pq[1]), fit_seconds=seconds)
