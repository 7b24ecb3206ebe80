"""Which device trains: ``GENLAB_DEVICE`` (or ``--device``), else CUDA, then MPS, then CPU."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import torch

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
    cores = os.cpu_count() or 1
    return f"CPU ({cores} core{'s' * (cores > 1)}, one thread a model)"


def limit_threads() -> None:
    """Apply ``GENLAB_TORCH_THREADS``: one server shares its cores among every session."""
    raw = os.environ.get("GENLAB_TORCH_THREADS", "").strip()
    if not raw:
        return
    if not raw.isdigit() or int(raw) < 1:
        raise DeviceError(f"GENLAB_TORCH_THREADS={raw!r} must be a positive whole number of "
                          "threads; unset it to let torch choose.")
    torch.set_num_threads(int(raw))


def thread_budget() -> int:
    """Threads a large batched job may use: ``GENLAB_TORCH_THREADS`` when it is set (a shared
    host sets 1), else every core."""
    raw = os.environ.get("GENLAB_TORCH_THREADS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) >= 1 else (os.cpu_count() or 1)


@contextmanager
def cpu_threads(n: int, device: torch.device | None = None) -> Iterator[None]:
    """Run the block on ``n`` CPU threads (nothing changes on a GPU); restored afterwards."""
    before = torch.get_num_threads()
    if device is None or device.type == "cpu":
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def one_cpu_thread(device: torch.device | None = None) -> AbstractContextManager[None]:
    """Train on one CPU thread. Every single net here is small: a second thread only adds
    hand-over cost (AE, GAN and diffusion trainers all measured 10-25 % faster on one thread
    of an idle 2-core CPU), and on a shared, busy CPU OpenMP's spinning threads slowed runs
    down 10 to 50 times (a 2 s diffusion run took 115 s)."""
    return cpu_threads(1, device)
