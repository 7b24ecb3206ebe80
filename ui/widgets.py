"""Widget state shared by the panels: keys are ``<page>.<field>`` (STYLE.md, habit 9)."""

from __future__ import annotations

from typing import Any

import streamlit as st


def fill_state(page: str, cfg: Any, fields: tuple[str, ...], *, overwrite: bool) -> None:
    """Write a config's fields into the page's widget state.

    overwrite=True when a preset is chosen (it sets every control); False on each rerun, to
    refill controls that were hidden and so lost their state, without touching the others.
    """
    for field in fields:
        name = f"{page}.{field}"
        if overwrite or name not in st.session_state:
            st.session_state[name] = getattr(cfg, field)


def preset_from_url(choices: list[str], default: str) -> str:
    """The ``?preset=`` of the page's address (a link an instructor puts on a slide), when it
    names one of ``choices``; otherwise ``default``, with a sentence saying why."""
    asked = st.query_params.get("preset")
    if asked is None or asked in choices:
        return asked or default
    st.warning(f"The link asks for preset {asked!r}, which this page does not have; it opened "
               f"{default!r} instead. The presets here are {', '.join(choices)}.")
    return default
