"""``python -m bench [--quick] [--only NAME] [--json FILE]`` (the README's command line)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import bench.compare  # noqa: F401
import bench.compare_kl  # noqa: F401
import bench.diffusion  # noqa: F401
import bench.gan  # noqa: F401  (each registers its benchmarks)
import bench.latent  # noqa: F401
import bench.load  # noqa: F401  (load.cold, load.watched, load.warm, load.queue: minutes each)
import bench.ngjordan  # noqa: F401
from bench.harness import BENCHMARKS, table
from core.cli import write_atomic


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--only", metavar="NAME", help="benchmarks whose name contains NAME")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    chosen = {n: fn for n, fn in BENCHMARKS.items() if not args.only or args.only in n}
    if not chosen:
        parser.exit(2, f"python -m bench: no benchmark matches {args.only!r}; the benchmarks "
                       f"are {', '.join(BENCHMARKS)}.\n")
    if args.json and not Path(args.json).resolve().parent.is_dir():
        parser.exit(2, f"python -m bench: the folder of --json {args.json} does not exist.\n")
    results = {}
    for name, fn in chosen.items():
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = fn(args.quick)
    print(table(results))
    for name, figure in results.items():
        if figure.details:
            print(f"  {name}: {figure.details}")
    if args.json:
        write_atomic(Path(args.json), json.dumps(
            {n: f.as_json() for n, f in results.items()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
