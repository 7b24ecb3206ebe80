"""The presets of panel 4, diffusion: 2-D data, digits, guidance, latent diffusion."""

from __future__ import annotations

from core.diffusion.digits import DigitsDiffusionConfig
from core.diffusion.toy import DiffusionConfig
from core.presets.preset import preset

PRESETS = [
    preset("diffusion.ring", "8 Gaussians on a ring",
            "Diffusion on the 8-Gaussian ring: drag t and watch the eight modes dissolve into "
            "N(0, I) on the left and condense back on the right; every mode is covered, where a "
            "GAN may collapse",
            "Press play: on the left the eight modes dissolve into one round cloud as t grows; "
            "on the right the same cloud condenses back into eight modes as t falls. At every t "
            "the two panels should look alike: that is what the reverse process learns. On the "
            "far right, the learned −ε_θ: compare its arrows with the modes as t gets small.",
            ("modes_covered >= 8", "off_data_fraction <= 0.05", "mmd2 <= 0.04"),
            DiffusionConfig(data="ring")),
    preset("diffusion.moons", "Two moons",
            "Diffusion on two moons: DDPM's 100 steps put the samples on the arcs; DDIM with 50 "
            "steps stays close, with 10 and then 5 steps more and more points land off them",
            "Drag t slowly from T to 0: the reverse particles gather into two arcs. Below, DDIM "
            "against DDPM's 100 steps: with 50 steps nearly as few points off the arcs; "
            "with 10, and then 5, more and more of them land off the arcs.",
            ("off_data_fraction <= 0.05", "mmd2 <= 0.01", "ddim50_off_data <= 0.1",
             "ddim10_off_data > ddim50_off_data", "ddim5_off_data > ddim10_off_data"),
            DiffusionConfig(data="moons")),
    preset("diffusion.swissroll", "Swiss roll",
            "Diffusion on the swiss roll: the samples lie on the spiral; DDIM with 5 steps "
            "leaves more points between the arms than with 50",
            "Drag t towards 0 and follow the noise field's arrows against the spiral's arms. "
            "Below, set DDIM to 5 steps: more points land between the arms than with 50.",
            ("off_data_fraction <= 0.05", "mmd2 <= 0.01", "ddim5_off_data > ddim50_off_data"),
            DiffusionConfig(data="swissroll")),
    preset("diffusion.digits", "Digits 8×8, no prompt",
            "DDPM on the 8x8 digits, no prompt (200 cosine steps): drag t to watch noise turn "
            "into digits; the classifier's counts show it draws all ten digits",
            "Press play: noise turns into digits in the bottom row while real digits dissolve "
            "in the top row. With no prompt the model decides which digit to draw; the counts "
            "show it draws all ten.",
            ("digits_drawn >= 10", "diversity >= 0.5"),
            DigitsDiffusionConfig(conditional=False, guidance=0.0)),
    preset("diffusion.digits_cfg", "Digits 8×8 with a prompt (classifier-free guidance)",
            "Class-conditional DDPM with classifier-free guidance (w = 2): pick the digit, then "
            "read the sweep: from the smallest to the largest w, agreement with the prompt "
            "rises and diversity falls",
            "Pick a digit and raise the guidance weight w (Stable Diffusion's guidance scale "
            "s = 1 + w): the samples agree with the prompt more often and look more alike; the "
            "trade-off chart measures both.",
            ("classifier_agreement >= 0.9", "agreement_gain >= 0.02", "diversity_drop >= 0.1"),
            DigitsDiffusionConfig()),
    preset("diffusion.latent", "Latent diffusion: digits through a VAE's 8-D code",
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
