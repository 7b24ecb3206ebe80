"""Your own 2-D data on the GAN, diffusion and compare pages (ui.points): the canvas asks for
points, and once there are enough the page trains on them."""

import numpy as np
import pytest

from tests.app.conftest import open_page, settle

PAGES = {"gan": ("app_pages/gan.py", "500", "gan.film"),
         "diffusion": ("app_pages/diffusion.py", "300", "diffusion.film")}


def chart_keys(app) -> set[str]:
    return {c.proto.id.rsplit("-", 1)[-1] for c in app.get("plotly_chart")}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_waits_for_points_then_trains_on_them(page):
    path, steps, film = PAGES[page]
    app = open_page(path, {f"{page}.data": "points", f"{page}.steps": steps})
    assert any(k.startswith(f"{page}.canvas.") for k in chart_keys(app)), chart_keys(app)
    assert any("at least 20 points" in i.value for i in app.info)
    assert film not in chart_keys(app)
    # two blobs, as a person would paint them with the lasso
    rng = np.random.default_rng(0)
    blobs = np.concatenate([rng.normal((-1.5, 0), 0.2, (30, 2)), rng.normal((1.5, 1), 0.2,
                                                                            (30, 2))])
    app.session_state[f"{page}.drawn"] = blobs
    settle(app, timeout=240)
    assert any("**60 points**" in m.value for m in app.markdown)
    assert film in chart_keys(app), chart_keys(app)
    assert app.query_params[f"{page}.data"] in ("points", ["points"])


def test_the_compare_page_measures_the_three_families_on_drawn_regions():
    app = open_page("app_pages/compare.py", {"compare.own_points": "1", "compare.n_seeds": "1"})
    assert any(k.startswith("compare.canvas.") for k in chart_keys(app)), chart_keys(app)
    assert "compare.samples" not in chart_keys(app)
    rng = np.random.default_rng(0)
    three = np.concatenate([rng.normal(c, 0.15, (30, 2)) for c in ((-1.5, -1), (1.5, -1),
                                                                    (0, 1.5))])
    app.session_state["compare.drawn"] = three
    settle(app, timeout=240)
    assert any("form 3 separate region(s)" in c.value for c in app.caption)
    assert any("your own points" in m.value for m in app.markdown)   # the guesses' question
    app.button(key="compare.reveal").click()
    settle(app, timeout=240)
    assert "compare.samples" in chart_keys(app), chart_keys(app)
    assert any(" of 3 modes" in m.value for m in app.markdown)   # the table counts 3 modes
