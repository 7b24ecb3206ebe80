"""Training in worker processes: progress, outcomes, cancel, a killed worker, the queue.

The tasks are module-level functions, so a spawned worker imports them by name. One worker
process serves the whole module (it takes a few seconds to import torch and the trainers).
"""

from __future__ import annotations

import functools
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from core import pool, runs
from core.diffusion.toy import DiffusionConfig
from ui.jobs import JobManager

TIMEOUT = 60.0


def pid_after_progress(on_progress):
    on_progress(0.5, "half way", {"loss": [1.0, 0.5]})
    return os.getpid()


def reject_setting(on_progress):
    raise ValueError("steps must be at least 1, got 0.")


def crash(on_progress):
    raise ZeroDivisionError("division by zero")


def until_file(path: str, on_progress):
    """Reports progress until ``path`` exists (a gate that crosses processes)."""
    while not Path(path).exists():
        on_progress(0.1, "waiting")
        time.sleep(0.01)
    return "through"


def deaf(seconds: float, on_progress):
    """Never reports: a cancel cannot reach it."""
    time.sleep(seconds)
    return "slept"


@pytest.fixture(scope="module")
def manager():
    m = JobManager(max_workers=1, processes=True)
    yield m
    m.shutdown()


def test_a_task_runs_in_another_process_and_reports_progress(manager):
    job = manager.submit("pid", pid_after_progress, decode=lambda pid: ("decoded", pid))
    assert job.wait(TIMEOUT) and job.state == "done", job.error
    decoded, pid = job.result
    assert decoded == "decoded" and pid != os.getpid()
    assert job.partial == {"loss": [1.0, 0.5]} and job.version >= 2


@pytest.mark.parametrize("task, sentence", [
    (reject_setting, "steps must be at least 1, got 0."),
    (crash, "Training failed: ZeroDivisionError: division by zero"),
])
def test_a_failing_task_becomes_a_sentence_and_the_worker_lives_on(manager, task, sentence):
    job = manager.submit(f"fail-{task.__name__}", task)
    assert job.wait(TIMEOUT)
    assert (job.state, job.error) == ("failed", sentence)
    after = manager.submit(f"after-{task.__name__}", pid_after_progress)
    assert after.wait(TIMEOUT) and after.state == "done"


def test_cancel_reaches_a_running_task_and_keeps_the_worker(manager, tmp_path):
    before = manager.submit("pid-before-cancel", pid_after_progress)
    assert before.wait(TIMEOUT)
    job = manager.submit("cancel", functools.partial(until_file, str(tmp_path / "never")))
    _wait_for(lambda: job.state == "running" and job.version > 0)
    job.cancel()
    assert job.wait(TIMEOUT) and job.state == "cancelled"
    after = manager.submit("pid-after-cancel", pid_after_progress)
    assert after.wait(TIMEOUT) and after.result == before.result  # the same process


def test_a_killed_worker_fails_its_job_with_a_sentence_and_is_replaced(manager, tmp_path):
    job = manager.submit("killed", functools.partial(until_file, str(tmp_path / "never")))
    _wait_for(lambda: job.state == "running" and job.version > 0)
    [worker] = manager._workers
    os.kill(worker.pid, signal.SIGKILL)
    assert job.wait(TIMEOUT) and job.state == "failed"
    assert job.error.startswith("The training process stopped before it finished (killed")
    assert "press Try again" in job.error
    after = manager.submit("after-kill", pid_after_progress)
    assert after.wait(TIMEOUT) and after.state == "done" and after.result == worker.pid


def test_a_task_deaf_to_cancel_is_killed_after_the_grace(manager, monkeypatch):
    monkeypatch.setattr(pool, "CANCEL_GRACE_S", 0.5)
    job = manager.submit("deaf", functools.partial(deaf, 30.0))
    _wait_for(lambda: job.state == "running")
    start = time.monotonic()
    job.cancel()
    assert job.wait(TIMEOUT) and job.state == "cancelled"
    assert time.monotonic() - start < 10
    after = manager.submit("after-deaf", pid_after_progress)
    assert after.wait(TIMEOUT) and after.state == "done"


def test_a_queued_job_knows_its_place_and_when_it_should_start(manager, tmp_path):
    gate = tmp_path / "gate"
    running = manager.submit("first", functools.partial(until_file, str(gate)))
    second = manager.submit("second", functools.partial(until_file, str(gate)))
    third = manager.submit("third", functools.partial(until_file, str(gate)))
    _wait_for(lambda: running.state == "running")
    assert manager.place(running) is None
    (n2, eta2), (n3, eta3) = manager.place(second), manager.place(third)
    assert (n2, n3) == (1, 2) and 0 < eta2 < eta3
    second.cancel()
    assert second.state == "cancelled" and manager.place(third)[0] == 1
    gate.touch()
    assert third.wait(TIMEOUT) and third.state == "done"


def test_a_real_run_in_a_worker_equals_the_same_run_here(manager):
    cfg = DiffusionConfig(T=20, hidden=16, steps=40, n_particles=20, log_every=10, seed=3)
    job = manager.submit("real", functools.partial(runs.train_for_transfer, cfg),
                         decode=functools.partial(runs.from_transfer, cfg))
    assert job.wait(TIMEOUT) and job.state == "done", job.error
    here = runs.load_or_train(cfg, store=False)
    assert type(job.result) is type(here)
    assert job.result.mmd2 == pytest.approx(here.mmd2)
    np.testing.assert_allclose(job.result.samples, here.samples, rtol=1e-5, atol=1e-6)


def _wait_for(condition, timeout: float = TIMEOUT) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)
