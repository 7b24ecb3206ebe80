"""The frame every page shares: the sidebar's title, the lecture it follows, the device,
and one check of the environment variables before any page uses them."""

from __future__ import annotations

import gc

import streamlit as st

from core import settings
from core.device import choose_device, describe, limit_threads


@st.cache_resource(show_spinner=False)
def _environment() -> tuple[str, list[str]]:
    """(the device line, the problems with GENLAB_* settings): checked once per process."""
    problems, device = settings.problems(), "CPU"
    try:
        device = describe(choose_device())   # also: is the device asked for on this machine?
    except ValueError as err:
        if str(err) not in problems:   # a misspelt GENLAB_DEVICE is already there
            problems.append(str(err))
    if not problems:
        limit_threads()   # this server process's own torch threads
    return device, problems


def settle() -> None:
    """Import what the pages need, then freeze the heap: the objects of torch, scikit-learn
    and plotly (hundreds of thousands) leave the garbage collector's reach, so its full
    collections, Python's own and any Streamlit forces after a script run (160 ms each with
    them, every progress poll included), only look at what the pages made since. ``python -m
    ui.launch`` calls it before the server starts; a plain ``streamlit run`` on the first
    page view (``_settle``), when the class's first views wait for these imports."""
    import core.presets  # noqa: F401  (the presets' configs)
    import core.trainers  # noqa: F401  (every trainer: torch, scikit-learn)
    import ui.compare.panel  # noqa: F401
    import ui.diffusion.panel  # noqa: F401  (every page's charts: plotly)
    import ui.diffusion.panel_digits  # noqa: F401
    import ui.gan.charts_saddle  # noqa: F401  (imported late by the GAN page)
    import ui.gan.panel  # noqa: F401
    import ui.gen_vs_disc.panel  # noqa: F401
    import ui.latent.panel  # noqa: F401
    import ui.latent.panel_variants  # noqa: F401

    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def _settle() -> None:
    """``settle`` once per server process (a no-op import check after ``ui.launch``)."""
    if gc.get_freeze_count() == 0:
        settle()


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
