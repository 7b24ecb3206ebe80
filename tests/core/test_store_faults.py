"""The store under the faults a shared server meets: writers racing on the same keys, a
writer killed mid-save, a full disk, damaged files met by load_or_train, a store over its cap.

test_store.py holds the store's unit checks (damage kinds met by ``load``, one key raced by
two writers, LRU order, stale temp sweep); these go through real processes and the path the
app takes (``core.runs.load_or_train`` with the store from the environment).
"""

from __future__ import annotations

import dataclasses
import errno
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core import presets, runs
from core.store import ArtifactStore

ROOT = Path(__file__).resolve().parents[2]
KEYS = [f"{i:02x}" + "7" * 62 for i in (1, 2, 3)]
TINY = dataclasses.replace(presets.get("ngjordan.iris").config, n_splits=3, n_sizes=4)


def child(code: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, **kwargs)


# Each writer saves its own layout (shape and value) under the same keys and reads every key
# back at once: a mix of the two writers' bytes, a torn file or a vanished one fails it.
RACER = """
import sys, time
from pathlib import Path
import numpy as np
from core.store import ArtifactStore

root, me, keys = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
store = ArtifactStore(root, max_bytes=2**40)   # no eviction: every key must stay loadable
shape = [120, 250] if me == 1 else [250, 120]
(root / f"ready-{me}").touch()
while not (root / "go").exists():               # both start writing together
    time.sleep(0.001)
bad = []
for rnd in range(12):
    for key in keys:
        store.save(key, {"x": np.full(shape, float(me)), "round": np.array(rnd)},
                   {"writer": me, "shape": shape})
        for other in keys:
            hit = store.load(other)
            if hit is None:
                bad.append(f"{other[:4]} unreadable")
                continue
            arrays, meta = hit
            x = arrays["x"]
            if list(x.shape) != meta["shape"] or not (x == meta["writer"]).all():
                bad.append(f"{other[:4]} mixes two writers")
if bad:
    sys.exit(f"writer {me}: {len(bad)} bad reads, first {bad[0]}")
"""


def test_two_processes_writing_the_same_keys_leave_every_artifact_whole(tmp_path):
    store = ArtifactStore(tmp_path)
    for key in KEYS:   # a first version, so that every read during the race has a file
        store.save(key, {"x": np.zeros((120, 250)), "round": np.array(-1)},
                   {"writer": 0, "shape": [120, 250]})
    procs = [child(RACER, tmp_path, me, *KEYS) for me in (1, 2)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{me}").exists() for me in (1, 2)):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs), \
            "a writer did not start"
        time.sleep(0.01)
    (tmp_path / "go").touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]

    assert sorted(p.name for p in store.objects.rglob("*") if p.is_file()) == \
        sorted(f"{k}.npz" for k in KEYS)   # no temp file left behind
    for key in KEYS:
        arrays, meta = store.load(key)
        assert meta["writer"] in (1, 2)
        assert list(arrays["x"].shape) == meta["shape"]
        assert (arrays["x"] == meta["writer"]).all()


# Saves a 32 MB artifact and stops for good once its big array is in the temp file: the zip
# is not closed, the file not renamed. The test kills it there.
STALLED = """
import sys, time
import numpy as np
from core.store import ArtifactStore

write_array = np.lib.format.write_array

def write_then_stall(member, a, **kwargs):
    write_array(member, a, **kwargs)
    if a.size > 10**6:
        print("mid-save", flush=True)
        time.sleep(600)

np.lib.format.write_array = write_then_stall
ArtifactStore(sys.argv[1]).save(sys.argv[2], {"x": np.full((2048, 2048), 2.0)}, {"v": 2})
"""


def test_a_writer_killed_mid_save_leaves_the_store_readable(tmp_path):
    store = ArtifactStore(tmp_path)
    key = KEYS[0]
    store.save(key, {"x": np.full((10, 10), 1.0)}, {"v": 1})
    good_size = store.size_bytes()

    writer = child(STALLED, tmp_path, key, stdout=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([writer.stdout], [], [], 60)
        assert ready and writer.stdout.readline().strip() == "mid-save", "the writer never stalled"
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=10) == -signal.SIGKILL
    finally:
        writer.kill()
        writer.stdout.close()

    temps = list(store.objects.glob("??/.*.tmp"))   # the pattern the stale sweep deletes
    assert len(temps) == 1 and temps[0].stat().st_size > 2**20, "not killed mid-write"
    arrays, meta = store.load(key)                 # the version before the crash, whole
    assert meta == {"v": 1} and (arrays["x"] == 1.0).all()
    assert store.size_bytes() == good_size         # the dead writer's temp is not counted

    store.save(key, {"x": np.full((10, 10), 3.0)}, {"v": 3})   # the next writer succeeds
    assert store.load(key)[1] == {"v": 3}
    os.utime(temps[0], (1000, 1000))               # an hour later, the next save sweeps it
    store.save(KEYS[1], {"x": np.zeros(3)}, {})
    assert not temps[0].exists()


