"""Side by side (ui.side): one control puts a second setting next to the page's run, on the
same axes, and the link carries both."""

from __future__ import annotations

import json

import pytest

from tests.app.conftest import open_page, settle

CASES = {   # page: (script, link, the other side's title starts, the side's chart keys)
    "gan": ("app_pages/gan.py", {"preset": "gan.healthy", "gan.side": "gan.collapse"},
            "Mode collapse", ("gan.side.losses.0", "gan.side.losses.1")),
    "gen_vs_disc": ("app_pages/gen_vs_disc.py", {"gen_vs_disc.side": "seed",
                                                 "gen_vs_disc.side_seed": "5"},
                    "The same setting, seed 5", ("gen_vs_disc.side.0", "gen_vs_disc.side.1")),
    "diffusion": ("app_pages/diffusion.py", {"diffusion.side": "diffusion.moons"}, "Two moons",
                  ("diffusion.side.samples",)),
    "latent": ("app_pages/latent.py", {"latent.side": "ae.plain"}, "Plain",
               ("latent.side.map.0", "latent.side.map.1")),
}


def charts(app) -> dict[str, dict]:
    """The page's plotly charts by their key: their figure as plotly's JSON."""
    found = {}
    for element in app.get("plotly_chart"):
        key = element.proto.id.rsplit("-", 1)[-1]
        found[key] = json.loads(element.proto.spec)
    return found


@pytest.mark.parametrize("page", CASES)
def test_a_second_setting_runs_next_to_the_first_and_the_link_carries_it(page):
    path, link, other, keys = CASES[page]
    app = open_page(path, link)
    assert "Side by side" in [h.value for h in app.subheader]
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    assert any(t.startswith("**This run") for t in titles), titles
    assert any(t.startswith(f"**{other}") for t in titles), titles
    drawn = charts(app)
    assert set(keys) <= set(drawn), sorted(drawn)
    for name, value in link.items():
        assert app.query_params[name] in (value, [value])


def test_the_two_sides_share_their_axes():
    app = open_page(*CASES["gen_vs_disc"][:2])
    drawn = charts(app)
    ranges = [drawn[f"gen_vs_disc.side.{i}"]["layout"]["yaxis"]["range"] for i in (0, 1)]
    assert ranges[0] == ranges[1] and ranges[0][0] == 0
    app = open_page(*CASES["gan"][:2])
    drawn = charts(app)
    ranges = [drawn[f"gan.side.losses.{i}"]["layout"]["yaxis"]["range"] for i in (0, 1)]
    assert ranges[0] == ranges[1]


def test_the_presets_own_settings_beside_a_changed_slider():
    app = open_page("app_pages/gen_vs_disc.py", {"gen_vs_disc.C": "0.1",
                                                 "gen_vs_disc.side": "own"})
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    assert any(t.startswith("**The preset's own settings") for t in titles), titles


def test_nothing_beside_by_default():
    app = open_page("app_pages/gen_vs_disc.py")
    assert "Side by side" not in [h.value for h in app.subheader]


def test_the_compare_page_sets_another_seeds_three_families_beside_its_own_once_revealed():
    app = open_page("app_pages/compare.py", {"compare.side": "seed", "compare.side_seed": "1"})
    assert "Side by side" not in [h.value for h in app.subheader]   # not before the reveal
    app.button(key="compare.reveal").click()
    settle(app, timeout=300)
    assert "Side by side" in [h.value for h in app.subheader]
    rows = app.dataframe[-1].value
    assert len(rows) == 6 and set(rows["family"]) == {"VAE", "GAN", "Diffusion"}
    assert {k for k in charts(app) if k.startswith("compare.side.samples.")} == {
        "compare.side.samples.0", "compare.side.samples.1"}
