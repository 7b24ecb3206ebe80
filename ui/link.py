"""A page's whole state in its address, so that a link opens the page as it was.

The controls made here (``link.slider``, ``link.select_slider``, ``link.selectbox``,
``link.radio``, ``link.number_input``, ``link.toggle``) are Streamlit's own widgets with three
things added. The query parameter of a control is its widget key (``?gan.lr_d=0.001``):

- On the page's first run in a session, a value the address gives a control replaces the
  preset's. A value the control cannot take is named in one sentence at the top of the page,
  with what the control does take, and the control keeps its default.
- After each run the address holds a control's value where it differs from its default (the
  preset's value, or the control's own ``value``) and nothing where it does not.
- Once a run reaches the end of the page, the address names only the controls the page drew;
  a link's value for a control the page did not draw is reported and left out.

The router calls ``arrive`` before a page and ``finish`` after it; the sidebar's "Share" box
(``finish``) shows the link with a copy button. ``?preset=`` (ui.widgets) and ``?present=``
(ui.present) are the page's, not a control's, and pass through untouched.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from functools import partial
from typing import Any
from urllib.parse import urlencode

import streamlit as st

RESERVED = ("preset", "present", "keep", "embed", "embed_options")
_PENDING, _PROBLEMS, _OPENED = "link.pending", "link.problems", "link.opened"
_UNSET = object()
_run = threading.local()   # this script run's page, defaults, drawn keys and warning slot


def arrive(page: str) -> None:
    """Before the page's script: on its first run in this session, the address's values wait
    for their controls; the sentences about a bad link are shown at the top."""
    _run.page, _run.defaults, _run.drawn, _run.labels = page, {}, set(), {}
    _run.slot = st.container()
    opened = st.session_state.setdefault(_OPENED, set())
    pending = st.session_state.setdefault(_PENDING, {})
    for other in [p for p in pending if p != page]:   # left before its controls were drawn:
        del pending[other]                            # a later visit has no link to follow
    if page not in opened:
        opened.add(page)
        pending[page] = {name: st.query_params[name] for name in st.query_params
                         if name not in RESERVED}
    for sentence in st.session_state.get(_PROBLEMS, {}).get(page, []):
        _run.slot.warning(sentence, icon=":material/link_off:")


def finish() -> None:
    """After a run that reached the end of the page: what the link asked for and the page did
    not draw is reported, the address keeps only the drawn controls, and the sidebar offers
    the link."""
    page = getattr(_run, "page", None)
    if page is None:
        return
    for name in st.session_state.get(_PENDING, {}).pop(page, {}):
        _problem(f"The link sets `{quoted(name)}`, which names no control this page shows "
                 "with these settings, so it was left out.")
    for name in list(st.query_params):
        if name not in RESERVED and name not in _run.drawn:
            del st.query_params[name]
    if page != "home":
        with st.sidebar.expander("Share this page", icon=":material/link:"):
            st.code(url(), language=None, wrap_lines=True)
            st.caption("The copy button (top right of the box) copies a link that opens this "
                       "page as it is now: the preset and every setting you changed.")


def url() -> str:
    """The page's address with its query, as the browser shows it after this run."""
    query = urlencode(st.query_params.to_dict())
    return f"{st.context.url or ''}{'?' if query else ''}{query}"


def set_defaults(values: dict[str, Any]) -> None:
    """The preset's values (key to value): a control left at its one is not in the address."""
    if hasattr(_run, "defaults"):
        _run.defaults.update(values)


def label(key: str) -> str:
    """The label of the control drawn this run under ``key``; else its field's name."""
    return getattr(_run, "labels", {}).get(key) or key.rsplit(".", 1)[-1].replace("_", " ")


def drawn() -> dict[str, str]:
    """The controls drawn in this run: key to label."""
    return dict(getattr(_run, "labels", {}))


def forget_problems(page: str) -> None:
    """A person chose a preset: the sentences about the link that opened the page are history."""
    st.session_state.get(_PROBLEMS, {}).pop(page, None)


# ---------------------------------------------------------------- the controls

def slider(label: str, lo: float, hi: float, *, key: str, where: Any = None,
           value: Any = _UNSET, **kwargs: Any) -> Any:
    domain = _Range(lo, hi, kwargs.get("step"))
    return _linked("slider", label, domain, (lo, hi), key, where, value, kwargs)


def number_input(label: str, lo: float, hi: float, *, key: str, where: Any = None,
                 value: Any = _UNSET, **kwargs: Any) -> Any:
    domain = _Range(lo, hi, kwargs.get("step"))
    return _linked("number_input", label, domain, (lo, hi), key, where, value, kwargs)


def select_slider(label: str, options: Sequence, *, key: str, where: Any = None,
                  value: Any = _UNSET, **kwargs: Any) -> Any:
    return _linked("select_slider", label, _Choices(options), (options,), key, where, value,
                   kwargs)


def selectbox(label: str, options: Sequence, *, key: str, where: Any = None,
              value: Any = _UNSET, **kwargs: Any) -> Any:
    return _linked("selectbox", label, _Choices(options), (options,), key, where, value, kwargs)


