"""The one way a trainer reports progress and learns that it should stop.

A trainer takes ``on_progress: ProgressFn | None``. It calls ``on_progress(fraction, note)``
now and then, with ``partial=`` (a small dict of what it has so far, e.g. the loss history)
when it has something worth drawing live; the caller may raise :class:`Cancelled` from inside
that call to stop the run (the background job runner does so when a user cancels). Trainers
never catch it.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[..., None]  # (fraction: float, note: str, *, partial: dict | None)


class Cancelled(Exception):
    """Raised from a progress callback to stop a run that nobody wants any more."""


def report(on_progress: ProgressFn | None, fraction: float, note: str = "",
           partial: dict | None = None) -> None:
    """Call the callback if there is one, with the fraction clipped to [0, 1]."""
    if on_progress is None:
        return
    fraction = min(max(float(fraction), 0.0), 1.0)
    if partial is None:
        on_progress(fraction, note)
    else:
        on_progress(fraction, note, partial=partial)
