"""``python -m core run --out FILE``: a path that cannot be written is a sentence and exit
status 2, found before training where it can be, and never a half-written file."""

from __future__ import annotations

import errno
import re

import pytest

from core import cli

RUN = ["run", "ngjordan.iris", "--set", "n_splits=2", "--set", "n_sizes=2"]


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch):
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path / "store"))


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main([*RUN, *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") <= 1, err
    return code, err


@pytest.mark.parametrize(("out", "message"), [
    ("{tmp}", "that is a folder; name a file in it"),
    ("{tmp}/" + "a" * 300 + ".json", "File name too long; give a shorter path"),
    ("{tmp}/" + "a" * 300 + "/run.json", "give a shorter path|does not exist"),
    ("{tmp}/missing/run.json", "does not exist"),
])
def test_an_unusable_out_path_is_refused_before_training(tmp_path, capsys, monkeypatch, out,
                                                         message):
    monkeypatch.setattr(cli.runs, "load_or_train", lambda *a, **k: pytest.fail("it trained"))
    code, err = run_cli(capsys, "--out", out.format(tmp=tmp_path))
    assert code == cli.USAGE_ERROR
    assert err.startswith("python -m core: --out ") and re.search(message, err)


def test_a_write_that_fails_after_training_is_a_sentence_and_leaves_no_file(tmp_path, capsys,
                                                                            monkeypatch):
    def disk_full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cli, "write_atomic", disk_full)
    code, err = run_cli(capsys, "--out", str(tmp_path / "run.json"))
    assert code == cli.USAGE_ERROR
    assert "No space left on device" in err and "the same command again" in err
    assert not (tmp_path / "run.json").exists()


def test_a_good_out_path_is_written(tmp_path, capsys):
    code, err = run_cli(capsys, "--out", str(tmp_path / "run.json"))
    assert code == 0, err
    assert (tmp_path / "run.json").read_text().startswith('{"preset": "ngjordan.iris"')
