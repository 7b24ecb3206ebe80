"""A bounded pool of background training jobs, shared by every session of one server.

No Streamlit here, so it is tested without a server; ``ui.runner`` puts a page on top.
Identical keys share one job; jobs wait in one first-come queue (each knows its place and an
estimate of its start) for ``max_workers`` workers, worker processes on a server
(``core.pool.Worker``) or threads (``InThread``); a finished result stays in a small LRU so
the next session asking for it gets it without training.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any, Literal

from core.pool import InThread, Task, TaskFailed, Worker
from core.progress import Cancelled

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed", "cancelled"]
FIRST_GUESS_S = 15.0  # a job's length before any has finished on this server
ABANDONED_S = 30.0    # a queued job nobody has looked at for this long never starts


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
        self.version = 0  # +1 with every report: a watcher redraws only on news
        self.result: Any = None
        self.error: str | None = None
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.seen_at: float | None = None  # a page's last look; None: nobody polls (CLI, tests)
        self.views: dict[Any, tuple[int, Any]] = {}  # built from partial, shared by watchers
        self.views_lock = threading.Lock()
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._on_finish: Callable[[Job], None] | None = None
        self._unqueue: Callable[[Job], bool] | None = None

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def elapsed(self) -> float:
        """Seconds since the job started running (0 while queued)."""
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.monotonic()) - self.started_at

    def touch(self) -> None:
        """A page is still waiting for this job."""
        self.seen_at = time.monotonic()

    @property
    def abandoned(self) -> bool:
        """Queued, and every page that asked for it has moved on (a slider moved again)."""
        return self.seen_at is not None and time.monotonic() - self.seen_at > ABANDONED_S

    def news(self) -> tuple[int, dict | None]:
        """The report count and the latest partial result, read together."""
        with self._lock:
            return self.version, self.partial

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished or ``timeout`` passed; True when finished."""
        return self._done.wait(timeout)

    def cancel(self) -> None:
        """Ask the job to stop: a queued one ends now, a running one at its next report."""
        self._cancel.set()
        with self._lock:
            if not self.finished:
                self.note = "stopping"
        if self._unqueue is not None and self._unqueue(self):  # never started
            self._finish("cancelled")

    def _start(self) -> None:
        with self._lock:
            self.state, self.note, self.started_at = "running", "starting", time.monotonic()

    def _report(self, fraction: float, note: str = "", partial: dict | None = None) -> None:
        with self._lock:
            self.fraction, self.note = fraction, note
            if partial is not None:
                self.partial = partial
            self.version += 1

    def _finish(self, state: JobState, *, result: Any = None, error: str | None = None) -> None:
        with self._lock:
            if self.state in ("done", "failed", "cancelled"):
                return
            self.state, self.result, self.error, self.note = state, result, error, state
            if state == "done":
                self.fraction = 1.0
            self.finished_at = time.monotonic()
            self.version += 1
        if self._on_finish is not None:
            self._on_finish(self)  # into the manager's LRU before any waiter wakes up
        self._done.set()


