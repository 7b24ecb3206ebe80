"""The settings of one autoencoder run, checked when built: which variant, its net, its
regulariser and its training."""

from __future__ import annotations

from dataclasses import dataclass

from core.images import IMAGE_SETS
from core.validation import bad, check_choices, check_ranges, check_types

MODELS = ("plain", "denoising", "dropout", "sparse", "vae")
LIKELIHOODS = ("bernoulli", "gaussian")


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
        # the checks run in field order, so a config with two bad fields names the first
        check_types(self)
        check_choices(self, {"model": MODELS, "data": IMAGE_SETS})
        check_ranges(self, {"latent_dim": (1, 64), "hidden": (8, 1024), "layers": (1, 4),
                            "noise": (0, 1)})
        if not 0 <= self.dropout < 0.9:
            bad(self, "dropout", "use 0 to 0.9 (exclusive)")
        check_ranges(self, {"l1": (0, 10), "beta": (0, 100)})
        check_choices(self, {"likelihood": LIKELIHOODS})
        check_ranges(self, {"epochs": (1, 2000), "batch_size": (8, 4096)})
        if not 1e-5 <= self.lr <= 0.1:
            bad(self, "lr", "use 0.00001 to 0.1")
        check_ranges(self, {"probe_per_class": (1, 100)})
        if not 0 <= self.seed < 2**31:
            bad(self, "seed", "use 0 to 2147483647")

    @classmethod
    def tiny(cls, model: str = "vae") -> AEConfig:
        return cls(model=model, hidden=16, layers=1, epochs=2, batch_size=256)
