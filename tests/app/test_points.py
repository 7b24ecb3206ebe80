"""Your own 2-D data on the GAN and diffusion pages (ui.points): the canvas asks for points,
and once there are enough the page trains on them."""

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
