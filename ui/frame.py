"""The frame every page shares: the sidebar's title, the lecture it follows, the device,
and one check of the environment variables before any page uses them."""

from __future__ import annotations

import gc

import streamlit as st

from core.device import choose_device, describe, limit_threads
from core.store import ArtifactStore
from ui.runner import mode_from_env, workers_from_env


@st.cache_resource(show_spinner=False)
def _environment() -> tuple[str, list[str]]:
    """(the device line, the problems with GENLAB_* settings): checked once per process."""
    problems, device = [], "CPU"
    for check in (limit_threads, ArtifactStore, workers_from_env, mode_from_env):
        try:
            check()
        except ValueError as err:
            problems.append(str(err))
    try:
        device = describe(choose_device())
    except ValueError as err:
        problems.append(str(err))
    return device, problems


@st.cache_resource(show_spinner=False)
def _settle() -> None:
    """Once per server process: import what the pages need, then freeze the heap. Streamlit
    runs gc.collect(2) after every script run, each fragment poll included; with torch,
    scikit-learn and plotly loaded one took 160 ms of the server's one interpreter (10 of 18 s
    under 50 sessions), and 0 ms once those modules' objects are frozen out of its reach."""
    import core.presets  # noqa: F401  (every trainer: torch, scikit-learn)
    import ui.diffusion  # noqa: F401  (every page's charts: plotly)
    import ui.gan  # noqa: F401
    import ui.gen_vs_disc  # noqa: F401
    import ui.latent  # noqa: F401

    gc.collect()
    gc.freeze()


def sidebar() -> None:
    _settle()
    device, problems = _environment()
    with st.sidebar:
        st.caption("genlab — a lab for *A Brief Intro to Generative Models* (Lecture 06)")
        st.caption(f"Trains on: {device}")
    if problems:
        for problem in problems:
            st.error(f"The server's settings need a fix: {problem}")
        st.stop()
