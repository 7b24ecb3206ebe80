"""What this machine lets a process use, without importing torch (``deploy/serve.py`` and the
settings' defaults need it before any model code loads)."""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def cores(cgroup: Path = CGROUP) -> int:
    """The cores this process may run on: its affinity mask (not the whole host's), lowered
    to a container's CPU limit (cgroup v2 ``cpu.max``: a pod limited to 2 CPUs on a 64-core
    node must not start 64 training workers)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        n = os.cpu_count() or 1
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        if quota != "max":
            n = min(n, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 limit here
    return n
