"""The warm-up in-process (core.warm, core.warmth): its progress line on a terminal and in a
log, its summary, a failed preset that does not stop the others, Ctrl-C; and which presets
the store holds, by a key lookup."""

import io
import re

import numpy as np
import pytest

from core import presets, runs, warm, warmth
from core.store import ArtifactStore


class Terminal(io.StringIO):
    """What a terminal on stderr looks like to the warm-up (80 columns: no fileno)."""

    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path):
    return ArtifactStore(tmp_path / "store")


def placeholder(store, name):
    """A file at the preset's key: all a key lookup looks at (nothing here reads it)."""
    store.save(runs.key_for(presets.get(name).config), {"placeholder": np.zeros(1)}, {})


def test_the_bar_on_a_terminal_shows_k_of_n_the_preset_and_the_time_so_far():
    clock, stream = Clock(), Terminal()
    progress = warm.Progress(3, stream, clock)
    clock.now += 50
    progress.start(2, "gan.healthy")
    clock.now += 65
    stream.truncate(0)
    stream.seek(0)
    progress.update(0.5, "step 2000/4000")
    assert stream.getvalue() == ("\r[2/3] gan.healthy [##########..........] 1:05 "
                                 "(all: 1:55) step 2000/4000\x1b[K")
    progress.update(0.6, "step 2400/4000")   # the same instant: not redrawn
    assert "2400" not in stream.getvalue()
    clock.now += 1
    progress.update(0.6, "step 2400/4000")
    assert stream.getvalue().endswith("[2/3] gan.healthy [############........] 1:06 "
                                      "(all: 1:56) step 2400/4000\x1b[K")
    progress.finish(warm.Outcome("gan.healthy", warm.TRAINED, 66.0))
    # the bar is wiped and the preset's line stays, so the next bar starts on a new line
    assert stream.getvalue().endswith("\r\x1b[K[2/3] gan.healthy: trained in 66.0 s "
                                      "(1:56 so far)\n")


def test_the_bar_is_cut_to_the_terminals_width():
    clock, stream = Clock(), Terminal()
    progress = warm.Progress(1, stream, clock)
    progress.start(1, "diffusion.digits_cfg")
    clock.now += 1
    progress.update(0.1, "step 100/8000, " + "a very long note " * 10)
    line = stream.getvalue().split("\r")[-1].removesuffix("\x1b[K")
    assert len(line) == 79, line   # a line as wide as the terminal would wrap


def test_a_log_gets_one_line_per_preset_and_no_bar():
    clock, stream = Clock(), io.StringIO()
    progress = warm.Progress(2, stream, clock)
    progress.start(1, "ngjordan.iris")
    progress.update(0.5, "splitting")
    clock.now += 2
    progress.update(0.9, "logistic regression")
    assert stream.getvalue() == ""
    progress.finish(warm.Outcome("ngjordan.iris", warm.STORED, 0.1))
    progress.start(2, "gan.phase")
    progress.finish(warm.Outcome("gan.phase", warm.FAILURE, 1.0, "RuntimeError: no memory."))
    assert stream.getvalue().splitlines() == [
        "[1/2] ngjordan.iris: already in the store (0:02 so far)",
        "[2/2] gan.phase: failed: RuntimeError: no memory. (0:02 so far)"]
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_warm_trains_then_finds_and_summarises_on_stdout(store):
    chosen = [presets.get("ngjordan.iris"), presets.get("ngjordan.nb_holds")]
    out, err = io.StringIO(), io.StringIO()
    assert warm.warm(chosen, store=store, device=None, out=out, err=err) == 0
    summary = out.getvalue().splitlines()
    assert summary[0] == "Trained now (2):"
    assert re.fullmatch(r"  ngjordan\.iris     +\d+\.\d s", summary[1]), summary
    assert re.fullmatch(r"  ngjordan\.nb_holds +\d+\.\d s", summary[2]), summary
    assert re.fullmatch(r"2 presets in \d+\.\d s \(0:\d\d\): 2 trained, 0 already in the "
                        r"store, 0 failed\.", summary[3]), summary
    assert summary[4] == (f"The store at {store.root} holds 2 runs (under 0.1 MB), among them "
                          f"2 of the {len(presets.PRESETS)} presets.")
    assert [line.split(":")[0] for line in err.getvalue().splitlines()] == [
        "[1/2] ngjordan.iris", "[2/2] ngjordan.nb_holds"]

    out = io.StringIO()
    assert warm.warm(chosen[:1], store=store, device=None, out=out, err=io.StringIO()) == 0
    assert out.getvalue().splitlines()[:2] == ["Already in the store, skipped (1):",
                                               "  ngjordan.iris"]
    assert "Trained now" not in out.getvalue()


