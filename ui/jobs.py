"""A bounded pool of background training jobs, shared by every session of one server.

No Streamlit here, so it is tested without a server; ``ui.runner`` puts a page on top.
Identical keys share one job, at most ``max_workers`` run at once, and a finished result
stays in a small LRU so the next session asking for it gets it without training.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Literal

from core.progress import Cancelled, ProgressFn

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed", "cancelled"]


class ServerBusy(RuntimeError):
    """Too many jobs are queued; the message is a sentence for the person who asked."""


class Job:
    """One training run in the background; the UI reads its fields without locking."""

    def __init__(self, key: str, label: str = "") -> None:
        self.key = key
        self.label = label
        self.state: JobState = "queued"
        self.fraction = 0.0
        self.note = "waiting for a free worker"
        self.partial: dict | None = None  # what the trainer has so far, to draw live
        self.result: Any = None
        self.error: str | None = None
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._future: Future[None] | None = None
        self._on_finish: Callable[[Job], None] | None = None

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    @property
    def elapsed(self) -> float:
        """Seconds since the job started running (0 while queued)."""
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.monotonic()) - self.started_at

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished or ``timeout`` passed; True when finished."""
        return self._done.wait(timeout)

    def cancel(self) -> None:
        """Ask the job to stop: its next progress report raises ``Cancelled``."""
        self._cancel.set()
        with self._lock:
            if not self.finished:
                self.note = "stopping"
        future = self._future
        if future is not None and future.cancel():  # still queued: it will never start
            self._finish("cancelled")

    def _progress(self, fraction: float, note: str, partial: dict | None = None) -> None:
        if self._cancel.is_set():
            raise Cancelled(self.key)
        with self._lock:
            self.fraction, self.note = fraction, note
            if partial is not None:
                self.partial = partial

    def _run(self, fn: Callable[[ProgressFn], Any]) -> None:
        with self._lock:
            cancelled = self._cancel.is_set()
            if not cancelled:
                self.state, self.note, self.started_at = "running", "starting", time.monotonic()
        if cancelled:
            self._finish("cancelled")
            return
        try:
            result = fn(self._progress)
        except Cancelled:
            self._finish("cancelled")
        except ValueError as exc:  # a setting the user chose: their sentence, no traceback
            self._finish("failed", error=str(exc))
        except Exception as exc:
            log.exception("background job %r (%s) failed", self.label, self.key[:12])
            self._finish("failed", error=f"Training failed: {type(exc).__name__}: {exc}")
        else:
            self._finish("done", result=result)

    def _finish(self, state: JobState, *, result: Any = None, error: str | None = None) -> None:
        with self._lock:
            if self.state in ("done", "failed", "cancelled"):
                return
            self.state, self.result, self.error, self.note = state, result, error, state
            if state == "done":
                self.fraction = 1.0
            self.finished_at = time.monotonic()
        if self._on_finish is not None:
            self._on_finish(self)  # into the manager's LRU before any waiter wakes up
        self._done.set()


class JobManager:
    """Runs ``fn(on_progress)`` per key on a bounded thread pool; thread-safe."""

    def __init__(self, max_workers: int = 2, max_pending: int = 16, keep_results: int = 32) -> None:
        for name, value in [("max_workers", max_workers), ("max_pending", max_pending),
                            ("keep_results", keep_results)]:
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        self.max_workers, self.max_pending, self.keep_results = max_workers, max_pending, keep_results
        self._pool = ThreadPoolExecutor(max_workers, thread_name_prefix="genlab-job")
        self._lock = threading.Lock()
        self._active: dict[str, Job] = {}  # queued or running
        self._finished: OrderedDict[str, Job] = OrderedDict()  # LRU, newest last

    def submit(self, key: str, fn: Callable[[ProgressFn], Any], label: str = "") -> Job:
        """The job for ``key``: the live or done one if there is one, else a new one."""
        with self._lock:
            job = self._active.get(key)
            if job is not None and job.state in ("queued", "running", "done"):
                return job  # (a done one here is only waiting for _retire)
            job = self._finished.get(key)
            if job is not None and job.state == "done":
                self._finished.move_to_end(key)
                return job
            if len(self._active) >= self.max_pending:
                n = len(self._active)
                raise ServerBusy(f"The server is training {n} other model{'s' * (n != 1)} "
                                 "right now; try again in a minute.")
            self._finished.pop(key, None)  # the failed or cancelled job this one replaces
            job = Job(key, label)
            job._on_finish = self._retire
            self._active[key] = job
            job._future = self._pool.submit(job._run, fn)
            return job

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._active.get(key) or self._finished.get(key)

    def result(self, key: str) -> Any | None:
        """The result of a finished job for ``key`` if it is still kept, else None."""
        with self._lock:
            job = self._finished.get(key)
            if job is None or job.state != "done":
                return None
            self._finished.move_to_end(key)
            return job.result

    def shutdown(self) -> None:
        """Cancel every queued and running job and stop the workers (without waiting)."""
        with self._lock:
            live = list(self._active.values())
        for job in live:
            job.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _retire(self, job: Job) -> None:
        with self._lock:
            current = self._active.get(job.key)
            if current is not None and current is not job:
                return  # a newer job for the same key has replaced this one
            self._active.pop(job.key, None)
            self._finished[job.key] = job
            self._finished.move_to_end(job.key)
            while len(self._finished) > self.keep_results:
                self._finished.popitem(last=False)
