"""The background job pool: sharing, bounds, progress, cancellation, failures, the LRU."""

from __future__ import annotations

import threading

import pytest

from ui.jobs import JobManager, ServerBusy

TIMEOUT = 5.0


@pytest.fixture
def manager():
    m = JobManager(max_workers=2, max_pending=4, keep_results=3)
    yield m
    m.shutdown()


def gated(gate: threading.Event, calls: list[int] | None = None, value: object = "ok"):
    """A job function that reports progress until ``gate`` is set, then returns ``value``."""

    def fn(on_progress):
        if calls is not None:
            calls.append(1)
        while not gate.wait(0.005):
            on_progress(0.5, "halfway")
        return value

    return fn


def test_submit_same_key_shares_one_job(manager):
    gate, calls = threading.Event(), []
    first = manager.submit("k", gated(gate, calls))
    second = manager.submit("k", gated(gate, calls))
    gate.set()
    assert second is first
    assert first.wait(TIMEOUT) and first.state == "done" and first.result == "ok"
    assert calls == [1]
    assert manager.submit("k", gated(gate, calls)) is first  # done: from the LRU
    assert calls == [1]


def test_submit_same_key_from_many_threads_trains_once(manager):
    gate, calls, jobs = threading.Event(), [], []
    threads = [threading.Thread(target=lambda: jobs.append(manager.submit("k", gated(gate, calls))))
               for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gate.set()
    assert len({id(job) for job in jobs}) == 1
    assert jobs[0].wait(TIMEOUT) and calls == [1]


def test_submit_bounded_concurrency_queues_the_rest():
    m = JobManager(max_workers=1)
    try:
        gate = threading.Event()
        running = m.submit("a", gated(gate))
        waiting = m.submit("b", gated(gate))
        assert not running.wait(0.05)
        assert running.state == "running" and waiting.state == "queued"
        assert waiting.started_at is None and waiting.elapsed == 0.0
        gate.set()
        assert waiting.wait(TIMEOUT) and waiting.state == "done"
    finally:
        m.shutdown()


def test_submit_over_max_pending_raises_server_busy():
    m = JobManager(max_workers=1, max_pending=2)
    try:
        gate = threading.Event()
        m.submit("a", gated(gate))
        m.submit("b", gated(gate))
        with pytest.raises(ServerBusy, match="training 2 other models right now; try again"):
            m.submit("c", gated(gate))
        assert m.submit("a", gated(gate)).key == "a"  # a shared key is still served
        gate.set()
    finally:
        m.shutdown()


def test_progress_updates_are_visible(manager):
    gate, seen = threading.Event(), threading.Event()

    def fn(on_progress):
        on_progress(0.25, "a quarter")
        seen.set()
        gate.wait(TIMEOUT)
        return 1

    job = manager.submit("p", fn)
    assert seen.wait(TIMEOUT)
    assert (job.state, job.fraction, job.note) == ("running", 0.25, "a quarter")
    assert job.elapsed > 0.0
    gate.set()
    assert job.wait(TIMEOUT) and job.fraction == 1.0


def test_cancel_stops_a_function_that_reports_progress(manager):
    steps = []

    def fn(on_progress):
        for i in range(10_000):
            steps.append(i)
            on_progress(i / 10_000, f"step {i}")
            threading.Event().wait(0.001)
        return "finished"

    job = manager.submit("c", fn)
    while not steps:
        threading.Event().wait(0.001)
    job.cancel()
    assert job.wait(TIMEOUT)
    assert job.state == "cancelled" and job.result is None
    assert len(steps) < 10_000


def test_cancel_a_queued_job_finishes_it_at_once():
    m = JobManager(max_workers=1)
    try:
        gate, calls = threading.Event(), []
        m.submit("a", gated(gate))
        queued = m.submit("b", gated(gate, calls))
        queued.cancel()
        assert queued.finished and queued.state == "cancelled"
        gate.set()
        assert m.get("a").wait(TIMEOUT)
        assert calls == []
    finally:
        m.shutdown()


def test_failure_becomes_a_sentence(manager, caplog):
    def boom(on_progress):
        raise RuntimeError("disk on fire")

    job = manager.submit("f", boom)
    assert job.wait(TIMEOUT)
    assert job.state == "failed"
    assert job.error == "Training failed: RuntimeError: disk on fire"
    assert "disk on fire" in caplog.text  # the program's own error is logged


def test_failure_value_error_message_passed_through(manager):
    class BadSetting(ValueError):
        pass

    def bad(on_progress):
        raise BadSetting("steps must be at least 1, got 0.")

    job = manager.submit("v", bad)
    assert job.wait(TIMEOUT)
    assert (job.state, job.error) == ("failed", "steps must be at least 1, got 0.")
    assert manager.result("v") is None


def test_submit_again_after_failure_runs_again(manager):
    calls = []

    def flaky(on_progress):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first time")
        return "second time"

    failed = manager.submit("r", flaky)
    assert failed.wait(TIMEOUT) and failed.state == "failed"
    assert manager.get("r") is failed
    again = manager.submit("r", flaky)
    assert again is not failed
    assert again.wait(TIMEOUT) and again.state == "done"
    assert manager.result("r") == "second time" and calls == [1, 1]


def test_result_lru_keeps_only_the_last_results(manager):
    for key in ["a", "b", "c"]:
        assert manager.submit(key, lambda on_progress, k=key: k.upper()).wait(TIMEOUT)
    assert manager.result("a") == "A"  # touch "a": "b" is now the oldest
    assert manager.submit("d", lambda on_progress: "D").wait(TIMEOUT)
    assert [manager.result(k) for k in "abcd"] == ["A", None, "C", "D"]
    assert manager.get("b") is None


def test_manager_rejects_bad_sizes():
    with pytest.raises(ValueError, match="max_workers must be a positive int"):
        JobManager(max_workers=0)


def test_partial_results_reported_through_core_progress_are_kept(manager):
    from core.progress import report

    def train(on_progress):
        report(on_progress, 0.5, "half", partial={"loss": [3.0, 2.0]})
        report(on_progress, 0.9, "almost")          # no partial: the last one stays
        return "done"

    job = manager.submit("partial", train)
    assert job.wait(10)
    assert job.partial == {"loss": [3.0, 2.0]}


def test_a_queued_job_nobody_watches_any_more_never_starts():
    m = JobManager(max_workers=1)
    try:
        gate, calls = threading.Event(), []
        m.submit("a", gated(gate))
        left = m.submit("b", gated(gate, calls))
        left.touch()
        left.seen_at -= 60  # its page moved on a minute ago
        kept = m.submit("c", gated(gate, calls))
        kept.touch()
        gate.set()
        assert left.wait(TIMEOUT) and left.state == "cancelled"
        assert kept.wait(TIMEOUT) and kept.state == "done" and calls == [1]
        assert m.submit("b", gated(gate, calls)) is not left  # asked again: queued again
    finally:
        m.shutdown()
