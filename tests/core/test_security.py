"""What a public deployment relies on: store keys and preset names cannot leave the store's
folder, nothing is unpickled from disk or network, the server's workers talk over a private
socket pair, Streamlit's cross-site protection stays on, and no secret is in the repository."""

from __future__ import annotations

import os
import re
import subprocess
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from core import presets
from core.store import ArtifactStore

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "0123456789abcdef" * 4

ESCAPING_NAMES = [
    "../" + GOOD_KEY,
    "../../etc/passwd",
    "/etc/passwd",
    "/" + GOOD_KEY,
    GOOD_KEY[:2] + "/../../" + GOOD_KEY[8:],
    "..",
    "",
    GOOD_KEY + "\x00",
    GOOD_KEY[:32] + "\x00" + GOOD_KEY[33:],
    GOOD_KEY + "\n",
    GOOD_KEY.upper(),
    GOOD_KEY[:-1],
    GOOD_KEY + "0",
    "a" * 100_000,
    "gan.healthy/../../x",
    "~/x",
    "C:\\Windows\\x",
]


def tracked_files() -> list[Path]:
    """The repository's files (git's list; the working tree's own files if git is absent)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode()
        return [ROOT / name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", ".genlab-store", "artifacts", "__pycache__", "run"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.parts)]


def texts(suffixes: tuple[str, ...]) -> dict[Path, str]:
    return {p: p.read_text(errors="replace") for p in tracked_files()
            if p.suffix in suffixes and p.is_file()}


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


# ---------------------------------------------------------------- the store's folder

@pytest.mark.parametrize("key", [*ESCAPING_NAMES, None, 7, b"0" * 64],
                         ids=lambda k: repr(k)[:24])
def test_the_store_refuses_a_key_that_is_not_64_hex_digits(tmp_path, key):
    store = ArtifactStore(tmp_path / "store")
    with pytest.raises(ValueError, match="not 64 lowercase hex digits"):
        store.load(key)
    with pytest.raises(ValueError, match="not 64 lowercase hex digits"):
        store.save(key, {"x": np.arange(3)}, {"note": "x"})
    assert files_under(tmp_path) == [], "a refused key wrote a file"


def test_a_good_key_stays_inside_the_store(tmp_path):
    store = ArtifactStore(tmp_path / "store")
    path = store.save(GOOD_KEY, {"x": np.arange(3)}, {"note": "x"})
    assert path is not None and path.resolve().is_relative_to((tmp_path / "store").resolve())
    arrays, meta = store.load(GOOD_KEY)
    assert arrays["x"].tolist() == [0, 1, 2] and meta == {"note": "x"}


def test_array_names_that_look_like_paths_stay_inside_the_file(tmp_path):
    """Array names are zip member names inside the one .npz, never file names on disk."""
    store = ArtifactStore(tmp_path / "store")
    store.save(GOOD_KEY, {"../../escaped": np.arange(2), "/abs": np.arange(1)}, {})
    assert [p.name for p in files_under(tmp_path)] == [f"{GOOD_KEY}.npz"]
    arrays, _ = store.load(GOOD_KEY)
    assert set(arrays) == {"../../escaped", "/abs"}


@pytest.mark.parametrize("name", ESCAPING_NAMES, ids=lambda n: repr(n)[:24])
def test_a_preset_name_that_looks_like_a_path_is_an_unknown_preset(name):
    with pytest.raises(presets.UnknownPreset) as caught:
        presets.get(name)
    assert str(caught.value).startswith("There is no preset ")
    assert "\n" not in str(caught.value)
    assert presets.matching(name) == [] or name == ""   # `warm PATTERN` finds nothing either


# ---------------------------------------------------------------- no pickle from disk or network

UNSAFE_LOADS = {
    r"\bpickle\.loads?\((?!pickle\.dumps\()": "pickle.load",   # a round trip in memory is fine
    r"\b(cPickle|dill|cloudpickle|shelve|marshal)\b": "a pickle-like module",
    r"\bjoblib\b": "joblib (pickle underneath)",
    r"\byaml\.(unsafe_)?load\(": "yaml.load",
    r"(?<![\w.])(eval|exec)\(": "eval/exec",
    r"allow_pickle\s*=\s*True": "np.load(allow_pickle=True)",
    r"\bpd\.read_pickle\(": "pandas.read_pickle",
}


def test_nothing_loads_pickles_or_evaluates_text():
    found = []
    for path, text in texts((".py",)).items():
        if path == Path(__file__):
            continue
        for pattern, what in UNSAFE_LOADS.items():
            found += [f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {what}"
                      for m in re.finditer(pattern, text)]
        for m in re.finditer(r"\btorch\.load\(([^\n]*)", text):
            if "weights_only=True" not in m.group(1):
                found.append(f"{path.relative_to(ROOT)}: torch.load without weights_only=True")
        for m in re.finditer(r"\bnp\.load\(([^\n]*)", text):
            if "allow_pickle=False" not in m.group(1) and "tests" not in path.parts:
                found.append(f"{path.relative_to(ROOT)}: np.load without allow_pickle=False")
    assert not found, found


def test_only_the_job_pool_exchanges_pickled_messages_and_only_over_a_socket_pair():
    """multiprocessing's Connection unpickles what it receives: it must only ever be the
    private socketpair between a server and the worker process it started."""
    users = {p.relative_to(ROOT).as_posix()
             for p, text in texts((".py",)).items()
             if p.parts[-2] in ("core", "ui") or p.name == "streamlit_app.py"
             if re.search(r"multiprocessing\.connection|\bListener\b|\.listen\(|\.bind\(", text)}
    assert users == {"core/pool.py"}, users
    pool = (ROOT / "core" / "pool.py").read_text()
    assert "socket.socketpair()" in pool
    assert not re.search(r"\bListener\b|\bClient\(|\.listen\(|\.bind\(|AF_INET", pool)


def unix_sockets() -> dict[str, tuple[int, str]]:
    """inode -> (flags, path) of every Unix socket on the machine (/proc/net/unix)."""
    rows = Path("/proc/net/unix").read_text().splitlines()[1:]
    table = {}
    for row in rows:
        parts = row.split()
        table[parts[6]] = (int(parts[3], 16), parts[7] if len(parts) > 7 else "")
    return table


def inet_inodes() -> set[str]:
    inodes = set()
    for name in ("tcp", "tcp6", "udp", "udp6"):
        path = Path("/proc/net") / name
        if path.exists():
            inodes |= {line.split()[9] for line in path.read_text().splitlines()[1:]}
    return inodes


def test_a_worker_process_has_no_socket_anyone_else_could_connect_to():
    from core.pool import Worker

    worker = Worker()
    worker.start()
    try:
        time.sleep(1.0)
        fds = Path(f"/proc/{worker.pid}/fd")
        inodes = [re.fullmatch(r"socket:\[(\d+)\]", os.readlink(fd)) for fd in fds.iterdir()]
        inodes = [m.group(1) for m in inodes if m]
        assert inodes, "the worker should hold its end of the socket pair"
        unix, inet = unix_sockets(), inet_inodes()
        for inode in inodes:
            assert inode not in inet, "a worker socket on the network"
            flags, path = unix[inode]
            assert path == "", f"a worker socket with a name anyone could open: {path}"
            assert not flags & 0x10000, "a listening worker socket"   # __SO_ACCEPTCON
    finally:
        worker.stop()


# ---------------------------------------------------------------- Streamlit's own protection

CONFIGS = [ROOT / ".streamlit" / "config.toml", ROOT / ".streamlit" / "hosting.toml"]


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_cross_site_protection_is_never_turned_off_in_a_config_file(path):
    server = tomllib.loads(path.read_text()).get("server", {})
    for option in ("enableXsrfProtection", "enableCORS"):
        assert server.get(option, True) is True, f"{path.name} turns off server.{option}"
    assert "cookieSecret" not in server, f"{path.name} holds a cookie secret"


def test_the_hosting_profile_writes_cross_site_protection_out():
    server = tomllib.loads(CONFIGS[1].read_text())["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True


def test_no_start_command_or_environment_turns_cross_site_protection_off():
    off = re.compile(r"(enableXsrfProtection|enableCORS|ENABLE_XSRF_PROTECTION|ENABLE_CORS)"
                     r"[\"']?\s*[=:\s]\s*[\"']?(false|0|no)\b", re.IGNORECASE)
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}"
             for p, text in texts((".py", ".sh", ".toml", ".conf", ".yml", ".yaml", "", ".txt",
                                   ".cfg")).items()
             if p != Path(__file__) for m in off.finditer(text)]
    assert not found, found


# ---------------------------------------------------------------- secrets

SECRET_PATTERNS = {
    r"cookieSecret\s*=\s*[\"'][^\"']+[\"']": "a cookie secret",
    r"COOKIE_SECRET\s*=\s*[\"']?[0-9A-Za-z+/=_-]{16,}": "a cookie secret",
    r"AKIA[0-9A-Z]{16}": "an AWS access key",
    r"gh[pousr]_[0-9A-Za-z]{30,}": "a GitHub token",
    r"xox[abpr]-[0-9A-Za-z-]{10,}": "a Slack token",
    r"sk-[0-9A-Za-z]{32,}": "an API key",
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----": "a private key",
}


def test_no_secret_is_committed():
    names = {p.relative_to(ROOT).as_posix() for p in tracked_files()}
    assert not {n for n in names if re.search(r"(^|/)(secrets\.toml|\.env|cookie_secret)$|"
                                              r"\.(pem|key)$", n)}
    found = []
    for path in tracked_files():
        if path == Path(__file__) or not path.is_file() or path.stat().st_size > 2**20:
            continue
        text = path.read_text(errors="replace")
        found += [f"{path.relative_to(ROOT)}: {what}" for pattern, what in SECRET_PATTERNS.items()
                  if re.search(pattern, text)]
    assert not found, found
