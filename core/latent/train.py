"""Training an autoencoder or the VAE, and its run: the result a page, the CLI and the store
share (weights, test codes, loss histories and the test-split metrics)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from core.device import trains_on_one_thread
from core.images import ImageSet, image_set
from core.latent.config import AEConfig
from core.latent.losses import corrupt, kl_to_standard_normal, loss_terms
from core.latent.metrics import (
    ACTIVE_THRESHOLD,
    SPARSE_UNIT_STATS,
    code_and_pixel_probes,
    prior_classes,
    sparse_unit_stats,
)
from core.latent.nets import Autoencoder
from core.progress import ProgressFn, report
from core.results import StoredResult


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
    codes_probe, pixels_probe = code_and_pixel_probes(train_code, latent, data,
                                                      cfg.probe_per_class, cfg.seed)
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
        probe_accuracy=codes_probe, pixel_probe_accuracy=pixels_probe,
        train_seconds=seconds, prior_classes=prior_classes(model, data))
