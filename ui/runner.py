"""From a config to a result on a page, with training in the background.

A page does ``result = runner.run(cfg, label="Learning curves")`` and calls ``st.stop()``
when it gets None: the job then trains in one of the server's worker processes, a fragment
polls it and draws live progress (its place in the queue while it waits), and reruns the
page once the job has finished.
"""

from __future__ import annotations

import functools
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

# Imported fully here, before any training thread starts. Trainers import scikit-learn (and
# with it pandas) inside their thread; plotly peeks at sys.modules for pandas and, meanwhile,
# found it half-initialised: the page's first figure failed ("no attribute 'Series'").
import pandas  # noqa: F401
import plotly.graph_objects as go
import streamlit as st

from core import runs, settings
from core.device import cores
from ui import export, prewarm, shared_figures
from ui.jobs import Job, JobManager, ServerBusy

# Session state: keys whose job this session cancelled itself, and keys it asked to retry.
_CANCELLED = "runner.cancelled"
_RETRY = "runner.retry"
_SESSION = "runner.session"


@st.cache_resource(show_spinner=False, on_release=JobManager.shutdown)
def job_manager() -> JobManager:
    """The one job pool of this server process, shared by every session: ``GENLAB_JOBS``
    workers, in processes or threads as ``GENLAB_JOB_WORKERS`` says. Each worker process gets
    ``GENLAB_TORCH_THREADS`` threads, else its share of the cores: single models train on
    one thread anyway; the share is what a batched run (the GAN ensemble) may use."""
    workers = settings.jobs()
    threads = settings.torch_threads() or max(1, cores() // workers)
    return JobManager(max_workers=workers, processes=settings.job_workers() == "processes",
                      threads_per_worker=threads)


class Watchers:
    """Which sessions watch a job now: the poll interval backs off as their number grows."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def poll(self, session: str) -> int:
        """Note that ``session`` polled; the number of sessions that polled in the last 5 s."""
        now = time.monotonic()
        with self._lock:
            self._seen[session] = now
            self._seen = {s: t for s, t in self._seen.items() if now - t < 5.0}
            return len(self._seen)


@st.cache_resource(show_spinner=False)
def watchers() -> Watchers:
    return Watchers()


def poll_interval(n_watchers: int) -> float:
    """Seconds between a watcher's polls: 0.5 for a few, up to 1 s for a class of 20 or more
    (every poll is a script run in the server's one interpreter). Thirty watchers at 1 s
    cost the training job nothing measurable (worker processes train beside the server), and
    each sees the end at most 1 s late; at 2 s the last of a class saw it 2 s late."""
    return min(1.0, max(0.5, n_watchers / 20))


@export.records_runs   # the sidebar's "Export this page" offers what the page got
def run(cfg: Any, *, label: str, wait_s: float = 1.0,
        live_chart: Callable[[dict], Any] | None = None) -> Any | None:
    """Result for cfg, or None while it trains in the background (the page then calls st.stop()).

    ``live_chart`` turns the trainer's partial results (e.g. the loss so far) into a plotly
    figure that the progress fragment redraws while the job runs.
    """
    key = runs.key_for(cfg)
    manager = job_manager()
    result = _finished(manager, key, cfg)
    if result is not None or prewarm.is_visit():  # the server's own first look never trains
        return result

    job = manager.get(key)
    cancelled_here, retry = _session_set(_CANCELLED), _session_set(_RETRY)
    if (job is None or key in retry
            # Another session's Cancel must not strand this one: it starts the job again.
            or (job.state == "cancelled" and key not in cancelled_here)):
        retry.discard(key)
        cancelled_here.discard(key)
        try:
            job = manager.submit(key, functools.partial(runs.train_for_transfer, cfg),
                                 label=label, decode=functools.partial(runs.from_transfer, cfg))
        except ServerBusy as exc:
            st.warning(str(exc))
            return None

    job.touch()
    # A store hit or a quick run comes back within this rerun, with no progress bar flash.
    job.wait(wait_s)
    if job.state == "done":
        return job.result
    if job.state == "failed":
        st.error(job.error)
        st.button("Try again", key=f"retry-{key[:12]}", on_click=_session_add, args=(_RETRY, key))
        return None
    if job.state == "cancelled":
        st.info("Training was cancelled.")
        st.button("Train again", key=f"retrain-{key[:12]}", on_click=_session_add,
                  args=(_RETRY, key))
        return None
    _show_progress(job, label, live_chart)
    return None


def peek(cfg: Any) -> Any | None:
    """The result for cfg if a job of this server or the store has it; never starts training
    (for a part of a page that only reads a run another part of the page trains)."""
    return _finished(job_manager(), runs.key_for(cfg), cfg)


def _finished(manager: JobManager, key: str, cfg: Any) -> Any | None:
    """The result from the pool's LRU, else from the store (read here, not by a worker: its
    round trip would only cost), kept in the LRU for the next view."""
    result = manager.result(key)
    if result is None:
        result = runs.load_stored(cfg)
        if result is not None:
            manager.remember(key, result)
    return result


def _show_progress(job: Job, label: str, live_chart: Callable[[dict], Any] | None) -> None:
    interval = poll_interval(watchers().poll(_session_id()))

    @st.fragment(run_every=interval)
    def progress() -> None:
        if job.finished:
            st.rerun()  # app scope: the page redraws with the result, error or notice
        job.touch()
        wanted = poll_interval(watchers().poll(_session_id()))
        if not interval / 2 < wanted < interval * 2:
            st.rerun()  # the class grew or left: the page reruns with a new poll interval
        place = job_manager().place(job) if job.state == "queued" else None
        if place is not None:
            n, eta = place
            st.progress(0.0, text=f"{label}: waiting, {_ordinal(n)} in the queue; it should "
                                  f"start in about {_duration(eta)}")
        else:
            st.progress(job.fraction, text=f"{label}: {job.note} ({job.elapsed:.0f} s)")
        if live_chart is not None and job.partial is not None:
            live = shared_figures.as_shown(_live_view(job, live_chart))   # presenting: larger
            st.plotly_chart(live, key=f"live-{job.key[:12]}")
        st.button("Cancel", key=f"cancel-{job.key[:12]}", on_click=_cancel, args=(job,))

    progress()


def _live_view(job: Job, live_chart: Callable[[dict], Any]) -> Any:
    """The live figure for the job's latest report, built once and shared by its watchers
    (every session's chart function for this page is the same code on the same config)."""
    version, partial = job.news()
    view = getattr(live_chart, "__code__", live_chart)
    with job.views_lock:
        built = job.views.get(view)
        if built is None or built[0] != version:
            with shared_figures.unshared():  # a tick's figure: kept here, not in the cache
                fig = live_chart(partial)
            if isinstance(fig, go.Figure):
                fig = shared_figures.SharedFigure(fig)  # sent as it is, no copy per watcher
            built = job.views[view] = (version, fig)
    return built[1]


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(5, round(seconds / 5) * 5):.0f} s"
    return f"{seconds / 60:.0f} min"


def _session_id() -> str:
    if _SESSION not in st.session_state:
        st.session_state[_SESSION] = uuid.uuid4().hex
    return st.session_state[_SESSION]


def _cancel(job: Job) -> None:
    _session_add(_CANCELLED, job.key)
    job.cancel()


def _session_set(name: str) -> set[str]:
    if name not in st.session_state:
        st.session_state[name] = set()
    return st.session_state[name]


def _session_add(name: str, key: str) -> None:
    _session_set(name).add(key)
