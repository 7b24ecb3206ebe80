"""The benchmark harness: named benchmarks, each timed against a reference in the same run.

A benchmark returns a ``Figure``: its value, the reference it is compared with (measured in
the same process, so machine speed cancels out), and the ratio that the targets talk about.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str
    reference: str
    reference_value: float
    ratio: float            # how many times better than the reference (higher is better)
    target: str = ""        # the target, in words
    passed: bool | None = None
    details: str = ""

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


BENCHMARKS: dict[str, Callable[[bool], Figure]] = {}


def benchmark(name: str):
    """Register ``fn(quick: bool) -> Figure`` under ``name``."""
    def register(fn: Callable[[bool], Figure]) -> Callable[[bool], Figure]:
        BENCHMARKS[name] = fn
        return fn
    return register


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` wall-clock timings of ``fn()``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def table(results: dict[str, Figure]) -> str:
    rows = [("benchmark", "value", "reference", "ratio", "target", "ok")]
    for name, f in results.items():
        rows.append((name, f"{f.value:.4g} {f.unit}", f"{f.reference}: {f.reference_value:.4g}",
                     f"{f.ratio:.2f}x", f.target, {True: "yes", False: "NO", None: "-"}[f.passed]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
