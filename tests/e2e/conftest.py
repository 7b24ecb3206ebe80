"""A real server and a real browser (Debian's chromium, driven by Playwright).

Every test that uses ``page`` fails when the page shows an exception or an error alert at any
moment: a training job that fails is an ``st.error`` alert, not an exception. A test that
provokes a sentence on purpose marks itself ``@pytest.mark.error_expected("pattern")``: error
alerts must then match the pattern (exceptions still fail).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "artifacts" / "screenshots"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
ERROR = '[data-testid="stAlertContentError"]'     # st.error (Streamlit 1.67: kind "error")
# A plotly chart is one stPlotlyChart element (three .main-svg layers each). The live chart
# of a running job sits in the progress fragment under the key "live-...": not a result.
CHARTS = """Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).filter(
  c => c.querySelector('.main-svg') && !c.closest('[class*="st-key-live-"]')).length"""
# Finished: no script run, and no training in the background (its progress bar is gone).
FINISHED = """(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stProgress"]');
})()"""
# From the first paint of every document: remember each exception and error alert that ever
# shows, so one that a rerun removes again still fails the test.
RECORD_FAILURES = """(() => {
  window.__failures = [];
  const record = () => document.querySelectorAll('EXCEPTION, ERROR').forEach(e => {
    const text = (e.matches('EXCEPTION') ? 'exception: ' : 'st.error: ') + e.innerText.trim();
    if (e.innerText.trim() && !window.__failures.includes(text)) window.__failures.push(text);
  });
  new MutationObserver(record).observe(document, {childList: true, subtree: true,
                                                  characterData: true});
})();""".replace("EXCEPTION", EXCEPTION).replace("ERROR", ERROR)

pytestmark = pytest.mark.e2e


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "error_expected(pattern): the test provokes st.error alerts on purpose; "
                   "each must match the regular expression (exceptions still fail)")


def ci() -> bool:
    """In CI: any non-empty value of CI but "0" and "false" (GitHub sets "true", others "1",
    "yes" or the name of the service)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    port = free_port()
    env = {**os.environ}
    env.setdefault("GENLAB_STORE", str(tmp_path_factory.mktemp("e2e-store")))
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            # as `make run` starts it: Streamlit's command line after the pages' imports
            [sys.executable, "-m", "ui.launch", "run", "streamlit_app.py",
             "--server.port", str(port), "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"the server did not answer in 60 s:\n{log.read_text()}")
        time.sleep(0.3)
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session")
def browser():
    # in CI a missing tool fails the run: nothing may be skipped there
    missing = pytest.fail if ci() else pytest.skip
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is missing: pip install -r requirements-dev.txt")

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_FAILURES)
    tab = context.new_page()
    yield tab
    context.close()


def failures(page, allowed: str | None = None) -> list[str]:
    """Every exception and error alert the page showed (those matching ``allowed`` left out),
    including any that a rerun has removed since."""
    found = page.evaluate("() => window.__failures || []")
    found += [f"exception: {t.strip()}" for t in page.locator(EXCEPTION).all_inner_texts()]
    found += [f"st.error: {t.strip()}" for t in page.locator(ERROR).all_inner_texts()]
    unique = list(dict.fromkeys(found))
    return [f for f in unique if f.startswith("exception: ") or allowed is None
            or not re.search(allowed, f.removeprefix("st.error: "))]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test: fail on any exception or error alert its page showed."""
    try:
        result = yield
    except BaseException as exc:
        found = _page_failures(item)
        if found:   # the page's own failure is the story, the test's assertion its symptom
            raise AssertionError(f"the page showed an exception or an error alert: {found}") \
                from exc
        raise
    found = _page_failures(item)
    assert not found, f"the page showed an exception or an error alert: {found}"
    return result


def _page_failures(item) -> list[str]:
    tab = getattr(item, "funcargs", {}).get("page")
    if tab is None or tab.is_closed():
        return []
    marker = item.get_closest_marker("error_expected")
    try:
        return failures(tab, None if marker is None else marker.args[0])
    except Exception as err:   # a page that cannot answer is a failure too
        return [f"the page could not be read: {err}"]


def wait_idle(page, timeout_s: float = 120) -> None:
    page.wait_for_selector(IDLE, timeout=timeout_s * 1000)


def open_page(page, base_url: str, url_path: str, timeout_s: float = 120) -> None:
    page.goto(f"{base_url}/{url_path}")
    wait_idle(page, timeout_s)
    # a page may rerun right after its first run (a finished job, a query parameter): settle
    page.wait_for_timeout(300)
    wait_idle(page, timeout_s)


def wait_finished(page, timeout_s: float = 180) -> None:
    """Wait for the finished page: no script run and no training in the background, seen
    twice 300 ms apart (a finished job's closing rerun starts just after its last poll)."""
    page.wait_for_function(FINISHED, timeout=timeout_s * 1000)
    page.wait_for_timeout(300)
    page.wait_for_function(FINISHED, timeout=timeout_s * 1000)


def chart_count(page) -> int:
    """Plotly charts drawn on the page, the live chart of a running job left out."""
    return page.evaluate(f"() => {CHARTS}")


def wait_for_charts(page, n: int = 1, timeout_s: float = 120) -> None:
    """Wait for the finished page (training over, the script idle) with at least n plotly
    charts drawn; training may run in the background first."""
    page.wait_for_function(f"{FINISHED} && {CHARTS} >= {n}", timeout=timeout_s * 1000)
    wait_finished(page, timeout_s)
    assert chart_count(page) >= n, f"{chart_count(page)} charts, not {n}, once finished"


def chart_titles(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot .gtitle'))"
                         ".map(e => e.textContent)")


def screenshot(page, name: str, height: int = 2200) -> Path:
    """The whole page: Streamlit scrolls inside its own container, so grow the viewport."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": height})
    page.wait_for_timeout(500)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def exceptions(page) -> list[str]:
    return page.locator(EXCEPTION).all_inner_texts()


def errors(page) -> list[str]:
    """The error alerts (st.error) on the page now."""
    return page.locator(ERROR).all_inner_texts()


# Record every change of the app's script state from now on: a rerun would show as "running".
WATCH_RERUNS = """() => {
  window.__states = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def film_step(page, film: str) -> int:
    """The frame a plotly film's slider shows (``film``: a selector of its chart)."""
    return page.evaluate(f"() => document.querySelector('{film}')._fullLayout.sliders[0].active")


def drag_film_to_start(page, film: str) -> list[str]:
    """Drag a film's slider from its end to its start, through every frame, as a person would;
    return the script states seen meanwhile (empty: no rerun)."""
    page.evaluate(WATCH_RERUNS)
    rail = page.locator(f"{film} .slider-rail-rect").first.bounding_box()
    page.mouse.move(rail["x"] + rail["width"] - 2, rail["y"] + rail["height"] / 2)
    page.mouse.down()
    page.mouse.move(rail["x"] + 2, rail["y"] + rail["height"] / 2, steps=20)
    page.mouse.up()
    page.wait_for_timeout(1500)
    return page.evaluate("window.__states")


def wait_trained(page, timeout_s: float = 180) -> None:
    """Wait until background training is over and the page has rerun with its result."""
    wait_finished(page, timeout_s)
