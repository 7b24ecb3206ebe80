"""Which presets the store already holds: one key lookup each, nothing trained or read.

``python -m core warm`` ends by saying what the store holds, and the home page says for each
page whether a class will find its presets trained or wait for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import presets, runs
from core.presets import compare, diffusion, gan, gen_vs_disc, latent
from core.store import ArtifactStore

# A page's presets are those of its file in core/presets/, which bears the page's route.
PAGE_PRESETS: dict[str, tuple[str, ...]] = {
    module.__name__.rsplit(".", 1)[1]: tuple(p.name for p in module.PRESETS)
    for module in (gen_vs_disc, latent, gan, diffusion, compare)
}

# Seconds a preset takes to train: one `python -m core warm` into an empty store with
# GENLAB_TORCH_THREADS=1 on the 2-core development machine, the CPU numerics pinned
# (core/numerics.py), so a compare run counts only what the presets before it had not
# trained: its members are theirs. Only for the home page's "about N s": after a change to
# a model, the warm-up's summary prints the new figures.
TRAIN_SECONDS: dict[str, float] = {
    "ngjordan.wine": 1.5, "ngjordan.breast_cancer": 0.4, "ngjordan.iris": 0.1,
    "ngjordan.digits": 0.9, "ngjordan.nb_holds": 0.4, "ngjordan.correlated": 0.4,
    "ae.plain": 5.3, "ae.denoising": 6.9, "ae.dropout": 4.3, "ae.sparse": 2.5,
    "vae.digits": 3.9, "vae.mnist": 36.6,
    "gan.healthy": 13.3, "gan.collapse": 7.6, "gan.oscillation": 10.3, "gan.minimax": 11.5,
    "gan.strong_d": 23.7, "gan.weak_d": 5.4, "gan.phase": 113.3,
    "diffusion.ring": 6.1, "diffusion.moons": 5.7, "diffusion.swissroll": 6.7,
    "diffusion.digits": 53.9, "diffusion.digits_cfg": 62.7, "diffusion.latent": 56.0,
    "compare.ring": 71.1, "compare.digits": 108.8, "compare.kl": 0.2,
}


@dataclass(frozen=True)
class Warmth:
    """Which of some presets the store holds, in the order they were asked about."""

    stored: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.stored) + len(self.missing)

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Holdings:
    """What the store's folder holds: every run in it, presets or not (a compare run's
    members, a latent diffusion's VAE, a page's other seeds)."""

    root: Path
    entries: int
    size_bytes: int


def is_stored(cfg: Any, store: ArtifactStore) -> bool:
    """Whether the store has a file at ``cfg``'s key. A look, not a read: a damaged file is
    found out (and the run trained again) when it is read."""
    try:
        return store.path_for(runs.key_for(cfg)).is_file()
    except OSError:   # a folder on the way that cannot be read: as good as empty
        return False


def warmth(names: tuple[str, ...] | list[str], store: ArtifactStore | None = None) -> Warmth:
    """Which of the presets ``names`` (their own configs and seeds) the store holds."""
    store = store or ArtifactStore()
    found = {name: is_stored(presets.get(name).config, store) for name in names}
    return Warmth(stored=tuple(n for n in names if found[n]),
                  missing=tuple(n for n in names if not found[n]))


def by_page(store: ArtifactStore | None = None) -> dict[str, Warmth]:
    """{page route: the warmth of its presets}."""
    store = store or ArtifactStore()
    return {page: warmth(names, store) for page, names in PAGE_PRESETS.items()}


def holdings(store: ArtifactStore) -> Holdings:
    """The number of runs in the store and their bytes (writes in progress left out)."""
    files = list(store.objects.glob("??/*.npz")) if store.objects.is_dir() else []
    sizes = []
    for path in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:   # evicted by another process meanwhile
            pass
    return Holdings(store.root, len(sizes), sum(sizes))


def train_estimate(names: tuple[str, ...] | list[str]) -> str:
    """How long each of ``names`` takes to train, as text ("about 20 s", "5 s to 2 min"); ""
    when none has a measured figure."""
    known = [TRAIN_SECONDS[n] for n in names if n in TRAIN_SECONDS]
    if not known:
        return ""
    low, high = duration(min(known)), duration(max(known))
    return f"about {high}" if low == high else f"{low} to {high}"


def duration(seconds: float) -> str:
    """A rough duration: "3 s", "40 s", "2 min" (rounded up: better a wait shorter than said)."""
    if seconds < 10:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 90:
        return f"{math.ceil(seconds / 5) * 5} s"
    return f"{math.ceil(seconds / 60)} min"