def test_a_failed_preset_is_one_sentence_and_the_others_still_train(store, monkeypatch):
    real = runs.load_or_train

    def load_or_train(cfg, **kwargs):
        if cfg == presets.get("ngjordan.wine").config:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2 GiB\n(traceback detail)")
        return real(cfg, **kwargs)

    monkeypatch.setattr(runs, "load_or_train", load_or_train)
    chosen = [presets.get("ngjordan.wine"), presets.get("ngjordan.iris")]
    out, err = io.StringIO(), io.StringIO()
    assert warm.warm(chosen, store=store, device=None, out=out, err=err) == warm.FAILED
    summary = out.getvalue()
    assert "Failed (1):\n  ngjordan.wine: RuntimeError: CUDA out of memory. Tried to allocate " \
           "2 GiB.\n" in summary
    assert "traceback detail" not in summary + err.getvalue()
    assert "Trained now (1):\n  ngjordan.iris" in summary
    assert "2 presets in" in summary and ": 1 trained, 0 already in the store, 1 failed." \
        in summary
    assert "[1/2] ngjordan.wine: failed: RuntimeError: CUDA out of memory." in err.getvalue()


def test_a_run_the_store_could_not_keep_is_a_failure(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "objects").write_text("a file where the store's folder should be")
    store = ArtifactStore(tmp_path / "store")
    out = io.StringIO()
    status = warm.warm([presets.get("ngjordan.iris")], store=store, device=None, out=out,
                       err=io.StringIO())
    assert status == warm.FAILED
    assert re.search(r"ngjordan\.iris: trained in \d+\.\d s, but the store could not keep it",
                     out.getvalue()), out.getvalue()
    assert "holds 0 runs (under 0.1 MB), among them 0 of the" in out.getvalue()


def test_ctrl_c_ends_with_the_summary_so_far_and_status_130(store, monkeypatch):
    real = runs.load_or_train

    def load_or_train(cfg, **kwargs):
        if cfg == presets.get("ngjordan.wine").config:
            raise KeyboardInterrupt
        return real(cfg, **kwargs)

    monkeypatch.setattr(runs, "load_or_train", load_or_train)
    chosen = [presets.get("ngjordan.iris"), presets.get("ngjordan.wine")]
    out = io.StringIO()
    assert warm.warm(chosen, store=store, device=None, out=out,
                     err=io.StringIO()) == warm.INTERRUPTED
    lines = out.getvalue().splitlines()
    assert lines[0] == "Trained now (1):" and lines[1].split()[0] == "ngjordan.iris"
    assert lines[-1].startswith("Interrupted while training ngjordan.wine (2 of 2): the "
                                "presets before it are in the store")


def test_failure_sentences_are_one_line_ending_in_a_full_stop():
    assert warm.failure_sentence(ValueError("GENLAB_DEVICE=tpu is not a device.")) == \
        "GENLAB_DEVICE=tpu is not a device."
    assert warm.failure_sentence(RuntimeError("boom\nline two")) == "RuntimeError: boom."
    assert warm.failure_sentence(MemoryError()) == "MemoryError: no message."


def test_warmth_is_a_key_lookup_of_each_presets_own_run(store):
    chosen = [presets.get("ngjordan.iris")]
    warm.warm(chosen, store=store, device=None, out=io.StringIO(), err=io.StringIO())
    found = warmth.warmth(["ngjordan.wine", "ngjordan.iris"], store)
    assert found.stored == ("ngjordan.iris",) and found.missing == ("ngjordan.wine",)
    assert not found.ready and found.total == 2
    for name in warmth.PAGE_PRESETS["gen_vs_disc"]:
        placeholder(store, name)
    pages = warmth.by_page(store)
    assert pages["gen_vs_disc"].ready
    assert pages["latent"].stored == () and pages["latent"].total == 6


def test_every_preset_is_on_exactly_one_page_the_one_its_family_names():
    from bench.load_scenarios import PAGE_OF_FAMILY

    listed = [name for names in warmth.PAGE_PRESETS.values() for name in names]
    assert sorted(listed) == sorted(presets.PRESETS)
    for page, names in warmth.PAGE_PRESETS.items():
        assert {PAGE_OF_FAMILY[name.split(".")[0]] for name in names} == {page}


def test_every_preset_has_a_measured_training_time():
    assert set(warmth.TRAIN_SECONDS) == set(presets.PRESETS)
    assert all(seconds > 0 for seconds in warmth.TRAIN_SECONDS.values())


@pytest.mark.parametrize(("seconds", "said"), [
    ([0.1, 0.3], "about 1 s"), ([2.2], "about 3 s"), ([12, 14], "about 15 s"),
    ([0.2, 150], "1 s to 3 min"), ([95, 170], "2 min to 3 min")])
def test_train_estimate_rounds_up(seconds, said, monkeypatch):
    names = [f"x.{i}" for i in range(len(seconds))]
    monkeypatch.setattr(warmth, "TRAIN_SECONDS", dict(zip(names, seconds, strict=True)))
    assert warmth.train_estimate(names) == said
    assert warmth.train_estimate(["not.measured"]) == ""
