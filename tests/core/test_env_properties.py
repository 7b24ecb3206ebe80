"""The GENLAB_* variables, set to anything: each is used, or refused with a ValueError whose
sentence names the variable (the page frame, the CLI and deploy/serve.py show it); never
another exception. Every reader goes through core.settings, so all agree on one value."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from core import device, settings, store

VALUES = st.one_of(
    st.sampled_from(["", " ", "0", "1", "-1", "2", " 2 ", "1.5", "nan", "inf", "1e400", "²", "٣",
                     "99999999999999999999", "lots", "auto", "cpu", "cuda", "cuda:99", "mps",
                     "threads", "processes", "/", "/proc/x", "~", "../x", "x" * 300,
                     "/tmp/" + "a" * 300, "/tmp/a/" + "b" * 300 + "/c"]),
    st.text(max_size=20),
).filter(lambda v: "\x00" not in v)   # an environment variable cannot hold NUL

READERS = {   # variable: the function that uses it
    "GENLAB_TORCH_THREADS": device.limit_threads,
    "GENLAB_DEVICE": device.choose_device,
    "GENLAB_STORE": store.ArtifactStore,
    "GENLAB_STORE_MAX_MB": store.ArtifactStore,
    "GENLAB_JOBS": settings.jobs,
    "GENLAB_JOB_WORKERS": settings.job_workers,
}


@pytest.mark.parametrize("name", READERS)
@settings_(max_examples=60, deadline=None, database=None)
@given(value=VALUES)
def test_a_variable_is_used_or_named_in_one_sentence(name, value):
    threads = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as env:
        env.setenv(name, value)
        try:
            READERS[name]()
        except ValueError as err:
            message = str(err)
            assert message.startswith(f"{name}=") or message.startswith(name), message
            assert "\n" not in message and len(message) < 600, message
            assert "invalid literal" not in message and "Overflow" not in message, message
        finally:
            torch.set_num_threads(threads)


@pytest.mark.parametrize("name", READERS)
@settings_(max_examples=40, deadline=None, database=None)
@given(value=VALUES)
def test_the_page_frame_check_refuses_what_a_reader_refuses(name, value):
    """settings.problems() (the page frame's and serve.py's one check) names a variable
    exactly when the code that uses it would refuse its value."""
    env = {name: value}
    named = [p for p in settings.problems(env) if p.startswith(name + "=") or
             p.startswith(name + " ")]
    try:
        settings.READERS[name](env)
    except ValueError:
        assert len(named) == 1
    else:
        assert named == []


def test_torch_threads_agree_between_the_check_and_the_pool(monkeypatch):
    """limit_threads and the job pool's share (thread_budget) read one value by one rule: a bad
    one is refused by both, never ignored by one of them."""
    for value, threads in [("2", 2), ("²", None), ("0", None), ("1025", None), ("1024", 1024)]:
        monkeypatch.setenv("GENLAB_TORCH_THREADS", value)
        if threads is None:
            with pytest.raises(ValueError, match="GENLAB_TORCH_THREADS="):
                device.limit_threads()
            with pytest.raises(ValueError, match="GENLAB_TORCH_THREADS="):
                device.thread_budget()
        else:
            assert settings.torch_threads() == threads == device.thread_budget()
