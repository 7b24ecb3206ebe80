"""Named configurations that show one phenomenon each: ``<family>.<name>`` (``ngjordan``,
``ae`` and ``vae``, ``gan``, ``diffusion``, ``compare``), in one file per panel.

The pages open on them, ``python -m core run`` trains them, ``python -m core warm`` fills the
store with them before a class. Each carries its promise, the claims of its texts as checks on
the run's metrics; the page and the CLI report it and the tests hold every preset to it.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Callable
from typing import Any

from core.presets import compare, diffusion, gan, gen_vs_disc, latent
from core.presets.preset import Preset
from core.promises import keep

_ALL = [*gen_vs_disc.PRESETS, *latent.PRESETS, *gan.PRESETS, *diffusion.PRESETS,
        *compare.PRESETS]
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
