"""Diffusion on 8x8 digits: class conditioning, classifier-free guidance, latent diffusion
(lecture: "Stable Diffusion: Add Text Conditioning", "Latent Diffusion").

The class label is the prompt. One net learns eps(x_t, t, y) and, with labels dropped at
random to a "no class" token, eps(x_t, t) (Ho & Salimans 2022); sampling mixes the two,

    eps~ = (1 + w) eps(x_t, t, y) - w eps(x_t, t),

and a larger guidance weight w (the guidance scale s = 1 + w of Stable Diffusion's tools)
trades diversity for agreement with the prompt. A logistic
regression trained on the real digits reads the samples (agreement); diversity is the mean
pairwise distance of samples of one prompt over that of real digits of that class.

Latent diffusion runs the same diffusion on the codes of a VAE (core.latent.autoencoders), then
decodes: 8 numbers a digit instead of 64 pixels, so a smaller net and faster steps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch

from core import runs
from core.device import one_cpu_thread, trains_on_one_thread
from core.diffusion.ddpm import EpsFn, EpsNet, ddpm_sample, record_times, train_eps
from core.diffusion.schedules import SCHEDULES, T_MAX, T_MIN, forward_chain, make_schedule
from core.images import image_set
from core.latent.config import AEConfig
from core.latent.nets import load_model
from core.latent.train import AEResult
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


def vae_config(cfg: DigitsDiffusionConfig) -> AEConfig:
    """The VAE whose codes latent diffusion models: vae.digits's config with cfg.latent_dim.

    8 dimensions, not vae.digits's 2: in 2-D the digit classes overlap (a 2-D code cannot
    keep ten classes apart and their styles), so even a perfect latent model would decode
    ambiguous digits; 8 keep the classes apart and are still 8 times fewer numbers than pixels."""
    return AEConfig(model="vae", latent_dim=cfg.latent_dim)


# ---------------------------------------------------------------- guidance and the classifier

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


@cache
def digit_classifier():
    """Logistic regression on the real training digits (pixels in [0, 1]), fitted once a
    process: the judge of the samples. Its test accuracy is the ceiling for agreement."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits  # ships with scikit-learn

    data = image_set("digits")
    with threadpool_limits(1):      # a small fit: BLAS threads only spin on a busy CPU
        return LogisticRegression(max_iter=3000).fit(data.X_train, data.y_train)


def classifier_test_accuracy() -> float:
    data = image_set("digits")
    return float((digit_classifier().predict(data.X_test) == data.y_test).mean())


def mean_pairwise_distance(x: np.ndarray) -> float:
    d = np.sqrt(((x[:, None, :] - x[None]) ** 2).sum(-1))
    return float(d.sum() / (len(x) * (len(x) - 1)))


def edge_strength(images: np.ndarray) -> float:
    """Mean |difference| of neighbouring pixels (rows and columns): low for a blurry image.
    images: (n, 8, 8) in [0, 1]."""
    return float((np.abs(np.diff(images, axis=1)).mean() + np.abs(np.diff(images, axis=2)).mean())
                 / 2)


def sharpness(images: np.ndarray) -> float:
    """Edge strength of the samples over that of the real test digits (1: as sharp as real
    digits; a blurry decode scores less)."""
    real = image_set("digits").X_test.reshape(-1, 8, 8)
    return edge_strength(images.reshape(-1, 8, 8)) / edge_strength(real)


def diversity(images: np.ndarray, prompts: np.ndarray | None) -> float:
    """Mean pairwise distance of the samples of each prompt over that of the real training
    digits of that class, averaged over prompts (1: as varied as real digits, 0: one image).
    Without prompts: all samples over all real digits."""
    data = image_set("digits")
    x = images.reshape(len(images), -1)
    if prompts is None:
        real = data.X_train[np.random.default_rng(0).permutation(len(data.X_train))[:500]]
        return mean_pairwise_distance(x) / mean_pairwise_distance(real)
    return float(np.mean([mean_pairwise_distance(x[prompts == c])
                          / mean_pairwise_distance(data.X_train[data.y_train == c])
                          for c in np.unique(prompts)]))


def agreement(images: np.ndarray, prompts: np.ndarray) -> float:
    """Share of samples the classifier reads as their prompt."""
    return float((digit_classifier().predict(images.reshape(len(images), -1)) == prompts).mean())


