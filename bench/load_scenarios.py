"""The load test's scenarios (``python -m bench.load``): how a class of students experiences
one shared server.

Each scenario starts a real ``streamlit run`` on its own store (or, with ``Setup.via``
"nginx", two replicas behind nginx: ``bench.load_proxy``), opens many sessions at once
over Streamlit's websocket protocol (``bench.load_client``: what a browser tab does, progress
fragments included), and times each session until its page has finished. Its reference, the
same work done by ``python -m core run`` without a server, runs in the same invocation and
before the server, so the two never share the CPU. docs/LOAD.md says what each figure means.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.load_client import SessionOutcome, Visit, drive
from bench.load_proxy import ProxiedReplicas
from bench.load_report import ScenarioResult
from bench.load_server import REPO, StreamlitServer, TreeMemorySampler, run_cli, warm_store

COLD_PRESETS = ("gan.healthy", "gan.collapse", "gan.oscillation", "gan.minimax", "ae.plain",
                "vae.digits", "ae.sparse", "diffusion.ring", "diffusion.moons",
                "ngjordan.breast_cancer")
QUICK_COLD_PRESETS = ("ngjordan.breast_cancer", "diffusion.ring", "ae.plain")
WATCHED_PRESET = "gan.oscillation"
QUEUE_PRESETS = ("diffusion.ring", "diffusion.moons")   # two 10 s jobs on one page
QUEUE_STAGGER_S = 3.0       # the second student comes in while the first one's job trains
# Each replica has its own queue: behind nginx both queue sessions carry this one cookie, so
# they reach one replica and the second must wait (one server ignores the cookie).
QUEUE_ROUTE = "genlab_route=queue"
VIA = ("direct", "nginx")    # sessions reach one server, or two replicas through nginx
# what each page opens with no query string (the preset pickers' defaults in ui/)
PAGE_DEFAULTS = {"gen_vs_disc": "ngjordan.wine", "latent": "vae.digits", "gan": "gan.healthy",
                 "diffusion": "diffusion.ring", "compare": "compare.ring"}
PAGE_OF_FAMILY = {"ngjordan": "gen_vs_disc", "ae": "latent", "vae": "latent", "gan": "gan",
                  "diffusion": "diffusion", "compare": "compare"}
# the latent page's default (vae.digits) also shows its plain twin, ae.plain, which is also
# the run its promise compares with: a warm class needs it in the store too
WARM_EXTRA = ("ae.plain",)
COLD_SESSIONS, WATCHED_SESSIONS, WARM_SESSIONS = 30, 30, 50
# A session gives up at its hang guard: a multiple of its scenario's CLI reference, never
# under HANG_GUARD_MIN_S. Generous on purpose: a slow server should show up as slow figures,
# and only a server that never answers as unfinished sessions.
HANG_GUARD_MIN_S = 300.0
QUICK_SESSIONS = {"cold": 6, "watched": 5, "warm": 8}


def visit_for(preset: str, *, by_link: bool = True) -> Visit:
    """How a student opens ``preset``: its ``?preset=`` link on its page, or (``by_link``
    False) the page's own address when the preset is the page's default. The
    generative-vs-discriminative page ignored the link before commit 038dd4b and opened on
    wine: there the student then picks the data set in the sidebar, as in class."""
    from core import presets

    page = PAGE_OF_FAMILY[preset.split(".", 1)[0]]
    if not by_link:
        return Visit(preset, page)
    choose = ("Data set", presets.get(preset).label) if page == "gen_vs_disc" else None
    return Visit(preset, page, f"preset={preset}", choose)


@dataclass(frozen=True)
class Setup:
    """Where and how the scenarios run: the checkout whose server and CLI are measured, extra
    environment for the server (GENLAB_JOB_WORKERS=threads, ...), whether to keep the
    stores and server logs, and how the sessions reach the app (one of VIA)."""

    app: Path = REPO
    server_env: dict[str, str] = field(default_factory=dict)
    keep: bool = False
    via: str = "direct"


DEFAULT_SETUP = Setup()


@contextlib.contextmanager
def workspace(name: str, keep: bool) -> Iterator[Path]:
    """A fresh folder for a scenario's stores and server logs, removed unless ``keep``."""
    folder = Path(tempfile.mkdtemp(prefix=f"genlab-load-{name}-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"{name}: stores and server logs kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def start_server(name: str, folder: Path, store: Path, setup: Setup,
                 env: dict[str, str]) -> StreamlitServer | ProxiedReplicas:
    """One fresh server on ``store``, or (``setup.via`` "nginx") two replicas behind nginx
    with their run folder in ``folder``; not started yet (a context manager)."""
    if setup.via == "nginx":
        return ProxiedReplicas(store, folder / f"run-{name}", setup.app, env)
    return StreamlitServer(store, folder / f"server-{name}.log", setup.app, env)


def serve_and_drive(name: str, folder: Path, store: Path, groups: list[list[Visit]],
                    timeout_s: float, setup: Setup, extra_env: dict[str, str] | None = None,
                    stagger_s: float = 0.0,
                    cookie: str | None = None) -> tuple[list[SessionOutcome], dict]:
    """A fresh server on ``store``; each group of visits driven against it at once, the
    groups one after another. The outcomes, and what the server's side measured: memory
    peaks over all its processes, its logs' error lines, this process's CPU time (the
    students' side of the box), and behind nginx the sessions each replica served."""
    outcomes: list[SessionOutcome] = []
    env = {**setup.server_env, **(extra_env or {})}
    with start_server(name, folder, store, setup, env) as server, \
            TreeMemorySampler(server.pids) as memory:
        cpu = time.process_time()
        for visits in groups:
            outcomes += asyncio.run(drive(server.port, visits, timeout_s, stagger_s, cookie))
        cpu = time.process_time() - cpu
        memory.sample()
        served_by = server.sessions_per_replica(len(outcomes))
        problems = server.log_problems()
    problems += [f"still running after the stop, killed: pid {pid}"
                 for pid in server.left_behind]
    return outcomes, {"peak_rss_mb": memory.peak_rss_mb, "peak_pss_mb": memory.peak_pss_mb,
                      "peak_processes": memory.peak_processes, "client_cpu_s": cpu,
                      "server_log_problems": problems, "served_by": served_by}


def hang_guard(reference_s: float = 0.0, factor: float = 0.0) -> float:
    return max(HANG_GUARD_MIN_S, factor * reference_s)


def _last_finish(outcomes: list[SessionOutcome]) -> float:
    """The last session's finish since the scenario's start; infinite if one never did."""
    if any(s.finished_s is None for s in outcomes):
        return float("inf")
    return max(s.finished_s for s in outcomes)


def _completion(outcome: SessionOutcome) -> float:
    return outcome.seconds if outcome.seconds is not None else float("inf")


def _errors(outcomes: list[SessionOutcome]) -> int:
    return sum(len(s.errors) for s in outcomes)


def cold(n: int = COLD_SESSIONS, chosen: tuple[str, ...] = COLD_PRESETS, *,
         setup: Setup = DEFAULT_SETUP) -> ScenarioResult:
    """A fresh store; ``n`` sessions round-robin over ``chosen`` presets, all at once. The
    last session's finish against the presets trained one after another by the CLI."""
    with workspace("cold", setup.keep) as folder:
        start = time.perf_counter()
        for preset in chosen:
            run_cli(preset, folder / "cli-store", setup.app)
        reference = time.perf_counter() - start
        visits = [visit_for(chosen[i % len(chosen)]) for i in range(n)]
        outcomes, server = serve_and_drive("cold", folder, folder / "store", [visits],
                                           hang_guard(reference, 8), setup)
    last, errors = _last_finish(outcomes), _errors(outcomes)
    return ScenarioResult(
        "cold", f"{n} sessions on {len(chosen)} presets, fresh store", outcomes, last,
        "last session's finish", f"python -m core run, the {len(chosen)} presets in sequence",
        reference, reference / last, "last <= 1.5x the CLI sequence, 0 errors",
        last <= 1.5 * reference and errors == 0, **server,
        notes={"last / CLI sequence": last / reference})


def _seconds(text: str | None) -> float | None:
    found = re.match(r"\s*([0-9.]+)\s*s\b", text or "")
    return float(found.group(1)) if found else None


def watched(n: int = WATCHED_SESSIONS, preset: str = WATCHED_PRESET, *,
            setup: Setup = DEFAULT_SETUP) -> ScenarioResult:
    """One cold preset watched by ``n`` sessions at once: the server's seconds from the first
    open to the last finish against the CLI's wall time for the same preset."""
    with workspace("watched", setup.keep) as folder:
        cli = run_cli(preset, folder / "cli-store", setup.app)
        outcomes, server = serve_and_drive("watched", folder, folder / "store",
                                           [[visit_for(preset)] * n],
                                           hang_guard(cli.wall_s, 10), setup)
    server_s = _last_finish(outcomes) - min(s.opened_s for s in outcomes)
    errors = _errors(outcomes)
    notes: dict[str, float | str] = {"CLI wall / server": cli.wall_s / server_s}
    page_train = _seconds(next((s.metrics.get("training time") for s in outcomes
                                if s.metrics.get("training time")), None))
    if cli.train_s is not None:
        notes["CLI train seconds (its JSON)"] = cli.train_s
    if page_train is not None:
        notes["server train seconds (the page's 'training time')"] = page_train
    if cli.train_s is not None and page_train:
        notes["training speed, server vs CLI (CLI train s / server train s)"] = (
            cli.train_s / page_train)
    return ScenarioResult(
        "watched", f"{preset} on a fresh store, watched by {n} sessions at once", outcomes,
        server_s, "server seconds (first open to last finish)",
        f"python -m core run {preset}, wall", cli.wall_s, cli.wall_s / server_s,
        "CLI seconds / server seconds >= 0.8, 0 errors",
        cli.wall_s / server_s >= 0.8 and errors == 0, **server, notes=notes)


def warm_presets(pages: tuple[str, ...] = tuple(PAGE_DEFAULTS)) -> list[str]:
    """The presets a warm class needs: each page's default, and what those pages show too."""
    from core import presets

    needed = [PAGE_DEFAULTS[page] for page in pages]
    for name in list(needed):
        needed += sorted(presets.references(presets.get(name)))
    needed += [name for name in WARM_EXTRA if "latent" in pages]
    return list(dict.fromkeys(needed))


def warm(n: int = WARM_SESSIONS, pages: tuple[str, ...] = tuple(PAGE_DEFAULTS), *,
         setup: Setup = DEFAULT_SETUP, store: Path | None = None) -> ScenarioResult:
    """``python -m core warm`` of what the pages need, then ``n`` sessions round-robin over
    the pages' own addresses, at once, on a fresh server. The reference: one student alone
    on another fresh server, opening the pages one after another (their slowest)."""
    with workspace("warm", setup.keep) as folder:
        store = store or folder / "store"
        warm_s = warm_store(store, warm_presets(pages), setup.app)
        pages_alone = [visit_for(PAGE_DEFAULTS[page], by_link=False) for page in pages]
        alone, _ = serve_and_drive("warm-alone", folder, store, [[v] for v in pages_alone],
                                   hang_guard(), setup)
        visits = [pages_alone[i % len(pages_alone)] for i in range(n)]
        outcomes, server = serve_and_drive("warm", folder, store, [visits], hang_guard(), setup)
    reference = max(_completion(s) for s in alone)
    times = [_completion(s) for s in outcomes]
    slowest, median = max(times), statistics.median(times)
    passed = (median < 5 and slowest < 10 and server["peak_rss_mb"] < 1536
              and _errors(outcomes) == 0)
    return ScenarioResult(
        "warm", f"{n} sessions on the {len(pages)} pages' own addresses, warmed store",
        outcomes, slowest, "slowest completion", "one session alone, its slowest page",
        reference, reference / slowest,
        "median < 5 s, max < 10 s, peak RSS < 1.5 GB, 0 errors", passed, **server, notes={
            "warming (python -m core warm) seconds": warm_s,
            "sessions that saw a progress bar (waited for training)":
                f"{sum(s.saw_progress for s in outcomes)} of {n}",
            "alone, per page (s)": ", ".join(f"{s.visit.page} {s.seconds:.1f}"
                                             for s in alone if s.seconds is not None)})


def queue(chosen: tuple[str, str] = QUEUE_PRESETS, *,
          setup: Setup = DEFAULT_SETUP) -> ScenarioResult:
    """GENLAB_JOBS=1 and two sessions on two cold presets, the second opened once the first
    trains: the second must say it waits in the queue, and both must finish. The reference:
    the two presets trained one after another by the CLI."""
    with workspace("queue", setup.keep) as folder:
        start = time.perf_counter()
        for preset in chosen:
            run_cli(preset, folder / "cli-store", setup.app)
        reference = time.perf_counter() - start
        outcomes, server = serve_and_drive(
            "queue", folder, folder / "store", [[visit_for(p) for p in chosen]],
            hang_guard(reference, 8), setup, {"GENLAB_JOBS": "1"}, stagger_s=QUEUE_STAGGER_S,
            cookie=QUEUE_ROUTE)
    last, second = _last_finish(outcomes), outcomes[1]
    passed = second.saw_queue and last < float("inf") and _errors(outcomes) == 0
    return ScenarioResult(
        "queue", f"GENLAB_JOBS=1, {chosen[0]} then {chosen[1]} {QUEUE_STAGGER_S:.0f} s later",
        outcomes, last, "last session's finish", "python -m core run, both in sequence",
        reference, reference / last, "the second session shows its place in the queue, "
        "both finish, 0 errors", passed, **server,
        notes={"second session saw a queue/waiting note": str(second.saw_queue)})
