"""From a config to a result on a page, with training in the background.

A page does ``result = runner.run(cfg, label="Learning curves")`` and calls ``st.stop()``
when it gets None: the job then trains on the server's shared pool, a fragment polls it and
draws live progress, and reruns the page once the job has finished.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

# Imported fully here, before any training thread starts. Trainers import scikit-learn (and
# with it pandas) inside their thread; plotly peeks at sys.modules for pandas and, meanwhile,
# found it half-initialised: the page's first figure failed ("no attribute 'Series'").
import pandas  # noqa: F401
import streamlit as st

from core import runs
from ui.jobs import Job, JobManager, ServerBusy

DEFAULT_WORKERS = 2
# Session state: keys whose job this session cancelled itself, and keys it asked to retry.
_CANCELLED = "runner.cancelled"
_RETRY = "runner.retry"


def workers_from_env() -> int:
    """Concurrent training jobs per server process: ``$GENLAB_JOBS``, default 2."""
    raw = os.environ.get("GENLAB_JOBS", "").strip()
    if not raw:
        return DEFAULT_WORKERS
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"GENLAB_JOBS must be a positive whole number (concurrent training "
                         f"jobs), not {raw!r}; unset it to use {DEFAULT_WORKERS}.")
    return n


@st.cache_resource(show_spinner=False, on_release=JobManager.shutdown)
def job_manager() -> JobManager:
    """The one job pool of this server process, shared by every session."""
    return JobManager(max_workers=workers_from_env())


def run(cfg: Any, *, label: str, wait_s: float = 1.0,
        live_chart: Callable[[dict], Any] | None = None) -> Any | None:
    """Result for cfg, or None while it trains in the background (the page then calls st.stop()).

    ``live_chart`` turns the trainer's partial results (e.g. the loss so far) into a plotly
    figure that the progress fragment redraws while the job runs.
    """
    key = runs.key_for(cfg)
    manager = job_manager()
    result = manager.result(key)
    if result is not None:
        return result

    job = manager.get(key)
    cancelled_here, retry = _session_set(_CANCELLED), _session_set(_RETRY)
    if (job is None or key in retry
            # Another session's Cancel must not strand this one: it starts the job again.
            or (job.state == "cancelled" and key not in cancelled_here)):
        retry.discard(key)
        cancelled_here.discard(key)
        try:
            job = manager.submit(key, lambda on_progress: runs.load_or_train(
                cfg, on_progress=on_progress), label=label)
        except ServerBusy as exc:
            st.warning(str(exc))
            return None

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
    return job_manager().result(runs.key_for(cfg)) or runs.load_stored(cfg)


def _show_progress(job: Job, label: str, live_chart: Callable[[dict], Any] | None) -> None:
    @st.fragment(run_every=0.5)
    def progress() -> None:
        if job.finished:
            st.rerun()  # app scope: the page redraws with the result, error or notice
        st.progress(job.fraction, text=f"{label}: {job.note} ({job.elapsed:.0f} s)")
        partial = job.partial
        if live_chart is not None and partial is not None:
            st.plotly_chart(live_chart(partial), key=f"live-{job.key[:12]}")
        st.button("Cancel", key=f"cancel-{job.key[:12]}", on_click=_cancel, args=(job,))

    progress()


def _cancel(job: Job) -> None:
    _session_add(_CANCELLED, job.key)
    job.cancel()


def _session_set(name: str) -> set[str]:
    if name not in st.session_state:
        st.session_state[name] = set()
    return st.session_state[name]


def _session_add(name: str, key: str) -> None:
    _session_set(name).add(key)
