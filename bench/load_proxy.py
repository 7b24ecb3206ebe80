"""The load test through the proxy (``python -m bench.load --via nginx``): two Streamlit
replicas behind nginx, started and stopped by ``deploy/replicas.sh`` as a class would have
them, measured as the one server of ``bench.load_server`` is.

``ProxiedReplicas`` has ``StreamlitServer``'s interface (a context manager that returns once
the app answers, ``port``, ``pids``, ``log_problems``, ``sessions_per_replica``), so every
scenario runs through it unchanged. Its run folder (pids, logs, nginx's files) lies in the
scenario's temporary folder, never in deploy/run, so a class served from this checkout at the
same time is not disturbed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.load_server import REPO, group_members, log_problems, process_tree, wait_until_ready

REPLICAS = 2
START_TIMEOUT_S = 300.0   # replicas.sh waits up to 120 s for each replica, 20 s for nginx
STOP_TIMEOUT_S = 120.0
LOG_WAIT_S = 10.0         # nginx logs a websocket when it closes, a moment after the client
STREAM_LINE = re.compile(r'"GET /_stcore/stream[ ?][^"]*" \d+ route=\S+ upstream=(\S+)')
NGINX_ERROR = re.compile(r"\[(error|crit|alert|emerg)\]")


def find_nginx() -> str | None:
    """nginx as replicas.sh finds it: on the PATH, else Debian's /usr/sbin/nginx."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def free_ports(n: int) -> int:
    """A port p with p .. p+n-1 all free now: nginx on p, the replicas on the ports after."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        if first + n > 65535:
            continue
        try:
            for port in range(first, first + n):
                with socket.socket() as sock:
                    sock.bind(("0.0.0.0", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {n} free ports in a row")


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class ProxiedReplicas:
    """``deploy/replicas.sh start PORT`` with REPLICAS=2, one store and a run folder of its
    own; a context manager that stops everything with ``replicas.sh stop`` at the end and
    then makes sure no process of it is left (``left_behind`` lists any it had to kill)."""

    def __init__(self, store: Path, run_dir: Path, app: Path = REPO,
                 extra_env: dict[str, str] | None = None) -> None:
        self.store, self.run_dir, self.app = store, run_dir, app
        self.script = app / "deploy" / "replicas.sh"
        self.port = 0
        # the load test's own Python: an exported checkout (--app) has no .venv of its own
        self.env = {**os.environ, "GENLAB_STORE": str(store), "GENLAB_RUN_DIR": str(run_dir),
                    "GENLAB_PYTHON": sys.executable, "REPLICAS": str(REPLICAS),
                    **(extra_env or {})}
        self.started = False
        self.left_behind: list[int] = []

    @property
    def replica_pids(self) -> list[int]:
        return [int(p.read_text()) for p in sorted(self.run_dir.glob("replica-*.pid"))]

    @property
    def pids(self) -> list[int]:
        """The roots whose process trees hold everything: each replica (its training workers
        are its descendants) and nginx's master (its worker is its child)."""
        nginx = self.run_dir / "nginx.pid"
        return self.replica_pids + ([int(nginx.read_text())] if nginx.exists() else [])

    def __enter__(self) -> ProxiedReplicas:
        if find_nginx() is None:
            raise RuntimeError("nginx is not installed: apt-get install nginx (Debian's package)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # another load test on this machine may take a free port between our look and
        # replicas.sh's bind: try fresh ports a few times
        for attempt in range(3):
            self.port = free_ports(REPLICAS + 1)
            self.started = True      # from here on, stop() cleans up whatever start left
            try:
                started = self._script("start", str(self.port), timeout=START_TIMEOUT_S)
            except BaseException:    # timed out or interrupted: the replicas may be up
                self.stop()
                raise
            if started.returncode == 0:
                logs = sorted(self.run_dir.glob("replica-*.log"))
                wait_until_ready(self.app, logs, time.monotonic() + START_TIMEOUT_S)
                return self
            self.stop()
            if "is taken" not in started.stderr or attempt == 2:
                raise RuntimeError(f"deploy/replicas.sh start {self.port} failed:\n"
                                   f"{started.stdout}{started.stderr}")
        raise AssertionError("not reached")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _script(self, *args: str, timeout: float) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.script), *args], cwd=self.app, env=self.env,
                              text=True, capture_output=True, timeout=timeout)

    def stop(self) -> None:
        """``replicas.sh stop``; then SIGKILL to anything of the replicas' process trees and
        process groups, or of nginx's, that outlived it, listed in ``left_behind``."""
        if not self.started:
            return
        self.started = False
        everything = {pid for root in self.pids for pid in process_tree(root)}
        groups = self.replica_pids
        try:
            self._script("stop", timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pass                                   # what it did not stop is killed below
        left = {pid for pid in everything if _alive(pid)}
        left.update(pid for group in groups for pid in group_members(group))
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.left_behind = sorted(left)

    def log_problems(self) -> list[str]:
        """Each replica's log errors (as ``StreamlitServer.log_problems``) and nginx's error
        log at level error or worse."""
        problems = []
        for log in sorted(self.run_dir.glob("replica-*.log")):
            problems += [f"{log.stem}: {line}"[:200] for line in log_problems(log)]
        errors = self.run_dir / "error.log"
        if errors.exists():
            problems += [f"nginx: {line}"[:200] for line in
                         errors.read_text(errors="replace").splitlines()
                         if NGINX_ERROR.search(line)]
        return problems

    def sessions_per_replica(self, expected: int) -> dict[str, int]:
        """{"replica 1 (127.0.0.1:PORT+1)": websockets it served, ...} from nginx's access
        log, every replica listed (0 too), waiting up to LOG_WAIT_S for ``expected`` of them
        (nginx writes each when it closes)."""
        log, deadline = self.run_dir / "access.log", time.monotonic() + LOG_WAIT_S
        while True:
            text = log.read_text(errors="replace") if log.exists() else ""
            served = Counter(m.group(1) for m in STREAM_LINE.finditer(text))
            if sum(served.values()) >= expected or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        # replicas.sh puts replica i on 127.0.0.1:PORT+i
        replicas = {f"127.0.0.1:{self.port + i}": f"replica {i}" for i in range(1, REPLICAS + 1)}
        counts = {f"{name} ({address})": served.pop(address, 0)
                  for address, name in replicas.items()}
        return {**counts, **served}      # anything else nginx logged, by its address
