"""Autoencoders and the VAE (lecture: "Autoencoders" … "Variational Autoencoders").

One family of fully connected nets. The plain autoencoder minimises the slide's
L(x, x') = ||x - x'||^2; its variants regularise it: denoising (noise on the input, the clean
image as target), dropout (dropout layers force redundant features), sparse (an L1 penalty
sum_i |Enc_i(x)| on a non-negative code, read through a linear decoder so each unit is one
image that the decode adds in: the monosemanticity slide's "features"). The VAE maximises the
ELBO: its loss per image is

    L = -E_{z ~ q(z|x)}[log p(x|z)] + beta * KL(q(z|x) || p(z)),   p(z) = N(0, I),

with z = mu + sigma * eps (the reparameterisation trick) so the expectation has gradients.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core import runs
from core.device import trains_on_one_thread
from core.images import IMAGE_SETS, ImageSet, image_set
from core.progress import ProgressFn, report
from core.results import StoredResult
from core.validation import bad, check_types

MODELS = ("plain", "denoising", "dropout", "sparse", "vae")
LIKELIHOODS = ("bernoulli", "gaussian")
# The Gaussian likelihood's fixed pixel standard deviation: with sigma = 1 the KL term would
# swamp a reconstruction error of a few hundredths per pixel and the posterior collapses.
GAUSSIAN_SIGMA = 0.1
ACTIVE_THRESHOLD = 1e-3  # a sparse code unit is active on an image when it exceeds this
# The sparse code layer's initial bias: every unit starts on for every image, so each gets a
# gradient and finds a feature before the L1 penalty switches it off on most images. A ReLU
# unit that stops firing on every image never gets a gradient again: with torch's small random
# bias 25 to 36 of the 64 units ended dead (seeds 0-4, l1 = 0.03), with this one 15 to 22.
SPARSE_CODE_BIAS = 0.5
PROBE_DRAWS = 10      # random choices of the labelled images the probe's accuracy averages
PRIOR_SAMPLES = 500   # decodes of z ~ N(0, I) that prior_classes reads
PRIOR_SEED = 0        # the same z for every model: the number depends on the model alone
PURITY_TOP = 20       # feature_purity looks at each live unit's 20 strongest test images


@dataclass(frozen=True)
class AEConfig:
    """One autoencoder run. Defaults: a 2-D VAE on the 8x8 digits."""

    model: str = "vae"
    data: str = "digits"
    latent_dim: int = 2
    hidden: int = 128
    layers: int = 2               # hidden layers in the encoder, and again in the decoder
    noise: float = 0.3            # denoising: std of the Gaussian noise added to the input
    dropout: float = 0.2          # dropout: probability, after the input and hidden layers
    l1: float = 0.01              # sparse: weight of sum_i |Enc_i(x)| * ||decoder column i||
    beta: float = 1.0             # VAE: weight of the KL term
    likelihood: str = "bernoulli"  # VAE: p(x|z)
    epochs: int = 60
    batch_size: int = 64
    lr: float = 3e-3
    probe_per_class: int = 10     # labelled examples per class for the downstream probe
    seed: int = 0

    def __post_init__(self) -> None:
        check_types(self)
        if self.model not in MODELS:
            bad(self, "model", f"use one of {', '.join(MODELS)}")
        if self.data not in IMAGE_SETS:
            bad(self, "data", f"use one of {', '.join(IMAGE_SETS)}")
        if not 1 <= self.latent_dim <= 64:
            bad(self, "latent_dim", "use 1 to 64")
        if not 8 <= self.hidden <= 1024:
            bad(self, "hidden", "use 8 to 1024")
        if not 1 <= self.layers <= 4:
            bad(self, "layers", "use 1 to 4")
        if not 0 <= self.noise <= 1:
            bad(self, "noise", "use 0 to 1")
        if not 0 <= self.dropout < 0.9:
            bad(self, "dropout", "use 0 to 0.9 (exclusive)")
        if not 0 <= self.l1 <= 10:
            bad(self, "l1", "use 0 to 10")
        if not 0 <= self.beta <= 100:
            bad(self, "beta", "use 0 to 100")
        if self.likelihood not in LIKELIHOODS:
            bad(self, "likelihood", f"use one of {', '.join(LIKELIHOODS)}")
        if not 1 <= self.epochs <= 2000:
            bad(self, "epochs", "use 1 to 2000")
        if not 8 <= self.batch_size <= 4096:
            bad(self, "batch_size", "use 8 to 4096")
        if not 1e-5 <= self.lr <= 0.1:
            bad(self, "lr", "use 0.00001 to 0.1")
        if not 1 <= self.probe_per_class <= 100:
            bad(self, "probe_per_class", "use 1 to 100")
        if not 0 <= self.seed < 2**31:
            bad(self, "seed", "use 0 to 2147483647")

    @classmethod
    def tiny(cls, model: str = "vae") -> AEConfig:
        return cls(model=model, hidden=16, layers=1, epochs=2, batch_size=256)


def _mlp(sizes: list[int], dropout: float) -> nn.Sequential:
    """Linear-ReLU layers (dropout after each ReLU, and on the input when asked)."""
    layers: list[nn.Module] = [nn.Dropout(dropout)] if dropout else []
    for a, b in zip(sizes[:-2], sizes[1:-1], strict=True):
        layers += [nn.Linear(a, b), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """Encoder x -> code (VAE: mu and log sigma^2), decoder z -> pixel logits."""

    def __init__(self, cfg: AEConfig, n_pixels: int) -> None:
        super().__init__()
        self.cfg = cfg
        hidden = [cfg.hidden] * cfg.layers
        out = 2 * cfg.latent_dim if cfg.model == "vae" else cfg.latent_dim
        self.encoder = _mlp([n_pixels, *hidden, out], cfg.dropout if cfg.model == "dropout" else 0)
        # the sparse model's decoder is linear: x' = sigmoid(b + sum_i z_i w_i), so a unit's
        # column w_i is the one picture it adds, whatever the other units do
        decoder_hidden = [] if cfg.model == "sparse" else hidden[::-1]
        self.decoder = _mlp([cfg.latent_dim, *decoder_hidden, n_pixels], 0)
        if cfg.model == "sparse":
            nn.init.constant_(self.encoder[-1].bias, SPARSE_CODE_BIAS)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x: (n, p) -> (code or mu, log sigma^2 or None), each (n, k)."""
        h = self.encoder(x)
        if self.cfg.model == "vae":
            mu, logvar = h.chunk(2, dim=-1)
            return mu, logvar.clamp(-12, 8)
        if self.cfg.model == "sparse":
            return torch.relu(h), None  # non-negative code: "active" means above zero
        return h, None

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z: (n, k) -> pixel means in [0, 1], (n, p)."""
        return torch.sigmoid(self.decoder(z))


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag e^logvar) || N(0, I)) per row: 0.5 sum(mu^2 + sigma^2 - 1 - log sigma^2)."""
    return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(-1)


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z = mu + sigma * eps with eps ~ N(0, I) passed in, so the sample is differentiable."""
    return mu + torch.exp(0.5 * logvar) * eps


def reconstruction_nll(logits: torch.Tensor, x: torch.Tensor, likelihood: str) -> torch.Tensor:
    """-log p(x|z) per row (up to a constant for the Gaussian)."""
    if likelihood == "bernoulli":
        return nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
    return 0.5 * ((torch.sigmoid(logits) - x) ** 2).sum(-1) / GAUSSIAN_SIGMA**2


def loss_terms(model: Autoencoder, x: torch.Tensor, target: torch.Tensor,
               generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
    """The batch means of the loss and its terms for one minibatch."""
    cfg = model.cfg
    code, logvar = model.encode(x)
    if cfg.model == "vae":
        eps = torch.randn(code.shape, generator=generator, device=code.device)
        logits = model.decoder(reparameterise(code, logvar, eps))
        recon = reconstruction_nll(logits, target, cfg.likelihood).mean()
        kl = kl_to_standard_normal(code, logvar).mean()
        return {"loss": recon + cfg.beta * kl, "recon": recon, "kl": kl}
    recon = ((model.decode(code) - target) ** 2).sum(-1).mean()   # ||x - x'||^2
    terms = {"loss": recon, "recon": recon}
    if cfg.model == "sparse":
        # sum_i |Enc_i(x)|, each unit weighted by its decoder column's norm: otherwise the
        # model shrinks the code and grows the decoder, and the penalty stops biting
        l1 = (code.abs() * model.decoder[-1].weight.norm(dim=0)).sum(-1).mean()
        terms.update(loss=recon + cfg.l1 * l1, l1=l1)
    return terms


@dataclass(frozen=True)
class AEResult(StoredResult):
    """A trained autoencoder: its weights, test codes, histories and test metrics."""

    config_model: str
    data: str
    side: int
    weights: dict[str, np.ndarray]
    latent: np.ndarray            # (n_test, k): codes (VAE: posterior means) of the test split
    latent_var: np.ndarray        # (n_test, k): VAE's posterior variances (zeros for the rest)
    labels: np.ndarray            # (n_test,)
    loss_history: np.ndarray      # (epochs,) mean training loss per epoch
    recon_history: np.ndarray     # (epochs,) reconstruction term
    kl_history: np.ndarray        # (epochs,) VAE's KL term (zeros for the others)
    recon_mse: float
    kl: float | None
    active_fraction: float | None
    probe_accuracy: float
    pixel_probe_accuracy: float
    train_seconds: float         # the training loop alone
    # effective number of digit classes among decodes of z ~ N(0, I) (see prior_classes);
    # None in results stored before it existed (the store retrains those)
    prior_classes: float | None = None

    def metrics(self) -> dict[str, float | None]:
        """Test-split numbers. Beyond the fields: the sparse model's unit statistics
        (sparse_unit_stats; None for the other models), and how far the codes' aggregate
        posterior q(z) is from the prior N(0, I): qz_mean_offset = max_j |mean_j|, qz_cov_gap
        = max_jl |Cov_jl - I_jl| (0 and 0 where q(z) has the prior's mean and covariance)."""
        units = (sparse_unit_stats(self.latent, self.labels) if self.config_model == "sparse"
                 else dict.fromkeys(SPARSE_UNIT_STATS))
        mean, cov = self.aggregate_posterior()
        return {"recon_mse": self.recon_mse, "kl": self.kl,
                "active_fraction": self.active_fraction, **units,
                "probe_accuracy": self.probe_accuracy,
                "pixel_probe_accuracy": self.pixel_probe_accuracy,
                "prior_classes": self.prior_classes,
                "qz_mean_offset": float(np.abs(mean).max()),
                "qz_cov_gap": float(np.abs(cov - np.eye(len(mean))).max()),
                "train_seconds": self.train_seconds}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"latent": self.latent, "labels": self.labels, "loss_history": self.loss_history}

    def history(self) -> dict[str, np.ndarray]:
        return {"loss": self.loss_history, "recon": self.recon_history, "kl": self.kl_history}

    def aggregate_posterior(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and covariance of q(z) = mean over test images of q(z|x) (a mixture):
        cov = cov of the means + mean of the per-image variances."""
        return self.latent.mean(0), np.cov(self.latent.T, ddof=0) + np.diag(
            self.latent_var.mean(0))


SPARSE_UNIT_STATS = ("live_units_fraction", "live_unit_max_firing", "live_unit_mean_firing",
                     "feature_purity")


def sparse_unit_stats(latent: np.ndarray, labels: np.ndarray) -> dict[str, float | None]:
    """The sparse code's units on the test split. A unit fires on an image when its code
    exceeds ACTIVE_THRESHOLD; it is live when it fires on at least one test image.

    live_units_fraction: live units / all units. live_unit_max_firing, live_unit_mean_firing:
    the largest and the mean, over live units, of the share of test images a unit fires on.
    feature_purity: mean over live units of the share of the most common digit among the unit's
    PURITY_TOP strongest test images (chance is about 0.1). The last three are None where no
    unit is live."""
    firing = (latent > ACTIVE_THRESHOLD).mean(0)
    live = np.flatnonzero(firing > 0)
    if not len(live):
        return {"live_units_fraction": 0.0, "live_unit_max_firing": None,
                "live_unit_mean_firing": None, "feature_purity": None}
    top = np.argsort(-latent[:, live], axis=0)[:PURITY_TOP]          # (top, live)
    purity = [np.bincount(labels[top[:, i]]).max() / len(top) for i in range(len(live))]
    return {"live_units_fraction": len(live) / latent.shape[1],
            "live_unit_max_firing": float(firing[live].max()),
            "live_unit_mean_firing": float(firing[live].mean()),
            "feature_purity": float(np.mean(purity))}


def nearest_neighbour_digits(data: ImageSet, images: np.ndarray, k: int = 5) -> np.ndarray:
    """The digit a k-nearest-neighbour vote among the training images reads in each image
    (n, p): a judge that needs no fitting (99 % right on the 8x8 digits' test split, 92 % on
    MNIST's)."""
    dist = torch.cdist(torch.as_tensor(images, dtype=torch.float32),
                       torch.as_tensor(data.X_train))
    votes = data.y_train[dist.topk(k, largest=False).indices.numpy()]          # (n, k)
    counts = np.apply_along_axis(np.bincount, 1, votes, minlength=10)
    return counts.argmax(1)


def effective_classes(predicted: np.ndarray) -> float:
    """exp(entropy) of the class shares: 10 when ten digits come equally often, 1 when one
    digit is all there is, about 5 when five digits share the samples."""
    share = np.bincount(predicted) / len(predicted)
    share = share[share > 0]
    return float(np.exp(-(share * np.log(share)).sum()))


def prior_classes(model: Autoencoder, data: ImageSet, n: int = PRIOR_SAMPLES,
                  seed: int = PRIOR_SEED) -> float:
    """Variety of what the model makes when sampled like a VAE: decode n z ~ N(0, I) (a fixed
    seed), read each decode's digit by nearest_neighbour_digits and return the effective number
    of classes among them. Where the codes fill N(0, I) every digit comes up; where N(0, I)
    covers only part of the codes the samples repeat the few digits there."""
    images = decode(model, prior_z(model.cfg.latent_dim, n, seed))
    return effective_classes(nearest_neighbour_digits(data, images.reshape(n, -1)))


def corrupt(x: torch.Tensor, cfg: AEConfig, generator: torch.Generator) -> torch.Tensor:
    """The denoising autoencoder's input: x plus Gaussian noise, clipped to [0, 1]."""
    noise = torch.randn(x.shape, generator=generator, device=x.device)
    return (x + cfg.noise * noise).clamp(0, 1)


def probe_accuracy(train_X: np.ndarray, train_y: np.ndarray, test_X: np.ndarray,
                   test_y: np.ndarray, per_class: int, seed: int, draws: int = PROBE_DRAWS
                   ) -> float:
    """The downstream task with few labels: logistic regression on `per_class` labelled
    examples per class, accuracy on test, averaged over `draws` random choices of the labelled
    examples (one choice of 10 to 50 images moves the accuracy by several points). The
    features are standardised with the whole training split's statistics: those need no
    labels (the autoencoder trained on the same images), and 10 labelled rows are too few to
    estimate a scale from."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits  # ships with scikit-learn

    rng = np.random.default_rng(seed)
    scaler = StandardScaler().fit(train_X)
    train_Z, test_Z = scaler.transform(train_X), scaler.transform(test_X)
    accuracies = []
    with threadpool_limits(1):   # tiny fits: BLAS threads only spin (10x slower on a busy CPU)
        for _ in range(draws):
            few = np.concatenate([rng.choice(np.flatnonzero(train_y == c), per_class,
                                             replace=False) for c in np.unique(train_y)])
            probe = LogisticRegression(max_iter=2000).fit(train_Z[few], train_y[few])
            accuracies.append((probe.predict(test_Z) == test_y).mean())
    return float(np.mean(accuracies))


@trains_on_one_thread
def train_autoencoder(cfg: AEConfig, *, device: torch.device,
                      on_progress: ProgressFn | None) -> AEResult:
    data = image_set(cfg.data)
    torch.manual_seed(cfg.seed)
    generator = torch.Generator(device=device).manual_seed(cfg.seed)
    model = Autoencoder(cfg, data.X_train.shape[1]).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    X = torch.as_tensor(data.X_train, device=device)
    n = len(X)
    history = {"loss": [], "recon": [], "kl": []}
    start = time.perf_counter()
    for epoch in range(cfg.epochs):
        model.train()
        totals = {"loss": 0.0, "recon": 0.0, "kl": 0.0}
        order = torch.randperm(n, generator=generator, device=device)
        for batch in order.split(cfg.batch_size):
            target = X[batch]
            x = corrupt(target, cfg, generator) if cfg.model == "denoising" else target
            terms = loss_terms(model, x, target, generator)
            optimiser.zero_grad(set_to_none=True)
            terms["loss"].backward()
            optimiser.step()
            for name in totals:
                if name in terms:
                    totals[name] += terms[name].item() * len(batch)
        for name in history:
            history[name].append(totals[name] / n)
        report(on_progress, (epoch + 1) / cfg.epochs,
               f"epoch {epoch + 1}/{cfg.epochs}, loss {history['loss'][-1]:.3f}",
               partial={name: np.array(values) for name, values in history.items()})
    # the training loop's time (what a steps-per-second comparison needs), not the evaluation's
    return _evaluate(cfg, model, data, history, time.perf_counter() - start)


@torch.no_grad()
def _evaluate(cfg: AEConfig, model: Autoencoder, data: ImageSet, history: dict,
              seconds: float) -> AEResult:
    model.eval()
    device = next(model.parameters()).device
    X_test = torch.as_tensor(data.X_test, device=device)
    code, logvar = model.encode(X_test)
    recon = model.decode(code)
    train_code = model.encode(torch.as_tensor(data.X_train, device=device))[0].cpu().numpy()
    latent = code.cpu().numpy()
    return AEResult(
        config_model=cfg.model, data=cfg.data, side=data.side,
        weights={k: v.detach().cpu().numpy() for k, v in model.state_dict().items()},
        latent=latent, labels=data.y_test,
        latent_var=(logvar.exp().cpu().numpy() if logvar is not None
                    else np.zeros_like(latent)),
        loss_history=np.array(history["loss"]), recon_history=np.array(history["recon"]),
        kl_history=np.array(history["kl"]),
        recon_mse=float(((recon - X_test) ** 2).mean()),
        kl=float(kl_to_standard_normal(code, logvar).mean()) if cfg.model == "vae" else None,
        active_fraction=(float((latent > ACTIVE_THRESHOLD).mean())
                         if cfg.model == "sparse" else None),
        probe_accuracy=probe_accuracy(train_code, data.y_train, latent, data.y_test,
                                      cfg.probe_per_class, cfg.seed),
        pixel_probe_accuracy=probe_accuracy(data.X_train, data.y_train, data.X_test,
                                            data.y_test, cfg.probe_per_class, cfg.seed),
        train_seconds=seconds, prior_classes=prior_classes(model, data))


def load_model(cfg: AEConfig, result: AEResult) -> Autoencoder:
    """The trained network back from a result's weights, on the CPU, in eval mode."""
    model = Autoencoder(cfg, result.side * result.side)
    model.load_state_dict({k: torch.as_tensor(v) for k, v in result.weights.items()})
    return model.eval()


runs.register("autoencoder", AEConfig, AEResult, train_autoencoder)


@torch.no_grad()
def decode(model: Autoencoder, z: np.ndarray) -> np.ndarray:
    """Decoded images for codes z: (n, k) -> (n, side, side) pixel means in [0, 1]."""
    images = model.decode(torch.as_tensor(np.asarray(z, dtype=np.float32))).numpy()
    side = int(round(np.sqrt(images.shape[1])))
    return images.reshape(len(images), side, side)


def latent_extent(result: AEResult, margin: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Low and high corners (k,) of the test codes' range, widened by a margin."""
    lo, hi = np.percentile(result.latent, 1, axis=0), np.percentile(result.latent, 99, axis=0)
    pad = margin * (hi - lo)
    return lo - pad, hi + pad


def manifold(model: Autoencoder, result: AEResult, n: int = 12) -> tuple[np.ndarray, np.ndarray,
                                                                         np.ndarray]:
    """Decodes over an n x n grid of a 2-D latent range: (n, n, side, side), and the axes."""
    lo, hi = latent_extent(result)
    z1, z2 = np.linspace(lo[0], hi[0], n), np.linspace(hi[1], lo[1], n)  # top row: high z2
    grid = np.stack(np.meshgrid(z1, z2), -1).reshape(-1, 2)
    images = decode(model, grid)
    return images.reshape(n, n, *images.shape[1:]), z1, z2


@torch.no_grad()
def encode(model: Autoencoder, x: np.ndarray) -> np.ndarray:
    """Codes (VAE: posterior means) of images x: (n, p) -> (n, k)."""
    return model.encode(torch.as_tensor(np.asarray(x, dtype=np.float32)))[0].numpy()


def interpolate(model: Autoencoder, x_a: np.ndarray, x_b: np.ndarray, steps: int = 9
                ) -> tuple[np.ndarray, np.ndarray]:
    """Walk from image a to image b: decoded along the straight line between their codes,
    and the pixel-space blend (1 - t) x_a + t x_b. Both (steps, side, side)."""
    t = np.linspace(0, 1, steps)[:, None]
    z_a, z_b = encode(model, np.stack([x_a, x_b]))
    side = int(round(np.sqrt(x_a.size)))
    blend = ((1 - t) * x_a + t * x_b).reshape(steps, side, side)
    return decode(model, (1 - t) * z_a + t * z_b), blend


def prior_z(latent_dim: int, n: int, seed: int) -> np.ndarray:
    """n draws of z ~ N(0, I), (n, latent_dim) float32."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def prior_samples(model: Autoencoder, n: int, seed: int) -> np.ndarray:
    """Decodes of z ~ N(0, I): what the model generates when sampled like a VAE."""
    return decode(model, prior_z(model.cfg.latent_dim, n, seed))


def feature_images(model: Autoencoder, result: AEResult) -> np.ndarray:
    """What each code unit draws: the ink it adds at its largest test activation a_i,
    decode(a_i e_i) - decode(0), scaled so each unit's darkest pixel is 1. (k, side, side)."""
    k = result.latent.shape[1]
    codes = np.vstack([np.diag(np.maximum(result.latent.max(0), 1e-3)), np.zeros((1, k))])
    images = decode(model, codes.astype(np.float32))
    ink = np.clip(images[:k] - images[k], 0, None)
    return ink / np.maximum(ink.max(axis=(1, 2), keepdims=True), 1e-6)


def steer(model: Autoencoder, x: np.ndarray, unit: int, value: float) -> np.ndarray:
    """Feature steering (the monosemanticity slide): encode x, clamp one unit, decode."""
    z = encode(model, x[None])
    z[0, unit] = value
    return decode(model, z)[0]


def denoise_examples(model: Autoencoder, cfg: AEConfig, x: np.ndarray, seed: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Noisy inputs (as in training) and the model's outputs for them, both (n, side, side)."""
    generator = torch.Generator().manual_seed(seed)
    noisy = corrupt(torch.as_tensor(x), cfg, generator)
    with torch.no_grad():
        clean = model.decode(model.encode(noisy)[0]).numpy()
    side = int(round(np.sqrt(x.shape[1])))
    return noisy.numpy().reshape(-1, side, side), clean.reshape(-1, side, side)
