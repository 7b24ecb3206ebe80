"""Shared AppTest helpers. Every run of every app in a test is checked: an exception or an
``st.error`` alert fails the test. A training job that fails shows as an error alert, not as
an exception (ui.runner), so a check of ``app.exception`` alone passes a page whose training
failed. A test that provokes a sentence on purpose marks itself
``@pytest.mark.error_expected("pattern")``: error alerts must then match the pattern."""

import os
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "error_expected(pattern): the test provokes st.error alerts on purpose; "
                   "each must match the regular expression (exceptions still fail)")


def failures(at: AppTest, allowed: str | None = None) -> list[str]:
    """Exceptions and error alerts on the page (those matching ``allowed`` left out)."""
    found = [f"exception: {e.value}" for e in at.exception]
    found += [f"st.error: {e.value}" for e in at.error
              if allowed is None or not re.search(allowed, e.value)]
    return found


_expected = {"errors": None}    # the running test's error_expected pattern


@pytest.fixture(autouse=True)
def no_failure_on_any_run(request, monkeypatch):
    """Record what every AppTest run shows; the hook below fails the test on it."""
    marker = request.node.get_closest_marker("error_expected")
    monkeypatch.setitem(_expected, "errors", None if marker is None else marker.args[0])
    seen = request.node.app_failures = []
    original = AppTest.run

    def run(self, *, timeout=None):
        result = original(self, timeout=timeout)
        seen.extend(f for f in failures(self, _expected["errors"]) if f not in seen)
        return result

    monkeypatch.setattr(AppTest, "run", run)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        result = yield
    except BaseException as exc:
        found = getattr(item, "app_failures", [])
        if found:   # the page's own failure is the story, the test's assertion its symptom
            raise AssertionError(f"the app showed an exception or an error alert: {found}") \
                from exc
        raise
    found = getattr(item, "app_failures", [])
    assert not found, f"the app showed an exception or an error alert: {found}"
    return result


@pytest.fixture(autouse=True)
def test_store(tmp_path_factory, monkeypatch):
    """``make test``'s store when it set one (the pages then open on the runs the promise
    checks trained, and a second run reuses them); else a private one, so a bare pytest never
    writes to the user's cache."""
    if not os.environ.get("GENLAB_STORE"):
        monkeypatch.setenv("GENLAB_STORE", str(tmp_path_factory.getbasetemp() / "app-store"))


def settle(at: AppTest, timeout: float = 120) -> AppTest:
    """Rerun until background training has finished (AppTest does not tick fragments)."""
    deadline = time.monotonic() + timeout
    at.run()
    while at.get("progress") and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.get("progress"), "training did not finish in time"
    assert not failures(at, _expected["errors"]), failures(at, _expected["errors"])
    return at


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=120)


def open_page(path: str, query: dict | None = None, timeout: float = 240) -> AppTest:
    """A fresh app with ``query`` in its address, switched to the page at ``path`` (e.g.
    "app_pages/gan.py") and settled (``settle`` fails on an exception or an error alert)."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()   # AppTest opens on the home page, which would take the link's values as its own
    app.query_params.update(query or {})
    app.switch_page(path)
    return settle(app, timeout=timeout)


def metric(app: AppTest, label_start: str) -> str:
    """The value of the first st.metric whose label starts with ``label_start``."""
    return next(m.value for m in app.metric if m.label.startswith(label_start))
