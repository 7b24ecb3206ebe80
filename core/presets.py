"""Named configurations that show one phenomenon each: ``<panel>.<name>``.

The pages open on them, ``python -m core run`` trains them, ``python -m core warm`` fills the
store with them before a class, and the tests check that each shows what it promises.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from core.autoencoders import AEConfig
from core.diffusion import DiffusionConfig
from core.diffusion_digits import DigitsDiffusionConfig
from core.gan import GANConfig
from core.gan_seeds import PhaseConfig
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
    Preset("gan.healthy", "Non-saturating GAN on the 8-Gaussian ring: all 8 modes covered, D(x) "
           "settles near 1/2 and the losses near their equilibrium values", GANConfig()),
    # Leaky-ReLU nets with one noise dimension: G folds its one line onto few modes and the
    # mass hops between them as D learns to reject each (tanh nets spread over all eight).
    Preset("gan.collapse", "Mode collapse: watch the bar per mode, G puts its samples on 2 or 3 "
           "of the 8 modes", GANConfig(activation="leaky_relu", noise_dim=1)),
    Preset("gan.oscillation", "Oscillation: with k = 2 and leaky-ReLU nets the D and G losses "
           "swing in anti-phase and the generated mass hops from mode to mode",
           GANConfig(activation="leaky_relu", k=2)),
    # SGD with momentum, as in the 2014 paper: Adam would rescale the vanishing minimax
    # gradient back to a normal step and hide the very effect this preset shows.
    Preset("gan.minimax", "Minimax vs non-saturating from the same state (D trained 300 steps "
           "ahead): compare G's gradient norms, the minimax G barely moves",
           GANConfig(loss="minimax", optimiser="sgd", beta1=0.5, lr_d=0.1, lr_g=1e-3,
                     d_pretrain=300, compare_losses=True, steps=2000)),
    Preset("gan.strong_d", "Discriminator too strong (k = 5, wide D, minimax loss): D(G(z)) "
           "falls to 0 and G's gradient norm vanishes",
           GANConfig(loss="minimax", optimiser="sgd", beta1=0.9, k=5, lr_d=0.05, lr_g=0.001,
                     d_hidden=128, steps=1500)),
    Preset("gan.weak_d", "Discriminator too weak (8 units, lr 1e-5): D(G(z)) stays above "
           "D(x) and G's samples drift away from the data",
           GANConfig(d_hidden=8, d_layers=1, lr_d=1e-5)),
    Preset("gan.phase", "Learning-rate phase diagram: modes covered over a 5 x 5 lr_D x lr_G "
           "grid, 2 seeds a cell; look for the healthy band near lr_D = lr_G",
           PhaseConfig()),
    Preset("diffusion.ring", "Diffusion on the 8-Gaussian ring: drag t and watch the eight modes "
           "dissolve into N(0, I) on the left and condense back on the right; every mode is "
           "covered, where a GAN may collapse", DiffusionConfig(data="ring")),
    Preset("diffusion.moons", "Diffusion on two moons: the reverse process finds the rough "
           "shape early and sharpens the arcs only in the last steps; compare DDPM's 100 steps "
           "with DDIM's 10", DiffusionConfig(data="moons")),
    Preset("diffusion.swissroll", "Diffusion on the swiss roll: at small t the noise field "
           "points across the spiral onto its nearest arm; DDIM with 5 steps leaves points "
           "between the arms", DiffusionConfig(data="swissroll")),
    Preset("diffusion.digits", "DDPM on the 8x8 digits, no prompt (200 cosine steps): drag t to "
           "watch noise turn into digits; the classifier's counts show it makes every digit",
           DigitsDiffusionConfig(conditional=False, guidance=0.0)),
    Preset("diffusion.digits_cfg", "Class-conditional DDPM with classifier-free guidance "
           "(w = 2): pick the digit, then read the sweep: as w grows, agreement with the prompt "
           "rises and diversity falls", DigitsDiffusionConfig()),
    Preset("diffusion.latent", "Latent diffusion: the same conditional diffusion on the 8-D "
           "codes of a VAE, then decoded; compare its times, agreement and diversity with "
           "diffusion.digits_cfg: the decodes are blurrier and less varied",
           DigitsDiffusionConfig(space="latent")),
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
