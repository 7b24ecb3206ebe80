"""Presenter mode (ui.present): ``?present=1`` turns it on, it survives reruns and a preset
change and stays in the address; a bad value is named and the page opens without it."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, open_page, settle

GAN = "app_pages/gan.py"


def open_presenting(query: dict) -> AppTest:
    """The GAN page from a link carrying ``query``: presenter mode is the session's, so
    the link reaches the session's first run (AppTest's is the home page)."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update(query)
    app.run()
    app.switch_page(GAN)
    return settle(app, timeout=240)


def intro_folded(app) -> bool:
    return any(e.label == "What this page shows" for e in app.expander)


def test_presenter_mode_from_a_link_folds_the_explanation_and_stays_on():
    app = open_presenting({"present": "1"})
    assert app.toggle(key="present").value is True
    assert intro_folded(app)
    assert app.query_params["present"] in ("1", ["1"])
    app.selectbox(key="gan.preset").set_value("gan.collapse")
    settle(app, timeout=240)
    assert app.toggle(key="present").value is True and intro_folded(app)
    assert app.query_params["present"] in ("1", ["1"])


def test_presenter_mode_is_off_by_default_and_the_toggle_turns_it_on_and_off():
    app = open_page(GAN)
    assert app.toggle(key="present").value is False and not intro_folded(app)
    assert "present" not in app.query_params
    app.toggle(key="present").set_value(True)
    settle(app)
    assert intro_folded(app) and app.query_params["present"] in ("1", ["1"])
    app.toggle(key="present").set_value(False)
    settle(app)
    assert not intro_folded(app) and "present" not in app.query_params


@pytest.mark.parametrize("asked", ["2", "please", "<b>x</b>"])
def test_a_bad_presenter_value_is_named_and_the_page_opens_without_it(asked):
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["present"] = asked
    app.run()
    said = [w.value for w in app.warning if "presenter mode" in w.value]
    assert len(said) == 1 and "which is not 1 or 0" in said[0], said
    assert "<" not in said[0]
    app.switch_page(GAN)
    settle(app, timeout=240)
    assert app.toggle(key="present").value is False and not intro_folded(app)
    assert "present" not in app.query_params


def test_presenter_mode_stays_on_when_the_class_moves_to_another_page():
    app = open_presenting({"present": "1"})
    app.switch_page("app_pages/diffusion.py")
    settle(app, timeout=240)
    assert app.toggle(key="present").value is True and intro_folded(app)
    assert app.query_params["present"] in ("1", ["1"])


def test_a_link_keeps_the_chosen_controls_and_names_a_malformed_key():
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update({"present": "1", "keep": "gan.k,<b>x</b>,gan.lr_d"})
    app.run()
    said = [w.value for w in app.warning if "keep=" in w.value]
    assert len(said) == 1 and "<" not in said[0], said
    app.switch_page(GAN)
    settle(app, timeout=240)
    assert app.multiselect(key="present.keep").value == ["gan.k", "gan.lr_d"]
    assert app.query_params["keep"] in ("gan.k,gan.lr_d", ["gan.k,gan.lr_d"])
    app.multiselect(key="present.keep").set_value(["gan.k"])
    settle(app)
    assert app.query_params["keep"] in ("gan.k", ["gan.k"])
