"""The presets of panel 5, compare: the three families measured on the ring and on the digits,
and the two directions of the KL divergence."""

from __future__ import annotations

from core.compare.config import CompareConfig
from core.compare.kl import KLConfig
from core.presets.preset import preset

PRESETS = [
    preset("compare.ring", "8 Gaussians on a ring",
            "The VAE, the GAN and the diffusion model on the 8-Gaussian ring, each from 2 seeds "
            "x 3 learning rates: the VAE covers every mode with blurry samples, the diffusion "
            "model covers every mode sharply",
            "Read the table row by row: the lecture's word, then this run's measurement. Look "
            "at the samples: the VAE's smear along the ring between the modes, the GAN's and "
            "the diffusion model's sit on them.",
            ("vae.modes_covered >= 8", "diffusion.modes_covered >= 8",
             "vae.sharpness < gan.sharpness", "vae.sharpness < diffusion.sharpness"),
            CompareConfig(data="ring")),
    preset("compare.digits", "Digits 8×8",
            "The three families on the 8x8 digits: the VAE's decodes are blurrier than the "
            "GAN's and the diffusion model's samples",
            "Compare the three grids: the VAE draws smooth, blurry digits; the GAN and the "
            "diffusion model draw sharp strokes. The table counts the digits each draws.",
            ("vae.sharpness < gan.sharpness", "vae.sharpness < diffusion.sharpness"),
            CompareConfig(data="digits")),
    preset("compare.kl", "KL(Q‖P) vs KL(P‖Q): two modes",
            "One Gaussian P fitted to a two-mode Q in each direction: KL(Q‖P), the VAE's, "
            "covers both modes with a wide P; KL(P‖Q), the GAN's, sits on one mode",
            "The wide curve is the KL(Q‖P) fit: it spreads over both modes and puts mass "
            "between them, where Q has almost none. The narrow curve is the KL(P‖Q) fit: it "
            "picks one mode and ignores the other.",
            ("covering_fit_std >= 3", "seeking_fit_std <= 1.2", "seeking_mode_distance <= 0.5",
             "seeking_kl_p_q < covering_kl_p_q", "covering_kl_q_p < seeking_kl_q_p"),
            KLConfig()),
]
