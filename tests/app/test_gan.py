"""The GAN lab under AppTest: presets, the link to a preset, the comparison and the seeds."""

import pytest
from streamlit.testing.v1 import AppTest

from core import presets, runs
from tests.app.conftest import metric, open_page, settle

GAN_PAGE = "app_pages/gan.py"


def open_gan(query: dict | None = None) -> AppTest:
    return open_page(GAN_PAGE, query)


def test_gan_opens_on_the_healthy_preset_with_its_film_and_measures():
    app = open_gan()
    assert app.selectbox(key="gan.preset").value == "gan.healthy"
    # the page's run, from the store it trained into: the metric shows that result
    result = runs.load_or_train(presets.get("gan.healthy").config)
    assert metric(app, "modes covered") == f"{result.modes_covered:.0f} of 8"
    assert result.modes_covered >= 8, "the healthy preset promises all 8 modes"
    assert any("Held on seed 0" in s.value for s in app.success)
    assert len(app.get("plotly_chart")) >= 5      # film, losses, D, modes, bars, saddle
    assert any("Play the film" in i.value for i in app.info)


def test_choosing_a_preset_sets_its_controls_and_the_address():
    app = open_gan()
    app.selectbox(key="gan.preset").set_value("gan.collapse")
    settle(app, timeout=240)
    assert not app.exception
    assert app.number_input(key="gan.noise_dim").value == 1
    assert app.query_params["preset"] == "gan.collapse"


def test_a_link_opens_its_preset():
    app = open_gan({"preset": "gan.strong_d"})
    assert app.selectbox(key="gan.preset").value == "gan.strong_d"
    assert app.slider(key="gan.k").value == 5


def test_a_bad_link_gets_a_sentence_and_the_default_preset():
    app = open_gan({"preset": "gan.nonsense"})
    assert app.selectbox(key="gan.preset").value == "gan.healthy"
    assert any("gan.nonsense" in w.value and "gan.healthy" in w.value for w in app.warning)


@pytest.mark.slow
def test_minimax_preset_compares_both_losses_from_one_start():
    app = open_gan({"preset": "gan.minimax"})
    ratio = metric(app, "G's gradient norm")
    assert ratio.endswith("×") and float(ratio.rstrip("×").replace(",", "")) >= 100
    titles = [c.proto.spec for c in app.get("plotly_chart")]
    assert any("gradient norm" in t for t in titles)


def test_a_link_cannot_put_markdown_in_the_page():
    app = open_gan({"preset": "[click](https://example.com)"})
    assert app.selectbox(key="gan.preset").value == "gan.healthy"
    texts = [w.value for w in app.warning]
    assert texts and not any("](" in t or "://" in t for t in texts), texts


def test_changed_settings_keep_the_presets_what_to_look_at_and_say_what_changed():
    app = open_gan()
    app.slider(key="gan.k").set_value(3)
    settle(app, timeout=240)
    assert not app.exception
    said = [i.value for i in app.info if "Your changes to" in i.value]
    assert len(said) == 1 and "k: D steps per G step 1 → 3" in said[0], said
    assert "Play the film" in said[0]


def test_the_sections_follow_the_slides_order():
    app = open_gan()
    heads = [h.value for h in app.subheader]
    slides = ["GAN Training – Convergence?", "Saddle point interpretation",
              "GAN Training Problems", "Non-saturating GAN"]
    at = [next(i for i, h in enumerate(heads) if slide in h) for slide in slides]
    assert at == sorted(at), heads
