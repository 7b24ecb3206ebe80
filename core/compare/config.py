"""The settings of one comparison run: which data, and the grid of seeds and learning rates
over which each family's robustness is measured."""

from __future__ import annotations

from dataclasses import dataclass

from core import modes, points
from core.validation import check_choices, check_ranges, check_types

FAMILIES = ("vae", "gan", "diffusion")
DATASETS = ("ring", "digits")
LR_SCALES = (1 / 3, 1.0, 3.0)     # each family's own learning rate times these: the spread
SAMPLES = 1_000                   # samples per family for the metrics (and "seconds per 1,000")


@dataclass(frozen=True)
class CompareConfig:
    """The three families on one data set (the ring, the digits, or a person's drawn points,
    ``points:<digest>``, trained as the ring is), each from ``n_seeds`` seeds x len(LR_SCALES)
    learning-rate scales (CompareConfig.members). Member 0 (seed ``seed``, scale 1) is the run
    the table shows; the others measure how robust its training is. On the ring each family
    trains them as one batched ensemble; on the digits the GAN does, the VAE trains each as
    its own stored run, and the diffusion model only the members at its own rate (each of its
    runs takes most of a minute)."""

    data: str = "ring"
    n_seeds: int = 2
    steps: int = 3000             # training steps of each family on the ring, of the digits' GAN
    seed: int = 0

    def __post_init__(self) -> None:
        check_types(self)
        if points.is_points(self.data):   # a person's drawn set, trained as the ring is
            points.check(self.data)
            if not modes.count(self.data):
                raise ValueError(points.TOO_MANY_REGIONS)
        else:
            check_choices(self, {"data": DATASETS})
        check_ranges(self, {"n_seeds": (1, 8), "steps": (10, 50_000),
                            "seed": (0, 2**31 - 9)})

    @classmethod
    def tiny(cls, **changes) -> CompareConfig:
        """The smallest config that runs every line (for tests)."""
        return cls(**{"n_seeds": 1, "steps": 20, **changes})

    def members(self) -> tuple[list[int], list[float]]:
        """Each member's seed and learning-rate scale; member 0 is (seed, 1)."""
        scales = (1.0, *[s for s in LR_SCALES if s != 1.0])
        seeds = [self.seed + i for i in range(self.n_seeds)]
        pairs = [(s, lr) for lr in scales for s in seeds]
        return [p[0] for p in pairs], [p[1] for p in pairs]