def radio(label: str, options: Sequence, *, key: str, where: Any = None,
          value: Any = _UNSET, **kwargs: Any) -> Any:
    return _linked("radio", label, _Choices(options), (options,), key, where, value, kwargs)


def toggle(label: str, *, key: str, where: Any = None, value: bool = False,
           **kwargs: Any) -> bool:
    return _linked("toggle", label, _Switch(), (), key, where, value, kwargs)


def _linked(kind: str, label: str, domain: _Domain, args: tuple, key: str, where: Any,
            value: Any, kwargs: dict) -> Any:
    """Draw the control ``kind`` with its value from the link, the session or its default,
    then write the value into the address."""
    index = kwargs.pop("index", None)
    if value is _UNSET:
        value = domain.first() if index is None else list(args[0])[index]
    default = getattr(_run, "defaults", {}).get(key, value)
    if key not in st.session_state:
        st.session_state[key] = default
    pending = st.session_state.get(_PENDING, {}).get(key.split(".")[0], {})
    if key in pending:
        raw = pending.pop(key)
        try:
            st.session_state[key] = domain.parse(raw)
        except ValueError as err:
            _problem(f"The link sets “{label}” (`{key}`) to `{quoted(raw)}`, but {err}; it "
                     f"shows {encode(st.session_state[key])} instead.")
    shown = getattr(where or st, kind)(label, *args, key=key, **kwargs)
    if hasattr(_run, "drawn"):
        _run.drawn.add(key)
        _run.labels[key] = label
    if shown == default:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != encode(shown):
        st.query_params[key] = encode(shown)
    return shown


def encode(value: Any) -> str:
    """A value as the address writes it: numbers as Python reads them back exactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        return repr(float(value))
    return str(value)


class _Domain:
    def first(self) -> Any:
        raise NotImplementedError

    def parse(self, raw: str) -> Any:
        """The value ``raw`` names, or ValueError with a clause saying what is allowed."""
        raise NotImplementedError


class _Range(_Domain):
    def __init__(self, lo: float, hi: float, step: float | None = None) -> None:
        self.lo, self.hi, self.step = lo, hi, step
        self.whole = isinstance(lo, int) and isinstance(hi, int)

    def first(self) -> float:
        return self.lo

    def parse(self, raw: str) -> float:
        kind = "a whole number" if self.whole else "a number"
        steps = f" in steps of {self.step}" if self.step and self.step != 1 else ""
        allowed = f"it takes {kind} from {self.lo} to {self.hi}{steps}"
        try:
            number = int(raw) if self.whole else float(raw)
        except ValueError:
            raise ValueError(allowed) from None
        if not (math.isfinite(number) and self.lo <= number <= self.hi):
            raise ValueError(allowed)
        if self.step:   # on the control's grid, as a person could set it
            ticks = (number - self.lo) / self.step
            if abs(ticks - round(ticks)) > 1e-6:
                raise ValueError(allowed)
        return number


class _Choices(_Domain):
    def __init__(self, options: Sequence) -> None:
        self.options = list(options)

    def first(self) -> Any:
        return self.options[0]

    def parse(self, raw: str) -> Any:
        for option in self.options:
            if encode(option) == raw:
                return option
        for option in self.options:   # 1e-3 for 0.001: the same number, written by hand
            if _same_number(option, raw):
                return option
        names = [encode(o) for o in self.options]
        listed = ", ".join(names) if len(names) <= 10 else f"{names[0]} to {names[-1]}"
        raise ValueError(f"it takes one of {listed}")


class _Switch(_Domain):
    WORDS = {"true": True, "1": True, "on": True, "yes": True,
             "false": False, "0": False, "off": False, "no": False}

    def first(self) -> bool:
        return False

    def parse(self, raw: str) -> bool:
        if raw.strip().lower() not in self.WORDS:
            raise ValueError("it takes true or false")
        return self.WORDS[raw.strip().lower()]


def _same_number(option: Any, raw: str) -> bool:
    if isinstance(option, bool) or not isinstance(option, (int, float)):
        return False
    try:
        return float(raw) == float(option)
    except ValueError:
        return False


def quoted(raw: str) -> str:
    """A value from the address, safe to show: no markdown, no HTML, at most 40 characters."""
    text = "".join(c for c in str(raw)[:40] if c.isalnum() or c in "._-+")
    return text + ("…" if text != raw else "") if text else "…"


def _problem(sentence: str) -> None:
    page = getattr(_run, "page", None) or "page"
    said = st.session_state.setdefault(_PROBLEMS, {}).setdefault(page, [])
    if sentence not in said:
        said.append(sentence)
        slot = getattr(_run, "slot", None)
        (slot or st).warning(sentence, icon=":material/link_off:")



class on:  # noqa: N801  (read as a phrase: link.on(cols[0]).slider(...))
    """This module's controls drawn in ``where``: a column, an expander, the sidebar."""

    KINDS = ("slider", "number_input", "select_slider", "selectbox", "radio", "toggle")

    def __init__(self, where: Any) -> None:
        self._where = where

    def __getattr__(self, kind: str) -> Any:
        if kind not in self.KINDS:
            raise AttributeError(kind)
        return partial(globals()[kind], where=self._where)
