"""Widget state shared by the panels: keys are ``<page>.<field>`` (STYLE.md, habit 9)."""

from __future__ import annotations

from collections.abc import Callable
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


def preset_picker(page: str, labels: dict[str, str], default: str,
                  fields: tuple[str, ...] | Callable[[str], tuple[str, ...]]) -> str:
    """The "Start from" selectbox of a panel. Choosing a preset sets every control in
    ``fields`` (a tuple, or a function of the preset's name) and writes the preset into the
    address bar; the first visit takes it from ``?preset=``. Returns the preset's name."""
    from core import presets

    name_key = f"{page}.preset"
    fields_of = fields if callable(fields) else (lambda _name: fields)

    def load() -> None:
        name = st.session_state[name_key]
        fill_state(page, presets.get(name).config, fields_of(name), overwrite=True)
        st.query_params["preset"] = name   # the address bar now holds a link to this preset

    if name_key not in st.session_state:
        st.session_state[name_key] = preset_from_url(list(labels), default)
        load()
    name = st.selectbox("Start from", list(labels), format_func=labels.get, key=name_key,
                        on_change=load)
    fill_state(page, presets.get(name).config, fields_of(name), overwrite=False)
    return name


def stops(values: list, *current: Any) -> list:
    """A select_slider's stops, with a preset's own values added so it can always show them."""
    return sorted({*values, *current})
