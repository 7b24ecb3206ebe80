"""From a config to a result: a config's trainer, its cache key and the store in between.

The trainers are listed in ``core.trainers``. The pages (through ``ui.runner``), the CLI and
the benchmarks all go through ``load_or_train``, so a result trained by one is found by the
others.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from typing import Any

from core import numerics
from core.code_version import code_version
from core.progress import ProgressFn
from core.results import StoredResult


@dataclasses.dataclass(frozen=True)
class Trainer:
    kind: str
    config_type: type
    result_type: type[StoredResult]
    train: Callable[..., StoredResult]

    @property
    def code_version(self) -> str:
        """Hash of the code this kind's runs depend on (``core.code_version``): the modules
        that define its trainer, config and result, and what they import from ``core/``."""
        modules = {self.train.__module__, self.config_type.__module__,
                   self.result_type.__module__}
        return code_version(frozenset(modules))


def trainer_for(cfg: Any) -> Trainer:
    from core.trainers import BY_CONFIG  # late: the table imports every trainer

    try:
        return BY_CONFIG[type(cfg)]
    except KeyError:
        raise TypeError(f"core.trainers lists no trainer for {type(cfg).__name__}") from None


def config_dict(cfg: Any) -> dict[str, Any]:
    return dataclasses.asdict(cfg)


def key_for(cfg: Any) -> str:
    """Content address of a run: kind + config + the trainer's code version + the CPU numerics
    it trains with (``core.numerics``) (+ the config's own extra key, e.g. the digest of a CSV
    file it reads, so an edited file is not served from the cache)."""
    trainer = trainer_for(cfg)
    extra = cfg.extra_key() if hasattr(cfg, "extra_key") else ""
    payload = json.dumps([trainer.kind, config_dict(cfg), trainer.code_version, extra,
                          numerics.signature()], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def load_stored(cfg: Any, store: Any = None) -> StoredResult | None:
    """The result for ``cfg`` if the store holds it (in the current layout); never trains."""
    from core.store import ArtifactStore  # late: the store reads the environment

    hit = (store or ArtifactStore()).load(key_for(cfg))
    if hit is None:
        return None
    try:
        return trainer_for(cfg).result_type.from_store(*hit)
    except (KeyError, TypeError, ValueError):
        return None   # an older layout under the same key: the caller retrains


def load_or_train(cfg: Any, *, device: Any = None, on_progress: ProgressFn | None = None,
                  store: Any = None, on_hit: Callable[[], None] | None = None) -> StoredResult:
    """The result for ``cfg``: from the store when it holds it, else trained and stored.

    ``store=None`` uses the default store; pass ``store=False`` to bypass it. ``device=None``
    takes ``GENLAB_DEVICE`` (else the best one present). ``on_hit()`` is called when the
    result comes from the store, so a caller can tell a hit from a retrain.
    """
    from core.device import choose_device
    from core.store import ArtifactStore  # late: the store reads the environment

    trainer = trainer_for(cfg)
    if store is None:
        store = ArtifactStore()
    key = key_for(cfg)
    if store:
        result = load_stored(cfg, store)
        if result is not None:
            if on_hit is not None:
                on_hit()
            return result
    device = choose_device() if device is None else device
    result = trainer.train(cfg, device=device, on_progress=on_progress)
    if store:
        arrays, meta = result.to_store()
        store.save(key, arrays, meta)
    return result


def train_for_transfer(cfg: Any, on_progress: ProgressFn | None = None) -> tuple[dict, dict]:
    """``load_or_train`` as arrays + metadata: what a worker process sends back (a result's
    plain parts, never a pickled model). ``from_transfer`` rebuilds the result."""
    return load_or_train(cfg, on_progress=on_progress).to_store()


def from_transfer(cfg: Any, parts: tuple[dict, dict]) -> StoredResult:
    return trainer_for(cfg).result_type.from_store(*parts)
