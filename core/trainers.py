"""Every trainer genlab has, in one table: its kind (the first word of a run's store key), the
config type it takes, the result type it returns and the function that trains.

``core.runs`` looks a config's trainer up here, so a config type that is not in the table
cannot be run, stored or served; a new model adds one line (docs/ARCHITECTURE.md, "Adding a
panel"). Importing this module imports every trainer, and with them torch and scikit-learn.
"""

from __future__ import annotations

from core.compare.config import CompareConfig
from core.compare.kl import KLConfig, KLResult, fit_kl
from core.compare.train import CompareResult, train_compare
from core.diffusion.digits import (
    DigitsDiffusionConfig,
    DigitsDiffusionResult,
    train_digits_diffusion,
)
from core.diffusion.toy import DiffusionConfig, DiffusionResult, train_diffusion
from core.gan.config import GANConfig
from core.gan.seeds import (
    EnsembleConfig,
    EnsembleResult,
    PhaseConfig,
    PhaseResult,
    phase_diagram,
    train_ensemble_run,
)
from core.gan.train import GANResult, train_gan
from core.gen_vs_disc.config import NgJordanConfig
from core.gen_vs_disc.curves import LearningCurves, learning_curves
from core.latent.config import AEConfig
from core.latent.train import AEResult, train_autoencoder
from core.runs import Trainer

TRAINERS = (
    Trainer("ngjordan", NgJordanConfig, LearningCurves, learning_curves),
    Trainer("autoencoder", AEConfig, AEResult, train_autoencoder),
    Trainer("gan", GANConfig, GANResult, train_gan),
    Trainer("gan_ensemble", EnsembleConfig, EnsembleResult, train_ensemble_run),
    Trainer("gan_phase", PhaseConfig, PhaseResult, phase_diagram),
    Trainer("diffusion", DiffusionConfig, DiffusionResult, train_diffusion),
    Trainer("diffusion_digits", DigitsDiffusionConfig, DigitsDiffusionResult,
            train_digits_diffusion),
    Trainer("compare", CompareConfig, CompareResult, train_compare),
    Trainer("compare_kl", KLConfig, KLResult, fit_kl),
)

BY_CONFIG: dict[type, Trainer] = {trainer.config_type: trainer for trainer in TRAINERS}
