"""The artifact store: trained results on disk, addressed by what made them.

One ``.npz`` per key (sha256 of kind + config + code version), holding the result's arrays and
a ``__meta__`` entry: JSON with the key, the result's metadata and a digest of the arrays.
Writes are atomic (a temp file, then a rename), so several server processes can share one
folder; reads verify, and a damaged file is deleted so the caller recomputes. No pickle.
A size cap evicts the least recently used files.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 512 * 2**20
_KEY = re.compile(r"[0-9a-f]{64}")


class StoreConfigError(ValueError):
    """GENLAB_STORE or GENLAB_STORE_MAX_MB holds something unusable."""


def default_root() -> Path:
    env = os.environ.get("GENLAB_STORE", "").strip()
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(cache) if cache else Path.home() / ".cache") / "genlab"


def _max_bytes_from_env() -> int:
    raw = os.environ.get("GENLAB_STORE_MAX_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        mb = float(raw)
    except ValueError:
        mb = -1.0
    if not mb > 0 or mb == float("inf"):
        raise StoreConfigError(f"GENLAB_STORE_MAX_MB={raw!r} must be a positive number of "
                               "megabytes; unset it for the default of 512.")
    return int(mb * 2**20)


def digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _plain(value: Any) -> Any:
    """numpy scalars and tuples inside metadata become JSON numbers and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


class ArtifactStore:
    def __init__(self, root: Path | str | None = None, max_bytes: int | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes_from_env()

    @property
    def objects(self) -> Path:
        return self.root / "objects"

    def path_for(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"store key {key!r} is not 64 lowercase hex digits")
        return self.objects / key[:2] / f"{key}.npz"

    def load(self, key: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """The arrays and metadata stored under ``key``, or None (missing or damaged)."""
        path = self.path_for(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            header = json.loads(arrays.pop("__meta__").tobytes().decode())
            if header["key"] != key or header["digest"] != digest(arrays):
                raise ValueError("key or digest mismatch")
        except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile, TypeError):
            log.warning("discarding damaged store file %s", path)
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)  # least recently *used* goes first
        except OSError:
            pass
        return arrays, header["meta"]

    def save(self, key: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> Path | None:
        """Store atomically; None (with a logged warning) when the disk cannot take it."""
        path = self.path_for(key)
        for name, a in arrays.items():
            if name.startswith("__"):
                raise ValueError(f"array name {name!r} is reserved (starts with '__')")
            if np.asarray(a).dtype == object:
                raise TypeError(f"array {name!r} holds Python objects; the store keeps only "
                                "numeric and string arrays (no pickle)")
        arrays = {name: np.asarray(a) for name, a in arrays.items()}
        header = {"key": key, "meta": _plain(meta), "digest": digest(arrays)}
        blob = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:12]}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    np.savez(handle, __meta__=blob, **arrays)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as err:
            log.warning("could not write to the store at %s (%s); the result is kept in "
                        "memory only", self.root, err)
            return None
        self._evict(keep=path)
        return path

    def _files(self) -> list[Path]:
        return list(self.objects.glob("??/*.npz")) if self.objects.is_dir() else []

    def size_bytes(self) -> int:
        return sum(_stat(p)[1] for p in self._files())

    def _evict(self, keep: Path) -> None:
        files = [(p, *_stat(p)) for p in self._files()]
        total = sum(size for _, _, size in files)
        for path, _, size in sorted(files, key=lambda f: f[1]):
            if total <= self.max_bytes:
                break
            if path != keep:
                path.unlink(missing_ok=True)
                total -= size

    def clear(self) -> None:
        for path in self._files():
            path.unlink(missing_ok=True)


def _stat(path: Path) -> tuple[float, int]:
    try:
        st = path.stat()
        return st.st_mtime, st.st_size
    except OSError:
        return 0.0, 0
