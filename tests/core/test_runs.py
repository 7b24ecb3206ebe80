"""The store key's code version: the sources a trainer depends on, not every file in core/.

A comment edited in a module the trainer does not import keeps the key (a warmed store
survives); an edit to the trainer's module or to a core module it imports changes it."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from core import code_version, presets, runs, trainers

ROOT = Path(__file__).resolve().parents[2]


def version(modules: set[str], root: Path) -> str:
    """code_version without its per-process cache: the tree changes under the test."""
    return code_version.code_version.__wrapped__(frozenset(modules), root)


def trainer_modules(trainer: runs.Trainer) -> set[str]:
    return {trainer.train.__module__, trainer.config_type.__module__,
            trainer.result_type.__module__}


def every_trainer() -> list[runs.Trainer]:
    kinds = {t.kind: t for t in trainers.TRAINERS}
    return [kinds[kind] for kind in sorted(kinds)]


@pytest.fixture(scope="module")
def core_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "core", root / "core",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return root


def edit(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n# {line}\n")


@pytest.mark.parametrize("trainer", every_trainer(), ids=lambda t: t.kind)
def test_a_comment_outside_the_trainers_code_keeps_its_key(trainer, core_copy):
    modules = trainer_modules(trainer)
    needed = code_version.dependencies(modules, core_copy)
    elsewhere = sorted(p for p in (core_copy / "core").rglob("*.py")
                       if p not in needed.values())
    assert core_copy / "core" / "cli.py" in elsewhere   # the CLI is never a trainer's code
    before = version(modules, core_copy)
    for path in elsewhere:
        edit(path, f"an edit outside {trainer.kind}'s code")
    assert version(modules, core_copy) == before


@pytest.mark.parametrize("trainer", every_trainer(), ids=lambda t: t.kind)
def test_an_edit_to_the_trainer_or_what_it_imports_changes_its_key(trainer, core_copy):
    modules = trainer_modules(trainer)
    needed = code_version.dependencies(modules, core_copy)
    # every config checks itself with core.validation; most trainers also import core.device
    assert trainer.train.__module__ in needed and "core.validation" in needed
    shared = [name for name in ("core.device", "core.validation") if name in needed]
    for name in (trainer.train.__module__, *shared):
        before = version(modules, core_copy)
        edit(needed[name], f"an edit to {name}")
        assert version(modules, core_copy) != before, name


def test_the_key_uses_the_trainers_code_version():
    cfg = presets.PRESETS[next(iter(presets.PRESETS))].config
    trainer = runs.trainer_for(cfg)
    assert trainer.code_version == code_version.code_version(frozenset(trainer_modules(trainer)))
    assert len(trainer.code_version) == 16 and runs.key_for(cfg) == runs.key_for(cfg)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_the_walk_follows_every_kind_of_import_within_core_only(tmp_path):
    write(tmp_path, {
        "core/__init__.py": "",
        "core/panel/__init__.py": "",
        "core/panel/train.py": """
            import numpy as np
            from . import parts
            from .. import shared
            from core.panel.config import Config
            import core.deep.leaf

            def train():
                from core.late import helper   # a late import runs too
                return helper
            """,
        "core/panel/parts.py": "from core.panel import train  # a cycle ends\n"
                               "from ...... import nothing   # above the top: no module\n",
        "core/panel/config.py": "",
        "core/shared.py": "",
        "core/deep/__init__.py": "",
        "core/deep/leaf.py": "",
        "core/late.py": "",
        "core/unrelated.py": "",
    })
    found = code_version.dependencies({"core.panel.train"}, tmp_path)
    assert set(found) == {"core", "core.panel", "core.panel.train", "core.panel.parts",
                          "core.panel.config", "core.shared", "core.deep", "core.deep.leaf",
                          "core.late"}
    assert found["core.panel"] == tmp_path / "core/panel/__init__.py"


def test_a_trainer_outside_core_is_hashed_with_what_it_imports_from_core(tmp_path):
    write(tmp_path, {"core/__init__.py": "", "core/runs.py": "",
                     "tests/toy.py": "from core import runs\nimport tests.other\n",
                     "tests/other.py": ""})
    found = code_version.dependencies({"tests.toy"}, tmp_path)
    assert set(found) == {"tests.toy", "core", "core.runs"}


def test_a_trainer_that_trains_another_through_runs_does_not_cover_every_trainer():
    # latent diffusion trains its VAE through core.runs, which looks trainers up in the table
    # of every trainer: the GAN's or naive Bayes' code is not latent diffusion's
    digits = next(t for t in trainers.TRAINERS if t.kind == "diffusion_digits")
    needed = code_version.dependencies(trainer_modules(digits))
    assert "core.latent.train" in needed   # the VAE it trains is its code
    assert not any(name.startswith(("core.gan", "core.gen_vs_disc")) for name in needed), needed
    assert "core.trainers" not in needed
