"""Under every trained run: what to look at, and whether this run keeps the preset's promise.

A preset's texts make claims; its promise holds them as checks on the run's metrics
(core.promises). The page reads the checks on the run it shows and says so in one line, so a
lecturer never describes on the projector what the chart does not show.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from core import presets
from core.promises import SEEDS, SHOWN, keep, missed
from ui import link, runner


def _observed(check: dict[str, Any]) -> str:
    seen = "missing" if check["observed"] is None else f"{check['observed']:.3g}"
    value = check["value"]
    if isinstance(value, str):
        bound = check.get("value_observed")
        value = f"{value} ({'missing' if bound is None else f'{bound:.3g}'})"
    else:
        value = f"{value:g}"
    return f"{check['metric']} = {seen} {SHOWN[check['op']]} {value}"


def _references(preset: presets.Preset, seed: int) -> tuple[dict[str, dict], list[str]]:
    """The metrics of the runs the promise compares with (same seed), and the names of those
    not trained yet. They are read, never started: the page trains them further down (two
    progress bars of one job would collide), and reruns when they finish."""
    ready, waiting = {}, []
    for name in sorted(presets.references(preset)):
        other = runner.peek(dataclasses.replace(presets.get(name).config, seed=seed))
        if other is None:
            waiting.append(name)
        else:
            ready[name] = other.metrics()
    return ready, waiting


def _set_seed(page: str, seed: int) -> None:
    st.session_state[f"{page}.seed"] = seed


def show(page: str, name: str, cfg: Any, result: Any, *, seed_widget: bool = True) -> None:
    """The preset's "what to look at" and its promise on ``result`` (a run of ``cfg``).
    ``seed_widget``: the page has a ``<page>.seed`` control that "try seed s" can set."""
    preset = presets.get(name)
    seed = getattr(cfg, "seed", preset.config.seed)
    if not presets.is_preset_run(preset, cfg):
        _changed(page, preset, cfg, result)
        return
    st.info(preset.look_at, icon=":material/visibility:")
    references, waiting = _references(preset, seed)
    if waiting:
        st.caption(f"This preset's promise compares its run with {', '.join(waiting)} on the "
                   "same seed: it is checked here once that run is trained (the comparison "
                   "further down the page trains it).")
        return
    report = keep(preset.promise, result.metrics(), references)
    # "metric@preset" would render as an e-mail link
    checks = "; ".join(_observed(c) for c in report["checks"]).replace("@", " of ")
    if report["held"]:
        st.success(f"**Held on seed {seed}**: this run shows what the preset promises.",
                   icon=":material/check_circle:")
        st.caption(f"The promise, measured on this run: {checks}.")
        return
    misses = "; ".join(missed(report)).replace("@", " of ")
    if seed == preset.config.seed:   # measured on the CPU; another device may round otherwise
        st.warning(f"**This run misses the preset's promise on its own seed** ({misses}). The "
                   "promise was measured on a CPU; a GPU or another PyTorch build can take a "
                   "different path. Try another seed.", icon=":material/casino:")
        return
    k = len(preset.holds_on)
    st.warning(f"**This seed does not show it** (it shows in {k} of {len(SEEDS)} seeds): "
               f"try seed {preset.config.seed}. Missed: {misses}.", icon=":material/casino:")
    if seed_widget:
        st.button(f"Try seed {preset.config.seed}", key=f"{page}.promise_seed",
                  on_click=_set_seed, args=(page, preset.config.seed))


def _value(value: Any) -> str:
    if isinstance(value, str) and value.startswith("points:"):
        return "your own points"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _changed(page: str, preset: presets.Preset, cfg: Any, result: Any) -> None:
    """The preset's text stays, with what was changed, and its checks read on this run: a
    change tells what it did to the phenomenon instead of hiding the explanation."""
    changes = [f"{link.label(f'{page}.{field.name}')} {_value(getattr(preset.config, field.name))}"
               f" → {_value(getattr(cfg, field.name))}"
               for field in dataclasses.fields(cfg)
               if getattr(cfg, field.name) != getattr(preset.config, field.name)]
    st.info(f"**Your changes to “{preset.label}”**: {'; '.join(changes)}. On its own settings "
            f"the preset shows this: {preset.look_at}", icon=":material/tune:")
    references, waiting = _references(preset, getattr(cfg, "seed", preset.config.seed))
    if waiting or getattr(cfg, "data", None) != getattr(preset.config, "data", None):
        return   # on other data the preset's checks measure something else
    report = keep(preset.promise, result.metrics(), references)
    if report["held"]:
        st.caption("The preset's promise still holds on your run: "
                   + "; ".join(_observed(c) for c in report["checks"]).replace("@", " of ")
                   + ".")
    else:
        misses = "; ".join(missed(report)).replace("@", " of ")
        st.caption(f"Your change altered what the preset promised ({misses}): compare with the "
                   "preset's own run by choosing it again.")