class JobManager:
    """Runs ``task(on_progress)`` per key on ``max_workers`` workers; thread-safe.

    ``processes=True`` runs each task in a worker process (the task and its value must
    pickle); else in a thread of this process. ``decode(value)`` turns a finished task's
    value into the job's result, once per job, on this side.
    """

    def __init__(self, max_workers: int = 2, max_pending: int = 64, keep_results: int = 32,
                 processes: bool = False, threads_per_worker: int = 1) -> None:
        for name, value in [("max_workers", max_workers), ("max_pending", max_pending),
                            ("keep_results", keep_results),
                            ("threads_per_worker", threads_per_worker)]:
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        self.max_workers, self.max_pending = max_workers, max_pending
        self.keep_results = keep_results
        self.processes = processes
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: deque[tuple[Job, Task, Callable[[Any], Any] | None]] = deque()
        self._active: dict[str, Job] = {}  # queued or running
        self._finished: OrderedDict[str, Job] = OrderedDict()  # LRU, newest last
        self._durations: deque[float] = deque(maxlen=20)
        self._closed = False
        self._workers = [Worker(threads_per_worker) if processes else InThread()
                         for _ in range(max_workers)]
        self._serving = False

    def submit(self, key: str, task: Task, label: str = "",
               decode: Callable[[Any], Any] | None = None) -> Job:
        """The job for ``key``: the live or done one if there is one, else a new one."""
        with self._lock:
            job = self._active.get(key)
            if job is not None and job.state in ("queued", "running", "done"):
                return job  # (a done one here is only waiting for _retire)
            job = self._finished.get(key)
            if job is not None and job.state == "done":
                self._finished.move_to_end(key)
                return job
            if self._closed:
                raise ServerBusy("The server is shutting down; reload the page in a minute.")
            if len(self._active) >= self.max_pending:
                n = len(self._active)
                raise ServerBusy(f"The server is training {n} other model{'s' * (n != 1)} "
                                 "right now; try again in a minute.")
            self._finished.pop(key, None)  # the failed or cancelled job this one replaces
            job = Job(key, label)
            job._on_finish, job._unqueue = self._retire, self._unqueue
            self._active[key] = job
            self._queue.append((job, task, decode))
            if not self._serving:
                self._start_serving()
            self._wake.notify()
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

    def remember(self, key: str, result: Any) -> None:
        """Keep a result found elsewhere (the store) as if a job had made it."""
        job = Job(key, "from the store")
        job._finish("done", result=result)
        self._retire(job)

    def place(self, job: Job) -> tuple[int, float] | None:
        """A queued job's place in line (1 = next) and the seconds until it should start;
        None once it has started. The estimate: the running jobs' remaining time (from their
        speed so far) and the recent jobs' mean length for each job ahead."""
        with self._lock:
            ahead = next((i for i, (queued, _, _) in enumerate(self._queue) if queued is job),
                         None)
            if ahead is None:
                return None
            typical = (sum(self._durations) / len(self._durations) if self._durations
                       else FIRST_GUESS_S)
            running = [j for j in self._active.values() if j.state == "running"]
        free_at = [_remaining(j, typical) for j in running]
        free_at += [0.0] * max(0, self.max_workers - len(free_at))
        heapq.heapify(free_at)
        for _ in range(ahead):
            heapq.heappush(free_at, heapq.heappop(free_at) + typical)
        return ahead + 1, free_at[0]

    def shutdown(self) -> None:
        """Cancel every queued and running job and stop the workers (without waiting)."""
        with self._lock:
            self._closed = True
            live = list(self._active.values())
            self._wake.notify_all()
        for job in live:
            job.cancel()
        for worker in self._workers:
            worker.stop()

    def _start_serving(self) -> None:
        """The workers start with the first job, all at once: a server whose every page is
        in the store never starts one (each holds its own torch, 300-500 MB, and takes
        seconds of CPU to import it, beside the class's first page views)."""
        self._serving = True
        for i, worker in enumerate(self._workers):
            threading.Thread(target=self._serve_from_start, args=(worker,),
                             name=f"genlab-job-{i}", daemon=True).start()

    def _serve_from_start(self, worker: Worker | InThread) -> None:
        try:
            worker.start()  # every worker now: the next job should not wait for an import
        except OSError:
            log.exception("could not start a training worker; its first job will try again")
        self._serve(worker)

    def _unqueue(self, job: Job) -> bool:
        with self._lock:
            for i, (queued, _, _) in enumerate(self._queue):
                if queued is job:
                    del self._queue[i]
                    return True
        return False

    def _serve(self, worker: Worker | InThread) -> None:
        """One worker's loop: the next queued job, run to its end, and again."""
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                job, task, decode = self._queue.popleft()
                abandoned = job.abandoned  # decided once: it must not turn while we start it
                if not abandoned:
                    job._start()
            if abandoned:
                job._finish("cancelled")  # the next page that asks for it queues it again
            else:
                self._run(worker, job, task, decode)

    def _run(self, worker: Worker | InThread, job: Job, task: Task,
             decode: Callable[[Any], Any] | None) -> None:
        try:
            value = worker.run(task, job._report, job._cancel.is_set)
            result = decode(value) if decode is not None else value
        except Cancelled:
            job._finish("cancelled")
        except TaskFailed as exc:  # logged where it happened
            job._finish("failed", error=str(exc))
        except ValueError as exc:  # a setting the user chose: their sentence, no traceback
            job._finish("failed", error=str(exc))
        except Exception as exc:
            log.exception("background job %r (%s) failed", job.label, job.key[:12])
            job._finish("failed", error=f"Training failed: {type(exc).__name__}: {exc}")
        else:
            job._finish("done", result=result)
            with self._lock:
                self._durations.append(job.elapsed)

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


def _remaining(job: Job, typical: float) -> float:
    """Seconds a running job has left, from its speed so far (``typical`` before it knows)."""
    if job.fraction < 0.05:
        return max(typical - job.elapsed, 1.0)
    return job.elapsed * (1 - job.fraction) / job.fraction
