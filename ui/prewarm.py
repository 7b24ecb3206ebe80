"""A server that has just started opens each of its pages once itself, before a class does.

A page's first view on a fresh server builds its figures (``ui.shared_figures``), fills the
pages' data caches and compiles the page script: on the 2-core machine the four pages took
0.3 to 0.9 s each, and fifty students arriving at once all waited for it (median 4.1 s; 2.3 s
on a server that had served each page once). ``python -m ui.launch`` starts ``open_pages`` in
a thread: it waits for the server's health check, then opens every page of ``ui.nav`` once
over the server's own websocket, as a browser tab does, and logs a line when it is done.

A visit only reads: a page whose run is not in the store yet shows nothing to it, and no job
starts (``runner.run`` asks ``is_visit``). The visit carries a header with a token made in
this process, so no browser can pass for it.
"""

from __future__ import annotations

import secrets
import sys
import threading
import time
import urllib.request

import streamlit as st
from streamlit import config
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime
from websockets.sync.client import connect  # ships with streamlit (uvicorn's websocket)

from ui.nav import PAGES

HEADER = "X-Genlab-Prewarm"
TOKEN = secrets.token_hex(16)
READY_S = 120.0    # how long to wait for the server to answer its health check
PAGE_S = 60.0      # how long one page may take
READY_LINE = "ready for a class"   # the load test waits for it (bench/load_server.py)
# The server is this machine: never through an HTTP proxy that the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def is_visit() -> bool:
    """True in a session this process opened to warm its pages (not a student's)."""
    try:
        return st.context.headers.get(HEADER) == TOKEN
    except Exception:  # no session (a bare script run): nobody's visit
        return False


def start() -> threading.Thread:
    """Open every page once in the background, once the server answers."""
    thread = threading.Thread(target=open_pages, name="genlab-prewarm", daemon=True)
    thread.start()
    return thread


def open_pages() -> None:
    """Wait for the server, then open each page once; log how long it took or why not."""
    deadline = time.monotonic() + READY_S
    while not Runtime.exists():   # its config, flags included, is read by then
        if time.monotonic() > deadline:
            _say(f"pages not opened in advance: the server did not start within {READY_S:.0f} s")
            return
        time.sleep(0.1)
    if config.get_option("server.sslCertFile"):
        _say("pages not opened in advance: the server speaks TLS")
        return
    base = _base_url()
    if not _healthy(f"http{base}/_stcore/health"):
        _say(f"pages not opened in advance: the server did not answer its health check "
             f"within {READY_S:.0f} s")
        return
    t0, opened = time.monotonic(), 0
    for page in PAGES:
        try:
            _open(f"ws{base}/_stcore/stream", page.url_path)
            opened += 1
        except Exception as exc:  # a warm-up only: the class's own views still work
            _say(f"opening the page {page.url_path or 'home'!r} in advance failed ({exc}); "
                 "its first student's view builds it")
    which = "every page" if opened == len(PAGES) else f"{opened} of {len(PAGES)} pages"
    _say(f"{which} opened once in {time.monotonic() - t0:.1f} s: {READY_LINE}")


def _say(line: str) -> None:
    print(f"genlab: {line}", file=sys.stderr, flush=True)


def _base_url() -> str:
    """``://host:port/base``, as this server listens (all addresses: the loopback one)."""
    address = config.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::"):
        address = "127.0.0.1"
    if ":" in address:
        address = f"[{address}]"
    path = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"://{address}:{config.get_option('server.port')}" + (f"/{path}" if path else "")


def _healthy(url: str) -> bool:
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline:
        try:
            with _DIRECT.open(url, timeout=2) as reply:
                if reply.read() == b"ok":
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _open(url: str, page: str) -> None:
    """One tab's first run of ``page``, followed to its end (``script_finished``)."""
    msg = BackMsg()
    msg.rerun_script.page_name = page
    with connect(url, subprotocols=["streamlit"], additional_headers={HEADER: TOKEN}, proxy=None,
                 max_size=None, open_timeout=PAGE_S) as ws:
        ws.send(msg.SerializeToString())
        deadline = time.monotonic() + PAGE_S
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.WhichOneof("type") == "script_finished":
                if reply.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"the page's run ended with status "
                                       f"{reply.script_finished}")
                return
