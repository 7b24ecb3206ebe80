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
