"""The benchmark harness: named benchmarks, each timed against a reference in the same run.

A benchmark returns a ``Figure``: its value, the reference it is compared with (measured in
the same process, so machine speed cancels out), and the ratio that the targets talk about.
Both sides of a ratio run on the same thread budget (``same_threads``) and the same number
of repetitions, each side's best (``best_of``, ``best``): an unequal pair measures the
difference in cores or in luck, not in code. A constant from elsewhere (a published speed)
is never a reference: it goes in the details as a note.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def repeats(quick: bool, full: int = 3) -> int:
    """Repetitions of each side of a figure: one in a quick run, else ``full``."""
    return 1 if quick else full


def best_of(fn: Callable[[], object], repeat: int, threads: int | None = None) -> float:
    """The fastest of ``repeat`` wall-clock timings of ``fn()``, in seconds; with ``threads``,
    each call in its own ``same_threads(threads)`` block (set up outside the timing)."""
    def timed() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    if threads is None:
        return min(timed() for _ in range(repeat))
    times = []
    for _ in range(repeat):
        with same_threads(threads):
            times.append(timed())
    return min(times)


def best(measure: Callable[[], float], repeat: int) -> float:
    """The smallest of ``repeat`` values of ``measure()``: seconds that it timed itself (a
    trainer's ``train_seconds``, a bare loop's own clock), setup left out."""
    return min(measure() for _ in range(repeat))


def best_pair(ours: Callable[[], float], reference: Callable[[], float],
              repeat: int) -> tuple[float, float]:
    """Each side's smallest of ``repeat`` self-timed values (as ``best``), the two sides
    taking turns, so a slow spell of a shared machine falls on both."""
    pairs = [(ours(), reference()) for _ in range(repeat)]
    return min(a for a, _ in pairs), min(b for _, b in pairs)


@contextmanager
def same_threads(n: int) -> Iterator[None]:
    """Run the block on ``n`` CPU threads, torch's and the BLAS libraries' (numpy, scipy and
    scikit-learn). Give each side of a figure its own block: a trainer's own thread block
    restores the process's default count when it ends, not ``n``."""
    from threadpoolctl import threadpool_limits  # ships with scikit-learn

    from core.device import cpu_threads

    with cpu_threads(n), threadpool_limits(n):
        yield


def table(results: dict[str, Figure]) -> str:
    rows = [("benchmark", "value", "reference", "ratio", "target", "ok")]
    for name, f in results.items():
        rows.append((name, f"{f.value:.4g} {f.unit}", f"{f.reference}: {f.reference_value:.4g}",
                     f"{f.ratio:.2f}x", f.target, {True: "yes", False: "NO", None: "-"}[f.passed]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
