"""One preset: a named config, what it shows in three voices, and that claim as checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.promises import SEEDS, Check, checks


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


def preset(name: str, label: str, description: str, look_at: str, promise: tuple[str, ...],
            config: Any, holds_on: tuple[int, ...] = tuple(SEEDS)) -> Preset:
    return Preset(name, label, description, look_at, checks(promise), config, holds_on)
