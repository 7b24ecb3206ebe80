"""``?preset=`` is the one input a stranger controls by sending a link: whatever it holds, a
page opens on its default preset without an exception, and says so in one warning that
carries no markdown, no HTML and no link from the address.

A few examples per page (each opens the whole app); the default presets come from the store
(warm it with ``python -m core warm ngjordan.wine`` and so on, or the first open trains them).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import presets
from tests.app.conftest import open_page

PAGES = {   # page key: (page script, default preset, the presets its picker offers)
    "gan": ("app_pages/gan.py", "gan.healthy",
            list(presets.labels("gan.*", exclude=("gan.phase",)))),
    "latent": ("app_pages/latent.py", "vae.digits",
               [*presets.labels("vae.*"), *presets.labels("ae.*")]),
    "diffusion": ("app_pages/diffusion.py", "diffusion.ring", list(presets.labels("diffusion.*"))),
    "compare": ("app_pages/compare.py", "compare.ring",
                list(presets.labels("compare.*", exclude=("compare.kl",)))),
}
SETTINGS = settings(max_examples=10, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

HOSTILE = [
    "../gan.healthy", "../../etc/passwd", "gan.healthy/../../x", "/etc/passwd", "..",
    "[click](https://example.com)", "![x](https://example.com/x.png)", "**bold** _it_",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "`code`", "a\nb", "a\x00b",
    "GAN.HEALTHY", " gan.healthy", "gan.healthy ", "ngjordan.wine", "gan.phase",
    "x" * 5000, "é" * 300, "\u202egnp.exe", "🙂" * 50,
]


def asked_presets(choices: list[str]) -> st.SearchStrategy[str]:
    """Text a link could carry, never blank and never one of the page's own presets."""
    return st.one_of(
        st.sampled_from(HOSTILE + sorted(presets.PRESETS)),
        st.text(min_size=1, max_size=60),
        st.text(min_size=200, max_size=3000),
    ).filter(lambda name: name.strip() and name not in choices)


def link_warnings(app) -> list[str]:
    return [w.value for w in app.warning if w.value.startswith("The link asks for")]


@pytest.mark.parametrize("page", PAGES)
@SETTINGS
@given(data=st.data())
def test_a_link_to_a_preset_the_page_lacks_opens_the_default_and_says_so(page, data):
    path, default, choices = PAGES[page]
    asked = data.draw(asked_presets(choices), label="preset")
    app = open_page(path, {"preset": asked})
    assert not app.exception
    assert app.selectbox(key=f"{page}.preset").value == default
    warnings = link_warnings(app)
    assert len(warnings) == 1, [w.value for w in app.warning]
    text = warnings[0]
    assert f"opened `{default}` instead" in text and "\n" not in text and len(text) < 600
    assert not any(mark in text for mark in ("](", "://", "<", "**", "``")), text
    assert app.query_params["preset"] in (default, [default])   # the address names it now


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("asked", ["", "  "], ids=["empty", "blank"])
def test_an_empty_preset_in_a_link_opens_the_default_without_a_warning(page, asked):
    path, default, _ = PAGES[page]
    app = open_page(path, {"preset": asked})
    assert app.selectbox(key=f"{page}.preset").value == default
    assert not link_warnings(app)


@SETTINGS
@given(asked=asked_presets(list(presets.labels("ngjordan.*"))))
def test_gen_vs_disc_opens_its_default_data_set_whatever_the_link_asks(asked):
    app = open_page("app_pages/gen_vs_disc.py", {"preset": asked})
    assert not app.exception
    assert app.selectbox(key="gen_vs_disc.data").value == "wine"


def test_gen_vs_disc_says_when_a_link_names_a_preset_it_does_not_have():
    app = open_page("app_pages/gen_vs_disc.py", {"preset": "gan.collapse"})
    assert app.selectbox(key="gen_vs_disc.data").value == "wine"
    assert len(link_warnings(app)) == 1
