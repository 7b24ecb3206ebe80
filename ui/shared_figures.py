"""Figures built once per server process and shown by every session that asks for them.

A warm page view used to rebuild each plotly figure (go.Figure validates every property: the
GAN film alone took 0.3 s) and Streamlit then copied it (Figure.to_dict deep-copies the figure
and base64-encodes its arrays: 40 to 80 ms for a film), for every session opening the page.
Here a builder runs once per distinct input and its figure is kept as plotly's finished dict
(a ``SharedFigure``), which st.plotly_chart serialises as it is: no validation, no copy.

- ``@shared`` on a builder (ui/charts*.py) keys the figure by the builder and the content of
  its arguments: plain values (str, numbers, None, and tuples of them) by value; arrays,
  mappings, sequences and dataclasses (a run's result) by a hash of their bytes. A caller
  passes the same arguments as before and gets the shared figure.
- ``run_key=``, a keyword every shared builder takes, or ``figure(run_key, builder, ...)``:
  the arguments that are not plain values are that run's data (``core.runs.key_for``), so
  they are not hashed; the plain ones still are. A big film then costs nothing to look up.

A SharedFigure is read-only: it holds only the dict (``to_dict()`` returns it, not a copy), so
``update_layout`` and the like fail on it. A builder that adds to another builder's figure
starts from ``editable(fig)``. An argument of any other type (a torch model, a go.Figure) makes
the call an ordinary one: built now, for this view only.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from ui import export, present

MAX_ENTRIES = 96    # figures kept; the largest, a film, is about 2.4 MB of JSON
PROBATION = 32      # of them, figures asked for once so far (see FigureCache): more than
                    # the four pages draw together, so a page's first views keep theirs


class SharedFigure(BaseFigure):
    """A finished figure as plotly's dict. A BaseFigure only so that st.plotly_chart takes it
    without validating it again; it keeps none of plotly's objects, so nobody can change the
    figure every session shows."""

    def __init__(self, fig: go.Figure | dict, key: Hashable = None) -> None:  # no BaseFigure init
        spec = fig if isinstance(fig, dict) else fig.to_dict()   # a dict: finished, taken as is
        for trace in spec.get("data", []):
            trace.pop("uid", None)   # plotly.io.to_json pops it from each copy: never there
        self._spec, self._key = spec, key

    @property
    def key(self) -> Hashable:
        return self._key

    def to_dict(self) -> dict:
        return self._spec

    to_plotly_json = to_dict

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"SharedFigure({len(self._spec.get('data', []))} traces, key={self._key!r:.60})"


def editable(fig: go.Figure | SharedFigure) -> go.Figure:
    """A go.Figure to add to: a new one from a SharedFigure's dict, else ``fig`` itself."""
    return go.Figure(fig.to_dict()) if isinstance(fig, SharedFigure) else fig


class _Unkeyable(TypeError):
    """An argument the cache cannot key: the call is not shared."""


_PLAIN = (str, int, float, bool, bytes, type(None))


def _plain(value: Any) -> bool:
    return isinstance(value, _PLAIN) or (
        isinstance(value, tuple) and all(_plain(v) for v in value))


