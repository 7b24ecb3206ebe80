"""The launcher's server opens every page once itself, and that look never trains.

A real server (``python -m ui.launch``, as ``make run`` starts it) on an empty store: it must
log its ready line without a failed page, start no training worker and write nothing to the
store. A student's view afterwards still trains as before (the short load test covers that).
"""

import time

import pytest

from bench.load_server import StreamlitServer, group_members
from ui import prewarm

READY_GUARD_S = 120.0


def wait_for_line(server: StreamlitServer, line: str) -> str:
    deadline = time.monotonic() + READY_GUARD_S
    while time.monotonic() < deadline:
        log = server.log_path.read_text(errors="replace")
        if line in log:
            return log
        time.sleep(0.2)
    pytest.fail(f"the server never logged {line!r}; its log:\n{server.log_tail()}")


def test_the_server_opens_each_page_once_without_training(tmp_path):
    store = tmp_path / "store"
    # a proxy the environment names (nothing listens there) must not stand between the server
    # and its own pages
    dead_proxy = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "http_proxy",
                                                           "HTTPS_PROXY", "https_proxy")}
    with StreamlitServer(store, tmp_path / "server.log", extra_env=dead_proxy) as server:
        log = wait_for_line(server, prewarm.READY_LINE)
        time.sleep(1.0)   # a job submitted by mistake would have started its worker by now
        workers = [pid for pid in group_members(server.pid) if pid != server.pid]
        assert workers == [], f"the server's own look started processes {workers}:\n{log}"
    assert "failed" not in log and "Traceback" not in log, log
    stored = [p for p in store.rglob("*") if p.is_file()] if store.exists() else []
    assert stored == [], f"the server's own look wrote to the store: {stored}"


def test_a_session_without_the_token_is_a_student():
    assert prewarm.is_visit() is False
