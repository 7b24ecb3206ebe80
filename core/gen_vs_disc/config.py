"""The settings of one learning-curve experiment (Ng & Jordan 2001), checked when built."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from core.validation import bad, check_choices, check_ranges, check_types

BUNDLED = ("wine", "breast_cancer", "iris", "digits", "nb_holds", "correlated")
NB_VARIANCES = ("pooled", "per_class")


@dataclass(frozen=True)
class NgJordanConfig:
    """One learning-curve experiment. Defaults are the wine preset."""

    data: str = "wine"            # a bundled set (BUNDLED) or the path of a .csv file
    label: str = ""               # CSV: the label column
    classes: str = ""             # CSV with more than two classes: "a,b"
    digit_a: int = 3              # digits: the pair to tell apart
    digit_b: int = 8
    n_samples: int = 1000         # synthetic sets
    n_features: int = 20
    separation: float = 2.5       # synthetic: distance between the class means
    rho: float = 0.25             # correlated set: correlation between features
    nb_variance: str = "pooled"   # pooled: one variance per feature (Ng & Jordan); per_class
    C: float = 1.0                # LR inverse L2 strength: prior theta ~ N(0, C I)
    n_splits: int = 50
    n_sizes: int = 15
    min_size: int = 8
    test_fraction: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        # the checks run in field order, so a config with two bad fields names the first
        check_types(self)
        self._check_data()
        for digit in ("digit_a", "digit_b"):
            if not 0 <= getattr(self, digit) <= 9:
                bad(self, digit, "use a digit 0-9")
        if self.digit_a == self.digit_b:
            bad(self, "digit_b", "digit_a and digit_b must be two different digits 0-9")
        check_ranges(self, {"n_samples": (40, 20000), "n_features": (1, 200)})
        if not 0 < self.separation <= 10:
            bad(self, "separation", "use a number above 0 and at most 10")
        check_ranges(self, {"rho": (0, 0.95)})
        check_choices(self, {"nb_variance": NB_VARIANCES})
        check_ranges(self, {"C": (1e-4, 1e4), "n_splits": (2, 500), "n_sizes": (2, 40),
                            "min_size": (2, 1000), "test_fraction": (0.1, 0.6)})
        if not 0 <= self.seed < 2**31:
            bad(self, "seed", "use 0 to 2147483647")

    def _check_data(self) -> None:
        """data names a bundled set or a .csv path that can be opened, with its label."""
        is_csv = self.data.lower().endswith(".csv")
        if self.data not in BUNDLED and not is_csv:
            bad(self, "data", f"use one of {', '.join(BUNDLED)} or the path of a .csv file")
        if is_csv and not self.label:
            bad(self, "label", "a CSV needs its label column (--set label=COLUMN)")
        if is_csv:
            try:
                Path(self.data).is_file()   # a name too long for the disk raises, not False
            except OSError as err:
                bad(self, "data", f"the path cannot be opened ({err.strerror or err}); give the "
                    "path of a .csv file you can read")

    @classmethod
    def tiny(cls) -> NgJordanConfig:
        return cls(data="iris", n_splits=3, n_sizes=3)

    def extra_key(self) -> str:
        """A CSV's content is part of the cache key: an edited file is a new experiment."""
        if self.data.lower().endswith(".csv") and Path(self.data).is_file():
            return hashlib.sha256(Path(self.data).read_bytes()).hexdigest()
        return ""