# ---------------------------------------------------------------- the two spaces

@dataclass
class Space:
    """How x0 for the diffusion is made from pixels, and how samples get back to pixels."""

    x0: np.ndarray                 # (n_train, d) what the diffusion models
    to_images: object              # (n, d) array -> (n, 64) pixels in [0, 1]
    clip: float | None             # DDPM's x0 clipping: pixels live in [-1, 1]
    mean: np.ndarray               # (d,) latent standardisation (empty for pixels)
    std: np.ndarray
    vae_seconds: float | None


def pixel_space() -> Space:
    X = image_set("digits").X_train
    return Space(2 * X - 1, lambda x: np.clip((x + 1) / 2, 0, 1), 1.0, np.zeros(0),
                 np.zeros(0), None)


def latent_space(cfg: DigitsDiffusionConfig, device) -> Space:
    """Codes (posterior means) of the training digits under the cached VAE, centred and
    divided by one overall scale so the schedule's N(0, I) end matches their size. One scale
    for all dimensions, like Stable Diffusion's 0.18215: the VAE leaves some dimensions
    unused (posterior collapse, their means spread by ~0.05), and scaling each to unit std
    would blow those up into noise that the net must learn and the decoder ignores."""
    from core.latent.nets import decode, encode

    vae_cfg = vae_config(cfg)
    result: AEResult = runs.load_or_train(vae_cfg, device=device)   # type: ignore[assignment]
    vae = load_model(vae_cfg, result)
    z = encode(vae, image_set("digits").X_train)
    mean = z.mean(0)
    std = np.full_like(mean, np.sqrt(((z - mean) ** 2).mean()) + 1e-6)

    def to_images(x: np.ndarray) -> np.ndarray:
        return decode(vae, (x * std + mean).astype(np.float32)).reshape(len(x), -1)
    return Space((z - mean) / std, to_images, None, mean, std, result.train_seconds)


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


def sample_digits(net: EpsNet, cfg: DigitsDiffusionConfig, space: Space, per_class: int,
                  w: float, seed: int, record_t=()) -> dict:
    """per_class samples of every digit (interleaved: row i asks for digit i % 10) at guidance
    w, DDPM: {"images" (n, 64), "prompts" (n,), "traj" (F, 10, d), "seconds"}."""
    generator = torch.Generator().manual_seed(seed)
    n = per_class * N_CLASSES
    prompts = np.tile(np.arange(N_CLASSES), per_class)
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


def _sweep(net, cfg, space) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not cfg.conditional:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    agree, div = [], []
    for w in GUIDANCE_SWEEP:
        s = sample_digits(net, cfg, space, SWEEP_PER_CLASS, w, cfg.seed + 2)
        agree.append(agreement(s["images"], s["prompts"]))
        div.append(diversity(s["images"], s["prompts"]))
    return np.array(GUIDANCE_SWEEP), np.array(agree), np.array(div)


def _films(cfg, space: Space, schedule, frame_t, traj) -> tuple[np.ndarray, np.ndarray]:
    """The reverse film as images, and real test digits (one per class) pushed forward."""
    data = image_set("digits")
    first = [int(np.flatnonzero(data.y_test == c)[0]) for c in range(N_CLASSES)]
    real = data.X_test[first]
    if cfg.space == "latent":
        from core.latent.nets import encode

        vae = load_model(vae_config(cfg), runs.load_or_train(vae_config(cfg)))
        x0 = (encode(vae, real) - space.mean) / space.std
    else:
        x0 = 2 * real - 1
    forward = forward_chain(x0, schedule, frame_t, np.random.default_rng(cfg.seed))
    as_images = lambda a: np.stack([space.to_images(f.astype(np.float32))  # noqa: E731
                                    for f in a]).reshape(len(a), N_CLASSES, 8, 8)
    return as_images(traj), as_images(forward)


@trains_on_one_thread
def train_digits_diffusion(cfg: DigitsDiffusionConfig, *, device: torch.device,
                           on_progress: ProgressFn | None) -> DigitsDiffusionResult:
    space = latent_space(cfg, device) if cfg.space == "latent" else pixel_space()
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
    main = sample_digits(net, cfg, space, cfg.samples_per_class, cfg.guidance, cfg.seed + 1,
                         frame_t)
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


runs.register("diffusion_digits", DigitsDiffusionConfig, DigitsDiffusionResult,
              train_digits_diffusion)
