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
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from core import settings
from core.settings import StoreConfigError

log = logging.getLogger(__name__)

_KEY = re.compile(r"[0-9a-f]{64}")
_STALE_TEMP_SECONDS = 3600  # a temp file this old belongs to a writer that died mid-save


# Where the store lives and its cap are settings, read and checked in core.settings; the
# names stay importable from here for the callers that know them.
default_root = settings.store_path
__all__ = ["ArtifactStore", "StoreConfigError", "default_root", "digest"]


def keep_newest(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the ``keep`` most recently used files matching ``pattern`` in ``folder``
    (a file in use has its time touched): the uploads and the drawn points, which the store's
    own size cap does not count."""
    def used(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:   # another server deleted it meanwhile
            return 0.0

    for old in sorted(folder.glob(pattern), key=used, reverse=True)[keep:]:
        old.unlink(missing_ok=True)


def digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over the sorted names, dtypes, shapes and bytes of ``arrays``."""
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _plain(value: Any) -> Any:
    """numpy scalars, arrays and tuples inside metadata become JSON numbers and lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_npz(handle: Any, arrays: dict[str, np.ndarray]) -> None:
    """What ``np.savez`` writes, without its keyword arguments: an array may be named ``file``
    or ``allow_pickle``, and pickle is refused at the source."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, a in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, a, allow_pickle=False)


class ArtifactStore:
    """Arrays + JSON metadata per 64-hex key under ``root/objects``; cheap to construct."""

    def __init__(self, root: Path | str | None = None, max_bytes: int | None = None) -> None:
        self.root = Path(root) if root is not None else settings.store_root()
        self.max_bytes = max_bytes if max_bytes is not None else settings.store_max_bytes()

    @property
    def objects(self) -> Path:
        return self.root / "objects"

    def path_for(self, key: str) -> Path:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"store key {key!r} is not 64 lowercase hex digits")
        return self.objects / key[:2] / f"{key}.npz"

    def load(self, key: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """The arrays and metadata stored under ``key``, or None (missing or damaged)."""
        path = self.path_for(key)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
                inode = os.fstat(handle.fileno()).st_ino
        except OSError:
            return None
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            header = json.loads(arrays.pop("__meta__").tobytes().decode())
            if header["key"] != key or header["digest"] != digest(arrays):
                raise ValueError("key or digest mismatch")
            meta = header["meta"]
        except Exception:  # whatever the damage (zip, CRC, zlib, JSON...): discard and recompute
            log.warning("discarding damaged store file %s", path)
            _discard(path, inode)
            return None
        try:
            os.utime(path)  # least recently *used* goes first
        except OSError:
            pass
        return arrays, meta

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
            # A unique temp name in the same folder, so os.replace is an atomic rename.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:12]}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    # mkstemp makes it 0600: readable by all, as np.savez's file would be, so
                    # that another user sharing the store (an admin's warm-up) can load it
                    os.chmod(tmp, 0o644)
                    _write_npz(handle, {"__meta__": blob, **arrays})
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

    def size_bytes(self) -> int:
        """Bytes held in stored objects (temp files of writes in progress not counted)."""
        return sum(_stat(p)[1] for p in self._files())

    def clear(self) -> None:
        """Delete every stored object (writes in progress elsewhere are left alone)."""
        for path in self._files():
            _unlink(path)
        self._sweep_stale_temps()

    def _files(self) -> list[Path]:
        return list(self.objects.glob("??/*.npz")) if self.objects.is_dir() else []

    def _evict(self, keep: Path) -> None:
        """Delete the least recently used objects, never ``keep``, until under the cap."""
        self._sweep_stale_temps()
        files = [(p, *_stat(p)) for p in self._files()]
        total = sum(size for _, _, size in files)
        for path, _, size in sorted(files, key=lambda f: f[1]):
            if total <= self.max_bytes:
                break
            if path != keep and _unlink(path):
                total -= size

    def _sweep_stale_temps(self) -> None:
        if not self.objects.is_dir():
            return
        cutoff = time.time() - _STALE_TEMP_SECONDS
        for tmp in self.objects.glob("??/.*.tmp"):
            if _stat(tmp)[0] < cutoff:
                _unlink(tmp)


def _stat(path: Path) -> tuple[float, int]:
    """(mtime, size), or (0, 0) for a file another process removed meanwhile."""
    try:
        st = path.stat()
        return st.st_mtime, st.st_size
    except OSError:
        return 0.0, 0


def _unlink(path: Path) -> bool:
    """Delete ``path``; False (not an error) when the disk refuses: housekeeping never crashes."""
    try:
        path.unlink(missing_ok=True)
        return True
    except OSError:
        return False


def _discard(path: Path, inode: int) -> None:
    """Delete the damaged file we read, not a good one another process has renamed over it."""
    try:
        if path.stat().st_ino == inode:
            path.unlink()
    except OSError:
        pass
