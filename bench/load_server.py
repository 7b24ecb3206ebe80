"""The load test's processes: a real Streamlit server, its memory, and the CLI references.

The server runs in its own process group, so stopping it also stops whatever it started
(training worker processes); memory is summed over the whole process tree, read from /proc.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEALTH_TIMEOUT_S = 120.0
# What ui.prewarm logs once the server has opened each page itself. A class arrives at a
# server that has been up a while, so a scenario starts its sessions after this line; a
# checkout without ui/prewarm.py never logs it and starts at the health check.
READY_LINE = "ready for a class"


def free_port() -> int:
    """A TCP port nobody listens on now (the server takes it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue                      # the process ended while we looked
        # the command name may hold spaces and parentheses: the ppid follows the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants that are alive now."""
    tree, found, todo = _children_by_parent(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of the process group ``pgid``."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:   # state, ppid, pgrp
            members.append(int(entry.name))
    return members


def _kib(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemorySampler:
    """Peak memory of the process trees under ``roots`` (one server, or replicas and their
    proxy), sampled every ``interval_s`` in a thread.

    RSS summed over the processes counts pages that forked workers share with their parent
    once per process; PSS (``smaps_rollup``) splits each shared page among its users, so its
    sum is what the trees really hold. Both peaks are kept.
    """

    def __init__(self, roots: list[int], interval_s: float = 0.2) -> None:
        self.roots, self.interval_s = roots, interval_s
        self.peak_rss_mb = self.peak_pss_mb = 0.0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="load-memory", daemon=True)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        pids = list(dict.fromkeys(p for root in self.roots for p in process_tree(root)))
        rss = sum(_kib(f"/proc/{p}/status", "VmRSS:") for p in pids) / 1024
        pss = sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids) / 1024
        self.peak_rss_mb = max(self.peak_rss_mb, rss)
        self.peak_pss_mb = max(self.peak_pss_mb, pss)
        self.peak_processes = max(self.peak_processes, len(pids))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)


def wait_until_ready(app: Path, logs: list[Path], deadline: float) -> None:
    """Until every server log in ``logs`` has READY_LINE, where ``app`` opens its pages itself
    (``ui/prewarm.py``); until ``deadline`` at most: a page that failed to open is no reason
    not to measure."""
    if not (app / "ui" / "prewarm.py").exists():
        return
    while time.monotonic() < deadline:
        if all(READY_LINE in log.read_text(errors="replace") for log in logs if log.exists()):
            return
        time.sleep(0.2)


class StreamlitServer:
    """``streamlit run streamlit_app.py`` on a free port with its own store; a context
    manager that waits for /_stcore/health and stops the whole process group at the end."""

    def __init__(self, store: Path, log_path: Path, app: Path = REPO,
                 extra_env: dict[str, str] | None = None) -> None:
        self.store, self.port, self.log_path, self.app = store, free_port(), log_path, app
        self.env = {**os.environ, "GENLAB_STORE": str(store), **(extra_env or {})}
        self.process: subprocess.Popen | None = None
        self.left_behind: list[int] = []   # stop() kills the whole group: nothing outlives it

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def pids(self) -> list[int]:
        """The roots of what to measure: the server (its workers are its descendants)."""
        return [self.pid]

    def __enter__(self) -> StreamlitServer:
        # as `make run` starts it: ui.launch where the checkout has it (an older one: streamlit)
        launcher = "ui.launch" if (self.app / "ui" / "launch.py").exists() else "streamlit"
        command = [sys.executable, "-m", launcher, "run", "streamlit_app.py",
                   "--server.port", str(self.port), "--server.headless", "true",
                   "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=self.app, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_healthy(self) -> None:
        url, deadline = f"http://127.0.0.1:{self.port}/_stcore/health", time.monotonic()
        deadline += HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.process.returncode} "
                                   f"before it was healthy; its log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        wait_until_ready(self.app, [self.log_path], deadline)
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer {url} with 'ok' within "
                           f"{HEALTH_TIMEOUT_S:.0f} s; its log:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM to the process group (and any descendant that left it), SIGKILL after
        10 s: a stopped load test leaves no server or training worker behind."""
        if self.process is None:
            return
        tree = process_tree(self.pid)        # workers that left the group get signals too
        _signal_group(self.pid, signal.SIGTERM)
        for pid in tree[1:]:
            _signal(pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        _signal_group(self.pid, signal.SIGKILL)
        for pid in tree:
            _signal(pid, signal.SIGKILL)
        self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        return log_problems(self.log_path)

    def sessions_per_replica(self, expected: int) -> dict[str, int]:
        """Nothing to count: one server, no proxy in front (see bench.load_proxy)."""
        return {}


def log_problems(log_path: Path) -> list[str]:
    """A server log's errors, first 200 chars each: a traceback as its exception line (the
    first unindented line after it), and lines logged at level ERROR."""
    lines = log_path.read_text(errors="replace").splitlines()
    problems, in_traceback = [], False
    for line in lines:
        if line.startswith("Traceback"):
            in_traceback = True
        elif in_traceback and line and not line[0].isspace():
            problems.append(f"traceback: {line}"[:200])
            in_traceback = False
        elif " ERROR " in line:
            problems.append(line[:200])
    return problems


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass(frozen=True)
class CliRun:
    preset: str
    wall_s: float           # the process, start-up and imports included
    train_s: float | None   # the JSON's "seconds": load_or_train alone


def run_cli(preset: str, store: Path, app: Path = REPO) -> CliRun:
    """``python -m core run PRESET`` on ``store``, the checkout ``app``'s code: the reference
    a server is compared with."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "core", "run", preset, "--out", out.name],
                       cwd=app, env={**os.environ, "GENLAB_STORE": str(store)}, check=True,
                       stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        seconds = json.loads(Path(out.name).read_text()).get("seconds")
    return CliRun(preset, wall, seconds)


def warm_store(store: Path, presets: list[str], app: Path = REPO) -> float:
    """``python -m core warm NAME`` for each preset into ``store``; seconds it took."""
    start = time.perf_counter()
    for name in presets:
        subprocess.run([sys.executable, "-m", "core", "warm", name], cwd=app, check=True,
                       env={**os.environ, "GENLAB_STORE": str(store)},
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
