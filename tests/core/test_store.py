import math
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.store import ArtifactStore, StoreConfigError, default_root

KEY = "ab" + "0" * 62
OTHER = "cd" + "1" * 62
ROOT = Path(__file__).resolve().parents[2]


def payload(seed=0, n=10):
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal((n, 3)), "k": np.arange(n, dtype=np.int32)}


def test_store_round_trip_keeps_arrays_dtypes_and_meta(tmp_path):
    store = ArtifactStore(tmp_path)
    arrays = payload()
    store.save(KEY, arrays, {"m_star": None, "name": "wine", "seconds": np.float64(1.5),
                             "loss": float("nan"), "shape": (2, 3)})
    loaded, meta = store.load(KEY)
    assert math.isnan(meta.pop("loss"))
    assert meta == {"m_star": None, "name": "wine", "seconds": 1.5, "shape": [2, 3]}
    for name, a in arrays.items():
        assert loaded[name].dtype == a.dtype
        np.testing.assert_array_equal(loaded[name], a)


def test_store_load_of_missing_key_is_none(tmp_path):
    assert ArtifactStore(tmp_path).load(KEY) is None


def test_store_round_trip_allows_names_that_np_savez_takes_as_arguments(tmp_path):
    store = ArtifactStore(tmp_path)
    arrays = {"file": np.arange(3), "allow_pickle": np.array(["a", "bc"])}
    store.save(KEY, arrays, {})
    loaded, _ = store.load(KEY)
    assert loaded.keys() == arrays.keys()
    np.testing.assert_array_equal(loaded["allow_pickle"], arrays["allow_pickle"])


def test_store_path_for_rejects_a_key_that_is_not_a_sha256(tmp_path):
    with pytest.raises(ValueError, match="64 lowercase hex"):
        ArtifactStore(tmp_path).path_for(KEY.upper())


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "tampered", "bad-json"])
def test_store_discards_a_damaged_file(tmp_path, damage):
    store = ArtifactStore(tmp_path)
    path = store.save(KEY, payload(n=500), {})
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        middle = len(raw) // 2
        raw[middle:middle + 8] = bytes(b ^ 0xFF for b in raw[middle:middle + 8])
    elif damage == "garbage":
        raw = bytearray(b"not a zip file at all")
    else:  # a well-formed npz whose contents do not match its header
        with np.load(path) as npz:
            arrays = dict(npz)
        if damage == "tampered":
            arrays["x"] = arrays["x"] + 1
        else:
            arrays["__meta__"] = np.frombuffer(b"{not json", dtype=np.uint8)
        np.savez(path, **arrays)
        raw = bytearray(path.read_bytes())
    path.write_bytes(bytes(raw))
    assert store.load(KEY) is None
    assert not path.exists()


def test_store_rejects_a_file_copied_under_another_key(tmp_path):
    store = ArtifactStore(tmp_path)
    source = store.save(KEY, payload(), {})
    target = store.path_for(OTHER)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    assert store.load(OTHER) is None


def test_store_evicts_least_recently_used_beyond_the_cap(tmp_path):
    keys = [f"{i:02x}" + "e" * 62 for i in range(4)]
    store = ArtifactStore(tmp_path, max_bytes=10**9)
    for i, key in enumerate(keys):
        path = store.save(key, payload(i, n=2000), {})
        os.utime(path, (1000 + i, 1000 + i))
    one = store.path_for(keys[0]).stat().st_size
    store.load(keys[0])                          # recently used again
    store.max_bytes = int(2.5 * one)
    store.save(keys[3], payload(3, n=2000), {})  # the newest, rewritten
    kept = {k for k in keys if store.path_for(k).exists()}
    assert kept == {keys[0], keys[3]}


def test_store_rejects_object_arrays_and_reserved_names(tmp_path):
    store = ArtifactStore(tmp_path)
    with pytest.raises(TypeError, match="no pickle"):
        store.save(KEY, {"bad": np.array([{"a": 1}], dtype=object)}, {})
    with pytest.raises(ValueError, match="reserved"):
        store.save(KEY, {"__meta__": np.zeros(2)}, {})


