import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture(autouse=True)
def private_store(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path_factory.getbasetemp() / "app-store"))


def settle(at: AppTest, timeout: float = 120) -> AppTest:
    """Rerun until background training has finished (AppTest does not tick fragments)."""
    deadline = time.monotonic() + timeout
    at.run()
    while at.get("progress") and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.get("progress"), "training did not finish in time"
    return at


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=120)


def open_page(path: str, query: dict | None = None, timeout: float = 240) -> AppTest:
    """A fresh app with ``query`` in its address, switched to the page at ``path`` (e.g.
    "app_pages/gan.py") and settled, without an exception."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update(query or {})
    app.run()
    app.switch_page(path)
    settle(app, timeout=timeout)
    assert not app.exception, [e.value for e in app.exception]
    return app


def metric(app: AppTest, label_start: str) -> str:
    """The value of the first st.metric whose label starts with ``label_start``."""
    return next(m.value for m in app.metric if m.label.startswith(label_start))
