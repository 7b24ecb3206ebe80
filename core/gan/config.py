"""A GAN run's settings and the values of its game at the equilibrium.

The minimax game of Goodfellow et al. (2014),

    min_G max_D V(D, G) = E_{x ~ p_data}[log D(x)] + E_{z ~ p(z)}[log(1 - D(G(z)))],

has its Nash equilibrium at p_g = p_data, where D* = 1/2 everywhere and V = -log 4. The
constants below are those values in the units the trainer logs (losses, not V).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core import toy2d
from core.validation import check_choices, check_ranges, check_types

LOSSES = ("nonsaturating", "minimax")
OPTIMISERS = ("adam", "sgd")
ACTIVATIONS = ("tanh", "leaky_relu", "relu")
POOL_SIZE = 20_000          # the training set: one fixed sample of the data set
DATA_SEED = 0               # ... the same for every run, so runs differ only by their seed

# The equilibrium (p_g = p_data, D = 1/2) in the units the trainer logs.
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
        toy2d.check(self.data)
        check_choices(self, {"loss": LOSSES, "optimiser": OPTIMISERS, "activation": ACTIVATIONS})
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