def test_store_save_where_the_disk_cannot_take_it_returns_none(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    store = ArtifactStore(blocker / "store")  # under a regular file: cannot be created
    assert store.save(KEY, payload(), {}) is None
    assert store.load(KEY) is None
    assert store.size_bytes() == 0


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes through chmod; the test above covers this case")
def test_store_save_to_a_read_only_root_returns_none(tmp_path):
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert ArtifactStore(tmp_path / "store").save(KEY, payload(), {}) is None
    finally:
        tmp_path.chmod(stat.S_IRWXU)


def test_store_save_when_the_rename_fails_logs_and_leaves_no_temp(tmp_path, monkeypatch, caplog):
    def refuse(*args):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "replace", refuse)  # what chmod does for a user who is not root
    assert ArtifactStore(tmp_path).save(KEY, payload(), {}) is None
    assert "could not write to the store" in caplog.text
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_store_eviction_sweeps_only_stale_temp_files(tmp_path):
    store = ArtifactStore(tmp_path)
    folder = store.path_for(KEY).parent
    folder.mkdir(parents=True)
    stale, fresh = folder / ".dead-writer.tmp", folder / ".live-writer.tmp"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (1000, 1000))
    store.save(KEY, payload(), {})
    assert not stale.exists() and fresh.exists()


WRITER = """
import sys, numpy as np
from core.store import ArtifactStore
store = ArtifactStore(sys.argv[1])
value = float(sys.argv[2])
for _ in range(20):
    store.save(sys.argv[3], {"x": np.full((300, 300), value)}, {"v": value})
"""


def test_store_save_from_two_processes_leaves_one_good_file(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(v), KEY],
                              cwd=ROOT) for v in (1.0, 2.0)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    store = ArtifactStore(tmp_path)
    left = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert left == [store.path_for(KEY)]  # one object, no temp files
    arrays, meta = store.load(KEY)
    assert meta["v"] in (1.0, 2.0)
    assert (arrays["x"] == meta["v"]).all()


def test_store_root_from_env_must_not_be_a_file(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GENLAB_STORE", str(blocker))
    with pytest.raises(StoreConfigError, match="is a file, not a folder"):
        ArtifactStore()


def test_store_constructor_creates_nothing(tmp_path):
    ArtifactStore(tmp_path / "store")
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("raw", ["abc", "-1", "0", "inf", "nan"])
def test_store_cap_from_env_must_be_a_positive_number(monkeypatch, raw):
    monkeypatch.setenv("GENLAB_STORE_MAX_MB", raw)
    with pytest.raises(StoreConfigError, match="GENLAB_STORE_MAX_MB"):
        ArtifactStore()


def test_store_cap_from_env_is_megabytes(monkeypatch, tmp_path):
    monkeypatch.setenv("GENLAB_STORE_MAX_MB", " 1.5 ")
    assert ArtifactStore(tmp_path).max_bytes == 3 * 2**19


def test_default_root_honours_genlab_store(monkeypatch, tmp_path):
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path / "s"))
    assert default_root() == tmp_path / "s"
    monkeypatch.delenv("GENLAB_STORE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_root() == tmp_path / "genlab"


def test_load_or_train_calls_on_hit_for_a_store_hit_only(tmp_path):
    import dataclasses

    from core import presets, runs

    cfg = dataclasses.replace(presets.get("ngjordan.iris").config, n_splits=3)
    store, hits = ArtifactStore(tmp_path), []
    first = runs.load_or_train(cfg, store=store, on_hit=lambda: hits.append(1))
    assert hits == []
    again = runs.load_or_train(cfg, store=store, on_hit=lambda: hits.append(1))
    assert hits == [1]
    np.testing.assert_array_equal(again.lr_err, first.lr_err)
    runs.load_or_train(cfg, store=False, on_hit=lambda: hits.append(1))
    assert hits == [1]
