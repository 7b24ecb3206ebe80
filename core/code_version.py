"""The code version in a store key: a hash of the sources a run depends on, found by reading
them.

A stored result stays valid while the code that made it is unchanged. That code is the
trainer's own module and every module of the ``core`` package it imports, directly or through
another, with the packages above each (importing ``core.gan.train`` runs ``core/__init__.py``
and ``core/gan/__init__.py`` first). The imports are read from the source with ``ast``, so
nothing is imported or run, and a late import inside a function counts too. An edit anywhere
else in ``core/`` (a docstring in the CLI, another panel's trainer) keeps the store a class
has warmed; an edit to the trainer or to anything it imports retrains.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "core"   # imports are followed into this package only: the rest is installed code
# Not a run's code: the table that lists every trainer. ``core.runs`` looks a trainer up there
# (a late import), and a trainer that trains another model through ``core.runs`` (latent
# diffusion and its VAE) would otherwise depend on every other trainer's code.
NOT_FOLLOWED = frozenset({"core.trainers"})


def module_file(name: str, root: Path) -> Path | None:
    """The source of module ``name`` under ``root``, a ``.py`` file or a package's
    ``__init__.py``; None when ``name`` is no module there (a class imported by name)."""
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_modules(path: Path, name: str) -> set[str]:
    """Every name the module ``name`` (its source at ``path``) imports that may be a module:
    ``from core import runs`` gives ``core`` and ``core.runs``; ``from core.runs import
    Trainer`` gives ``core.runs`` and ``core.runs.Trainer`` (not a module: dropped later)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            if base:
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def _absolute(module: str | None, level: int, package: str) -> str | None:
    """The absolute name of ``from <dots><module> import``, read inside ``package``."""
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None   # above the top package: an ImportError when run, no dependency
    parts = parts[:len(parts) - (level - 1)]
    return ".".join([*parts, *([module] if module else [])]) or None


def _packages_above(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def dependencies(modules: Iterable[str], root: Path = PROJECT_ROOT,
                 package: str = PACKAGE) -> dict[str, Path]:
    """``modules`` and every module of ``package`` they import, directly or not, each with its
    source file under ``root``. A starting module outside ``package`` (a test's own trainer)
    is kept when its file is under ``root``; its imports are followed into ``package``."""
    found: dict[str, Path] = {}
    todo = list(modules)
    starts = set(todo)
    while todo:
        name = todo.pop()
        inside = name == package or name.startswith(package + ".")
        if name in found or name in NOT_FOLLOWED or not (inside or name in starts):
            continue
        path = module_file(name, root)
        if path is None:
            continue
        found[name] = path
        todo.extend(_packages_above(name))
        todo.extend(imported_modules(path, name))
    return found


@functools.cache
def code_version(modules: frozenset[str], root: Path = PROJECT_ROOT) -> str:
    """16 hex digits over the names and sources of ``modules`` and what they import from
    ``core``: computed once per set of modules (a trainer kind) and process."""
    digest = hashlib.sha256()
    for name, path in sorted(dependencies(modules, root).items()):
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
