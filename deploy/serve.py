"""Serve genlab with the hosting profile (.streamlit/hosting.toml), for a class on one server.

    python deploy/serve.py [--port 8501] [--address 127.0.0.1] [--replicas 1] [--dry-run]

Streamlit reads only ~/.streamlit/config.toml and ./.streamlit/config.toml, so the profile is
passed as command-line flags, each name checked against the installed Streamlit first (a
misspelt option in a file is ignored with at most a warning). The training settings come from
the machine, unless already set in the environment:

- GENLAB_JOBS = cores // replicas (at least 1): one training worker process per core, shared
  out between the replicas on this machine. Every model trains on one thread, so one worker
  per core fills the CPU; more workers than cores only slow every job down. Fewer when memory
  is short: each worker holds its own torch (measured 300-480 MB), each server 380-530 MB.
- GENLAB_TORCH_THREADS = 1: a batched job (the GAN lab's many seeds) stays on one core too,
  instead of taking every core from the other students' jobs.

"cores" is the affinity mask and "memory" the machine's, each lowered to a container's limit
(cgroup v2 cpu.max, memory.max): a pod limited to 2 CPUs on a 64-core node must not start 64
workers.

Every GENLAB_* value, chosen here or already set, is checked by ``core.settings`` first: a bad
one stops the start with its sentence and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:   # run as a script, only deploy/ is on the path
    sys.path.insert(0, str(ROOT))

from core import settings  # noqa: E402  (neither imports torch)
from core.machine import CGROUP, cores  # noqa: E402

PROFILE = ROOT / ".streamlit" / "hosting.toml"
WORKER_MB = 500   # a training worker process, with room for its data
SERVER_MB = 600   # a Streamlit server process with its sessions


class ProfileError(ValueError):
    """The hosting profile names an option this Streamlit does not have."""


def memory_mb(cgroup: Path = CGROUP, meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """The machine's memory in MB, lowered to a cgroup memory limit; None when unknown."""
    sizes = []
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                sizes.append(int(line.split()[1]) // 1024)
    except (OSError, ValueError):
        pass
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        if limit != "max":
            sizes.append(int(limit) // 2**20)
    except (OSError, ValueError):
        pass
    return min(sizes) if sizes else None


def worker_settings(n_cores: int, mem_mb: int | None, replicas: int,
                    env: Mapping[str, str]) -> dict[str, str]:
    """GENLAB_JOBS and GENLAB_TORCH_THREADS for one server process; a value already set wins
    (``main`` checks it with the rest through ``core.settings``)."""
    jobs = n_cores // replicas
    if mem_mb is not None:
        jobs = min(jobs, (mem_mb // replicas - SERVER_MB) // WORKER_MB)
    rule = {"GENLAB_JOBS": str(max(1, jobs)), "GENLAB_TORCH_THREADS": "1"}
    return {name: settings.text(name, env) or value for name, value in rule.items()}


def profile_flags(path: Path = PROFILE) -> list[str]:
    """The profile as ``--section.option=value`` flags, every name known to this Streamlit."""
    from streamlit import config  # late: importing streamlit takes a second

    known = config._config_options_template   # every option, as `streamlit config show` lists
    flags = []
    with path.open("rb") as handle:
        sections = tomllib.load(handle)
    for section, options in sections.items():
        for name, value in options.items():
            key = f"{section}.{name}"
            if key not in known:
                raise ProfileError(f"{path.name}: Streamlit {_version()} has no option {key!r}; "
                                   "see `streamlit config show` for the names it knows.")
            for item in value if isinstance(value, list) else [value]:
                text = str(item).lower() if isinstance(item, bool) else str(item)
                flags.append(f"--{key}={text}")
    return flags


def _version() -> str:
    import streamlit

    return streamlit.__version__


def command(port: int, address: str | None, flags: list[str]) -> list[str]:
    where = [f"--server.port={port}"] + ([f"--server.address={address}"] if address else [])
    # ui.launch: Streamlit's command line after the pages' imports (a class's first views
    # would otherwise wait for torch and scikit-learn to load)
    return [sys.executable, "-m", "ui.launch", "run", str(ROOT / "streamlit_app.py"),
            *flags, *where]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8501))
    parser.add_argument("--address", help="listen here only (replicas: 127.0.0.1, behind nginx)")
    parser.add_argument("--replicas", type=int, default=1,
                        help="server processes on this machine that share its cores")
    parser.add_argument("--profile", type=Path, default=PROFILE)
    parser.add_argument("--dry-run", action="store_true",
                        help="print the settings and the command instead of serving")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error(f"--replicas {args.replicas}: give a whole number of 1 or more")

    try:
        flags = profile_flags(args.profile)
    except (OSError, tomllib.TOMLDecodeError, ProfileError) as err:
        print(f"serve: {err}", file=sys.stderr)
        return 2
    n_cores, mem = cores(), memory_mb()
    chosen = worker_settings(n_cores, mem, args.replicas, os.environ)
    # a bad GENLAB_* value stops here, with its sentence, not on every page of a started server
    problems = settings.problems({**os.environ, **chosen})
    if problems:
        print("\n".join(f"serve: {problem}" for problem in problems), file=sys.stderr)
        return 2
    argv_out = command(args.port, args.address, flags)
    summary = " ".join(f"{k}={v}" for k, v in chosen.items())
    print(f"serve: {summary} ({n_cores} cores, {mem or '?'} MB, {args.replicas} replica(s) "
          f"on this machine); store {settings.store_path()}",
          file=sys.stderr, flush=True)
    if args.dry_run:
        print(" ".join(argv_out))
        return 0
    os.chdir(ROOT)  # ./.streamlit/config.toml is read from the working folder
    # exec, not a child: the pid that replicas.sh and a container's init signal is the server
    os.execve(sys.executable, argv_out, {**os.environ, **chosen})
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
