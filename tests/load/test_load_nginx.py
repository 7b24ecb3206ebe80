"""The load test's short form through the proxy (``python -m bench.load --via nginx``): two
replicas behind nginx, started by deploy/replicas.sh in a temporary run folder, and sessions
over the websocket through nginx, each with no cookie, as a fresh browser tab.

Every session must finish its page without an error, both replicas must have served some
(nginx routes a tab without a cookie by a random key: with 16 sessions, all on one replica
has a chance of 2 in 65,536), and ``replicas.sh stop`` must leave no process of the replicas,
their training workers or nginx. ngjordan.breast_cancer trains in about a second.

Needs Debian's nginx: without it the test skips and says why, except in CI, where it fails
(nothing may be skipped there; the Makefile installs nginx).
"""

from pathlib import Path

import pytest

from bench.load_client import drive
from bench.load_proxy import ProxiedReplicas, find_nginx
from bench.load_scenarios import visit_for
from bench.load_server import process_tree
from tests.e2e.conftest import ci
from tests.load.test_load_short import run_apart

HANG_GUARD_S = 120.0
PRESET = "ngjordan.breast_cancer"
SESSIONS = 16


@pytest.fixture
def nginx_installed():
    if find_nginx() is None:
        missing = pytest.fail if ci() else pytest.skip
        missing("nginx is missing: apt-get install nginx (Debian's package)")


def test_sessions_through_nginx_reach_both_replicas_and_stop_leaves_nothing(
        nginx_installed, tmp_path):
    visit = visit_for(PRESET)
    with ProxiedReplicas(tmp_path / "store", tmp_path / "run") as replicas:
        roots = replicas.pids
        processes = {pid for root in roots for pid in process_tree(root)}
        sessions = run_apart(drive(replicas.port, [visit] * SESSIONS, HANG_GUARD_S))
        served = replicas.sessions_per_replica(SESSIONS)
        problems = replicas.log_problems()
    assert len(roots) == 3, f"two replicas and nginx, not {roots}"
    for session in sessions:
        assert session.errors == [], f"{session.errors}\nlogs: {problems}"
        assert session.finished_s is not None, session
    assert {s.metrics.get("features d") for s in sessions} == {"30"}
    assert sum(served.values()) == SESSIONS, served
    assert list(served) == [f"replica {i} (127.0.0.1:{replicas.port + i})" for i in (1, 2)]
    assert all(n > 0 for n in served.values()), f"one replica took every session: {served}"
    assert replicas.left_behind == [], "replicas.sh stop left processes behind"
    assert not list((tmp_path / "run").glob("*.pid"))
    assert not [pid for pid in processes if Path(f"/proc/{pid}").exists()
                and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]


@pytest.mark.parametrize("argv, nginx", [
    (["--via", "proxy"], True),                  # no such way
    (["--via", "nginx", "--app", "APP"], True),  # an app without deploy/replicas.sh
    (["--via", "nginx"], False),                 # no nginx on this machine
])
def test_a_bad_via_ends_with_status_2_and_one_sentence(argv, nginx, tmp_path, monkeypatch,
                                                       capsys):
    from bench import load

    (tmp_path / "streamlit_app.py").touch()
    if not nginx:
        monkeypatch.setattr(load, "find_nginx", lambda: None)
    with pytest.raises(SystemExit) as stop:
        load.main([str(tmp_path) if a == "APP" else a for a in argv])
    assert stop.value.code == 2
    assert "--via" in capsys.readouterr().err.splitlines()[-1]
