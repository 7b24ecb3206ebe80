"""Which device trains: ``GENLAB_DEVICE`` (or ``--device``), else CUDA, then MPS, then CPU."""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import torch

T = TypeVar("T")

CHOICES = "auto, cpu, cuda, cuda:N, mps"
_CUDA = re.compile(r"cuda(?::([0-9]+))?")


class DeviceError(ValueError):
    """A device a person asked for is not a device, or not on this machine."""


def choose_device(requested: str | None = None) -> torch.device:
    """``requested`` (from ``--device``), else ``$GENLAB_DEVICE``, else auto: CUDA, MPS, CPU."""
    source = "--device" if requested is not None else "GENLAB_DEVICE"
    raw = requested if requested is not None else os.environ.get("GENLAB_DEVICE", "")
    name = raw.strip().lower() or "auto"
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "mps":
        if not torch.backends.mps.is_available():
            raise DeviceError(f"{source}={raw!r}: this machine has no Apple GPU (MPS); use cpu "
                              "or auto.")
        return torch.device("mps")
    cuda = _CUDA.fullmatch(name)
    if cuda:
        if not torch.cuda.is_available():
            raise DeviceError(f"{source}={raw!r}: this machine has no CUDA GPU; use cpu or "
                              "auto.")
        index, count = int(cuda.group(1) or 0), torch.cuda.device_count()
        if index >= count:
            raise DeviceError(f"{source}={raw!r}: this machine has {count} CUDA device(s), "
                              f"numbered from 0 to {count - 1}; use one of those or auto.")
        return torch.device("cuda", index)
    raise DeviceError(f"{source}={raw!r} is not a device: use one of {CHOICES}.")


def describe(device: torch.device) -> str:
    """One line for the sidebar: "CPU (4 cores, one thread a model)", "CUDA: NVIDIA H100",
    "Apple GPU (MPS)"."""
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    n = cores()
    return f"CPU ({n} core{'s' * (n > 1)}, one thread a model)"


MAX_THREADS = 1024


def limit_threads() -> None:
    """Apply ``GENLAB_TORCH_THREADS``: one server shares its cores among every session."""
    raw = os.environ.get("GENLAB_TORCH_THREADS", "").strip()
    if not raw:
        return
    threads = env_threads()
    if threads is None:
        raise DeviceError(f"GENLAB_TORCH_THREADS={raw[:40]!r} must be a positive whole number "
                          f"of threads, at most {MAX_THREADS}; unset it to let torch choose.")
    torch.set_num_threads(threads)


# What torch chose for this process at import; a block of cpu_threads restores this (or
# GENLAB_TORCH_THREADS), not the count it found: jobs overlap, and torch's setting is a
# process-wide default as well as each thread's own.
_TORCH_DEFAULT = torch.get_num_threads()
_training = {"blocks": 0}
_training_lock = threading.Lock()


def env_threads() -> int | None:
    """``GENLAB_TORCH_THREADS`` when it is a positive whole number, else None (a bad value is
    ``limit_threads``'s sentence, shown once by the page frame)."""
    raw = os.environ.get("GENLAB_TORCH_THREADS", "").strip()
    # isdigit alone takes '²' (int() refuses it) and numbers torch cannot hold
    ok = raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_THREADS
    return int(raw) if ok else None


def cores() -> int:
    """The cores this process may run on: its affinity mask (not the whole host's), lowered
    to a container's CPU limit (cgroup v2 ``cpu.max``: a pod limited to 2 CPUs on a 64-core
    node must not start 64 training workers)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        n = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            n = min(n, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 limit here
    return n


def thread_budget() -> int:
    """Threads a large batched job may use: ``GENLAB_TORCH_THREADS`` when set (a shared host
    sets 1), else every core; but one while another model trains in this process, since
    threads that outnumber the free cores spin and crawl."""
    with _training_lock:
        busy = _training["blocks"] > 0
    return 1 if busy else (env_threads() or cores())


@contextmanager
def cpu_threads(n: int, device: torch.device | None = None) -> Iterator[None]:
    """Run the block on ``n`` CPU threads (nothing changes on a GPU); afterwards the
    process's default count again."""
    if device is not None and device.type != "cpu":
        yield
        return
    with _training_lock:
        _training["blocks"] += 1
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(env_threads() or _TORCH_DEFAULT)
        with _training_lock:
            _training["blocks"] -= 1


def one_cpu_thread(device: torch.device | None = None) -> AbstractContextManager[None]:
    """Train on one CPU thread. Every single net here is small: a second thread only adds
    hand-over cost (AE, GAN and diffusion trainers all measured 10-25 % faster on one thread
    of an idle 2-core CPU), and on a shared, busy CPU OpenMP's spinning threads slowed runs
    down 10 to 50 times (a 2 s diffusion run took 115 s)."""
    return cpu_threads(1, device)


def trains_on_one_thread(train: Callable[..., T]) -> Callable[..., T]:
    """Decorate a trainer ``train(cfg, *, device, on_progress)``: ``device=None`` means the
    CPU, and the whole run holds one CPU thread (``one_cpu_thread``)."""
    @functools.wraps(train)
    def run(cfg: Any, *, device: torch.device | None = None, on_progress: Any = None) -> T:
        device = torch.device("cpu") if device is None else device
        with one_cpu_thread(device):
            return train(cfg, device=device, on_progress=on_progress)
    return run
