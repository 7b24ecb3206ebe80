"""Two replicas behind nginx, for real: deploy/replicas.sh starts them, the app answers through
the proxy (a page, the health check, a browser session over the websocket), every request of
one browser reaches one replica, and stop ends every process it started.

Needs Debian's nginx and chromium: without them the test skips and says why, except in CI,
where it fails (nothing may be skipped there).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest

from bench.load_proxy import free_ports
from tests.e2e.conftest import CHROMIUM, FLAGS, IDLE, ci, screenshot

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "replicas.sh"
LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) route=(?P<route>\S+) '
                      r"upstream=(?P<upstream>\S+)")

pytestmark = pytest.mark.e2e


def nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


@pytest.fixture(scope="module")
def tools():
    missing = pytest.fail if ci() else pytest.skip
    if nginx() is None:
        missing("nginx is missing: apt-get install nginx (Debian's package)")
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the playwright package is missing: pip install -r requirements-dev.txt")


def get(url: str, cookie: str | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, answer.read().decode(), dict(answer.headers)


def served(log: Path) -> list[dict]:
    return [m.groupdict() for m in map(LOG_LINE.search, log.read_text().splitlines()) if m]


def process_env(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@pytest.fixture
def replicas(tools, tmp_path):
    """(url, run folder): two replicas and nginx, stopped afterwards; the run folder kept."""
    port, run = free_ports(3), tmp_path / "run"
    env = {**os.environ, "GENLAB_RUN_DIR": str(run), "GENLAB_PYTHON": sys.executable}
    env.setdefault("GENLAB_STORE", str(tmp_path / "store"))
    start = subprocess.run([str(SCRIPT), "start", str(port)], cwd=ROOT, env=env, text=True,
                           capture_output=True, timeout=300)
    try:
        assert start.returncode == 0, f"start failed:\n{start.stdout}\n{start.stderr}"
        yield f"http://127.0.0.1:{port}", run
    finally:
        pids = [int(p.read_text()) for p in run.glob("*.pid")]
        stop = subprocess.run([str(SCRIPT), "stop"], cwd=ROOT, env=env, text=True,
                              capture_output=True, timeout=120)
        assert stop.returncode == 0, stop.stderr
        assert not list(run.glob("*.pid"))
        for pid in pids:
            assert not Path(f"/proc/{pid}").exists() or \
                Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z", f"{pid} still runs"


def test_two_replicas_behind_nginx_serve_the_app_with_sticky_sessions(replicas):
    url, run = replicas
    status, page, headers = get(f"{url}/")
    assert status == 200 and "<title>" in page.lower()
    assert re.match(r"genlab_route=\w+; Path=/; HttpOnly", headers["Set-Cookie"])
    assert get(f"{url}/_stcore/health")[:2] == (200, "ok")
    assert get(f"{url}/gan")[0] == 200   # a deep link reaches Streamlit, not an nginx 404

    # The replicas share one cookie secret (never on their command line) and one store.
    pids = [int(p.read_text()) for p in sorted(run.glob("replica-*.pid"))]
    envs = [process_env(pid) for pid in pids]
    secret = (run / "cookie_secret").read_text().strip()
    assert len(pids) == 2 and len(secret) == 64
    assert (run / "cookie_secret").stat().st_mode & 0o077 == 0
    assert {e["STREAMLIT_SERVER_COOKIE_SECRET"] for e in envs} == {secret}
    assert len({e["GENLAB_STORE"] for e in envs}) == 1
    assert all(secret not in Path(f"/proc/{pid}/cmdline").read_text() for pid in pids)

    # One key, one replica; many keys reach both.
    for key in range(20):
        for _ in range(2):
            get(f"{url}/_stcore/health", cookie=f"genlab_route=key{key}")
    by_key = defaultdict(set)
    for line in served(run / "access.log"):
        if line["route"].startswith("key"):
            by_key[line["route"]].add(line["upstream"])
    assert all(len(ups) == 1 for ups in by_key.values()), by_key
    assert len(set().union(*by_key.values())) == 2, "one replica took every key"

    # A browser: the page runs over the websocket through nginx, on one replica.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        sockets = []
        tab.on("websocket", lambda ws: sockets.append(ws.url))
        tab.goto(f"{url}/")
        tab.wait_for_selector(IDLE, timeout=120_000)
        assert tab.get_by_role("heading", level=1, name="genlab", exact=True).count() == 1
        assert tab.locator('[data-testid="stException"]').count() == 0
        screenshot(tab, "replicas")
        route = next(c["value"] for c in context.cookies() if c["name"] == "genlab_route")
        context.close()
        browser.close()
    assert sockets == [f"{url.replace('http', 'ws')}/_stcore/stream"]

    deadline = time.monotonic() + 10   # nginx logs the websocket once it closes
    while True:
        mine = [line for line in served(run / "access.log") if line["route"] == route]
        if any("/_stcore/stream" in line["request"] for line in mine):
            break
        assert time.monotonic() < deadline, "the websocket never reached nginx's log"
        time.sleep(0.2)
    assert {line["status"] for line in mine if "/_stcore/stream" in line["request"]} == {"101"}
    assert len({line["upstream"] for line in mine}) == 1, "one browser met two replicas"
