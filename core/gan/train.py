"""Generative adversarial nets on 2-D data (lecture: "Generative Adversarial Nets (GANs)").

Algorithm 1 of Goodfellow et al. (2014): k ascent steps of the discriminator D, then one
descent step of the generator G, each on minibatches of m. G descends either the minimax loss
log(1 - D(G(z))) or the "non-saturating" -log D(G(z)) of the lecture's slide (core.gan.losses).

Every run is an *ensemble* (core.gan.game): the weights carry a leading dimension E (one member
per seed), so E members train in one loop as E independent GANs. A single run, here, is the
ensemble of one; the outcome statistics and the learning-rate phase diagram are larger
ensembles (core.gan.seeds), played by the same ``play``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from core import modes
from core.device import trains_on_one_thread
from core.gan.config import LOSSES, GANConfig
from core.gan.game import Game, grad_norm
from core.gan.history import distance_ratio, history_metrics
from core.gan.record import Recorder, film_axis
from core.progress import ProgressFn, report
from core.results import StoredResult

# ---------------------------------------------------------------- Algorithm 1

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
    """The first member's histories so far: what the page draws while the run trains."""
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
                "partner_modes_covered": _partner_modes_covered(partner),
                "partner_distance_ratio": (distance_ratio(partner["data_distance"])
                                           if "data_distance" in partner else None)}

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in (
            "samples", "mode_counts", "step", "d_loss", "g_loss", "d_real", "d_fake",
            "modes_covered_history", "hq_fraction_history", "g_grad_norm")}


def _partner_modes_covered(partner: dict[str, np.ndarray]) -> float | None:
    """The partner's modes covered, read from its final counts (None: no partner, or a curve,
    whose counts are empty)."""
    counts = np.asarray(partner.get("mode_counts", []))
    if counts.size == 0:
        return None
    return float(modes.covered_from_counts(counts, len(partner["samples"])))


def _weights(params: list[torch.Tensor], member: int = 0) -> dict[str, np.ndarray]:
    return {f"{'Wb'[i % 2]}{i // 2}": p[member].detach().cpu().numpy()
            for i, p in enumerate(params)}


def _final(game: Game, recorder: Recorder) -> dict:
    """The first member's samples, histories and metrics, as GANResult fields."""
    with torch.no_grad():
        samples = game.generate(recorder.z_eval[:1])[0].cpu().numpy()
    data = game.cfg.data
    out = {k: (v[0] if v.ndim >= 2 else v) for k, v in recorder.histories().items()}
    out.update(samples=samples, mode_counts=modes.counts_per_mode(samples, data),
               **modes.mode_metrics(samples, data))
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
        other = Game(replace(cfg, loss=partner_loss), [cfg.seed], device)
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
