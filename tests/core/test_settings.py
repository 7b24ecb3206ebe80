"""core.settings: every GENLAB_* variable's default, a good value, and a bad one refused with
one sentence that names the variable and what to set."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import settings
from core.machine import cores

# variable: (its reader, what unset or blank gives, a good value, what it gives, a bad value)
CASES = {
    "GENLAB_STORE_MAX_MB": (settings.store_max_bytes, 512 * 2**20, " 1.5 ", 3 * 2**19, "-5"),
    "GENLAB_DEVICE": (settings.device, "auto", " CUDA:1 ", "cuda:1", "tpu"),
    "GENLAB_JOBS": (settings.jobs, max(1, min(cores(), 8)), "3", 3, "65"),
    "GENLAB_JOB_WORKERS": (settings.job_workers, "processes", "Threads", "threads", "forks"),
    "GENLAB_TORCH_THREADS": (settings.torch_threads, None, " 2 ", 2, "1.5"),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("unset", [None, "", "  "])
def test_unset_or_blank_gives_the_default(name, unset):
    read, default, *_ = CASES[name]
    assert read({} if unset is None else {name: unset}) == default


@pytest.mark.parametrize("name", CASES)
def test_a_good_value_is_read(name):
    read, _, good, value, _ = CASES[name]
    assert read({name: good}) == value


@pytest.mark.parametrize("name", CASES)
def test_a_bad_value_is_one_sentence_naming_the_variable_and_what_to_set(name):
    read, *_, bad = CASES[name]
    with pytest.raises(settings.SettingError) as caught:
        read({name: bad})
    message = str(caught.value)
    assert message.startswith(name) and repr(bad) in message
    assert "\n" not in message and message.endswith(".")
    assert any(word in message for word in ("unset", "use", "set")), message


@pytest.mark.parametrize("name, bad", [
    ("GENLAB_JOBS", "0"), ("GENLAB_JOBS", "+3"), ("GENLAB_JOBS", "٣"), ("GENLAB_JOBS", "lots"),
    ("GENLAB_TORCH_THREADS", "0"), ("GENLAB_TORCH_THREADS", "²"),
    ("GENLAB_TORCH_THREADS", "1025"), ("GENLAB_STORE_MAX_MB", "nan"),
    ("GENLAB_STORE_MAX_MB", "inf"), ("GENLAB_DEVICE", "cuda:x"), ("GENLAB_DEVICE", "cpu:0"),
])
def test_whole_numbers_are_ascii_digits_in_range(name, bad):
    with pytest.raises(settings.SettingError, match=name):
        CASES[name][0]({name: bad})


def test_the_sentences_the_pages_and_their_tests_know():
    with pytest.raises(ValueError, match="GENLAB_JOBS must be a whole number from 1 to 64"):
        settings.jobs({"GENLAB_JOBS": "lots"})
    with pytest.raises(ValueError, match="GENLAB_JOB_WORKERS must be processes or threads"):
        settings.job_workers({"GENLAB_JOB_WORKERS": "forks"})
    with pytest.raises(settings.DeviceError, match="GENLAB_DEVICE='tpu' is not a device"):
        settings.device({"GENLAB_DEVICE": "tpu"})
    with pytest.raises(settings.DeviceError, match="--device='gpu' is not a device"):
        settings.device_name("gpu", "--device")


def test_a_long_value_is_cut_in_the_sentence():
    with pytest.raises(settings.SettingError) as caught:
        settings.job_workers({"GENLAB_JOB_WORKERS": "x" * 500})
    assert len(str(caught.value)) < 200


def test_store_folder_default_and_expansion(tmp_path):
    assert settings.store_root({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "genlab"
    assert settings.store_root({"GENLAB_STORE": f" {tmp_path}/s "}) == tmp_path / "s"
    assert settings.store_path({"GENLAB_STORE": "~/x"}) == Path.home() / "x"


def test_store_folder_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = {"GENLAB_STORE": str(blocker)}
    assert settings.store_path(env) == blocker     # where it points: no disk looked at
    with pytest.raises(settings.StoreConfigError, match="^GENLAB_STORE=.*is a file, not a fold"):
        settings.store_root(env)


def test_store_folder_of_an_unknown_user_is_refused():
    with pytest.raises(settings.StoreConfigError, match="^GENLAB_STORE=.*full path"):
        settings.store_path({"GENLAB_STORE": "~no-such-user-here/store"})


def test_readers_default_to_the_process_environment(monkeypatch):
    monkeypatch.setenv("GENLAB_JOBS", "5")
    assert settings.jobs() == 5


def test_problems_lists_every_bad_variable_once_and_nothing_when_all_are_good(tmp_path):
    assert settings.problems({"GENLAB_STORE": str(tmp_path)}) == []
    bad = {name: case[-1] for name, case in CASES.items()}
    found = settings.problems(bad)
    assert [p.split("=")[0].split()[0] for p in found] == [
        name for name in settings.READERS if name in bad]


def test_readers_cover_the_variables_of_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("## Environment variables", 1)[1].split("\n\n", 2)[1]
    named = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    assert named == set(settings.READERS)
