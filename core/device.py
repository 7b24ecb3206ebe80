"""Which device trains: ``GENLAB_DEVICE`` (or ``--device``), else CUDA, then MPS, then CPU."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

import torch

from core import settings
from core.machine import cores
from core.settings import DeviceError
from core.validation import shown

T = TypeVar("T")


def choose_device(requested: str | None = None) -> torch.device:
    """``requested`` (from ``--device``), else ``$GENLAB_DEVICE``, else auto: CUDA, MPS, CPU."""
    if requested is None:
        source, raw, name = "GENLAB_DEVICE", settings.text("GENLAB_DEVICE"), settings.device()
    else:
        source, raw = "--device", requested.strip()
        name = settings.device_name(requested, source)
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
            raise DeviceError(f"{source}={shown(raw)}: this machine has no Apple GPU (MPS); "
                              "use cpu or auto.")
        return torch.device("mps")
    # settings.device_name left only cuda and cuda:N
    if not torch.cuda.is_available():
        raise DeviceError(f"{source}={shown(raw)}: this machine has no CUDA GPU; use cpu or "
                          "auto.")
    index, count = int(name.partition(":")[2] or 0), torch.cuda.device_count()
    if index >= count:
        raise DeviceError(f"{source}={shown(raw)}: this machine has {count} CUDA device(s), "
                          f"numbered from 0 to {count - 1}; use one of those or auto.")
    return torch.device("cuda", index)


def describe(device: torch.device) -> str:
    """One line for the sidebar: "CPU (4 cores, one thread a model)", "CUDA: NVIDIA H100",
    "Apple GPU (MPS)"."""
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    n = cores()
    return f"CPU ({n} core{'s' * (n > 1)}, one thread a model)"


def limit_threads() -> None:
    """Apply ``GENLAB_TORCH_THREADS`` to this process: one server shares its cores among every
    session. A bad value raises its sentence (``core.settings``); unset changes nothing."""
    threads = settings.torch_threads()
    if threads is not None:
        torch.set_num_threads(threads)


# What torch chose for this process at import. The last block of cpu_threads to end restores
# this (or GENLAB_TORCH_THREADS), not the count it found: jobs overlap, and torch's setting is
# a process-wide default as well as each thread's own. A block that ends while others are
# still open (one nested in a trainer, or another job's) restores the newest open one's count:
# restoring the default there left the rest of a one-thread trainer on every core.
_TORCH_DEFAULT = torch.get_num_threads()
_training: dict[str, list[int]] = {"open": []}   # the thread counts of the open blocks
_training_lock = threading.Lock()


def thread_budget() -> int:
    """Threads a large batched job may use: ``GENLAB_TORCH_THREADS`` when set (a shared host
    sets 1), else every core; but one while another model trains in this process, since
    threads that outnumber the free cores spin and crawl."""
    with _training_lock:
        busy = bool(_training["open"])
    return 1 if busy else (settings.torch_threads() or cores())


@contextmanager
def cpu_threads(n: int, device: torch.device | None = None) -> Iterator[None]:
    """Run the block on ``n`` CPU threads (nothing changes on a GPU); afterwards the count of
    the newest block still open, else the process's default count."""
    if device is not None and device.type != "cpu":
        yield
        return
    # read before the block: a bad value stops it before it trains, not in the cleanup
    default = settings.torch_threads() or _TORCH_DEFAULT
    with _training_lock:
        _training["open"].append(n)
    torch.set_num_threads(n)
    try:
        yield
    finally:
        with _training_lock:
            _training["open"].remove(n)
            torch.set_num_threads(_training["open"][-1] if _training["open"] else default)


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
