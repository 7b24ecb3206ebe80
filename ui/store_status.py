"""The home page's line under each lecture part: will the class find its page's presets
trained, or wait for them? A key lookup per preset (core.warmth), nothing trained or read."""

from __future__ import annotations

import streamlit as st

from core import warmth
from core.settings import store_root
from core.store import ArtifactStore
from ui.nav import PageSpec


@st.cache_data(ttl=30, show_spinner=False)
def _by_page(root: str) -> dict[str, warmth.Warmth]:
    """Looked up at most every 30 s, whoever opens the home page: a whole class may open it
    at once, and a warm-up in another shell shows within the half minute. Keyed by the store
    so that a server pointed elsewhere never reads another store's answer."""
    return warmth.by_page(ArtifactStore(root))


def sentence(found: warmth.Warmth) -> str:
    """"Ready: all 6 presets ..." or "4 of 6 presets ... run `make warm` before class"."""
    if found.ready:
        return (f":material/check_circle: Ready: all {found.total} presets of this page are "
                "trained.")
    missing, took = len(found.missing), warmth.train_estimate(found.missing)
    if not found.stored:
        have = f"None of the {found.total} presets is trained yet: each trains when first used"
    elif missing == 1:
        have = (f"{len(found.stored)} of {found.total} presets are trained; the other one "
                "trains when first used")
    else:
        have = (f"{len(found.stored)} of {found.total} presets are trained; the other {missing} "
                "train when first used")
    if took:
        have += f" ({took} each)" if missing > 1 else f" ({took})"
    return (f":material/hourglass_top: {have}. Run `make warm` (or `python -m core warm`) "
            "before class.")


def show(page: PageSpec) -> None:
    """One caption: how much of ``page``'s presets the store holds (nothing for a page
    without presets)."""
    found = _by_page(str(store_root())).get(page.url_path)
    if found is not None and found.total:
        st.caption(sentence(found))
