"""The home page says under each lecture part whether the store holds its page's presets:
"Ready" when it holds them all, "k of n" and `make warm` otherwise."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import presets, runs, warmth
from core.store import ArtifactStore
from tests.app.conftest import APP
from ui.nav import LECTURE


def status_under_each_part(app: AppTest) -> dict[str, list[str]]:
    """{part title: the store status captions under its heading}."""
    found, part = {}, None
    for node in app.main:
        if node.type == "subheader":
            part = found.setdefault(node.value, [])
        elif node.type == "caption" and part is not None and "presets" in node.value:
            part.append(node.value)
    return found


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store of this test's own (the status is cached per store, so never another test's)."""
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path / "store"))
    return ArtifactStore(tmp_path / "store")


def put(store: ArtifactStore, names) -> None:
    """A file at each preset's key: what the home page looks at (it reads none of them)."""
    for name in names:
        store.save(runs.key_for(presets.get(name).config), {"placeholder": np.zeros(1)}, {})


def test_each_part_says_ready_or_how_many_presets_are_trained(store):
    put(store, warmth.PAGE_PRESETS["gen_vs_disc"])
    put(store, ["ae.plain", "vae.digits"])
    put(store, warmth.PAGE_PRESETS["diffusion"][:-1])
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    said = status_under_each_part(app)
    assert list(said) == [part.title for part in LECTURE]
    assert all(len(lines) == 1 for lines in said.values()), said   # one line a part
    by_page = {part.page.url_path: said[part.title][0] for part in LECTURE}

    assert by_page["gen_vs_disc"] == (
        ":material/check_circle: Ready: all 6 presets of this page are trained.")
    latent = by_page["latent"]
    assert latent.startswith(":material/hourglass_top: 2 of 6 presets are trained; the other 4 "
                             "train when first used ("), latent
    assert latent.endswith(" each). Run `make warm` (or `python -m core warm`) before class.")
    assert "the other one trains when first used" in by_page["diffusion"], by_page
    n_gan = len(warmth.PAGE_PRESETS["gan"])
    assert by_page["gan"].startswith(f":material/hourglass_top: None of the {n_gan} presets is "
                                     "trained yet: each trains when first used ("), by_page["gan"]


def test_the_status_comes_from_the_store_the_server_uses(store, tmp_path, monkeypatch):
    put(store, warmth.PAGE_PRESETS["compare"])
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    compare = next(p for p in LECTURE if p.page.url_path == "compare").title
    assert "Ready: all" in status_under_each_part(app)[compare][0]
    # another (empty) store: not the first store's cached answer
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path / "other"))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert "None of the 3 presets is trained yet" in status_under_each_part(app)[compare][0]
