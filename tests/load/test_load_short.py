"""The load test's short form: a real server on a fresh store, three sessions over
Streamlit's websocket (``bench.load_client``), as ``python -m bench.load`` drives a class.

Two sessions open the same preset at once and share its one training job; a third opens it
again once they are done (served warm). Every session must finish its page without an
error and all three must show the same numbers. No timing is asserted beyond a hang guard:
the figures are ``python -m bench.load``'s job. ngjordan.breast_cancer trains in about a
second, so the test takes seconds whether the server trains in threads or in worker
processes. It opens by its ``?preset=`` link; where the page ignores the link (before
commit 038dd4b) the session picks the data set in the sidebar, a widget change.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bench.load_client import drive
from bench.load_scenarios import visit_for
from bench.load_server import StreamlitServer, group_members

HANG_GUARD_S = 120.0
PRESET = "ngjordan.breast_cancer"


def test_two_sessions_share_a_job_and_a_warm_reopen_shows_the_same_result(tmp_path):
    visit = visit_for(PRESET)
    with StreamlitServer(tmp_path / "store", tmp_path / "server.log") as server:
        together = run_apart(drive(server.port, [visit, visit], HANG_GUARD_S))
        reopened = run_apart(drive(server.port, [visit], HANG_GUARD_S))
        log = server.log_tail()
    sessions = together + reopened
    for session in sessions:
        assert session.errors == [], f"{session.errors}\nserver log:\n{log}"
        assert session.finished_s is not None, session
    first = sessions[0].metrics
    assert first, f"the page drew no st.metric: {sessions[0]}"
    # breast cancer's 30 features: the sessions reached the preset they asked for, not the
    # page's default (wine, 13 features)
    assert first.get("features d") == "30", first
    assert all(s.metrics == first for s in sessions), [s.metrics for s in sessions]
    assert group_members(server.pid) == [], "the stopped server left processes behind"


def run_apart(coroutine):
    """``asyncio.run`` in a thread of its own: a browser test earlier in this worker process
    (Playwright's sync API) can leave an event loop marked running in the main thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
