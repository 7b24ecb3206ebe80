"""The diffusion page under AppTest: presets, the schedule's warning, links, the samplers."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import metric, open_page, settle

PAGE = "app_pages/diffusion.py"


def open_diffusion(query: dict | None = None) -> AppTest:
    return open_page(PAGE, query)


def chart_specs(app) -> list[str]:
    return [c.proto.spec for c in app.get("plotly_chart")]


def chart_titles(app) -> list[str]:
    layouts = [json.loads(spec).get("layout", {}) for spec in chart_specs(app)]
    return [layout.get("title", {}).get("text", "") for layout in layouts]


def test_diffusion_opens_on_the_ring_with_its_film_and_measures():
    app = open_diffusion()
    assert app.selectbox(key="diffusion.preset").value == "diffusion.ring"
    assert metric(app, "modes covered") == "8 of 8"
    assert not app.warning, "the default schedule should not warn"
    specs = chart_specs(app)
    assert any("The noise schedule" in s for s in specs)
    film = next(s for s in specs if "forward q(x_t" in s)
    assert '"frames"' in film and "SNR" in film       # animated in the browser, SNR per frame
    assert any("Press play" in i.value for i in app.info)


def test_choosing_a_preset_sets_its_controls_and_the_address():
    app = open_diffusion()
    app.selectbox(key="diffusion.preset").set_value("diffusion.moons")
    settle(app, timeout=240)
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="diffusion.data").value == "moons"
    assert app.query_params["preset"] == "diffusion.moons"
    assert metric(app, "modes covered") == "—"


def test_the_unscaled_schedule_with_few_steps_warns_before_any_training():
    app = open_diffusion()
    app.radio(key="diffusion.schedule").set_value("linear_fixed")
    app.select_slider(key="diffusion.T").set_value(50)
    app.run()       # no settle: the warning comes from the schedule alone
    assert not app.exception, [e.value for e in app.exception]
    texts = [w.value for w in app.warning]
    assert any("alpha_bar_T" in t and "not noise" in t for t in texts), texts


def test_a_link_opens_its_preset_and_a_bad_one_gets_a_sentence():
    app = open_diffusion({"preset": "diffusion.swissroll"})
    assert app.selectbox(key="diffusion.data").value == "swissroll"
    app = open_diffusion({"preset": "diffusion.nonsense"})
    assert app.selectbox(key="diffusion.preset").value == "diffusion.ring"
    assert any("diffusion.nonsense" in w.value for w in app.warning)


def test_ddim_steps_not_stored_are_sampled_live():
    app = open_diffusion()
    app.select_slider(key="diffusion.ddim_steps").set_value(3)
    settle(app)
    assert not app.exception, [e.value for e in app.exception]
    assert any(m.label == "time, 2,500 samples" for m in app.metric)
    assert any("DDIM, 3 steps" in s for s in chart_specs(app))


def test_t_below_the_ddim_steps_keeps_the_slider_valid():
    app = open_diffusion()
    app.select_slider(key="diffusion.ddim_steps").set_value(50)
    app.select_slider(key="diffusion.T").set_value(10)
    app.select_slider(key="diffusion.steps").set_value(300)
    settle(app, timeout=240)
    assert not app.exception, [e.value for e in app.exception]
    assert app.select_slider(key="diffusion.ddim_steps").value <= 10
    # T = 10 with the scaled linear schedule: coarse steps, but x_T is noise (alpha_bar_T ~ 0)
    texts = [w.value for w in app.warning]
    assert any("coarse" in t for t in texts), texts
    assert not any("is not noise" in t for t in texts), texts


@pytest.mark.slow
def test_digits_with_a_prompt_and_guidance_then_latent_against_pixel():
    app = open_diffusion()
    app.toggle(key="diffusion.digits").set_value(True)
    settle(app, timeout=300)
    assert not app.exception, [e.value for e in app.exception]
    app.selectbox(key="diffusion.prompt").set_value(7)
    app.select_slider(key="diffusion.w").set_value(4.0)
    app.toggle(key="diffusion.compare").set_value(True)
    settle(app, timeout=300)
    assert not app.exception, [e.value for e in app.exception]
    titles = chart_titles(app)
    assert any(t.startswith("“7” at w = 4") for t in titles), titles
    assert "Guidance: agreement with the prompt against diversity" in titles
    assert "Where the time goes" in titles


@pytest.mark.slow
@pytest.mark.error_expected(r"(?s)label_drop.*Change that setting in the sidebar\.")
def test_a_bad_digits_combination_gets_a_sentence():
    app = open_diffusion({"preset": "diffusion.digits_cfg"})
    app.select_slider(key="diffusion.label_drop").set_value(0.0)
    app.run()
    assert not app.exception
    assert any("label_drop" in e.value for e in app.error)
