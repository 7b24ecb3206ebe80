"""A VAE of 2-D points, the ring's VAE for the compare panel (lecture: "Variational
Autoencoders", the ELBO), trained as a batched ensemble.

The latent panel's VAE (core.latent) models images; the ring needs one for points:
q_phi(z|x) = N(mu(x), diag sigma^2(x)), p(z) = N(0, I), and a Gaussian likelihood
p_theta(x|z) = N(m(z), diag s^2) whose scale s is learned with the rest, so the ELBO

    ELBO(x) = E_q[log p_theta(x|z)] - KL(q_phi(z|x) || p(z))

is a bound on a density and reads like the diffusion model's bound (nats per dimension).
Samples are drawn from the model, x = m(z) + s * noise with z ~ N(0, I): the distribution
the VAE claims, blur included.

E members train at once with stacked weights (core.gan.mlp, core.gan.optim: one batched
product per layer, each member its own seed and learning rate), as the GAN's ensembles do.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from core import toy2d
from core.gan.config import GANConfig
from core.gan.mlp import init_mlp, mlp
from core.gan.optim import EnsembleOptimiser
from core.latent.losses import kl_to_standard_normal, reparameterise
from core.progress import ProgressFn, report

LATENT = 2
HIDDEN = 64
LAYERS = 2
BASE_LR = 3e-3
STEPS = 3000
BATCH = 128                   # 256 drew the same ring, at 1.8x the time
POOL_SIZE = 20_000            # one fixed sample of the ring, as the GAN and diffusion use
DATA_SEED = 0
ADAM = GANConfig(beta1=0.9)   # torch.optim.Adam's betas, for the ensemble optimiser
LOG_2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class RingVAE:
    """A trained ensemble: encoder and decoder weights (E, in, out), the likelihood's log s."""

    encoder: list[torch.Tensor]
    decoder: list[torch.Tensor]
    log_s: torch.Tensor          # (E, 1, 2)
    train_seconds: float

    @property
    def E(self) -> int:
        return len(self.log_s)

    @torch.no_grad()
    def sample(self, n: int, seed: int) -> np.ndarray:
        """n points from each member's p_theta(x) = int p_theta(x|z) p(z) dz: (E, n, 2)."""
        g = torch.Generator().manual_seed(seed)
        z = torch.randn(self.E, n, LATENT, generator=g)
        noise = torch.randn(self.E, n, 2, generator=g)
        return (mlp(self.decoder, z, "tanh") + self.log_s.exp() * noise).numpy()

    def sample_seconds(self, n: int = 1000) -> float:
        """Seconds for one member to draw n samples (one decoder pass)."""
        one = RingVAE([w[:1] for w in self.encoder], [w[:1] for w in self.decoder],
                      self.log_s[:1], 0.0)
        start = time.perf_counter()
        one.sample(n, 0)
        return time.perf_counter() - start

    @torch.no_grad()
    def nll_bound(self, x0: np.ndarray, seed: int = 0, draws: int = 8) -> np.ndarray:
        """-ELBO in nats per dimension on held-out points x0 (n, 2), each member's: (E,).
        An upper bound on -log p_theta(x0); E_q is averaged over ``draws`` codes."""
        x = torch.as_tensor(np.asarray(x0, dtype=np.float32)).expand(self.E, -1, -1)
        g = torch.Generator().manual_seed(seed)
        total = torch.zeros(self.E, dtype=torch.float64)
        for _ in range(draws):
            total += negative_elbo(self, x, g).double().mean(1)
        return (total / draws / 2).numpy()


def negative_elbo(vae: RingVAE, x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """-ELBO of each point, one code drawn from q_phi(z|x): (E, n)."""
    h = mlp(vae.encoder, x, "tanh")
    mu, logvar = h[..., :LATENT], h[..., LATENT:]
    z = reparameterise(mu, logvar, torch.randn(mu.shape, generator=g))
    m = mlp(vae.decoder, z, "tanh")
    log_s = vae.log_s
    recon = 0.5 * (((x - m) / log_s.exp()) ** 2 + 2 * log_s + LOG_2PI).sum(-1)
    return recon + kl_to_standard_normal(mu, logvar)


def train_ring_vae(seeds: list[int], lr_scales: list[float], *, steps: int = STEPS,
                   device: torch.device | None = None, on_progress: ProgressFn | None = None,
                   share: tuple[float, float] = (0.0, 1.0), data: str = "ring") -> RingVAE:
    """Adam on -ELBO over minibatches of ``data`` (a 2-D set); member i from seeds[i] at
    BASE_LR * lr_scales[i]. Runs on the CPU (a few thousand tiny steps)."""
    encoder = [p.requires_grad_() for p in init_mlp([2, *[HIDDEN] * LAYERS, 2 * LATENT],
                                                     seeds, 0)]
    decoder = [p.requires_grad_() for p in init_mlp([LATENT, *[HIDDEN] * LAYERS, 2], seeds, 1)]
    log_s = torch.full((len(seeds), 1, 2), math.log(0.5), requires_grad=True)
    params = [*encoder, *decoder, log_s]
    lr = torch.as_tensor(BASE_LR * np.asarray(lr_scales, dtype=np.float32))
    optimiser = EnsembleOptimiser(params, lr, ADAM)
    pool = torch.as_tensor(toy2d.sample(data, POOL_SIZE, DATA_SEED))
    g = torch.Generator().manual_seed(seeds[0])
    vae = RingVAE(encoder, decoder, log_s, 0.0)
    start = time.perf_counter()
    for step in range(1, steps + 1):
        x = pool[torch.randint(POOL_SIZE, (len(seeds), BATCH), generator=g)]
        loss = negative_elbo(vae, x, g).mean(1).sum()
        optimiser.step(torch.autograd.grad(loss, params))
        if step % 250 == 0 or step == steps:
            report(on_progress, share[0] + share[1] * step / steps,
                   f"VAE: step {step}/{steps}")
    detach = lambda ws: [w.detach() for w in ws]  # noqa: E731
    return RingVAE(detach(encoder), detach(decoder), log_s.detach(),
                   time.perf_counter() - start)
