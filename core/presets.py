"""Named configurations that show one phenomenon each: ``<panel>.<name>``.

The pages open on them, ``python -m core run`` trains them, ``python -m core warm`` fills the
store with them before a class, and the tests check that each shows what it promises.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from core.autoencoders import AEConfig
from core.ngjordan import NgJordanConfig


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    config: Any


_ALL = [
    # Wine's naive-Bayes lead at small m is real but small (about half a percentage point),
    # so this preset averages 200 splits to lift it clearly above the split-to-split noise.
    Preset("ngjordan.wine", "Wine (cultivar 0 vs 1): NB leads at small m, LR overtakes near "
           "m = 20 and ends at half NB's error", NgJordanConfig(data="wine", n_splits=200)),
    Preset("ngjordan.breast_cancer", "Breast cancer (30 features): LR overtakes almost at once "
           "and ends at a third of NB's error", NgJordanConfig(data="breast_cancer")),
    Preset("ngjordan.iris", "Iris versicolor vs virginica (4 features): small d, the curves "
           "stay close", NgJordanConfig(data="iris")),
    Preset("ngjordan.digits", "8x8 digits 3 vs 8 (64 pixels): LR is ahead everywhere with "
           "the default prior", NgJordanConfig(data="digits", digit_a=3, digit_b=8)),
    Preset("ngjordan.nb_holds", "Synthetic, features independent given the class (NB's "
           "assumption holds): NB is ahead at every m", NgJordanConfig(data="nb_holds")),
    Preset("ngjordan.correlated", "Synthetic, correlated features (NB's assumption fails): a "
           "clear crossover near m = 100", NgJordanConfig(data="correlated")),
    Preset("ae.plain", "Plain autoencoder, 8x8 digits, 2-D code: L = ||x - x'||^2",
           AEConfig(model="plain")),
    Preset("ae.denoising", "Denoising autoencoder: noisy input (std 0.3), clean target",
           AEConfig(model="denoising", noise=0.3)),
    Preset("ae.dropout", "Dropout autoencoder: dropout 0.2 after the input and hidden layers",
           AEConfig(model="dropout", dropout=0.2)),
    Preset("ae.sparse", "Sparse autoencoder: 64 non-negative features and a linear decoder, "
           "L1 penalty on the code: each live feature draws one stroke and fires on a "
           "minority of the digits", AEConfig(model="sparse", latent_dim=64, l1=0.03)),
    Preset("vae.digits", "VAE on 8x8 digits, 2-D latent, Bernoulli p(x|z): ELBO = recon - KL",
           AEConfig(model="vae")),
    Preset("vae.mnist", "VAE on 5,000 28x28 MNIST digits, 2-D latent",
           AEConfig(model="vae", data="mnist", hidden=256, epochs=60, batch_size=128, lr=2e-3)),
]
PRESETS: dict[str, Preset] = {p.name: p for p in _ALL}


class UnknownPreset(ValueError):
    pass


def get(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownPreset(f"There is no preset {name!r}; the presets are "
                            f"{', '.join(PRESETS)}.") from None


def matching(pattern: str | None) -> list[Preset]:
    """Presets whose name matches a glob (``gan.*``) or contains the pattern."""
    if not pattern:
        return list(PRESETS.values())
    return [p for p in PRESETS.values()
            if fnmatch.fnmatch(p.name, pattern) or pattern in p.name]
