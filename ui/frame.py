"""The frame every page shares: the sidebar's title, the lecture it follows, the device,
and one check of the environment variables before any page uses them."""

from __future__ import annotations

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


def sidebar() -> None:
    device, problems = _environment()
    with st.sidebar:
        st.caption("genlab — a lab for *A Brief Intro to Generative Models* (Lecture 06)")
        st.caption(f"Trains on: {device}")
    if problems:
        for problem in problems:
            st.error(f"The server's settings need a fix: {problem}")
        st.stop()