def test_a_full_disk_mid_save_keeps_the_previous_version(tmp_path, monkeypatch, caplog):
    import core.store

    store = ArtifactStore(tmp_path)
    key = KEYS[0]
    store.save(key, {"x": np.full((10, 10), 1.0)}, {"v": 1})

    def fill_the_disk(handle, arrays):
        handle.write(b"PK\x03\x04" + bytes(4096))   # a partial zip, then no space left
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(core.store, "_write_npz", fill_the_disk)
    assert store.save(key, {"x": np.full((10, 10), 2.0)}, {"v": 2}) is None
    assert "could not write to the store" in caplog.text
    assert list(store.objects.glob("??/.*.tmp")) == []   # the partial file is removed
    assert store.load(key)[1] == {"v": 1}


def _damage(path: Path, how: str, store: ArtifactStore, key: str) -> None:
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "zeroed":
        middle = len(raw) // 2
        path.write_bytes(raw[:middle] + bytes(64) + raw[middle + 64:])
    elif how == "tampered":   # a well-formed file whose numbers no longer match its digest
        with np.load(path) as npz:
            arrays = dict(npz)
        arrays["lr_err"] = arrays["lr_err"] + 0.5
        np.savez(path, **arrays)
    elif how == "older layout":   # whole and verified, but without the fields of today's result
        with np.load(path) as npz:
            sizes = npz["sizes"]
        store.save(key, {"sizes": sizes}, {})
    else:
        raise ValueError(how)


@pytest.mark.parametrize("how", ["truncated", "empty", "zeroed", "tampered", "older layout"])
def test_load_or_train_retrains_a_damaged_artifact_and_never_loads_it(tmp_path, how):
    store, hits = ArtifactStore(tmp_path), []
    first = runs.load_or_train(TINY, store=store)
    key = runs.key_for(TINY)
    _damage(store.path_for(key), how, store, key)

    again = runs.load_or_train(TINY, store=store, on_hit=lambda: hits.append(1))
    assert hits == [], "a damaged artifact was taken for a store hit"
    np.testing.assert_array_equal(again.lr_err, first.lr_err)   # retrained, not the damage
    np.testing.assert_array_equal(again.nb_err, first.nb_err)
    runs.load_or_train(TINY, store=store, on_hit=lambda: hits.append(1))
    assert hits == [1], "the retrained result was not stored whole again"


def test_a_store_over_its_cap_evicts_the_least_recently_used_run(tmp_path, monkeypatch):
    """The cap as the app meets it: GENLAB_STORE_MAX_MB, read by load_or_train's own store."""
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path))
    monkeypatch.delenv("GENLAB_STORE_MAX_MB", raising=False)
    a, b, c = (dataclasses.replace(TINY, seed=s) for s in (0, 1, 2))
    path = {cfg: ArtifactStore().path_for(runs.key_for(cfg)) for cfg in (a, b, c)}
    for i, cfg in enumerate((a, b)):
        runs.load_or_train(cfg)
        os.utime(path[cfg], (1000 + i, 1000 + i))   # b is the newer of the two
    hits = []
    runs.load_or_train(a, on_hit=lambda: hits.append("a"))   # a is used again: now the newest
    assert hits == ["a"]

    size = path[a].stat().st_size
    monkeypatch.setenv("GENLAB_STORE_MAX_MB", str(2.5 * size / 2**20))   # room for two runs
    runs.load_or_train(c)
    assert {cfg.seed for cfg in (a, b, c) if path[cfg].exists()} == {0, 2}   # b went first

    runs.load_or_train(b, on_hit=lambda: hits.append("b"))
    assert hits == ["a"], "an evicted run was served from the store"


def test_an_artifact_is_readable_by_another_user_sharing_the_store(tmp_path):
    """mkstemp makes its files 0600: the server running as a service user could not load what
    an admin's warm-up stored, and retrained every preset (its own save then failed too)."""
    path = ArtifactStore(tmp_path).save(KEYS[0], {"x": np.zeros(3)}, {})
    assert path.stat().st_mode & 0o044 == 0o044
