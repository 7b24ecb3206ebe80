"""One seed, one run, on every x86-64 CPU: the maths libraries are pinned to one code path.

GAN training is chaotic. Intel's MKL, which does torch's matrix products on the CPU, picks
its code path by processor (AVX-512 on an Intel Xeon, AVX2 on an AMD EPYC), and so does
torch's own vector code; the last-bit differences those paths make grow, over a few thousand
steps, into another run. Seed 0 of ``gan.healthy`` covered 8 modes of the ring on one CI
machine and 7 on the next, so a preset's "shows on seeds 0-4" was a fact about one CPU.

Pinned, a run depends on its config alone, on any x86-64 processor:
- ``MKL_CBWR=COMPATIBLE``: MKL's conditional numerical reproducibility, the one branch MKL
  guarantees the same on Intel and AMD processors;
- ``ATEN_CPU_CAPABILITY=avx2``: torch's own kernels take their AVX2 code (set only where the
  CPU has AVX2: torch does not check, and an older CPU would stop on an illegal instruction);
- ``ONEDNN_MAX_CPU_ISA=AVX2``: the same for oneDNN, torch's convolution library.

The price is CPU training time (measured on an AMD EPYC): 10-30 % for a single model, about
50 % for the batched GAN phase diagram (116 s a seed against 77 s). A variable
already set is left as it is (``MKL_CBWR=AUTO`` chooses speed over reproducibility), and its
value enters every run's store key (``signature``), so runs made under other numerics are not
served as if they were these. A GPU, or an ARM CPU (no MKL there), computes otherwise anyway.

The values must be in the environment before torch's first operation; ``core/__init__.py``
calls ``pin`` on the first import of any core module.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

PINNED = {"MKL_CBWR": "COMPATIBLE", "ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2"}


def has_avx2(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU says it has AVX2. Linux tells in /proc/cpuinfo; elsewhere this says
    no, and torch keeps its own choice."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return False
    return any(line.startswith("flags") and "avx2" in line.split() for line in text.splitlines())


def pinned_here() -> dict[str, str]:
    """The pins that apply to this machine: MKL and oneDNN on x86-64, torch's AVX2 code
    where the CPU has it; nothing elsewhere."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return {}
    pins = dict(PINNED)
    if not has_avx2():
        del pins["ATEN_CPU_CAPABILITY"]
    return pins


def pin() -> None:
    """Put the pins in the environment, leaving any the person set themselves."""
    for name, value in pinned_here().items():
        os.environ.setdefault(name, value)


def signature() -> str:
    """The numerics this process trains with, for the store key: the pinned variables' values
    as they are now (a person's own value included)."""
    return " ".join(f"{name}={os.environ.get(name, '')}" for name in sorted(PINNED))
