"""Training outside the server's interpreter: worker processes that run one task at a time.

Small models train Python-bound, so training threads inside a web server share its one
interpreter lock with every session that draws a page: a job watched by a class ran five
times slower there than from the command line. A :class:`Worker` owns one process,
``python -m core.pool``, that waits for tasks on a socket. A plain new interpreter, not
multiprocessing's spawn or fork server: those import the parent's ``__main__`` in the
child, and inside Streamlit that is the page script, which would run again in every worker.

A task is a picklable callable ``task(on_progress) -> value`` (``functools.partial`` of a
module-level function). The worker sends its progress back at most every
``PROGRESS_GAP_S`` seconds, its value when done, or a sentence when it fails. A cancel is a
message the worker reads at its next progress report; a worker that does not stop within
``CANCEL_GRACE_S``, or that dies (killed, out of memory), is replaced by a fresh one.
``InThread`` runs the same tasks in the calling thread, for tests and hosts that cannot
start processes.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from core.progress import Cancelled, ProgressFn

log = logging.getLogger(__name__)

Task = Callable[[ProgressFn], Any]
PROGRESS_GAP_S = 0.2       # a page polls every 0.5 s at best: more reports would only cost
CANCEL_GRACE_S = 10.0      # then the worker is killed: a trainer that never reports progress
# Pages first: a page view is a fraction of a second that a whole class waits for, a job is
# seconds that one student watches. On a busy CPU the server takes what it needs, the workers
# the rest (the server is one interpreter: at most one core of it).
NICENESS = 5
ROOT = Path(__file__).resolve().parent.parent  # where ``python -m core.pool`` finds core



class TaskFailed(RuntimeError):
    """The task raised; the message is a sentence for the page (the traceback is logged)."""


class WorkerLost(TaskFailed):
    """The worker process died while it ran the task."""


class InThread:
    """Runs a task in the calling thread: the same contract as :class:`Worker`."""

    def start(self) -> None:
        pass

    def run(self, task: Task, on_progress: ProgressFn, cancelled: Callable[[], bool]) -> Any:
        def report(fraction: float, note: str = "", partial: dict | None = None) -> None:
            if cancelled():
                raise Cancelled()
            on_progress(fraction, note, partial)

        if cancelled():
            raise Cancelled()
        try:
            return task(report)
        except (Cancelled, ValueError):
            raise
        except Exception as exc:
            log.exception("a training task failed")
            raise TaskFailed(f"Training failed: {type(exc).__name__}: {exc}") from exc

    def stop(self) -> None:
        pass


class Worker:
    """One worker process and the socket to it. ``run`` blocks: call it from one thread."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the process now (it imports the trainers, then waits for a task)."""
        if self._process is not None and self._process.poll() is None:
            return
        ours, theirs = socket.socketpair()
        with ours, theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "core.pool", str(theirs.fileno()), str(self.threads)],
                pass_fds=[theirs.fileno()], cwd=ROOT)
            self._conn = Connection(os.dup(ours.fileno()))

    def run(self, task: Task, on_progress: ProgressFn, cancelled: Callable[[], bool]) -> Any:
        """The task's value. Calls ``on_progress(fraction, note, partial)`` as reports arrive;
        raises ``Cancelled`` (``cancelled()`` turned true), ``ValueError`` (a setting the
        user chose: its sentence), ``TaskFailed`` or ``WorkerLost``."""
        self.start()
        conn, process = self._conn, self._process  # stop() from another thread clears these
        try:
            conn.send(("run", task))
        except (OSError, EOFError):
            raise self._lost(process) from None
        asked_to_stop: float | None = None
        while True:
            try:
                if asked_to_stop is None and cancelled():
                    conn.send(("cancel",))
                    asked_to_stop = time.monotonic()
                elif asked_to_stop is not None and (time.monotonic() - asked_to_stop
                                                    > CANCEL_GRACE_S):
                    log.warning("worker %s ignored a cancel for %.0f s; killing it", self.pid,
                                CANCEL_GRACE_S)
                    self.stop()
                    raise Cancelled()
                if not conn.poll(0.1):
                    if process.poll() is not None:
                        raise self._lost(process)
                    continue
                message = conn.recv()
            except (OSError, EOFError):
                raise self._lost(process) from None
            kind, *body = message
            if kind == "progress":
                on_progress(*body)
            elif kind == "done":
                return body[0]
            elif kind == "cancelled":
                raise Cancelled()
            elif kind == "invalid":
                raise ValueError(body[0])
            else:
                raise TaskFailed(body[0])

    def stop(self) -> None:
        """Kill the process (a running task is lost); the next ``run`` starts a fresh one."""
        process, self._process = self._process, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=5)

    def _lost(self, process: subprocess.Popen) -> WorkerLost:
        try:
            code = process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        if process is self._process:  # (not yet replaced, nor stopped by a shutdown)
            self.stop()
        how = {None: "it hung", -9: "killed, perhaps for want of memory"}.get(
            code, f"killed by signal {-code}" if code is not None and code < 0 else
            f"exit code {code}")
        log.error("training worker %s stopped: %s", process.pid, how)
        return WorkerLost(f"The training process stopped before it finished ({how}). The "
                          "server has started a fresh one: press Try again.")


def _serve(conn: Connection, threads: int) -> None:
    """The worker process: take a task, run it, send back progress and the outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server: the server stops us
    os.nice(NICENESS)
    os.environ["GENLAB_TORCH_THREADS"] = str(threads)
    import torch

    import core.trainers  # noqa: F401  (imports every trainer once, before the first task)

    torch.set_num_threads(threads)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the server has gone: so do we
        except Exception as exc:  # a task that does not unpickle here
            _send(conn, ("failed", f"The task could not be read: {type(exc).__name__}: {exc}"))
            continue
        if message[0] == "run":  # (a "cancel" that crossed the last "done" is dropped)
            _send(conn, _outcome(conn, message[1]))


def _outcome(conn: Connection, task: Task) -> tuple:
    last_sent, unsent_partial = 0.0, None

    def report(fraction: float, note: str = "", partial: dict | None = None) -> None:
        nonlocal last_sent, unsent_partial
        if conn.poll() and conn.recv()[0] == "cancel":
            raise Cancelled()
        unsent_partial = partial if partial is not None else unsent_partial
        now = time.monotonic()
        if now - last_sent >= PROGRESS_GAP_S:  # else only the newest report is kept
            last_sent = now
            _send(conn, ("progress", fraction, note, unsent_partial))
            unsent_partial = None

    try:
        return ("done", task(report))
    except Cancelled:
        return ("cancelled",)
    except ValueError as exc:
        return ("invalid", str(exc))
    except Exception as exc:
        traceback.print_exc()
        return ("failed", f"Training failed: {type(exc).__name__}: {exc}")


def _send(conn: Connection, message: tuple) -> None:
    try:
        conn.send(message)
    except (OSError, EOFError):
        os._exit(0)  # the server has gone mid-task: nobody is left to train for


if __name__ == "__main__":  # python -m core.pool FD THREADS: started by Worker.start
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
