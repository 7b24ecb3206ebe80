"""Every preset, opened on its page, gives the page's controls its own config: otherwise the
page would call it "your own experiment" and never show its look-at text or its promise.
(A select_slider whose options lack a preset's value silently falls back to its first one.)"""

import pytest
from streamlit.testing.v1 import AppTest

from core import presets


def _page_config():
    """The controls of the page named in ?page=, then whether they rebuilt the preset."""
    import dataclasses

    import streamlit as st

    from core import presets
    from ui.compare import panel as compare
    from ui.diffusion import panel as diffusion
    from ui.gan import panel as gan
    from ui.gen_vs_disc import panel as gen_vs_disc
    from ui.latent import panel as latent

    page = st.query_params["page"]
    if page == "gen_vs_disc":
        cfg = gen_vs_disc.controls()
        name = f"ngjordan.{st.session_state['gen_vs_disc.data']}"
    else:
        name, cfg = {"gan": gan, "latent": latent, "diffusion": diffusion,
                     "compare": compare}[page].controls()
    preset = presets.get(name)
    st.write(f"preset={name}")
    st.write("same" if cfg is not None and presets.is_preset_run(preset, cfg) else
             f"differs: {cfg and dataclasses.asdict(cfg)} vs {dataclasses.asdict(preset.config)}")


PAGES = {"gan.*": "gan", "ae.*": "latent", "vae.*": "latent", "diffusion.*": "diffusion",
         "compare.*": "compare"}
# the phase diagram has no controls of its own, the KL fit its own sliders below the run
CASES = [(name, page) for pattern, page in PAGES.items() for name in presets.labels(pattern)
         if name not in ("gan.phase", "compare.kl")]


@pytest.mark.parametrize(("name", "page"), CASES, ids=[c[0] for c in CASES])
def test_preset_link_fills_the_controls_with_the_presets_config(name, page):
    app = AppTest.from_function(_page_config, default_timeout=60)
    app.query_params.update({"page": page, "preset": name})
    app.run()
    texts = [m.value for m in app.markdown]
    assert f"preset={name}" in texts and "same" in texts, texts


@pytest.mark.parametrize("name", list(presets.labels("ngjordan.*")))
def test_data_set_choice_fills_the_controls_with_its_presets_config(name):
    app = AppTest.from_function(_page_config, default_timeout=60)
    app.query_params["page"] = "gen_vs_disc"
    app.session_state["gen_vs_disc.data"] = name.removeprefix("ngjordan.")
    app.run()
    texts = [m.value for m in app.markdown]
    assert f"preset={name}" in texts and "same" in texts, texts
