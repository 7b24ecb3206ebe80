"""``python -m core warm [PATTERN]``: train the presets into the store before a class.

While it works, stderr says where it is: one line per preset as it finishes and, on a
terminal, a line redrawn in place below them (k/n, the preset, its progress, the time so far).
A CI log or a file gets the finished lines only. When it is done, stdout gets the summary a
script can read: what trained and how long, what was already in the store, what failed, and
what the store holds. ``python -m core.warm [PATTERN]`` is the same command.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from core import runs, warmth
from core.presets import PRESETS, Preset
from core.store import ArtifactStore

FAILED = 1         # a preset did not train or was not stored (2 stays the usage error)
INTERRUPTED = 130  # Ctrl-C, as a shell reports it

TRAINED, STORED, FAILURE = "trained", "stored", "failed"


@dataclass(frozen=True)
class Outcome:
    name: str
    state: str          # TRAINED, STORED (already in the store) or FAILURE
    seconds: float
    why: str = ""       # FAILURE: one sentence


class Progress:
    """The warm-up's progress on ``stream``: a line per finished preset, and on a terminal
    the current preset's bar, redrawn in place at most every ``REDRAW_S``."""

    BAR = 20
    REDRAW_S = 0.1

    def __init__(self, total: int, stream: TextIO, clock: Callable[[], float]) -> None:
        self.total, self.stream, self.clock = total, stream, clock
        self.on_terminal = is_terminal(stream)
        self.began = clock()
        self.k, self.name, self.started, self.drawn_at = 0, "", self.began, float("-inf")

    def start(self, k: int, name: str) -> None:
        self.k, self.name, self.started = k, name, self.clock()
        self.update(0.0, "", force=True)

    def update(self, fraction: float, note: str = "", partial: Any = None, *,
               force: bool = False) -> None:
        """A trainer's ``on_progress``: redraw the bar (a terminal only; trainers report
        hundreds of times a second, so a redraw waits ``REDRAW_S`` after the last one)."""
        now = self.clock()
        if not self.on_terminal or (not force and now - self.drawn_at < self.REDRAW_S):
            return
        self.drawn_at = now
        filled = round(fraction * self.BAR)
        line = (f"[{self.k}/{self.total}] {self.name} [{'#' * filled}{'.' * (self.BAR - filled)}]"
                f" {clock_text(now - self.started)} (all: {clock_text(now - self.began)}) {note}")
        # cut to the terminal's width: a line that wraps is not redrawn by "\r"
        self.stream.write("\r" + line[:terminal_width(self.stream) - 1] + CLEAR_TO_END)
        self.stream.flush()

    def finish(self, outcome: Outcome) -> None:
        said = {TRAINED: f"trained in {outcome.seconds:.1f} s",
                STORED: "already in the store",
                FAILURE: f"failed: {outcome.why}"}[outcome.state]
        clear = "\r" + CLEAR_TO_END if self.on_terminal else ""
        self.stream.write(f"{clear}[{self.k}/{self.total}] {outcome.name}: {said} "
                          f"({clock_text(self.clock() - self.began)} so far)\n")
        self.stream.flush()


CLEAR_TO_END = "\x1b[K"   # the ANSI "erase to the end of the line"


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):   # no isatty, or closed
        return False


