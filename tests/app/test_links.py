"""A page's whole state travels in its address (ui.link): a link made from a page's state
opens the same state, control by control, and a bad value in a link is named in one sentence
while the page opens on its default.

Each case changes controls whose runs are already the preset's (or train in seconds), so the
pages open on what the store holds."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page, settle

KINDS = ("slider", "select_slider", "selectbox", "radio", "number_input", "toggle")
CASES = {   # page: (script, the link it starts from, the controls changed on it)
    "gen_vs_disc": ("app_pages/gen_vs_disc.py", {},
                    {"gen_vs_disc.C": 0.1, "gen_vs_disc.nb_variance": "per_class"}),
    "latent": ("app_pages/latent.py", {},
               {"latent.probe_per_class": 5, "latent.from": 17, "latent.to": 40}),
    "gan": ("app_pages/gan.py", {"preset": "gan.collapse"},
            {"gan.saddle.eta": 0.5, "gan.saddle.steps": 200}),
    "diffusion": ("app_pages/diffusion.py", {}, {"diffusion.ddim_steps": 20}),
    "compare": ("app_pages/compare.py", {},
                {"compare.kl_modes": 3, "compare.kl_separation": 4.5}),
}
BAD = {   # page: a control and a value it cannot take
    "gen_vs_disc": ("gen_vs_disc.C", "0.2"),
    "latent": ("latent.epochs", "7000"),
    "gan": ("gan.k", "many"),
    "diffusion": ("diffusion.schedule", "quadratic"),
    "compare": ("compare.seed", "-3"),
}


def controls(app, page: str) -> dict:
    """Every control of ``page`` the app drew: key to value."""
    return {w.key: w.value for kind in KINDS for w in getattr(app, kind)
            if w.key and w.key.startswith(f"{page}.") and w.key != f"{page}.preset"}


def control(app, key: str):
    return next(w for kind in KINDS for w in getattr(app, kind) if w.key == key)


def query(app) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in app.query_params.items()}


@pytest.mark.parametrize("page", CASES)
def test_a_link_made_from_a_pages_state_opens_the_same_state(page):
    path, start, changes = CASES[page]
    app = open_page(path, start)
    assert set(query(app)) <= {"preset"}, "a page at its preset's values links to the preset"
    for key, value in changes.items():
        control(app, key).set_value(value)
        settle(app)
    link = query(app)
    assert set(link) - {"preset"} == set(changes), link   # only what differs from the preset
    opened = open_page(path, link)
    before, after = controls(app, page), controls(opened, page)
    assert set(before) == set(after)
    assert after == before
    assert {k: after[k] for k in changes} == changes
    assert query(opened) == link   # and the address it shows is the link again


@pytest.mark.parametrize("page", CASES)
def test_a_bad_value_in_a_link_is_named_and_the_page_opens_on_the_default(page):
    path, _, _ = CASES[page]
    key, bad = BAD[page]
    reference = controls(open_page(path), page)
    app = open_page(path, {key: bad, f"{page}.no_such_control": "1"})
    said = [w.value for w in app.warning if "The link sets" in w.value]
    assert len(said) == 2, said
    assert any(f"(`{key}`) to `{bad}`, but it takes" in s for s in said), said
    assert any(f"`{page}.no_such_control`, which names no control" in s for s in said), said
    assert controls(app, page) == reference
    assert key not in query(app) and f"{page}.no_such_control" not in query(app)


def test_a_link_to_another_pages_control_is_named_on_the_home_page():
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update({"gan.seed": "3"})
    app.run()
    assert any("`gan.seed`, which names no control" in w.value for w in app.warning)
    assert "gan.seed" not in query(app)
