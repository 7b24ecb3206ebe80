"""The comparison run: the VAE, the GAN and the diffusion model on the same data, measured the
same way (lecture: "Summary", the table of the three families).

On the ring every family trains as a batched ensemble over seeds x learning rates
(CompareConfig.members): member 0 is the run the table shows, and the others say how robust
that family's training is (the fewest modes a member covers, the share covering every one).
The families are the panels' own: the GAN is core.gan's game, the diffusion model
core.diffusion's eps-net and bound, the VAE a 2-D version of core.latent's
(core.compare.ring_vae).

On the digits the VAE and the diffusion model are the latent and diffusion panels' runs
(vae.digits and diffusion.digits, found in the store when those pages trained them), and the
GAN a small batched GAN of the digits (core.compare.digits_gan). The VAE and the GAN train
from every member's seed and rate (the VAE a few seconds a run); the diffusion model from
every seed at its own rate only, since each of its runs takes most of a minute (its spread
over learning rates is measured on the ring).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import torch

from core import modes
from core.compare import metrics as measures
from core.compare.config import FAMILIES, SAMPLES, CompareConfig
from core.compare.ring_diffusion import train_ring_diffusion
from core.compare.ring_vae import train_ring_vae
from core.device import cpu_threads
from core.gan.config import GANConfig
from core.gan.game import Game
from core.gan.mlp import mlp
from core.gan.record import Recorder
from core.gan.train import play
from core.progress import ProgressFn, report
from core.results import StoredResult


@dataclass(frozen=True)
class CompareResult(StoredResult):
    """The three families' samples, their measurements and the spread over members."""

    data: str
    samples: dict[str, np.ndarray]        # family -> (SAMPLES, 2) or (SAMPLES, 8, 8) in [0, 1]
    reference: np.ndarray                 # the held-out data the samples are measured against
    member_seed: np.ndarray               # (M,) each member's seed ...
    member_lr_scale: np.ndarray           # (M,) ... and learning-rate scale; member 0 is shown
    member_modes: dict[str, np.ndarray]   # family -> (M,) modes covered (NaN: not trained)
    member_hq: dict[str, np.ndarray]      # family -> (M,) high-quality share
    values: dict                          # "<family>.<metric>" and "modes_total", "mmd2_floor"

    def metrics(self) -> dict[str, float | None]:
        return dict(self.values)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"member_seed": self.member_seed, "member_lr_scale": self.member_lr_scale,
                **{f"{family}.samples": self.samples[family] for family in FAMILIES},
                **{f"{family}.member_modes": self.member_modes[family] for family in FAMILIES},
                **{f"{family}.member_hq": self.member_hq[family] for family in FAMILIES}}


def _summary(family: str, members_modes: np.ndarray, total: int) -> dict[str, float | None]:
    """The spread over members: the share that cover every mode, and the fewest covered."""
    trained = members_modes[~np.isnan(members_modes)]
    if len(trained) < 2:
        return {f"{family}.robust_share": None, f"{family}.modes_covered_min": None}
    return {f"{family}.robust_share": float((trained >= total).mean()),
            f"{family}.modes_covered_min": float(trained.min())}


def _family(name: str, members: np.ndarray, reference: np.ndarray, data: str, extra: dict,
            out: dict) -> tuple[np.ndarray, np.ndarray]:
    """Measure member 0 for the table and every member's modes; fill ``out``."""
    shown = measures.measure(members[0], data, reference)
    out.update({f"{name}.{k}": v for k, v in {**shown, **extra}.items()})
    counts = np.stack([measures.mode_counts(m, data) for m in members])     # (M, K)
    n = members.shape[1]
    return (modes.covered_from_counts(counts, n).astype(float),
            modes.hq_from_counts(counts, n))


# ---------------------------------------------------------------- the ring (or drawn points)

