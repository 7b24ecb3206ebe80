"""Side by side: the page's run next to a second setting of the same page, chosen with one
control, "Side by side with" (``<page>.side``, so the link carries both settings).

The second setting is another preset, the preset's own settings (what a changed slider did),
or this setting from another seed. The page trains it like its own run (ui.runner) and draws
the two next to each other on shared axes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from core import presets
from ui import link, predict

NONE, OWN, SEED = "none", "own", "seed"


@dataclasses.dataclass(frozen=True)
class Pair:
    """The two settings shown side by side: the page's own and the other, with a title each."""

    title: str
    other_title: str
    other: Any


def pick(page: str, name: str | None, cfg: Any, offered: dict[str, str]) -> Pair | None:
    """The sidebar's "Side by side with" control; the pair to show, or None. ``name``: the
    preset ``cfg`` started from (None: none, a CSV file); ``offered``: the presets (name:
    label) whose runs can stand next to ``cfg``'s."""
    same_kind = {n: label for n, label in predict.labels(page, offered, f"{page}.side").items()
                 if type(presets.get(n).config) is type(cfg)}
    own = {OWN: "the preset's own settings"} if name in presets.PRESETS else {}
    shown = {NONE: "nothing", SEED: "this setting, from another seed", **own, **same_kind}
    with st.sidebar:
        choice = link.selectbox("Side by side with", list(shown), format_func=shown.get,
                                key=f"{page}.side", help="Run a second setting and show the "
                                "two next to each other on the same axes.")
        if choice == SEED:
            seed = link.number_input("Its seed", 0, 10**6, step=1, key=f"{page}.side_seed",
                                     value=cfg.seed + 1 if cfg.seed < 10**6 else cfg.seed - 1)
    if choice == NONE:
        return None
    here = f"This run ({shown.get(name, 'your data')}, seed {cfg.seed})"
    if choice == SEED:
        return Pair(here, f"The same setting, seed {seed}", dataclasses.replace(cfg, seed=seed))
    # the preset's own settings from this run's seed: only the changed settings differ
    other = (dataclasses.replace(presets.get(name).config, seed=cfg.seed) if choice == OWN
             else presets.get(choice).config)
    if other == cfg:
        st.info("The other setting is this run's own: choose another preset or a seed, or "
                "change a setting, to see two runs side by side.", icon=":material/compare:")
        return None
    title = (f"The preset's own settings (the same seed, {other.seed})" if choice == OWN
             else f"{shown[choice]} (seed {other.seed})")
    return Pair(here, title, other)