def fingerprint(value: Any, *, by_content: bool = True) -> Hashable:
    """A hashable stand-in for ``value``: equal for equal content. ``by_content=False`` stands
    every value that is not plain for "the run's data" (the caller names the run)."""
    if _plain(value):
        return (type(value).__name__, repr(value))   # 1, 1.0, True and nan stay apart
    if not by_content:
        return ("data",)
    if isinstance(value, SharedFigure):
        return ("figure", value.key)
    if isinstance(value, np.generic):
        return ("np", value.dtype.str, repr(value.item()))
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise _Unkeyable("object array")
        data = np.ascontiguousarray(value)
        return ("nd", data.dtype.str, data.shape,
                hashlib.blake2b(data.view(np.uint8).reshape(-1), digest_size=16).digest())
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((repr(k), fingerprint(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(fingerprint(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, tuple(
            (f.name, fingerprint(getattr(value, f.name))) for f in dataclasses.fields(value)))
    raise _Unkeyable(type(value).__name__)


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: SharedFigure | None = None


class FigureCache:
    """A bounded, thread-safe map key -> SharedFigure, each built once.

    Segmented LRU: a new figure waits in a small probation segment and moves to the protected
    one when it is asked for again. Finished runs' figures are asked for by every view; a live
    chart of a run in progress has new data on each tick and is never asked for twice, so it
    only ever displaces other live charts. Sessions that ask for a figure being built wait for
    it instead of building it too (a class opening one page at once builds it once)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, probation: int = PROBATION) -> None:
        if not 0 < probation < max_entries:
            raise ValueError(f"need 0 < probation < max_entries, got {probation}, {max_entries}")
        self.max_entries, self.probation = max_entries, probation
        self._lock = threading.Lock()
        self._new: OrderedDict[Hashable, SharedFigure] = OrderedDict()     # LRU, newest last
        self._kept: OrderedDict[Hashable, SharedFigure] = OrderedDict()
        self._pending: dict[Hashable, _Pending] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._new) + len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._new.clear()
            self._kept.clear()

    def get(self, key: Hashable, build: Callable[[], go.Figure]) -> SharedFigure:
        with self._lock:
            hit = self._lookup(key)
            if hit is not None:
                return hit
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
        if not owner:
            pending.done.wait()
            with self._lock:  # a second asker: a finished run's figure, kept past probation
                hit = self._lookup(key)
            if hit is not None:
                return hit
            # the builder failed for the other session: fail here the same way
            return pending.value if pending.value is not None else SharedFigure(build(), key)
        try:
            pending.value = SharedFigure(build(), key)
            with self._lock:
                self._new[key] = pending.value
                while len(self._new) > self.probation:
                    self._new.popitem(last=False)
        finally:
            with self._lock:
                self._pending.pop(key, None)
            pending.done.set()
        return pending.value

    def _lookup(self, key: Hashable) -> SharedFigure | None:
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        fig = self._new.pop(key, None)
        if fig is not None:   # asked for twice: a finished run's figure
            self._kept[key] = fig
            if len(self._kept) > self.max_entries - self.probation:
                old_key, old = self._kept.popitem(last=False)
                self._new[old_key] = old   # one more chance before it goes
                while len(self._new) > self.probation:
                    self._new.popitem(last=False)
        return fig


CACHE = FigureCache()   # one per server process, shared by every session
_SHARING = contextvars.ContextVar("genlab_shared_figures", default=True)


@contextlib.contextmanager
def unshared() -> Iterator[None]:
    """Within this block figures are built anew and kept nowhere: for a live chart, whose data
    are new on every tick (without it they only churn the cache's probation segment)."""
    token = _SHARING.set(False)
    try:
        yield
    finally:
        _SHARING.reset(token)


def figure(run_key: str | None, builder: Callable[..., go.Figure], *args: Any,
           **kwargs: Any) -> SharedFigure | go.Figure:
    """``builder(*args, **kwargs)``, built once and shared. ``run_key`` names the run whose
    data the arguments that are not plain values are; None: key those by their content."""
    fig = _built_or_shared(run_key, builder, *args, **kwargs)
    if _SHARING.get():   # not a live chart of a run still training: it is no result
        fig = as_shown(fig)
        # for the sidebar's "Export this page", as it is on screen; a figure this one builds
        # on is not drawn itself
        export.record_chart(builder, fig, inputs=(*args, *kwargs.values()))
    return fig


def as_shown(fig: SharedFigure | go.Figure) -> SharedFigure | go.Figure:
    """The figure as this session shows it: in presenter mode (ui.present) with its type,
    margins and height ``present.SCALE`` times larger, like the page's text; a shared figure's
    larger copy is shared too. A live chart (``unshared``) comes here at its ``st.plotly_chart``:
    its watchers share one figure, and not all of them present."""
    if not present.on():
        return fig
    if isinstance(fig, SharedFigure) and fig.key is not None:
        return CACHE.get((fig.key, "presented"), lambda: larger(fig.to_dict(), present.SCALE))
    return SharedFigure(larger(fig.to_dict(), present.SCALE))


def larger(spec: dict, scale: float) -> dict:
    """A figure's dict with every font size, the margins and the height ``scale`` times
    theirs. Only what changes is copied: the traces' data arrays stay shared."""
    if spec.get("layout", {}).get("meta", {}) == _LARGER:
        return spec   # a builder added to a larger figure (the prior's circles on the map)
    out = _fonts_scaled(spec, scale)
    layout = out.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font.setdefault("size", round(_PLOTLY_FONT * scale, 1))   # one named is scaled already
    layout["margin"] = {side: round(px * scale) if side in _PLOTLY_MARGIN and _number(px) else px
                        for side, px in {**_PLOTLY_MARGIN, **layout.get("margin", {})}.items()}
    layout["height"] = round(layout.get("height", _STREAMLIT_HEIGHT) * scale)
    layout["meta"] = _LARGER
    return out


_PLOTLY_FONT = 12                                           # plotly's default type, in px
_PLOTLY_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80, "pad": 0}   # and margins
_STREAMLIT_HEIGHT = 450   # st.plotly_chart's height for a figure that names none
_LARGER = {"genlab": "presented"}   # a larger figure's layout.meta: never made larger twice


def _fonts_scaled(node: Any, scale: float) -> Any:
    """``node`` (part of a figure's dict) with each ``*font`` size scaled; dicts and lists of
    them are copied, every other value (data arrays among them) shared."""
    if isinstance(node, dict):
        out = {k: _fonts_scaled(v, scale) for k, v in node.items()}
        for key, value in out.items():
            if key.endswith("font") and isinstance(value, dict) and _number(value.get("size")):
                out[key] = {**value, "size": round(value["size"] * scale, 1)}
        return out
    if isinstance(node, list) and node and isinstance(node[0], (dict, list)):
        return [_fonts_scaled(v, scale) for v in node]
    return node


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _built_or_shared(run_key: str | None, builder: Callable[..., go.Figure], *args: Any,
                     **kwargs: Any) -> SharedFigure | go.Figure:
    if not _SHARING.get():
        return builder(*args, **kwargs)
    by_content = run_key is None
    try:
        key = (builder, run_key, tuple(fingerprint(a, by_content=by_content) for a in args),
               tuple(sorted((k, fingerprint(v, by_content=by_content))
                            for k, v in kwargs.items())))
    except _Unkeyable:
        return builder(*args, **kwargs)
    return CACHE.get(key, lambda: builder(*args, **kwargs))


def shared(builder: Callable[..., go.Figure]) -> Callable[..., SharedFigure | go.Figure]:
    """Decorator: the builder's figures are shared (``figure(run_key, builder, ...)``); it takes
    an extra keyword ``run_key`` (default None: key by content). ``__wrapped__`` builds anew."""

    @functools.wraps(builder)
    def wrapper(*args: Any, run_key: str | None = None, **kwargs: Any):
        return figure(run_key, builder, *args, **kwargs)

    return wrapper
