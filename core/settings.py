"""Every ``GENLAB_*`` setting the app and the CLI read, read and checked here and nowhere else
(the deploy scripts' own ``GENLAB_RUN_DIR`` and ``GENLAB_PYTHON`` are theirs).

One function per variable returns its value, or its default when the variable is unset or
blank. A bad value raises :class:`SettingError` (a ValueError) with one sentence that names
the variable, says what is wrong with the value and what to set instead; the page frame shows
it, the command line prints it, ``deploy/serve.py`` refuses to start with it. ``problems()``
runs every check at once. The README's "Environment variables" table lists the same set.

Each reader takes ``env`` (default: ``os.environ``) so that a caller can check the mapping it
is about to hand to a server. Nothing here imports torch: ``deploy/serve.py`` reads these
before any model code loads.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from core.machine import cores
from core.validation import shown

Env = Mapping[str, str] | None

DEFAULT_STORE_MAX_MB = 512
DEVICE_CHOICES = "auto, cpu, cuda, cuda:N, mps"
MAX_JOBS = 64
MAX_DEFAULT_JOBS = 8          # each worker process holds its own torch (about 300-500 MB)
JOB_WORKER_MODES = ("processes", "threads")
MAX_TORCH_THREADS = 1024
_CUDA = re.compile(r"cuda(?::[0-9]+)?")


class SettingError(ValueError):
    """A setting holds something unusable; the message is one sentence that names it."""


class StoreConfigError(SettingError):
    """GENLAB_STORE or GENLAB_STORE_MAX_MB holds something unusable."""


class DeviceError(SettingError):
    """A device a person asked for is not a device, or not on this machine; or a thread
    count that torch cannot use."""


def text(name: str, env: Env = None) -> str:
    """The variable's value without the spaces around it; "" when unset."""
    return (os.environ if env is None else env).get(name, "").strip()


def _whole_number(raw: str) -> int | None:
    # isdigit alone takes '²' (int() refuses it) and '٣' (int() reads it as 3): ASCII only
    return int(raw) if raw.isascii() and raw.isdigit() else None


def store_path(env: Env = None) -> Path:
    """Where the store lives: ``$GENLAB_STORE``, else ``$XDG_CACHE_HOME/genlab``, else
    ``~/.cache/genlab``. Looks at no disk (``store_root`` does)."""
    raw = text("GENLAB_STORE", env)
    try:
        if raw:
            return Path(raw).expanduser()
        cache = text("XDG_CACHE_HOME", env)
        return (Path(cache) if cache else Path.home() / ".cache") / "genlab"
    except RuntimeError:   # ~name of no user here, or no home at all (a container's uid)
        raise StoreConfigError(f"GENLAB_STORE={shown(raw)}: there is no such home folder on "
                               "this machine; set GENLAB_STORE to a folder's full path.") from None


def store_root(env: Env = None) -> Path:
    """``store_path``, checked with one cheap stat: the folder itself is made on the first
    save, but a file in its place would fail every save."""
    root = store_path(env)
    if not text("GENLAB_STORE", env):
        return root
    try:
        is_file = root.exists() and not root.is_dir()
    except OSError as err:   # a name too long, a folder on the way that cannot be read
        raise StoreConfigError(f"GENLAB_STORE={shown(str(root))} cannot be used "
                               f"({err.strerror or err}); point it at a folder this server "
                               "can write to.") from None
    if is_file:
        raise StoreConfigError(f"GENLAB_STORE={shown(str(root))} is a file, not a folder; point "
                               "it at a folder (it is created on the first save).")
    return root


def store_max_bytes(env: Env = None) -> int:
    """``$GENLAB_STORE_MAX_MB`` in bytes (a fraction of a megabyte is allowed), default 512 MB."""
    raw = text("GENLAB_STORE_MAX_MB", env)
    if not raw:
        return DEFAULT_STORE_MAX_MB * 2**20
    try:
        mb = float(raw)
    except ValueError:
        mb = -1.0
    if not 0 < mb < math.inf:  # also refuses nan
        raise StoreConfigError(f"GENLAB_STORE_MAX_MB={shown(raw)} must be a positive number of "
                               f"megabytes; unset it for the default of {DEFAULT_STORE_MAX_MB}.")
    return max(1, int(mb * 2**20))


def device_name(raw: str, source: str = "GENLAB_DEVICE") -> str:
    """``raw`` (from ``source``: the variable, or ``--device``) as auto, cpu, mps, cuda or
    cuda:N. Whether this machine has that device is ``core.device``'s question: it needs
    torch."""
    name = raw.strip().lower() or "auto"
    if name in ("auto", "cpu", "mps") or _CUDA.fullmatch(name):
        return name
    raise DeviceError(f"{source}={shown(raw.strip())} is not a device: use one of "
                      f"{DEVICE_CHOICES}.")


def device(env: Env = None) -> str:
    """``$GENLAB_DEVICE`` as a device name, default ``auto`` (CUDA, then MPS, then CPU)."""
    return device_name(text("GENLAB_DEVICE", env))


def default_jobs() -> int:
    """One training worker per core (every model trains on one thread), at most 8."""
    return max(1, min(cores(), MAX_DEFAULT_JOBS))


def jobs(env: Env = None) -> int:
    """``$GENLAB_JOBS``: training worker processes per server, default ``default_jobs()``."""
    raw = text("GENLAB_JOBS", env)
    if not raw:
        return default_jobs()
    n = _whole_number(raw)
    if n is None or not 1 <= n <= MAX_JOBS:
        raise SettingError(f"GENLAB_JOBS must be a whole number from 1 to {MAX_JOBS} (training "
                           f"worker processes), not {shown(raw)}; unset it to use "
                           f"{default_jobs()} (one per core).")
    return n


def job_workers(env: Env = None) -> str:
    """``$GENLAB_JOB_WORKERS``: ``processes`` (default) or ``threads`` (for a host that cannot
    start processes, and for tests with in-process trainers)."""
    raw = text("GENLAB_JOB_WORKERS", env).lower()
    if not raw:
        return "processes"
    if raw not in JOB_WORKER_MODES:
        raise SettingError(f"GENLAB_JOB_WORKERS must be processes or threads, not {shown(raw)}; "
                           "unset it to train in worker processes.")
    return raw


def torch_threads(env: Env = None) -> int | None:
    """``$GENLAB_TORCH_THREADS``, or None when unset (torch, and ``core.device``, choose)."""
    raw = text("GENLAB_TORCH_THREADS", env)
    if not raw:
        return None
    n = _whole_number(raw)
    if n is None or not 1 <= n <= MAX_TORCH_THREADS:
        raise DeviceError(f"GENLAB_TORCH_THREADS={shown(raw)} must be a positive whole number "
                          f"of threads, at most {MAX_TORCH_THREADS}; unset it to let torch "
                          "choose.")
    return n


READERS: dict[str, Callable[[Env], Any]] = {
    "GENLAB_STORE": store_root,
    "GENLAB_STORE_MAX_MB": store_max_bytes,
    "GENLAB_DEVICE": device,
    "GENLAB_JOBS": jobs,
    "GENLAB_JOB_WORKERS": job_workers,
    "GENLAB_TORCH_THREADS": torch_threads,
}


def problems(env: Env = None) -> list[str]:
    """The sentence of every variable that holds a bad value; empty when all are usable."""
    found = []
    for read in READERS.values():
        try:
            read(env)
        except SettingError as err:
            found.append(str(err))
    return found
