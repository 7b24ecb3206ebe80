"""The page-side runner under AppTest, with a toy trainer added to core.trainers' table."""

from __future__ import annotations

import dataclasses
import threading
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import runs, settings, trainers
from core.device import cores
from core.progress import report
from core.results import StoredResult
from ui import runner

# The slow trainer holds here until a test lets it go, so "still running" is certain.
GATE = threading.Event()


@dataclasses.dataclass(frozen=True)
class ToyConfig:
    steps: int = 3
    slow: bool = False
    fail: str = ""  # "value": a user's error; "bug": the program's own; "flaky": until GATE


@dataclasses.dataclass(frozen=True)
class ToyResult(StoredResult):
    total: float
    curve: np.ndarray


def train_toy(cfg: ToyConfig, *, device=None, on_progress=None) -> ToyResult:
    if cfg.fail == "value":
        raise ValueError("steps is too large for this toy; use at most 10.")
    if cfg.fail == "bug":
        raise ZeroDivisionError("division by zero")
    if cfg.fail == "flaky" and not GATE.is_set():
        raise OSError("the disk is full")
    for i in range(cfg.steps):
        report(on_progress, i / cfg.steps, f"step {i + 1} of {cfg.steps}")
        while cfg.slow and not GATE.wait(0.01):
            report(on_progress, i / cfg.steps, f"step {i + 1} of {cfg.steps}")
    curve = np.arange(cfg.steps, dtype=float)
    return ToyResult(total=float(curve.sum()), curve=curve)


trainers.BY_CONFIG[ToyConfig] = runs.Trainer("toy", ToyConfig, ToyResult, train_toy)


def page(cfg):
    import streamlit as st

    from ui import runner

    result = runner.run(cfg, label="Toy run", wait_s=st.session_state.get("wait_s", 2.0))
    if result is None:
        st.stop()
    st.write(f"total = {result.total}")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("GENLAB_JOBS", raising=False)
    monkeypatch.setenv("GENLAB_JOB_WORKERS", "threads")  # the toy's gate is in this process
    job_manager = runner.job_manager  # a test may monkeypatch it away
    job_manager.clear()
    GATE.clear()
    yield
    GATE.set()
    job_manager.clear()


def app(cfg: ToyConfig, wait_s: float = 2.0) -> AppTest:
    at = AppTest.from_function(page, args=(cfg,), default_timeout=10)
    at.session_state["wait_s"] = wait_s
    return at


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_run_fast_config_renders_result_in_one_run():
    at = app(ToyConfig(steps=4)).run()
    assert not at.exception
    assert texts(at) == ["total = 6.0"]
    assert not at.get("progress")


def test_run_slow_config_shows_progress_then_result():
    cfg = ToyConfig(steps=2, slow=True)
    at = app(cfg, wait_s=0.05).run()
    assert not at.exception and texts(at) == []
    [bar] = at.get("progress")
    assert bar.proto.text.startswith("Toy run: ") and bar.proto.text.endswith(" s)")
    assert at.button(key=f"cancel-{runs.key_for(cfg)[:12]}").label == "Cancel"

    GATE.set()
    assert runner.job_manager().get(runs.key_for(cfg)).wait(5)
    at.run()
    assert not at.exception
    assert texts(at) == ["total = 1.0"] and not at.get("progress")


def test_a_job_behind_a_full_pool_shows_its_place_and_then_its_result(monkeypatch):
    monkeypatch.setenv("GENLAB_JOBS", "1")
    runner.job_manager.clear()
    first = app(ToyConfig(steps=2, slow=True), wait_s=0.05).run()
    second = app(ToyConfig(steps=3, slow=True), wait_s=0.05).run()
    [bar] = second.get("progress")
    assert bar.proto.text.startswith("Toy run: waiting, 1st in the queue; it should start in "
                                     "about ")
    assert first.get("progress")[0].proto.text.startswith("Toy run: step 1 of 2")
    GATE.set()
    assert runner.job_manager().get(runs.key_for(ToyConfig(steps=3, slow=True))).wait(5)
    assert texts(second.run()) == ["total = 3.0"]


def test_run_cancel_shows_notice_and_train_again():
    cfg = ToyConfig(steps=2, slow=True)
    key = runs.key_for(cfg)
    at = app(cfg, wait_s=0.05).run()
    at.button(key=f"cancel-{key[:12]}").click().run()
    assert runner.job_manager().get(key).wait(5)
    at.run()
    assert [i.value for i in at.info] == ["Training was cancelled."]

    GATE.set()
    at.button(key=f"retrain-{key[:12]}").click().run()
    assert runner.job_manager().get(key).wait(5)
    at.run()
    assert texts(at) == ["total = 1.0"]


@pytest.mark.parametrize("fail, sentence", [
    ("value", "steps is too large for this toy; use at most 10."),
    ("bug", "Training failed: ZeroDivisionError: division by zero"),
])
def test_run_failure_shows_a_sentence_not_a_traceback(fail, sentence):
    at = app(ToyConfig(fail=fail)).run()
    assert not at.exception
    assert [e.value for e in at.error] == [sentence]
    assert at.button[0].label == "Try again"


def test_run_try_again_trains_once_more():
    at = app(ToyConfig(fail="flaky")).run()
    assert [e.value for e in at.error] == ["Training failed: OSError: the disk is full"]
    at.run()  # a rerun alone does not retrain a failure over and over
    assert at.error
    GATE.set()  # the cause has gone away
    at.button[0].click().run()
    assert not at.error and texts(at) == ["total = 3.0"]


def test_run_server_busy_is_a_warning(monkeypatch):
    monkeypatch.setattr(runner, "job_manager", lambda: _Busy())
    at = app(ToyConfig()).run()
    assert not at.exception
    assert "try again in a minute" in at.warning[0].value


def test_run_warm_path_is_cheap():
    cfg = ToyConfig(steps=5)
    at = app(cfg).run()
    assert texts(at) == ["total = 10.0"]
    key = runs.key_for(cfg)
    manager = runner.job_manager()  # outside a script run: warns, still the same object
    start = time.perf_counter()
    for _ in range(1000):
        assert manager.result(key) is not None
    assert (time.perf_counter() - start) / 1000 < 1e-4


def test_jobs_from_env(monkeypatch):
    assert settings.jobs() == min(cores(), 8)
    monkeypatch.setenv("GENLAB_JOBS", "3")
    assert settings.jobs() == 3
    for bad in ["zero", "0", "1000"]:
        monkeypatch.setenv("GENLAB_JOBS", bad)
        with pytest.raises(ValueError, match="GENLAB_JOBS must be a whole number from 1 to 64"):
            settings.jobs()


class _Busy:
    def result(self, key):
        return None

    def get(self, key):
        return None

    def submit(self, *args, **kwargs):
        from ui.jobs import ServerBusy

        raise ServerBusy("The server is training 16 other models right now; "
                         "try again in a minute.")
