"""Predict, then reveal: before a key experiment runs, the page can ask the room what will
happen, and answer after the run.

The sidebar's "Ask the class first" switch (``<page>.predict``, so it travels in a link) turns
it on. While a question is open the page shows the question instead of the run, and the
preset picker names the presets neutrally ("Setting 3": "Mode collapse" would give the answer
away). "Run and reveal" runs the experiment and says whether the guess was right. A guess lives
in the session only, never in the address nor on disk: a class's answers are not stored.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core import runs
from ui import link


def _key(page: str, name: str) -> str:
    return f"{page}.{name}"


def switch(page: str) -> None:
    """The sidebar's switch; draw it before the preset picker."""
    link.toggle("Ask the class first", key=_key(page, "predict"), on_change=reopen,
                args=(page,), help="Before each run, a question for the room; the answer "
                "comes with the result. The presets' names stay neutral until then.")


def enabled(page: str) -> bool:
    return bool(st.session_state.get(_key(page, "predict")))


def neutral(page: str) -> bool:
    """Whether presets are named neutrally now: a question is open."""
    return enabled(page) and bool(st.session_state.get(_key(page, "open"), True))


def labels(page: str, named: dict[str, str], key: str | None = None) -> dict[str, str]:
    """The labels of a selectbox of presets (``key``: its widget key): neutral while a
    question is open.

    The browser sends a selectbox's value back as its label, so when the labels switch the
    value is set again before the box is drawn: the browser then takes it under its new label
    instead of sending back one the box no longer has."""
    hide = neutral(page)
    if key is not None:
        if st.session_state.get(f"{key}.neutral", False) != hide and key in st.session_state:
            st.session_state[key] = st.session_state[key]
        st.session_state[f"{key}.neutral"] = hide
    if not hide:
        return named
    return {name: f"Setting {i}" for i, name in enumerate(named, start=1)}


def reopen(page: str) -> None:
    """A new preset is a new question (call from the picker's on_change)."""
    st.session_state[_key(page, "open")] = True


def nothing_to_ask(page: str) -> None:
    """This setting has no question (a GAN on data without modes): nothing to hide. The
    preset picker was drawn above with neutral names while a question was open, so the page
    runs once more to name them (a run found in the store brings no rerun of its own)."""
    was_open = neutral(page)
    st.session_state[_key(page, "open")] = False
    if was_open:
        st.rerun()


def ask(page: str, cfg: Any, question: str, options: list[str]) -> bool:
    """Whether the page may run ``cfg`` and show it: always, unless the switch is on and this
    config's question has not been revealed yet; then the question and its button are drawn."""
    is_open = enabled(page) and st.session_state.get(_key(page, "revealed")) != runs.key_for(cfg)
    st.session_state[_key(page, "open")] = is_open
    if not is_open:
        return True
    with st.container(border=True):
        st.markdown(f"**Predict, then reveal.** {question}")
        st.radio("Your guess (kept in this browser tab only)", options, index=None,
                 horizontal=True, key=_key(page, "guess"))
        st.button("Run and reveal", type="primary", key=_key(page, "reveal"), on_click=_reveal,
                  args=(page, cfg))
    return False


def _reveal(page: str, cfg: Any) -> None:
    # the guess is kept apart from its radio, which is gone once revealed
    st.session_state[_key(page, "revealed")] = runs.key_for(cfg)
    st.session_state[_key(page, "guessed")] = st.session_state.get(_key(page, "guess"))
    st.session_state[_key(page, "open")] = False


def answer(page: str, truth: str, because: str) -> None:
    """After the run: the answer ``truth`` (one of the question's options) with its reason,
    and whether the guess was right. Nothing when the switch is off."""
    if not enabled(page):
        return
    guess = st.session_state.get(_key(page, "guessed"))
    if guess is None:
        st.info(f"**The answer: {truth}.** {because}", icon=":material/lightbulb:")
    elif guess == truth:
        st.success(f"**You guessed “{guess}”: right.** {because}", icon=":material/check_circle:")
    else:
        st.warning(f"**You guessed “{guess}”; the run says “{truth}”.** {because}",
                   icon=":material/lightbulb:")
