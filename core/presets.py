"""Named configurations that show one phenomenon each: ``<panel>.<name>``.

The pages open on them, ``python -m core run`` trains them, ``python -m core warm`` fills the
store with them before a class. Each carries its promise, the claims of its texts as checks on
the run's metrics; the page and the CLI report it and the tests hold every preset to it.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.diffusion.digits import DigitsDiffusionConfig
from core.diffusion.toy import DiffusionConfig
from core.gan.config import GANConfig
from core.gan.seeds import PhaseConfig
from core.gen_vs_disc.config import NgJordanConfig
from core.latent.config import AEConfig
from core.promises import SEEDS, Check, checks, keep


@dataclass(frozen=True)
class Preset:
    """A named config with what it shows, in three voices, and that claim as checks.

    ``description`` is the one line of ``python -m core list``; ``label`` names it in the
    page's picker; ``look_at`` tells a student where to look once it has trained. Every claim
    the three make is in ``promise`` as a check on the run's metrics (core.promises), and
    ``config.seed``, the seed the page opens on, is one on which the promise holds.
    ``holds_on`` lists the seeds of promises.SEEDS on which it holds, as measured on the CPU
    (the slow tests measure it again): the page's "it shows in k of 5 seeds".
    """

    name: str
    label: str
    description: str
    look_at: str
    promise: tuple[Check, ...]
    config: Any
    holds_on: tuple[int, ...] = tuple(SEEDS)

    def __post_init__(self) -> None:
        if not self.promise:
            raise ValueError(f"preset {self.name} promises nothing: give it checks.")
        if self.config.seed not in self.holds_on:
            raise ValueError(f"preset {self.name} opens on seed {self.config.seed}, where its "
                             f"promise does not hold (it holds on {self.holds_on}).")


def _preset(name: str, label: str, description: str, look_at: str, promise: tuple[str, ...],
            config: Any, holds_on: tuple[int, ...] = tuple(SEEDS)) -> Preset:
    return Preset(name, label, description, look_at, checks(promise), config, holds_on)


_ALL = [
    # Wine's naive-Bayes lead at small m is real but small (about half a percentage point),
    # so this preset averages 200 splits to lift it clearly above the split-to-split noise.
    _preset("ngjordan.wine", "Wine (cultivar 0 vs 1, 13 features)",
            "Wine (cultivar 0 vs 1): NB leads at small m beyond the noise, LR overtakes near "
            "m = 20 and ends below half NB's error",
            "Naive Bayes is ahead on the smallest training sets, by more than the split-to-split "
            "noise; logistic regression overtakes near m = 20 and ends with less than half of "
            "naive Bayes' error: Ng & Jordan's two regimes on real data.",
            ("nb_lead_z >= 2", "m_star >= 12", "m_star <= 35", "lr_nb_error_ratio <= 0.5"),
            NgJordanConfig(data="wine", n_splits=200)),
    _preset("ngjordan.breast_cancer", "Breast cancer (30 features)",
            "Breast cancer (30 features): LR overtakes within 20 examples and ends below half "
            "NB's error", "Logistic regression overtakes within the first 20 examples (naive "
            "Bayes' early lead is within the noise) and ends with less than half of naive "
            "Bayes' error: with 30 correlated features NB's asymptotic error is high.",
            ("m_star <= 20", "nb_lead_z < 2", "lr_lead_final_z >= 2",
             "lr_nb_error_ratio <= 0.5"),
            NgJordanConfig(data="breast_cancer")),
    _preset("ngjordan.iris", "Iris versicolor vs virginica (4 features)",
            "Iris versicolor vs virginica (4 features): small d, the curves end within 2 "
            "points of each other", "With only 4 features both models learn fast and end "
            "within 2 percentage points of each other: with small d there is little room "
            "between the two regimes.",
            ("lr_lead_final <= 0.02", "lr_lead_final >= -0.02"), NgJordanConfig(data="iris")),
    _preset("ngjordan.digits", "8x8 digits, a pair you choose (64 pixels)",
            "8x8 digits 3 vs 8 (64 pixels): LR is ahead at every m with the default prior and "
            "ends at a fifth of NB's error", "Logistic regression is ahead at every m: its "
            "prior (C = 1) keeps it from overfitting the small sets, and it ends with a fifth "
            "of naive Bayes' error.",
            ("crossover == 0", "lr_lead_final_z >= 2", "lr_nb_error_ratio <= 0.2"),
            NgJordanConfig(data="digits", digit_a=3, digit_b=8), holds_on=(0, 1, 2, 3)),
    _preset("ngjordan.nb_holds", "Synthetic: naive Bayes' assumption holds",
            "Synthetic, features independent given the class (NB's assumption holds): NB leads "
            "at small m and is still ahead with the whole pool, no crossover", "The features "
            "are independent given the class, so naive Bayes' model is right: it leads beyond "
            "the noise at small m and is still ahead, beyond the noise, with the whole pool. "
            "There is no crossover.",
            ("crossover == 0", "nb_lead_z >= 2", "lr_lead_final_z <= -2"),
            NgJordanConfig(data="nb_holds")),
    _preset("ngjordan.correlated", "Synthetic: correlated features (assumption fails)",
            "Synthetic, correlated features (NB's assumption fails): a clear crossover between "
            "m = 50 and 200", "Naive Bayes leads beyond the noise at small m, logistic "
            "regression overtakes between m = 50 and 200 and ends ahead beyond the noise: "
            "the correlated features cost naive Bayes its asymptote.",
            ("nb_lead_z >= 2", "m_star >= 50", "m_star <= 200", "lr_lead_final_z >= 2"),
            NgJordanConfig(data="correlated")),
    # The AE presets' checks: qz_cov_gap, the largest |Cov(codes) - I| entry (how far the codes
    # are from N(0, I)); prior_classes, the effective number of digit classes among decodes
    # of z ~ N(0, I) (10: every digit equally often).
    _preset("ae.plain", "Plain autoencoder",
            "Plain autoencoder, 8x8 digits, 2-D code: L = ||x - x'||^2; nothing pulls its codes "
            "to N(0, I), so its prior samples repeat a few digits",
            "The map: the codes spread far beyond the dashed circles of N(0, I) (their "
            "covariance is far from I), so decodes of z ~ N(0, I) look like digits but repeat a "
            "few of them (at most 7.5 effective classes of 10). Two numbers keep too little for "
            "the probe: the pixels beat the 2-D codes.",
            ("recon_mse <= 0.036", "qz_cov_gap >= 1", "prior_classes <= 7.5",
             "probe_accuracy < pixel_probe_accuracy"), AEConfig(model="plain")),
    _preset("ae.denoising", "Denoising autoencoder",
            "Denoising autoencoder: noisy input (std 0.3), clean target",
            "Below the curves: noisy inputs on top, their decodes under them. The loss compares "
            "each decode with the clean image, never with the noisy one.",
            ("recon_mse <= 0.036", "qz_cov_gap >= 1"), AEConfig(model="denoising", noise=0.3)),
    _preset("ae.dropout", "Dropout autoencoder",
            "Dropout autoencoder: dropout 0.2 after the input and hidden layers",
            "Dropout drops a fifth of the inputs and hidden units at random in training: compare "
            "its map and its error with the plain autoencoder's.",
            ("recon_mse <= 0.036", "qz_cov_gap >= 1"), AEConfig(model="dropout", dropout=0.2)),
    _preset("ae.sparse", "Sparse autoencoder (64 features)",
            "Sparse autoencoder: 64 non-negative features, a linear decoder and an L1 penalty on "
            "the code: most units live, each firing on under half of the digits; with 10 labels "
            "per digit its codes beat the pixels",
            "The dictionary: more than half of the 64 units are live, each fires on under half "
            "of the digits, and the 20 images that excite a unit most are, on average over the "
            "live units, mostly one digit. With 10 labelled images per digit, a probe on these "
            "codes beats the same probe on the pixels, by a small margin.",
            ("recon_mse <= 0.015", "active_fraction <= 0.3", "live_units_fraction > 0.5",
             "live_unit_max_firing < 0.5", "feature_purity >= 0.5",
             "probe_accuracy > pixel_probe_accuracy"),
            AEConfig(model="sparse", latent_dim=64, l1=0.035)),
    _preset("vae.digits", "VAE (8x8 digits)",
            "VAE on 8x8 digits, 2-D latent, Bernoulli p(x|z): ELBO = recon - KL; its codes fill "
            "N(0, I), so its prior samples draw more kinds of digit than the plain AE's",
            "The map: the codes fill the dashed circles of N(0, I) (mean near 0, covariance "
            "near I), so decodes of z ~ N(0, I) read as 8.5 or more effective digit classes of "
            "10, more than the plain autoencoder's. Two numbers keep too little for the probe: "
            "the pixels beat the 2-D codes.",
            ("recon_mse <= 0.04", "kl >= 1", "qz_mean_offset <= 0.25", "qz_cov_gap <= 0.3",
             "prior_classes >= 8.5", "prior_classes > prior_classes@ae.plain",
             "probe_accuracy < pixel_probe_accuracy"), AEConfig(model="vae")),
    _preset("vae.mnist", "VAE (28x28 MNIST, 5,000 digits)",
            "VAE on 5,000 28x28 MNIST digits, 2-D latent: its codes fill N(0, I) and its prior "
            "samples draw nearly every digit",
            "The same VAE on larger images: the codes roughly fill the dashed circles of N(0, I) "
            "(covariance within 0.6 of I, mean within 0.25 of 0), and "
            "decodes of z ~ N(0, I) read as 8.5 or more effective digit classes of 10.",
            ("recon_mse <= 0.045", "qz_mean_offset <= 0.25", "qz_cov_gap <= 0.6",
             "prior_classes >= 8.5"),
            AEConfig(model="vae", data="mnist", hidden=256, epochs=60, batch_size=128, lr=2e-3)),
    # 4,000 steps: at 3,000 a seed can be caught in a passing dip to 6 modes
    _preset("gan.healthy", "Healthy: non-saturating loss, all 8 modes",
            "Non-saturating GAN on the 8-Gaussian ring: all 8 modes covered, D(G(z)) settles "
            "near 1/2 and both losses near their equilibrium values",
            "Play the film: the purple samples spread out from the centre and settle on all "
            "eight modes, D(x) fades towards 1/2 (white) and both losses level off near their "
            "equilibrium lines.",
            ("modes_covered >= 8", "d_fake_final >= 0.4", "d_fake_final <= 0.6",
             "d_real_final >= 0.4", "d_real_final <= 0.6", "d_loss_offset >= -0.1",
             "d_loss_offset <= 0.1", "g_loss_offset >= -0.15", "g_loss_offset <= 0.15"),
            GANConfig(steps=4000)),
    # Leaky-ReLU nets with one noise dimension: G folds its one line onto few modes and the
    # mass flips between neighbouring ones as D learns to reject each (tanh nets spread
    # over all eight).
    _preset("gan.collapse", "Mode collapse",
            "Mode collapse: watch the bar per mode, G puts its samples on 2 or 3 of the 8 modes "
            "and in the second half of training visits no more than 5",
            "Play the film: the generator piles its samples onto 2 or 3 modes and D's red patch "
            "chases them there; the bars of the other modes stay under the 1 % that counts as "
            "covered.",
            ("modes_covered >= 2", "modes_covered <= 3", "modes_visited <= 5"),
            GANConfig(activation="leaky_relu", noise_dim=1)),
    # The same one-noise-dimension G as gan.collapse, made five times faster than D and given
    # heavy momentum: it overshoots every correction D makes, so the two losses trade places
    # around their equilibrium lines and the mass circles the ring instead of settling.
    _preset("gan.oscillation", "Oscillation: the game cycles",
            "Oscillation: a generator 5x faster than D with heavy momentum: the D and G losses "
            "swing in anti-phase around their equilibrium lines and the generated mass circles "
            "the ring, visiting at least 7 of the 8 modes",
            "Look at the losses: D's and G's swing against each other around their equilibrium "
            "lines instead of settling. In the film the generated mass jumps from one mode's "
            "neighbourhood to another, at least 10 times in the second half, and comes by at "
            "least 7 of the 8 modes (mode collapse stays on at most 5).",
            ("antiphase <= -0.5", "mode_hops >= 10", "d_loss_swing >= 0.08", "g_loss_swing >= 0.1",
             "d_loss_offset >= -0.1", "d_loss_offset <= 0.1", "g_loss_offset >= -0.1",
             "g_loss_offset <= 0.1", "modes_visited >= 7"),
            GANConfig(activation="leaky_relu", noise_dim=1, beta1=0.9, lr_d=8e-4, lr_g=4e-3,
                      steps=4000)),
    # SGD with momentum, as in the 2014 paper: Adam would rescale the vanishing minimax
    # gradient back to a normal step and hide the very effect this preset shows.
    _preset("gan.minimax", "Minimax vs non-saturating: D wins early",
            "Minimax vs non-saturating from the same state (D trained 300 steps ahead): the "
            "minimax G's gradient is 100x smaller and it barely moves; the non-saturating G "
            "reaches the data but lands on one or two modes",
            "D was trained ahead, so it rejects the first samples with confidence (\"early in "
            "learning\", Goodfellow et al. 2014). Below, from that same state, the minimax "
            "loss's gradient is orders of magnitude smaller than the non-saturating one's: its "
            "samples barely move, while the non-saturating G reaches the data. It reaches it on "
            "one or two modes only: the non-saturating loss cures the vanishing gradient, not "
            "mode collapse (with plain SGD against this strong D, G chases one mode at a time).",
            ("grad_ratio >= 100", "data_distance_ratio >= 0.9", "partner_distance_ratio <= 0.2",
             "partner_modes_covered >= 1", "partner_modes_covered <= 2"),
            GANConfig(loss="minimax", optimiser="sgd", beta1=0.5, lr_d=0.1, lr_g=1e-3,
                      d_pretrain=300, compare_losses=True, steps=2000)),
    _preset("gan.strong_d", "Discriminator too strong",
            "Discriminator too strong (k = 5, wide D, minimax loss): D(G(z)) falls to 0, G's "
            "gradient norm vanishes and G stays where it started",
            "Look at “What D believes”: D(G(z)) falls to 0 and D(x) rises to 1, and with the "
            "minimax loss G's gradient falls below 1 % of its start: a discriminator that wins "
            "outright teaches the generator nothing, so the samples stay where they began.",
            ("d_fake_final <= 0.01", "d_real_final >= 0.99", "g_grad_decay <= 0.01",
             "data_distance_ratio >= 0.9", "data_distance_ratio <= 1.1"),
            GANConfig(loss="minimax", optimiser="sgd", beta1=0.9, k=5, lr_d=0.05, lr_g=0.001,
                      d_hidden=128, steps=1500)),
    _preset("gan.weak_d", "Discriminator too weak",
            "Discriminator too weak (8 units, lr 1e-5): D(G(z)) stays above D(x) and G's "
            "samples drift away from the data",
            "D is tiny and slow, so it cannot tell real from generated: D(G(z)) stays above "
            "D(x) at the end, and the samples are never drawn onto the data: "
            "they drift off, at least twice as far from it by the end (drag the slider back to "
            "see them leave).",
            ("hq_fraction <= 0.05", "d_fake_minus_real >= 0.05", "data_distance_ratio >= 2"),
            GANConfig(d_hidden=8, d_layers=1, lr_d=1e-5)),
    _preset("gan.phase", "Learning-rate phase diagram",
            "Learning-rate phase diagram: modes covered over a 5 x 5 lr_D x lr_G grid, 2 seeds "
            "a cell, 1,500 steps: the best cell lies on the diagonal lr_D = lr_G, cells near it "
            "cover more modes than cells far from it, and a G faster than D covers least",
            "The best cell (7 or 8 modes) lies on the diagonal lr_D = lr_G, and the modes fall "
            "off away from it: the cells near the diagonal cover over 2 modes on average, "
            "those far from it under 1.5. Right of the diagonal (lr_G > lr_D), where G learns "
            "faster than D, G covers almost nothing: it outruns a D that cannot tell it where "
            "the data are.",
            ("best_cell_modes >= 7", "best_cell_off_diagonal == 0",
             "modes_near_diagonal >= 2", "modes_far_from_diagonal <= 1.5",
             "modes_d_faster > modes_g_faster", "modes_g_faster <= 0.5"), PhaseConfig()),
    _preset("diffusion.ring", "8 Gaussians on a ring",
            "Diffusion on the 8-Gaussian ring: drag t and watch the eight modes dissolve into "
            "N(0, I) on the left and condense back on the right; every mode is covered, where a "
            "GAN may collapse",
            "Press play: on the left the eight modes dissolve into one round cloud as t grows; "
            "on the right the same cloud condenses back into eight modes as t falls. At every t "
            "the two panels should look alike: that is what the reverse process learns. On the "
            "far right, the learned −ε_θ: compare its arrows with the modes as t gets small.",
            ("modes_covered >= 8", "off_data_fraction <= 0.05", "mmd2 <= 0.04"),
            DiffusionConfig(data="ring")),
    _preset("diffusion.moons", "Two moons",
            "Diffusion on two moons: DDPM's 100 steps put the samples on the arcs; DDIM with 50 "
            "steps stays close, with 10 and then 5 steps more and more points land off them",
            "Drag t slowly from T to 0: the reverse particles gather into two arcs. Below, DDIM "
            "against DDPM's 100 steps: with 50 steps nearly as few points off the arcs; "
            "with 10, and then 5, more and more of them land off the arcs.",
            ("off_data_fraction <= 0.05", "mmd2 <= 0.01", "ddim50_off_data <= 0.1",
             "ddim10_off_data > ddim50_off_data", "ddim5_off_data > ddim10_off_data"),
            DiffusionConfig(data="moons")),
    _preset("diffusion.swissroll", "Swiss roll",
            "Diffusion on the swiss roll: the samples lie on the spiral; DDIM with 5 steps "
            "leaves more points between the arms than with 50",
            "Drag t towards 0 and follow the noise field's arrows against the spiral's arms. "
            "Below, set DDIM to 5 steps: more points land between the arms than with 50.",
            ("off_data_fraction <= 0.05", "mmd2 <= 0.01", "ddim5_off_data > ddim50_off_data"),
            DiffusionConfig(data="swissroll")),
    _preset("diffusion.digits", "Digits 8×8, no prompt",
            "DDPM on the 8x8 digits, no prompt (200 cosine steps): drag t to watch noise turn "
            "into digits; the classifier's counts show it draws all ten digits",
            "Press play: noise turns into digits in the bottom row while real digits dissolve "
            "in the top row. With no prompt the model decides which digit to draw; the counts "
            "show it draws all ten.",
            ("digits_drawn >= 10", "diversity >= 0.5"),
            DigitsDiffusionConfig(conditional=False, guidance=0.0)),
    _preset("diffusion.digits_cfg", "Digits 8×8 with a prompt (classifier-free guidance)",
            "Class-conditional DDPM with classifier-free guidance (w = 2): pick the digit, then "
            "read the sweep: from the smallest to the largest w, agreement with the prompt "
            "rises and diversity falls",
            "Pick a digit and raise the guidance weight w (Stable Diffusion's guidance scale "
            "s = 1 + w): the samples agree with the prompt more often and look more alike; the "
            "trade-off chart measures both.",
            ("classifier_agreement >= 0.9", "agreement_gain >= 0.02", "diversity_drop >= 0.1"),
            DigitsDiffusionConfig()),
    _preset("diffusion.latent", "Latent diffusion: digits through a VAE's 8-D code",
            "Latent diffusion: the same conditional diffusion on the 8-D codes of a VAE, then "
            "decoded; it follows the prompt, and its decodes are blurrier and less varied than "
            "pixel diffusion's (diffusion.digits_cfg)",
            "The same diffusion on 8 numbers per digit instead of 64 pixels: compare its times, "
            "agreement and diversity with pixel diffusion below. The decoded digits are "
            "blurrier and less varied.",
            ("classifier_agreement >= 0.85", "sharpness < sharpness@diffusion.digits_cfg",
             "diversity < diversity@diffusion.digits_cfg"),
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


def labels(pattern: str, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """{name: picker label} of the presets a page offers, in this module's order."""
    return {p.name: p.label for p in matching(pattern) if p.name not in exclude}


def references(preset: Preset) -> set[str]:
    """The other presets whose runs the promise compares with."""
    return {c.reference for c in preset.promise if c.reference}


def keep_promise(preset: Preset, metrics: dict[str, Any], seed: int,
                 load: Callable[[Any], Any]) -> dict[str, Any]:
    """The promise on a run of ``preset`` with ``seed``; ``load(cfg)`` gives the result of
    a config (the store, or training) for the presets the promise compares with."""
    others = {name: load(dataclasses.replace(get(name).config, seed=seed)).metrics()
              for name in references(preset)}
    return keep(preset.promise, metrics, others)


def is_preset_run(preset: Preset, cfg: Any) -> bool:
    """Whether ``cfg`` is the preset's config, whatever its seed: only then do the preset's
    texts and its promise speak of the run."""
    return dataclasses.replace(cfg, seed=preset.config.seed) == preset.config


def matching(pattern: str | None) -> list[Preset]:
    """Presets whose name matches a glob (``gan.*``) or contains the pattern."""
    if not pattern:
        return list(PRESETS.values())
    return [p for p in PRESETS.values()
            if fnmatch.fnmatch(p.name, pattern) or pattern in p.name]
