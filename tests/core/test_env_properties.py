"""The GENLAB_* variables, set to anything: each is used, or refused with a ValueError whose
sentence names the variable (the page frame and the CLI show it); never another exception."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core import device, store
from ui import runner

VALUES = st.one_of(
    st.sampled_from(["", " ", "0", "1", "-1", "2", " 2 ", "1.5", "nan", "inf", "1e400", "²", "٣",
                     "99999999999999999999", "lots", "auto", "cpu", "cuda", "cuda:99", "mps",
                     "threads", "processes", "/", "/proc/x", "~", "../x", "x" * 300,
                     "/tmp/" + "a" * 300, "/tmp/a/" + "b" * 300 + "/c"]),
    st.text(max_size=20),
).filter(lambda v: "\x00" not in v)   # an environment variable cannot hold NUL

READERS = {   # variable: the function that reads it, as the page frame calls it
    "GENLAB_TORCH_THREADS": device.limit_threads,
    "GENLAB_DEVICE": device.choose_device,
    "GENLAB_STORE": store.ArtifactStore,
    "GENLAB_STORE_MAX_MB": store.ArtifactStore,
    "GENLAB_JOBS": runner.workers_from_env,
    "GENLAB_JOB_WORKERS": runner.mode_from_env,
}


@pytest.mark.parametrize("name", READERS)
@settings(max_examples=60, deadline=None, database=None)
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


def test_torch_threads_agree_between_the_check_and_the_pool(monkeypatch):
    """limit_threads refuses exactly what env_threads (the job pool's share) ignores."""
    for value, threads in [("2", 2), ("²", None), ("0", None), ("1025", None), ("1024", 1024)]:
        monkeypatch.setenv("GENLAB_TORCH_THREADS", value)
        assert device.env_threads() == threads
