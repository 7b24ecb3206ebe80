"""Widget state shared by the panels: keys are ``<page>.<field>`` (the same names are the URL
query parameters)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import streamlit as st

from ui import link, predict


def fill_state(page: str, cfg: Any, fields: tuple[str, ...], *, overwrite: bool) -> None:
    """Write a config's fields into the page's widget state.

    overwrite=True when a preset is chosen (it sets every control); False on each rerun, to
    refill controls that were hidden and so lost their state, without touching the others.
    """
    values = {f"{page}.{field}": getattr(cfg, field) for field in fields}
    link.set_defaults(values)   # a control left at its preset's value stays out of the link
    for name, value in values.items():
        if overwrite or name not in st.session_state:
            st.session_state[name] = value


def preset_from_url(choices: list[str], default: str) -> tuple[str, str | None]:
    """The ``?preset=`` of the page's address (a link an instructor puts on a slide), when it
    names one of ``choices``; otherwise ``default`` and a sentence saying why."""
    asked = st.query_params.get("preset")
    if asked in choices:
        return asked, None
    if asked is None or not asked.strip():   # ?preset= with nothing after it names nothing
        return default, None
    shown = "".join(c for c in asked[:40] if c.isalnum() or c in "._-")  # no markdown from a URL
    if shown and shown != asked:
        shown += "…"   # cut or filtered: not to be read as a preset it does have
    which = f"preset `{shown}`" if shown else "a preset"   # not an empty code span: ``
    return default, (f"The link asks for {which}, which this page does not have; it opened "
                     f"`{default}` instead. The presets here are {', '.join(choices)}.")


def preset_picker(page: str, labels: dict[str, str], default: str,
                  fields: tuple[str, ...] | Callable[[str], tuple[str, ...]], *,
                  question: bool = False) -> str:
    """The "Start from" selectbox of a panel. Choosing a preset sets every control in
    ``fields`` (a tuple, or a function of the preset's name) and writes the preset into the
    address bar; the first visit takes it from ``?preset=``. Returns the preset's name.
    ``question``: the page asks the class first when its switch is on (ui.predict), and
    names its presets neutrally while a question is open."""
    from core import presets

    name_key, warning_key = f"{page}.preset", f"{page}.link_warning"
    fields_of = fields if callable(fields) else (lambda _name: fields)

    def load() -> None:
        name = st.session_state[name_key]
        fill_state(page, presets.get(name).config, fields_of(name), overwrite=True)
        st.query_params["preset"] = name   # the address bar now holds a link to this preset

    def chosen() -> None:
        st.session_state.pop(warning_key, None)   # a person chose: the bad link is history
        link.forget_problems(page)
        predict.reopen(page)
        load()

    if name_key not in st.session_state:
        st.session_state[name_key], warning = preset_from_url(list(labels), default)
        if warning:
            st.session_state[warning_key] = warning   # kept: the page reruns after training
        load()
    if warning_key in st.session_state:
        st.warning(st.session_state[warning_key])
    if question:
        predict.switch(page)
        labels = predict.labels(page, labels, key=name_key)
    name = st.selectbox("Start from", list(labels), format_func=labels.get, key=name_key,
                        on_change=chosen)
    fill_state(page, presets.get(name).config, fields_of(name), overwrite=False)
    if question:   # the address bar is on the projector too: no preset's name while it is open
        if predict.neutral(page):
            st.query_params.pop("preset", None)
        elif st.query_params.get("preset") != name:
            st.query_params["preset"] = name
    return name


def config_from_widgets(page: str, base: Any, fields: tuple[str, ...],
                        **overrides: Any) -> Any | None:
    """``base`` with the page's widget values for ``fields`` (and ``overrides``), or None with
    the config's own sentence, and where to change it, when the widgets do not make a valid
    one."""
    values = {f: st.session_state[f"{page}.{f}"] for f in fields}
    try:
        return dataclasses.replace(base, **{**values, **overrides})
    except ValueError as err:
        st.error(f"{err} Change that setting in the sidebar.")
        return None


def stops(values: list, *current: Any) -> list:
    """A select_slider's stops, with a preset's own values added so it can always show them."""
    return sorted({*values, *current})
