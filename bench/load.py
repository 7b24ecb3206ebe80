"""``python -m bench.load [--scenario cold|watched|warm|queue|all] [--sessions N] [--quick]
[--json FILE] [--app DIR] [--server-env NAME=VALUE] [--keep] [--via direct|nginx]``: the load
test, a class of students on one server.

``--via nginx`` runs the same scenarios through the proxy: two replicas behind nginx, as
``deploy/replicas.sh start`` sets them up (``bench.load_proxy``), with memory summed over
both replicas, their training workers and nginx, and the sessions each replica served read
from nginx's access log. Without nginx installed it ends with status 2 and says so.

The scenarios are in ``bench.load_scenarios``; they also register here as the benchmarks
``load.cold``, ``load.watched``, ``load.warm`` and ``load.queue`` (``python -m bench --only
load``). docs/LOAD.md says how to run it and what each figure means.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

from bench import load_scenarios as scenarios
from bench.harness import Figure, benchmark
from bench.load_proxy import find_nginx
from bench.load_report import ScenarioResult
from bench.load_server import REPO

SCENARIOS = ("cold", "watched", "warm", "queue")


def run_scenario(name: str, quick: bool, sessions: int | None = None,
                 setup: scenarios.Setup = scenarios.DEFAULT_SETUP) -> ScenarioResult:
    """One scenario at its full size, its quick size, or with ``sessions`` sessions."""
    n = sessions or (scenarios.QUICK_SESSIONS.get(name) if quick else None)
    common = {"setup": setup}
    if name == "cold":
        chosen = scenarios.QUICK_COLD_PRESETS if quick else scenarios.COLD_PRESETS
        return scenarios.cold(n or scenarios.COLD_SESSIONS, chosen, **common)
    if name == "watched":
        return scenarios.watched(n or scenarios.WATCHED_SESSIONS, **common)
    if name == "warm":
        return scenarios.warm(n or scenarios.WARM_SESSIONS, **common)
    if name == "queue":
        return scenarios.queue(**common)
    raise ValueError(f"no load scenario {name!r}; the scenarios are {', '.join(SCENARIOS)}")


def as_figure(result: ScenarioResult) -> Figure:
    errors = sum(result.errors.values())
    return Figure(
        value=result.value_s, unit="s", reference=result.reference,
        reference_value=result.reference_s, ratio=result.ratio, target=result.target,
        passed=result.passed,
        details=(f"{result.value_name}; {len(result.sessions)} sessions "
                 f"({result.unfinished} never finished), median "
                 f"{result.median_s:.1f} s, max {result.max_s:.1f} s, {errors} errors, peak "
                 f"RSS {result.peak_rss_mb:.0f} MB (PSS {result.peak_pss_mb:.0f} MB)"))


def _register(name: str) -> Callable[[bool], Figure]:
    @benchmark(f"load.{name}")
    def measure(quick: bool) -> Figure:
        return as_figure(run_scenario(name, quick))
    measure.__doc__ = f"The {name} load scenario (bench.load_scenarios.{name})."
    return measure


for _name in SCENARIOS:
    _register(_name)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"--sessions takes a whole number of sessions, at "
                                         f"least 1, not {text!r}")
    return value


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"--server-env takes NAME=VALUE, for example "
                                         f"GENLAB_JOB_WORKERS=threads, not {text!r}")
    return name.strip(), value


def _json_safe(value):
    """Infinity (a session that never finished) as null: JSON has no infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=(
        "How a class of students experiences one shared genlab server: many sessions over "
        "Streamlit's websocket at once, each timed until its page has finished."))
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all",
                        help="which scenario (default: all)")
    parser.add_argument("--sessions", type=_positive_int, metavar="N",
                        help="sessions per scenario (default: 30 cold and watched, 50 warm)")
    parser.add_argument("--quick", action="store_true",
                        help="a few sessions and presets: a smoke test of the tool")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--app", metavar="DIR", default=str(REPO),
                        help="the checkout whose server and CLI are measured (default: this "
                             "one), e.g. an export of another commit")
    parser.add_argument("--server-env", type=_assignment, action="append", default=[],
                        metavar="NAME=VALUE", help="an environment variable for the server "
                        "(not the CLI reference); repeatable, e.g. GENLAB_JOB_WORKERS=threads")
    parser.add_argument("--keep", action="store_true",
                        help="keep the stores and server logs (the path is printed)")
    parser.add_argument("--via", choices=scenarios.VIA, default="direct",
                        help="direct: the sessions reach one server (default); nginx: two "
                             "replicas behind nginx, as deploy/replicas.sh starts them")
    args = parser.parse_args(argv)
    app = Path(args.app).resolve()
    if not (app / "streamlit_app.py").is_file():
        parser.error(f"--app {args.app}: there is no streamlit_app.py in that folder.")
    if args.via == "nginx" and find_nginx() is None:
        parser.error("--via nginx: nginx is not installed; apt-get install nginx (Debian's "
                     "package) or measure one server without --via.")
    if args.via == "nginx" and not (app / "deploy" / "replicas.sh").is_file():
        parser.error(f"--via nginx: {app} has no deploy/replicas.sh to start the replicas.")
    if args.json and not Path(args.json).resolve().parent.is_dir():
        parser.error(f"--json {args.json}: its folder does not exist.")
    chosen = SCENARIOS if args.scenario == "all" else (args.scenario,)
    setup = scenarios.Setup(app, dict(args.server_env), args.keep, args.via)
    results = {}
    for name in chosen:
        print(f"running load scenario {name} ...", file=sys.stderr, flush=True)
        results[name] = run_scenario(name, args.quick, args.sessions, setup)
        print(results[name].text(), flush=True)
    if args.json:
        from core.cli import write_atomic

        write_atomic(Path(args.json), json.dumps(
            _json_safe({n: r.as_json() for n, r in results.items()}), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