def _plane_gan(seeds, scales, steps, device, on_progress, share, data) -> dict:
    """core.gan's game with its defaults, E members at once (as its phase diagram plays)."""
    cfg = GANConfig(data=data, steps=steps, log_every=steps, film_every=max(steps // 10, 1),
                    seed=seeds[0])
    lr = torch.as_tensor(cfg.lr_d * np.asarray(scales, dtype=np.float32))
    start = time.perf_counter()
    game = Game(cfg, seeds, device, lr, lr)
    play(game, cfg.steps, Recorder(game, film=False), on_progress, "GAN: ", *share)
    seconds = time.perf_counter() - start
    z = torch.randn(len(seeds), SAMPLES, cfg.noise_dim, generator=torch.Generator()
                    .manual_seed(seeds[0] + 1)).to(device)
    with torch.no_grad():
        started = time.perf_counter()
        mlp([w[:1] for w in game.G], z[:1], cfg.activation)       # one member's 1,000
        sample_seconds = time.perf_counter() - started
        samples = game.generate(z).cpu().numpy()
    return {"samples": samples, "train_seconds": seconds, "sample_seconds": sample_seconds,
            "nll_bound": None}


def _plane(cfg: CompareConfig, device, on_progress) -> dict:
    """The ring, or a person's drawn points: the same three batched trainers."""
    seeds, scales = cfg.members()
    reference = measures.held_out(cfg.data)
    vae = train_ring_vae(seeds, scales, steps=cfg.steps, device=device,
                         on_progress=on_progress, share=(0.0, 0.3), data=cfg.data)
    diffusion = train_ring_diffusion(seeds, scales, steps=cfg.steps, device=device,
                                     on_progress=on_progress, share=(0.3, 0.35), data=cfg.data)
    gan = _plane_gan(seeds, scales, cfg.steps, device, on_progress, (0.65, 0.3), cfg.data)
    report(on_progress, 0.95, "sampling and measuring")
    runs = {
        "vae": {"samples": vae.sample(SAMPLES, cfg.seed + 1), "train_seconds": vae.train_seconds,
                "sample_seconds": vae.sample_seconds(SAMPLES),
                "nll_bound": float(vae.nll_bound(reference)[0])},
        "gan": gan,
        "diffusion": {"samples": diffusion.sample(SAMPLES, cfg.seed + 1),
                      "train_seconds": diffusion.train_seconds,
                      "sample_seconds": diffusion.sample_seconds(SAMPLES),
                      "nll_bound": float(diffusion.nll_bound(reference)[0])}}
    return {"runs": runs, "reference": reference, "seeds": seeds, "scales": scales}


# ---------------------------------------------------------------- the digits

def _sub_progress(on_progress: ProgressFn | None, start: float, width: float, label: str):
    if on_progress is None:
        return None
    return lambda fraction, note="", **_: report(on_progress, start + width * fraction,
                                                 f"{label}: {note}")


def digits_vae_config(seed: int):
    """The latent page's vae.digits run from ``seed`` (the compare page reuses it)."""
    from core.latent.config import AEConfig

    return AEConfig(model="vae", seed=seed)


def digits_diffusion_config(seed: int):
    """The diffusion page's diffusion.digits run from ``seed`` (the compare page reuses it)."""
    from core.diffusion.digits import DigitsDiffusionConfig

    return DigitsDiffusionConfig(conditional=False, guidance=0.0, seed=seed)


def _digits_vae(cfg: CompareConfig, reference: np.ndarray, device, on_progress) -> dict:
    """The latent page's VAE (vae.digits) from every member's seed and learning rate, each its
    own stored run (a few seconds each): samples (E, n, 8, 8); member 0's times and bound."""
    from core.latent.losses import kl_to_standard_normal, reconstruction_nll, reparameterise
    from core.latent.nets import load_model
    from core.runs import load_or_train

    shown = digits_vae_config(cfg.seed)
    seeds, scales = cfg.members()
    g = torch.Generator().manual_seed(cfg.seed + 1)
    samples, first = [], None
    for i, (seed, scale) in enumerate(zip(seeds, scales, strict=True)):
        member = replace(shown, seed=seed, lr=shown.lr * scale)
        result = load_or_train(member, device=device, on_progress=_sub_progress(
            on_progress, 0.3 * i / len(seeds), 0.3 / len(seeds), f"VAE {i + 1}/{len(seeds)}"))
        model = load_model(member, result)
        with torch.no_grad():
            started = time.perf_counter()
            z = torch.randn(SAMPLES, member.latent_dim, generator=g)
            samples.append(model.decode(z).reshape(SAMPLES, 8, 8).numpy())
            seconds = time.perf_counter() - started
        first = first or (model, result, seconds)
    model, result, sample_seconds = first
    with torch.no_grad():
        x = torch.as_tensor(reference.reshape(len(reference), -1))
        mu, logvar = model.encode(x)
        z = reparameterise(mu, logvar, torch.randn(mu.shape, generator=g))
        bound = (reconstruction_nll(model.decoder(z), x, shown.likelihood)
                 + kl_to_standard_normal(mu, logvar)).mean() / x.shape[1]
    return {"samples": np.stack(samples), "train_seconds": result.train_seconds,
            "sample_seconds": sample_seconds, "nll_bound": float(bound)}


def _digits_diffusion(cfg: CompareConfig, reference: np.ndarray, device, on_progress) -> dict:
    """The diffusion page's diffusion.digits from every member's seed at its own learning rate
    (each run most of a minute, so not at the other rates; each stored, and seed after seed
    shared with that page): samples (n_seeds, n, 8, 8); the first seed's times and bound."""
    from core.diffusion.ddpm import net_eps
    from core.diffusion.digit_spaces import space_for
    from core.diffusion.digits import (
        every_digit,
        load_digits_model,
        sample_digits,
    )
    from core.diffusion.schedules import make_schedule
    from core.diffusion.vlb import nll_bound
    from core.runs import load_or_train

    shown = digits_diffusion_config(cfg.seed)
    seeds = cfg.members()[0][:cfg.n_seeds]        # the members at its own learning rate
    space = space_for(shown, torch.device("cpu"))
    samples, first = [], None
    for i, seed in enumerate(seeds):
        member = replace(shown, seed=seed)           # diffusion.digits from that seed
        result = load_or_train(member, device=device, on_progress=_sub_progress(
            on_progress, 0.3 + 0.45 * i / len(seeds), 0.45 / len(seeds),
            f"diffusion {i + 1}/{len(seeds)}"))
        net = load_digits_model(member, result)
        drawn = sample_digits(net, member, space, every_digit(SAMPLES // 10), 0.0,
                              cfg.seed + 1)
        samples.append(drawn["images"].reshape(-1, 8, 8))
        first = first or (net, result, drawn["seconds"])
    net, result, sample_seconds = first
    x0 = torch.as_tensor(space.from_images(reference.reshape(len(reference), -1)),
                         dtype=torch.float32)
    bound = nll_bound(net_eps(net), make_schedule(shown.schedule, shown.T), x0,
                      torch.Generator().manual_seed(cfg.seed), clip=space.clip)
    return {"samples": np.stack(samples), "train_seconds": result.train_seconds,
            "sample_seconds": sample_seconds, "nll_bound": float(bound)}


def _digits(cfg: CompareConfig, device, on_progress) -> dict:
    from core.compare.digits_gan import train_digits_gan

    seeds, scales = cfg.members()
    reference = measures.held_out("digits")
    vae = _digits_vae(cfg, reference, device, on_progress)
    diffusion = _digits_diffusion(cfg, reference, device, on_progress)
    gan = train_digits_gan(seeds, scales, steps=cfg.steps, device=device,
                           on_progress=on_progress, share=(0.75, 0.2))
    runs = {"vae": vae,
            "gan": {"samples": gan.sample(SAMPLES, cfg.seed + 1),
                    "train_seconds": gan.train_seconds,
                    "sample_seconds": gan.sample_seconds(SAMPLES), "nll_bound": None},
            "diffusion": diffusion}
    return {"runs": runs, "reference": reference, "seeds": seeds, "scales": scales}


# ---------------------------------------------------------------- the run

def train_compare(cfg: CompareConfig, *, device: torch.device | None = None,
                  on_progress: ProgressFn | None = None) -> CompareResult:
    device = torch.device("cpu") if device is None else device
    with cpu_threads(1, device):
        trained = (_plane if measures.in_the_plane(cfg.data) else _digits)(cfg, device,
                                                                          on_progress)
    report(on_progress, 0.95, "sampling and measuring")
    reference, runs = trained["reference"], trained["runs"]
    total = measures.modes_total(cfg.data)
    values: dict = {"modes_total": float(total), "mmd2_floor": measures.floor(cfg.data)}
    member_modes, member_hq, samples = {}, {}, {}
    n_members = len(trained["seeds"])
    for family in FAMILIES:
        run = runs[family]
        extra = {k: run[k] for k in ("train_seconds", "sample_seconds", "nll_bound")}
        covered, hq = _family(family, run["samples"], reference, cfg.data, extra, values)
        pad = lambda a: np.pad(a, (0, n_members - len(a)), constant_values=np.nan)  # noqa: E731
        member_modes[family], member_hq[family] = pad(covered), pad(hq)
        values.update(_summary(family, member_modes[family], total))
        samples[family] = run["samples"][0].astype(np.float32)
    report(on_progress, 1.0, "done")
    return CompareResult(
        data=cfg.data, samples=samples, reference=reference.astype(np.float32),
        member_seed=np.array(trained["seeds"]), member_lr_scale=np.array(trained["scales"]),
        member_modes=member_modes, member_hq=member_hq, values=values)
