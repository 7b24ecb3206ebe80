"""One student's browser tab, spoken over Streamlit's websocket protocol (Streamlit 1.67).

What a browser does, and so what a session here does (read from streamlit's
``web/server/starlette/starlette_websocket.py``, ``runtime/`` and its frontend bundle):

- One websocket to ``/_stcore/stream`` is one session. The subprotocol header carries
  ``streamlit`` (then an XSRF token and a session id to resume, which a fresh tab without an
  Origin header does not need).
- The tab starts the first run itself: a BackMsg ``rerun_script`` naming the page by its
  url path (``page_name``) with the address's query string. Every later rerun names the page
  by the ``page_script_hash`` the server sent in ``navigation``; without it, a fragment's
  ``st.rerun()`` would land on the main page.
- ``st.query_params`` writes come back as ``page_info_changed``; later reruns send the new
  query string, as the address bar would.
- ``@st.fragment(run_every=...)`` sends ``auto_rerun``: the tab then sends ``rerun_script``
  with that ``fragment_id`` and ``is_auto_rerun`` at that interval, until a full run starts
  (its ``new_session`` has no fragment ids: the tab clears every timer) or the server sends
  ``stop_auto_rerun``. Without this no job would ever be seen finishing.
- The forward-message cache needs nothing: the server replaces a message by a ``ref_hash``
  only for hashes the tab lists in ``cached_message_hashes``, and this tab lists none.

A page has *finished* for a session when a full run ends (``script_finished``) and no
auto-rerun fragment is live: no progress bar is left polling a job.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect  # ships with streamlit (uvicorn's websocket)
from websockets.exceptions import ConnectionClosed

ERROR_CHARS = 200


@dataclass(frozen=True)
class Visit:
    """What one student opens: a page by its url path, with a query string, and optionally a
    selectbox (its label) that must show an option (its text): when the page has drawn and
    shows another (it ignored the link), the student picks that option, as a click would."""

    preset: str
    page: str
    query: str = ""
    choose: tuple[str, str] | None = None


@dataclass
class SessionOutcome:
    visit: Visit
    opened_s: float = 0.0                  # since the scenario's start
    first_paint_s: float | None = None     # the first full run's end: the page is drawn
    finished_s: float | None = None        # since the scenario's start; None: never
    errors: list[str] = field(default_factory=list)      # distinct, first 200 chars each
    metrics: dict[str, str] = field(default_factory=dict)  # the last full run's st.metric
    saw_progress: bool = False             # a progress bar: this session waited for training
    saw_queue: bool = False                # a progress text saying it waits or is queued
    last_progress: str = ""                # the last progress bar: where a slow job stands
    last_progress_percent: int = 0
    full_runs: int = 0
    fragment_runs: int = 0

    @property
    def seconds(self) -> float | None:
        return None if self.finished_s is None else self.finished_s - self.opened_s

    def error(self, text: str) -> None:
        text = " ".join(text.split())[:ERROR_CHARS]
        if text not in self.errors:
            self.errors.append(text)


class BrowserSession:
    """Drives one session to the end of its page, as a browser tab would."""

    def __init__(self, port: int, visit: Visit, t0: float, cookie: str | None = None) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.visit, self.t0 = visit, t0
        # A fresh tab behind nginx has no genlab_route cookie yet: nginx routes its websocket
        # by a random key, as it would a browser's first request. One websocket is the whole
        # session, so nothing needs the cookie nginx sets; a scenario that must keep several
        # sessions on one replica gives them one cookie.
        self.headers = {"Cookie": cookie} if cookie else None
        self.outcome = SessionOutcome(visit)
        self.query = visit.query
        self.page_hash = ""
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}
        self.chosen = visit.choose is None
        # label -> (widget id, options, the option shown): a rerun sends a selectbox's value
        # only when the script set it, otherwise the tab keeps showing what it showed
        self.selectboxes: dict[str, tuple[str, list[str], str]] = {}
        self.run_metrics: dict[str, str] = {}
        self.ws = None
        self.followed = asyncio.Event()

    async def run(self, timeout_s: float, hold_open: asyncio.Event) -> SessionOutcome:
        """Open the page and follow it until it has finished, failed or ``timeout_s`` passed
        (then ``self.followed`` is set); keep the tab open, reading whatever still comes as a
        browser would, until ``hold_open`` is set."""
        self.outcome.opened_s = time.monotonic() - self.t0
        try:
            async with connect(self.url, subprotocols=["streamlit"], max_size=None,
                               ping_interval=None, open_timeout=timeout_s,
                               additional_headers=self.headers) as ws:
                self.ws = ws
                try:
                    await asyncio.wait_for(self._follow(), timeout_s)
                except TimeoutError:
                    self.outcome.error(f"did not finish within {timeout_s:.0f} s")
                finally:
                    self._clear_timers()
                    self.followed.set()
                reading = asyncio.create_task(self._read_until_closed())
                await hold_open.wait()
                reading.cancel()
        except Exception as exc:  # refused, reset, closed by the server: all failures here
            self.outcome.error(f"connection: {type(exc).__name__}: {exc}")
        finally:
            self._clear_timers()
            self.followed.set()
        return self.outcome

    async def _read_until_closed(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for _ in self.ws:
                pass

    async def _follow(self) -> None:
        await self._rerun(first=True)
        async for raw in self.ws:
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if await self._handle(msg):
                self.outcome.finished_s = time.monotonic() - self.t0
                return
        self.outcome.error("connection: the server closed the websocket")

    async def _handle(self, msg: ForwardMsg) -> bool:
        """Act on one message as the browser does; True once the page has finished."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            if msg.metadata.run.fragment_ids:
                self.outcome.fragment_runs += 1
            else:                                  # a full run: the tab drops every timer
                self.outcome.full_runs += 1
                self._clear_timers()
                self.run_metrics = {}
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self.outcome.error(f"page not found: {msg.page_not_found.page_name}")
        elif kind == "auto_rerun":
            self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._clear_timers(fragment_id)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._read_element(msg.delta.new_element, bool(msg.delta.fragment_id))
        elif kind == "script_finished":
            return await self._script_finished(msg.script_finished)
        return False

    def _read_element(self, element, in_fragment: bool) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.outcome.error(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self.outcome.error(element.alert.body)
        elif kind == "progress":
            self.outcome.saw_progress = True
            self.outcome.last_progress = element.progress.text[:ERROR_CHARS]
            self.outcome.last_progress_percent = element.progress.value
            text = element.progress.text.lower()
            if "queue" in text or "waiting" in text:
                self.outcome.saw_queue = True
        elif kind == "metric" and not in_fragment:
            self.run_metrics[element.metric.label] = element.metric.body
        elif kind == "selectbox":
            box, shown = element.selectbox, None
            if box.set_value:
                shown = box.raw_value
            elif box.label in self.selectboxes:
                shown = self.selectboxes[box.label][2]
            elif box.options:
                shown = box.options[box.default]
            self.selectboxes[box.label] = (box.id, list(box.options), shown)

    async def _script_finished(self, status: int) -> bool:
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.outcome.error("the page's script did not compile")
            return True
        if status != ForwardMsg.FINISHED_SUCCESSFULLY:   # a fragment run, or one cut short
            return False
        self.outcome.metrics = dict(self.run_metrics)
        if self.outcome.first_paint_s is None:
            self.outcome.first_paint_s = time.monotonic() - self.t0
        if not self.chosen:          # the student has seen the page and now picks an option
            self.chosen = True
            done = await self._choose(*self.visit.choose)
            if done == "picked":
                return False                   # the picked option's run is on its way
            if done == "missing":
                return True                    # no such selectbox or option: give up
        return not self.timers

    async def _choose(self, label: str, option: str) -> str:
        """Make the selectbox ``label`` show ``option`` (its text): "shown" when it already
        does (the link worked), "picked" when this sent the click's rerun, "missing" (and an
        error) when the page has no such selectbox or option."""
        if label not in self.selectboxes:
            self.outcome.error(f"the page has no selectbox {label!r} to choose {option!r}")
            return "missing"
        widget_id, options, shown = self.selectboxes[label]
        if shown == option:
            return "shown"
        if option not in options:
            self.outcome.error(f"the selectbox {label!r} has no option {option!r}")
            return "missing"
        await self._rerun(widgets=[WidgetState(id=widget_id, string_value=option)])
        return "picked"

    async def _rerun(self, *, first: bool = False, fragment_id: str = "",
                     widgets: list[WidgetState] | None = None) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        if first or not self.page_hash:
            state.page_name = self.visit.page
        else:
            state.page_script_hash = self.page_hash
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, True
        state.widget_states.widgets.extend(widgets or [])
        await self.ws.send(msg.SerializeToString())

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if fragment_id in self.timers and self.timers[fragment_id][0] == interval:
            return                                    # the browser keeps a running timer
        self._clear_timers(fragment_id)
        self.timers[fragment_id] = (interval, asyncio.create_task(
            self._tick(fragment_id, interval), name=f"auto-rerun {fragment_id[:8]}"))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        with contextlib.suppress(ConnectionClosed):   # the tab is closing
            while True:
                await asyncio.sleep(interval)
                await self._rerun(fragment_id=fragment_id)

    def _clear_timers(self, fragment_id: str | None = None) -> None:
        for key in [fragment_id] if fragment_id else list(self.timers):
            entry = self.timers.pop(key, None)
            if entry is not None:
                entry[1].cancel()


async def drive(port: int, visits: list[Visit], timeout_s: float, stagger_s: float = 0.0,
                cookie: str | None = None) -> list[SessionOutcome]:
    """Open every visit at once (or ``stagger_s`` apart), each in its own session, and keep
    each tab open until all have finished: the class sits in front of its pages. ``cookie``,
    if given, goes with every session's websocket (a Cookie header)."""
    t0, everyone_done = time.monotonic(), asyncio.Event()
    sessions = [BrowserSession(port, visit, t0, cookie) for visit in visits]

    async def one(i: int, session: BrowserSession) -> SessionOutcome:
        await asyncio.sleep(i * stagger_s)
        return await session.run(timeout_s, everyone_done)

    tasks = [asyncio.create_task(one(i, s)) for i, s in enumerate(sessions)]
    await asyncio.gather(*(s.followed.wait() for s in sessions))
    everyone_done.set()
    return list(await asyncio.gather(*tasks))
