"""Presenter mode, for a lecture on a projector: larger type and charts, the sidebar folded, the
explanations folded away and the captions hidden, so the phenomenon and its equation fill the
screen. It is on with ``?present=1`` or the sidebar's toggle, survives reruns and page
changes, and travels in the link."""

from __future__ import annotations

import re

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import link

KEY = "present"   # the session's switch, and the query parameter that carries it
KEEP = "keep"      # the query parameter of the controls kept on screen: ?keep=gan.k,gan.lr_d
_KEPT = "present.keep"
_ON, _OFF = ("1", "true", "on", "yes"), ("0", "false", "off", "no", "")
_BAD = "present.bad_link"

# Streamlit's text is sized in rem: a larger root size scales headings, paragraphs, widget
# labels and metrics together. Charts are sized in px; ui.shared_figures.as_shown scales
# their type, margins and height as much (22 px against the browser's 16).
SCALE = 22 / 16
STYLE = """<style>
html { font-size: 22px; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stCaptionContainer"] { display: none; }
.stMainBlockContainer { padding-top: 2rem; }
</style>"""


def active() -> bool:
    """Whether presenter mode is on; the first run of a session reads it from the address.
    Call before ``st.set_page_config``: it decides whether the sidebar starts folded."""
    if KEY not in st.session_state:
        asked = st.query_params.get(KEY, "")
        on = asked.strip().lower() in _ON
        if not on and asked.strip().lower() not in _OFF:
            st.session_state[_BAD] = (f"The link asks for presenter mode `{link.quoted(asked)}`, "
                                      "which is not 1 or 0; the page opened without it.")
        st.session_state[KEY] = on
    return bool(st.session_state[KEY])


def on() -> bool:
    """Whether this script run's session presents (False outside a script run: a figure built
    by a test or a benchmark is drawn at its own size)."""
    return get_script_run_ctx(suppress_warning=True) is not None and bool(
        st.session_state.get(KEY))


def keeping() -> list[str]:
    """The controls (widget keys) the lecturer keeps on screen in presenter mode: the sidebar
    then stays open with those alone. The first run of a session reads ``?keep=``."""
    if _KEPT not in st.session_state:
        asked = [k.strip() for k in st.query_params.get(KEEP, "").split(",") if k.strip()]
        good = [k for k in asked if re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", k)]
        if len(good) < len(asked):
            st.session_state[_BAD] = ("The link's keep= names controls by their keys, such "
                                      "as gan.k,gan.lr_d; the others were left out.")
        st.session_state[_KEPT] = good
    return list(st.session_state[_KEPT])


def keep_picker(drawn: dict[str, str]) -> None:
    """In presenter mode, after the page: which of its controls (key: label) stay on screen."""
    if not st.session_state.get(KEY):
        return
    kept = keeping()
    options = {**drawn, **{k: k for k in kept if k not in drawn}}
    st.sidebar.multiselect("Keep on screen in presenter mode", list(options), key=_KEPT,
                           format_func=options.get, help="The sidebar stays open with only "
                           "these controls; the link carries them (keep=).")


def _hide_all_but(kept: list[str]) -> str:
    """CSS that hides the sidebar's contents but the kept controls and presenter mode's own."""
    keys = [KEY, _KEPT, *kept]
    spared = "".join(f":not(.st-key-{re.sub(r'[^a-zA-Z0-9_-]', '-', k)})" for k in keys)
    return ("<style>[data-testid='stSidebarUserContent'] .stElementContainer"
            f"{spared}, [data-testid='stSidebarUserContent'] [data-testid='stExpander']"
            " { display: none; }</style>")


def frame(on: bool) -> None:
    """The sidebar's switch, the style when on, and the address: ``present=1`` or nothing."""
    with st.sidebar:
        st.toggle("Presenter mode", key=KEY, help="Larger type for a projector, the sidebar "
                  "folded, explanations folded away. Open the sidebar (top left) to change a "
                  "setting or to leave presenter mode; `?present=1` in a link turns it on.")
    if _BAD in st.session_state:
        st.warning(st.session_state.pop(_BAD), icon=":material/link_off:")
    kept = keeping() if on else []
    if on:
        st.html(STYLE + (_hide_all_but(kept) if kept else ""))
        st.query_params[KEY] = "1"
    else:
        st.query_params.pop(KEY, None)
    if kept:
        st.query_params[KEEP] = ",".join(kept)
    else:
        st.query_params.pop(KEEP, None)


def explain(text: str) -> None:
    """A page's explanation: in full, or in presenter mode folded under one click."""
    if st.session_state.get(KEY):
        with st.expander("What this page shows", icon=":material/info:"):
            st.write(text)
    else:
        st.write(text)
