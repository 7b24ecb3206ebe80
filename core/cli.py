"""``python -m core``: list, run and warm the presets without a server (the README's
"Command line").

Every mistake a person can make on this command line ends with exit status 2 and one sentence
that names the bad part and the valid choices; never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import tempfile
import time
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from core import presets, runs, warm

USAGE_ERROR = 2


class UsageError(ValueError):
    pass


def parse_value(cfg_type: type, field: str, text: str) -> Any:
    """Parse ``text`` by the type of ``field`` in the config dataclass ``cfg_type``."""
    hints = typing.get_type_hints(cfg_type)
    if field not in hints:
        names = ", ".join(f.name for f in dataclasses.fields(cfg_type))
        raise UsageError(f"{cfg_type.__name__} has no field {field!r}; the fields are {names}.")
    kind = hints[field]
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return text.lower() in ("true", "1", "yes")
        if kind is int:
            return int(text)
        if kind is float:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError
            return value
        return text
    except ValueError:
        raise UsageError(f"--set {field}={text!r}: {field} takes a {kind.__name__} "
                         f"(for example {field}={getattr(cfg_type(), field)!r}).") from None


def apply_overrides(cfg: Any, assignments: list[str]) -> Any:
    changes = {}
    for item in assignments:
        field, sep, text = item.partition("=")
        if not sep or not field:
            raise UsageError(f"--set {item!r} is not FIELD=VALUE; for example --set seed=3.")
        changes[field.strip()] = parse_value(type(cfg), field.strip(), text.strip())
    return dataclasses.replace(cfg, **changes)  # __post_init__ validates the new values


def to_json(value: Any) -> Any:
    """Numbers and nested lists for JSON; NaN and infinity become null."""
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def run_promise(preset: presets.Preset, cfg: Any, metrics: dict[str, Any],
                load: Callable[[Any], Any]) -> dict[str, Any]:
    """The preset's promise on a run of ``cfg``; ``applies`` is False once a field other than
    the seed differs from the preset's (after ``--set``). ``load(cfg)`` gives a result."""
    return {"applies": presets.is_preset_run(preset, cfg),
            **presets.keep_promise(preset, metrics, cfg.seed, load)}


def run_payload(preset: str | None, cfg: Any, result: Any, *, seconds: float,
                metrics: dict[str, Any], promise: dict[str, Any] | None) -> dict[str, Any]:
    """What ``run`` prints (the pages' export writes the same, core.export): ``metrics`` is
    ``to_json(result.metrics())``, ``promise`` what ``run_promise`` gives."""
    return {
        "preset": preset, "config": runs.config_dict(cfg),
        "code_version": runs.trainer_for(cfg).code_version, "seconds": seconds,
        "metrics": metrics, "promise": promise,
        "arrays": {name: to_json(a) for name, a in result.arrays().items()},
    }


def write_atomic(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temp file beside it, then a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def command_list(_: argparse.Namespace) -> int:
    width = max(len(name) for name in presets.PRESETS)
    for preset in presets.PRESETS.values():
        print(f"{preset.name:<{width}}  {preset.description}")
        print(f"{'':<{width}}  promise: {'; '.join(str(c) for c in preset.promise)}")
    return 0


def command_run(args: argparse.Namespace) -> int:
    from core.device import choose_device

    preset = presets.get(args.preset)
    cfg = apply_overrides(preset.config, args.set or [])
    if args.seed is not None:
        cfg = apply_overrides(cfg, [f"seed={args.seed}"])
    out = Path(args.out) if args.out else None
    if out is not None:
        check_out(out, args.out)   # before training: a bad --out must not waste the run
    device = choose_device(args.device)
    start = time.perf_counter()
    result = runs.load_or_train(cfg, device=device)
    seconds = time.perf_counter() - start
    metrics = to_json(result.metrics())
    # the presets the promise compares with train (or load) after the clock stops
    promise = run_promise(preset, cfg, metrics,
                          lambda other: runs.load_or_train(other, device=device))
    text = json.dumps(run_payload(preset.name, cfg, result, seconds=seconds, metrics=metrics,
                                  promise=promise))
    if out is None:
        print(text)
        return 0
    try:
        write_atomic(out, text + "\n")
    except OSError as err:   # the disk filled, the folder went away meanwhile
        raise UsageError(f"--out {args.out}: it could not be written ({err.strerror or err}); "
                         "the run is in the store, so the same command again takes seconds.") \
            from None
    return 0


def check_out(out: Path, given: str) -> None:
    """A UsageError unless ``out`` names a file that can be created in an existing folder."""
    try:
        if not out.parent.is_dir():
            raise UsageError(f"--out {given}: the folder {str(out.parent)!r} does not exist.")
        if out.is_dir():
            raise UsageError(f"--out {given}: that is a folder; name a file in it, e.g. "
                             f"--out {out / 'run.json'}.")
        writable = os.access(out.parent, os.W_OK)
    except OSError as err:   # a name too long for the disk
        raise UsageError(f"--out {given}: {err.strerror or err}; give a shorter path.") from None
    if not writable:
        raise UsageError(f"--out {given}: the folder {str(out.parent)!r} cannot be written to; "
                         "choose another one.")


def command_warm(args: argparse.Namespace) -> int:
    from core.device import choose_device
    from core.store import ArtifactStore

    chosen = presets.matching(args.pattern)
    if not chosen:
        raise UsageError(f"No preset matches {args.pattern!r}; the presets are "
                         f"{', '.join(presets.PRESETS)}.")
    # a bad store or device setting is one sentence and status 2, before anything trains
    store, device = ArtifactStore(), choose_device()
    return warm.warm(chosen, store=store, device=device)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> typing.NoReturn:
        self.exit(USAGE_ERROR, f"python -m core: {message}; see python -m core --help.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="Train genlab's presets from the shell.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="every preset, one line each").set_defaults(fn=command_list)
    run = sub.add_parser("run", help="train a preset (or load it from the store), print JSON")
    run.add_argument("preset")
    run.add_argument("--seed", type=int)
    run.add_argument("--set", action="append", metavar="FIELD=VALUE",
                     help="override a config field; repeatable")
    run.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps")
    run.add_argument("--out", metavar="FILE.json")
    run.set_defaults(fn=command_run)
    warm = sub.add_parser("warm", help="train every (matching) preset into the store")
    warm.add_argument("pattern", nargs="?")
    warm.set_defaults(fn=command_warm)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from core.device import limit_threads

        limit_threads()
        return args.fn(args)
    except ValueError as err:  # a person's mistake: config, data, device, store settings
        print(f"python -m core: {err}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # `python -m core run ... | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("python -m core: interrupted; nothing was written.", file=sys.stderr)
        return 130