def terminal_width(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


def clock_text(seconds: float) -> str:
    """"0:07", "12:03", "1:02:03"."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else "under 0.1 MB"


def failure_sentence(err: BaseException) -> str:
    """One sentence for a run that failed: a ValueError's own (the project's sentences for a
    person's mistakes), else the exception's kind and the first line of its message."""
    lines = str(err).strip().splitlines()
    text = lines[0].strip() if lines else "no message"
    if not isinstance(err, ValueError):
        text = f"{type(err).__name__}: {text}"
    return text if text.endswith((".", "!", "?")) else text + "."


def warm_one(preset: Preset, store: ArtifactStore, device: Any, progress: Progress,
             clock: Callable[[], float]) -> Outcome:
    """Load ``preset``'s run from the store (a read checks it whole) or train and store it."""
    start = clock()
    hits: list[bool] = []
    try:
        runs.load_or_train(preset.config, device=device, store=store,
                           on_progress=progress.update, on_hit=lambda: hits.append(True))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:   # one preset's failure must not cost the class the others
        return Outcome(preset.name, FAILURE, clock() - start, failure_sentence(err))
    seconds = clock() - start
    if hits:
        return Outcome(preset.name, STORED, seconds)
    if not warmth.is_stored(preset.config, store):
        return Outcome(preset.name, FAILURE, seconds,
                       f"trained in {seconds:.1f} s, but the store could not keep it (see its "
                       f"warning above: a full disk, or a folder it cannot write to).")
    return Outcome(preset.name, TRAINED, seconds)


def warm(chosen: list[Preset], *, store: ArtifactStore, device: Any, out: TextIO = sys.stdout,
         err: TextIO = sys.stderr, clock: Callable[[], float] = time.perf_counter) -> int:
    """Warm ``chosen`` into ``store``: progress on ``err``, the summary on ``out``; the exit
    status (0, FAILED when one failed, INTERRUPTED after Ctrl-C)."""
    progress = Progress(len(chosen), err, clock)
    outcomes: list[Outcome] = []
    interrupted = None
    for k, preset in enumerate(chosen, 1):
        progress.start(k, preset.name)
        try:
            outcome = warm_one(preset, store, device, progress, clock)
        except KeyboardInterrupt:
            interrupted = preset.name
            if progress.on_terminal:
                err.write("\n")   # below the bar, which stays as it was
            break
        outcomes.append(outcome)
        progress.finish(outcome)
    lines = summary(outcomes, clock() - progress.began, store)
    if interrupted:
        lines.append(f"Interrupted while training {interrupted} ({len(outcomes) + 1} of "
                     f"{len(chosen)}): the presets before it are in the store; the same command "
                     "again goes on from there.")
    out.write("\n".join(lines) + "\n")
    out.flush()
    if interrupted:
        return INTERRUPTED
    return FAILED if any(o.state == FAILURE for o in outcomes) else 0


def summary(outcomes: list[Outcome], seconds: float, store: ArtifactStore) -> list[str]:
    """What was trained (with its seconds), found, failed; the total time; the store."""
    groups = {state: [o for o in outcomes if o.state == state]
              for state in (TRAINED, STORED, FAILURE)}
    width = max((len(o.name) for o in outcomes), default=0)
    lines = []
    if groups[TRAINED]:
        lines.append(f"Trained now ({len(groups[TRAINED])}):")
        lines += [f"  {o.name:<{width}}  {o.seconds:7.1f} s" for o in groups[TRAINED]]
    if groups[STORED]:
        lines.append(f"Already in the store, skipped ({len(groups[STORED])}):")
        lines += [f"  {o.name}" for o in groups[STORED]]
    if groups[FAILURE]:
        lines.append(f"Failed ({len(groups[FAILURE])}):")
        lines += [f"  {o.name}: {o.why}" for o in groups[FAILURE]]
    lines.append(f"{count(len(outcomes), 'preset')} in {seconds:.1f} s ({clock_text(seconds)}): "
                 f"{len(groups[TRAINED])} trained, {len(groups[STORED])} already in the store, "
                 f"{len(groups[FAILURE])} failed.")
    held = warmth.holdings(store)
    every = warmth.warmth(list(PRESETS), store)
    lines.append(f"The store at {held.root} holds {count(held.entries, 'run')} "
                 f"({megabytes(held.size_bytes)}), among them {len(every.stored)} of the "
                 f"{every.total} presets.")
    return lines


if __name__ == "__main__":
    from core.cli import main

    sys.exit(main(["warm", *sys.argv[1:]]))
