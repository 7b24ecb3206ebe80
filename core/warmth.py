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
# GENLAB_TORCH_THREADS=1 on the 2-core development machine (so a compare run counts only what
# the presets before it had not trained: its members are theirs). Only for the home page's
# "about N s": after a change to a model, the warm-up's summary prints the new figures.
TRAIN_SECONDS: dict[str, float] = {
    "ngjordan.wine": 1.6, "ngjordan.breast_cancer": 0.3, "ngjordan.iris": 0.1,
    "ngjordan.digits": 0.5, "ngjordan.nb_holds": 0.2, "ngjordan.correlated": 0.2,
    "ae.plain": 3.0, "ae.denoising": 1.5, "ae.dropout": 1.7, "ae.sparse": 1.3,
    "vae.digits": 1.9, "vae.mnist": 15.7,
    "gan.healthy": 10.9, "gan.collapse": 5.6, "gan.oscillation": 13.8, "gan.minimax": 13.7,
    "gan.strong_d": 15.5, "gan.weak_d": 3.9, "gan.phase": 78.5,
    "diffusion.ring": 3.6, "diffusion.moons": 3.5, "diffusion.swissroll": 3.7,
    "diffusion.digits": 30.9, "diffusion.digits_cfg": 124.1, "diffusion.latent": 27.6,
    "compare.ring": 57.9, "compare.digits": 43.8, "compare.kl": 0.3,
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
