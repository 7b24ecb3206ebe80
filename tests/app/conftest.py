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
