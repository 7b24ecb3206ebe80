"""The command line contract (README, "Command line"): list, run, warm; mistakes exit 2 with
a sentence."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, store):
    env = {**os.environ, "GENLAB_STORE": str(store)}
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def store(tmp_path):
    return tmp_path / "store"


def test_list_shows_every_ngjordan_preset(store):
    out = cli("list", store=store)
    assert out.returncode == 0
    for name in ("breast_cancer", "wine", "iris", "digits", "nb_holds", "correlated"):
        assert f"ngjordan.{name} " in out.stdout


def test_run_writes_the_contracted_json(store, tmp_path):
    target = tmp_path / "iris.json"
    out = cli("run", "ngjordan.iris", "--seed", "2", "--set", "n_splits=5", "--out",
              str(target), store=store)
    assert out.returncode == 0, out.stderr
    payload = json.loads(target.read_text())
    assert set(payload) == {"preset", "config", "code_version", "seconds", "metrics", "promise",
                            "arrays"}
    assert payload["config"]["seed"] == 2 and payload["config"]["n_splits"] == 5
    # --set n_splits: not the preset's run any more, so its promise is reported, not claimed
    assert payload["promise"]["applies"] is False
    assert {"m_star", "nb_err_final", "lr_err_final"} <= set(payload["metrics"])
    assert {"sizes", "nb_err_mean", "lr_err_mean", "nb_err_q10", "nb_err_q90", "lr_err_q10",
            "lr_err_q90"} <= set(payload["arrays"])
    assert len(payload["arrays"]["sizes"]) == len(payload["arrays"]["nb_err_mean"])


def test_run_reports_the_presets_promise_on_the_run_it_returns(store):
    out = cli("run", "ngjordan.iris", store=store)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    promise = payload["promise"]
    assert promise["applies"] is True and promise["held"] is True   # its seed keeps it
    assert len(promise["checks"]) >= 2
    for check in promise["checks"]:
        assert set(check) == {"metric", "op", "value", "observed", "held"}
        assert check["observed"] == payload["metrics"][check["metric"]]


def test_list_prints_each_presets_promise_beside_its_description(store):
    out = cli("list", store=store)
    lines = out.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("gan.healthy "))
    assert lines[at + 1].split()[:2] == ["promise:", "modes_covered"]


def test_run_reads_a_csv_with_the_same_loader(store, tmp_path):
    data = tmp_path / "mine.csv"
    rows = [f"{i % 7},{(i * 3) % 11},{'a' if i % 2 else 'b'}" for i in range(60)]
    data.write_text("u,v,label\n" + "\n".join(rows) + "\n")
    out = cli("run", "ngjordan.wine", "--set", f"data={data}", "--set", "label=label",
              "--set", "n_splits=3", store=store)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["config"]["data"] == str(data)


@pytest.mark.parametrize(("args", "message"), [
    (("run", "ngjordan.nope"), "no preset 'ngjordan.nope'; the presets are .*ngjordan.wine"),
    (("run", "ngjordan.iris", "--set", "colour=red"), "no field 'colour'; the fields are"),
    (("run", "ngjordan.iris", "--set", "C=lots"), "C takes a float"),
    (("run", "ngjordan.iris", "--set", "C=-1"), "C=-1.0 is not allowed"),
    (("run", "ngjordan.iris", "--set", "seed"), "is not FIELD=VALUE"),
    (("run", "ngjordan.iris", "--device", "tpu"), "not a device"),
    (("run", "ngjordan.iris", "--set", "data=/no/such.csv", "--set", "label=y"), "no file"),
    (("warm", "zzz"), "No preset matches"),
    (("frobnicate",), "invalid choice"),
])
def test_mistakes_exit_2_with_one_sentence_and_no_traceback(store, args, message):
    out = cli(*args, store=store)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert re.search(message, out.stderr), out.stderr


def test_second_warm_finds_everything_in_the_store(store):
    first = cli("warm", "ngjordan.iris", store=store)
    assert first.returncode == 0, first.stderr
    # stderr is not a terminal here: one line per preset, never a redrawn bar
    assert re.fullmatch(r"\[1/1\] ngjordan\.iris: trained in [0-9.]+ s \(0:\d\d so far\)\n",
                        first.stderr), first.stderr
    # the summary is on stdout, for a script to read
    assert first.stdout.startswith("Trained now (1):\n  ngjordan.iris "), first.stdout
    assert "1 preset in " in first.stdout and ": 1 trained, 0 already in the store, 0 failed." \
        in first.stdout, first.stdout
    assert f"The store at {store} holds 1 run (under 0.1 MB), among them 1 of the " \
        in first.stdout, first.stdout
    assert list((store / "objects").rglob("*.npz"))
    again = cli("warm", "ngjordan.iris", store=store)
    assert again.returncode == 0, again.stderr
    assert again.stderr.startswith("[1/1] ngjordan.iris: already in the store"), again.stderr
    assert again.stdout.startswith("Already in the store, skipped (1):\n  ngjordan.iris\n")
    assert "Trained now" not in again.stdout and "trained in" not in again.stderr


def test_warm_logs_a_line_per_preset_and_fails_with_status_1_when_the_store_cannot_keep_it(
        store):
    store.mkdir()
    (store / "objects").write_text("a file where the store's folder should be")
    out = cli("warm", "ngjordan.[in]*", store=store)   # iris and nb_holds
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.startswith("[")]
    assert [line.split(":")[0] for line in lines] == ["[1/2] ngjordan.iris",
                                                      "[2/2] ngjordan.nb_holds"]
    assert all(": failed: trained in " in line for line in lines), lines
    assert "Failed (2):" in out.stdout
    assert re.search(r"  ngjordan\.nb_holds: trained in [0-9.]+ s, but the store could not "
                     r"keep it \(see its warning above", out.stdout), out.stdout
    assert ": 0 trained, 0 already in the store, 2 failed." in out.stdout


def test_warm_as_its_own_module_is_the_same_command(store):
    out = subprocess.run([sys.executable, "-m", "core.warm", "zzz"], cwd=ROOT,
                         env={**os.environ, "GENLAB_STORE": str(store)}, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 2 and "No preset matches 'zzz'" in out.stderr
