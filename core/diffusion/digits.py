"""Diffusion on 8x8 digits: class conditioning, classifier-free guidance, latent diffusion
(lecture: "Stable Diffusion: Add Text Conditioning", "Latent Diffusion").

The class label is the prompt. One net learns eps(x_t, t, y) and, with labels dropped at
random to a "no class" token, eps(x_t, t) (Ho & Salimans 2022); sampling mixes the two,

    eps~ = (1 + w) eps(x_t, t, y) - w eps(x_t, t),

and a larger guidance weight w (the guidance scale s = 1 + w of Stable Diffusion's tools)
trades diversity for agreement with the prompt. A logistic
regression trained on the real digits reads the samples (agreement); diversity is the mean
pairwise distance of samples of one prompt over that of real digits of that class
(core.diffusion.digits_metrics).

Latent diffusion runs the same diffusion on the codes of a VAE (core.latent), then
decodes: 8 numbers a digit instead of 64 pixels, so a smaller net and faster steps
(core.diffusion.digit_spaces).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from core.device import one_cpu_thread, trains_on_one_thread
from core.diffusion.ddpm import EpsFn, EpsNet, ddpm_sample, record_times, train_eps
from core.diffusion.digit_spaces import Space, space_for
from core.diffusion.digits_metrics import (
    agreement,
    classifier_test_accuracy,
    digit_classifier,
    diversity,
    sharpness,
)
from core.diffusion.schedules import SCHEDULES, T_MAX, T_MIN, forward_chain, make_schedule
from core.images import image_set
from core.progress import ProgressFn, report
from core.results import StoredResult
from core.validation import bad, check_choices, check_ranges, check_types

SPACES = ("pixel", "latent")
N_CLASSES = 10
GUIDANCE_SWEEP = (0.0, 0.5, 1.0, 2.0, 4.0)
SWEEP_PER_CLASS = 20         # samples per prompt and guidance scale in the sweep


@dataclass(frozen=True)
class DigitsDiffusionConfig:
    """One diffusion run on the 8x8 digits. Defaults: pixel space, class-conditional,
    classifier-free guidance w = 2."""

    space: str = "pixel"
    conditional: bool = True
    guidance: float = 2.0         # w; 0 is the plain conditional model
    label_drop: float = 0.1       # share of labels replaced by "no class" in training
    schedule: str = "cosine"      # Nichol & Dhariwal designed it for images
    T: int = 200
    hidden: int = 256
    layers: int = 3
    t_dim: int = 64
    steps: int = 8000
    batch_size: int = 128
    lr: float = 1e-3
    samples_per_class: int = 50
    latent_dim: int = 8           # latent space: the VAE's code size (see vae_config)
    log_every: int = 100
    seed: int = 0

    def __post_init__(self) -> None:
        check_types(self)
        check_choices(self, {"space": SPACES, "schedule": SCHEDULES})
        ranges = {"guidance": (0.0, 20.0), "label_drop": (0.0, 0.9), "T": (T_MIN, T_MAX),
                  "hidden": (8, 2048), "layers": (1, 8), "t_dim": (2, 512),
                  "steps": (1, 500_000), "batch_size": (8, 8192), "lr": (1e-6, 0.1),
                  "samples_per_class": (2, 1000), "latent_dim": (2, 64),
                  "log_every": (1, 100_000), "seed": (0, 2**31 - 1)}
        check_ranges(self, ranges)
        if self.t_dim % 2:
            bad(self, "t_dim", "use an even number (sines and cosines come in pairs)")
        if self.conditional and self.label_drop == 0 and self.guidance > 0:
            bad(self, "label_drop", "use more than 0 with guidance > 0 (guidance needs the "
                "unconditional model that dropped labels train)")

    @classmethod
    def tiny(cls, **changes) -> DigitsDiffusionConfig:
        values = dict(T=10, hidden=16, layers=1, t_dim=8, steps=10, batch_size=32,
                      samples_per_class=3, log_every=5)
        return cls(**{**values, **changes})


# ---------------------------------------------------------------- guidance

def guided_eps(net: EpsNet, y: torch.Tensor | None, w: float) -> EpsFn:
    """Classifier-free guidance: (1 + w) eps(x, t, y) - w eps(x, t); one batch of 2n rows."""
    if y is None or net.n_classes == 0:
        return lambda x, t: net(x, t)
    if w == 0:
        return lambda x, t: net(x, t, y)
    both = torch.cat([y, torch.full_like(y, net.n_classes)])

    def eps(x: torch.Tensor, t: int) -> torch.Tensor:
        cond, uncond = net(torch.cat([x, x]), t, both).chunk(2)
        return uncond + (1 + w) * (cond - uncond)
    return eps


# ---------------------------------------------------------------- the run

@dataclass(frozen=True)
class DigitsDiffusionResult(StoredResult):
    """A diffusion model of the 8x8 digits, its samples, the slider's films and the sweep.

    ``frame_t`` (F,) runs T .. 0 (F = 101 for T > 100); the P = 10 film particles are one per
    digit: reverse row c is the first sample of prompt c, forward row c a real test digit c."""

    space: str
    conditional: bool
    guidance: float
    T: int
    weights: dict[str, np.ndarray]
    beta: np.ndarray              # (T + 1,)
    alpha_bar: np.ndarray         # (T + 1,)
    latent_mean: np.ndarray       # (k,) latent centring and scale; (0,) in pixel space
    latent_std: np.ndarray
    loss_step: np.ndarray         # (n_logs,)
    loss: np.ndarray
    samples: np.ndarray           # (10 * samples_per_class, 8, 8) in [0, 1]
    prompts: np.ndarray           # (n,) the class asked for (-1: unconditional)
    predicted: np.ndarray         # (n,) the classifier's reading
    class_counts: np.ndarray      # (10,) samples read as each digit
    frame_t: np.ndarray           # (F,)
    reverse_x: np.ndarray         # (F, 10, d) the reverse process in model space
    reverse_images: np.ndarray    # (F, 10, 8, 8) ... as images (latent: decoded x_t)
    forward_images: np.ndarray    # (F, 10, 8, 8) real digits through q(x_t | x_{t-1})
    guidance_scales: np.ndarray   # (k,) the sweep (empty when unconditional)
    agreement_by_guidance: np.ndarray   # (k,)
    diversity_by_guidance: np.ndarray   # (k,)
    classifier_agreement: float | None
    diversity: float
    classifier_test_accuracy: float
    train_seconds: float          # the diffusion's training loop
    sample_seconds: float         # the n samples at guidance w (DDPM, T steps)
    vae_train_seconds: float | None     # latent space: the VAE's own training loop

    def metrics(self) -> dict[str, float | None]:
        agree, div = self.agreement_by_guidance, self.diversity_by_guidance
        swept = len(agree) >= 2
        return {"classifier_agreement": self.classifier_agreement, "diversity": self.diversity,
                "sharpness": sharpness(self.samples),
                # digits the classifier reads on at least 2 % of the samples ("draws all ten")
                "digits_drawn": float((self.class_counts >= 0.02 * len(self.samples)).sum()),
                # the guidance sweep, from its smallest to its largest w
                "agreement_gain": float(agree[-1] - agree[0]) if swept else None,
                "diversity_drop": float(div[0] - div[-1]) if swept else None,
                "classifier_test_accuracy": self.classifier_test_accuracy,
                "train_seconds": self.train_seconds, "sample_seconds": self.sample_seconds,
                "vae_train_seconds": self.vae_train_seconds}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"samples": self.samples, "prompts": self.prompts, "alpha_bar": self.alpha_bar,
                "loss_step": self.loss_step, "loss": self.loss, "class_counts": self.class_counts,
                "guidance_scales": self.guidance_scales,
                "agreement_by_guidance": self.agreement_by_guidance,
                "diversity_by_guidance": self.diversity_by_guidance}


def build_net(cfg: DigitsDiffusionConfig, dim: int) -> EpsNet:
    return EpsNet(dim, cfg.hidden, cfg.layers, cfg.t_dim,
                  n_classes=N_CLASSES if cfg.conditional else 0)


def load_digits_model(cfg: DigitsDiffusionConfig, result: DigitsDiffusionResult) -> EpsNet:
    dim = len(result.latent_mean) if cfg.space == "latent" else 64
    net = build_net(cfg, dim)
    net.load_state_dict({k: torch.as_tensor(v) for k, v in result.weights.items()})
    return net.eval()


def every_digit(per_class: int) -> np.ndarray:
    """Prompts 0..9, per_class times, interleaved: row i asks for digit i % 10 (n,)."""
    return np.tile(np.arange(N_CLASSES), per_class)


def sample_digits(net: EpsNet, cfg: DigitsDiffusionConfig, space: Space, prompts: np.ndarray,
                  w: float, seed: int, record_t=()) -> dict:
    """One sample per entry of ``prompts`` (n,) at guidance w, DDPM: {"images" (n, 64),
    "prompts" (n,) (-1 for an unconditional model), "traj" (F, 10, d), "seconds"}."""
    generator = torch.Generator().manual_seed(seed)
    n = len(prompts)
    y = torch.as_tensor(prompts) if cfg.conditional else None
    xT = torch.randn((n, space.x0.shape[1]), generator=generator)
    schedule = make_schedule(cfg.schedule, cfg.T)
    with one_cpu_thread():
        start = time.perf_counter()
        x0, traj = ddpm_sample(guided_eps(net, y, w), schedule, xT, generator, record_t,
                               N_CLASSES, clip=space.clip)
        images = space.to_images(x0.numpy())
        seconds = time.perf_counter() - start
    return {"images": images, "prompts": prompts if cfg.conditional else np.full(n, -1),
            "traj": traj.numpy(), "seconds": seconds}


def samples_of_one_prompt(net: EpsNet, cfg: DigitsDiffusionConfig, space: Space, digit: int,
                          w: float, n: int, seed: int) -> dict:
    """n samples of one digit at guidance w, and how they score: {"images" (n, 8, 8),
    "agreement", "diversity"} (the page draws these for the prompt a student picks)."""
    prompts = np.full(n, digit)
    images = sample_digits(net, cfg, space, prompts, w, seed)["images"]
    return {"images": images.reshape(n, 8, 8), "agreement": agreement(images, prompts),
            "diversity": diversity(images, prompts)}


def _sweep(net, cfg, space) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not cfg.conditional:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    agree, div = [], []
    for w in GUIDANCE_SWEEP:
        s = sample_digits(net, cfg, space, every_digit(SWEEP_PER_CLASS), w, cfg.seed + 2)
        agree.append(agreement(s["images"], s["prompts"]))
        div.append(diversity(s["images"], s["prompts"]))
    return np.array(GUIDANCE_SWEEP), np.array(agree), np.array(div)


def _films(cfg, space: Space, schedule, frame_t, traj) -> tuple[np.ndarray, np.ndarray]:
    """The reverse film as images, and real test digits (one per class) pushed forward."""
    data = image_set("digits")
    first = [int(np.flatnonzero(data.y_test == c)[0]) for c in range(N_CLASSES)]
    x0 = space.from_images(data.X_test[first])
    forward = forward_chain(x0, schedule, frame_t, np.random.default_rng(cfg.seed))
    as_images = lambda a: np.stack([space.to_images(f.astype(np.float32))  # noqa: E731
                                    for f in a]).reshape(len(a), N_CLASSES, 8, 8)
    return as_images(traj), as_images(forward)


@trains_on_one_thread
def train_digits_diffusion(cfg: DigitsDiffusionConfig, *, device: torch.device,
                           on_progress: ProgressFn | None) -> DigitsDiffusionResult:
    space = space_for(cfg, device)
    schedule = make_schedule(cfg.schedule, cfg.T)
    torch.manual_seed(cfg.seed)
    net = build_net(cfg, space.x0.shape[1]).to(device)
    generator = torch.Generator(device=device).manual_seed(cfg.seed)
    labels = (torch.as_tensor(image_set("digits").y_train, device=device)
              if cfg.conditional else None)
    loss_step, loss, seconds = train_eps(
        net, torch.as_tensor(space.x0, dtype=torch.float32, device=device), schedule,
        steps=cfg.steps, batch_size=cfg.batch_size, lr=cfg.lr, generator=generator,
        labels=labels, label_drop=cfg.label_drop, log_every=cfg.log_every,
        on_progress=on_progress, share=(0.0, 0.85))
    net = net.cpu().eval()
    report(on_progress, 0.85, "sampling")
    frame_t = record_times(cfg.T)
    main = sample_digits(net, cfg, space, every_digit(cfg.samples_per_class), cfg.guidance,
                         cfg.seed + 1, frame_t)
    report(on_progress, 0.9, "the guidance sweep")
    scales, agree, div = _sweep(net, cfg, space)
    reverse_images, forward_images = _films(cfg, space, schedule, frame_t, main["traj"])
    images, prompts = main["images"], main["prompts"]
    predicted = digit_classifier().predict(images)
    report(on_progress, 1.0, "done")
    return DigitsDiffusionResult(
        space=cfg.space, conditional=cfg.conditional, guidance=cfg.guidance, T=cfg.T,
        weights={k: v.detach().numpy() for k, v in net.state_dict().items()},
        beta=schedule.beta, alpha_bar=schedule.alpha_bar, latent_mean=space.mean,
        latent_std=space.std, loss_step=loss_step, loss=loss,
        samples=images.reshape(-1, 8, 8), prompts=prompts, predicted=predicted,
        class_counts=np.bincount(predicted, minlength=N_CLASSES), frame_t=frame_t,
        reverse_x=main["traj"], reverse_images=reverse_images, forward_images=forward_images,
        guidance_scales=scales, agreement_by_guidance=agree, diversity_by_guidance=div,
        classifier_agreement=agreement(images, prompts) if cfg.conditional else None,
        diversity=diversity(images, prompts if cfg.conditional else None),
        classifier_test_accuracy=classifier_test_accuracy(), train_seconds=seconds,
        sample_seconds=main["seconds"], vae_train_seconds=space.vae_seconds)
