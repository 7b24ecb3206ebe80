"""The diffusion page in a real browser: the time slider scrubs without a script rerun."""

import pytest

from tests.e2e.conftest import (
    drag_film_to_start,
    exceptions,
    film_step,
    open_page,
    screenshot,
    wait_for_charts,
    wait_trained,
)

pytestmark = pytest.mark.e2e

FILM = ".st-key-diffusion-film .js-plotly-plot"
FILM_TITLE = f"() => document.querySelector('{FILM} .gtitle').textContent"
REVERSE_X = f"() => Array.from(document.querySelector('{FILM}')._fullData[2].x).slice(0, 5)"


def test_diffusion_time_slider_scrubs_in_the_browser_without_a_rerun(page, base_url):
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_page(page, base_url, "diffusion", timeout_s=180)
    wait_for_charts(page, n=3, timeout_s=180)
    wait_trained(page)
    page.locator(FILM).first.scroll_into_view_if_needed()
    last = film_step(page, FILM)
    assert last == 100, "the film should open on its last frame, t = 0"
    assert page.evaluate(FILM_TITLE).startswith("t = 0 of 100")
    at_zero = page.evaluate(REVERSE_X)

    states = drag_film_to_start(page, FILM)   # from t = 0 back to t = T

    assert film_step(page, FILM) == 0, "the slider did not go back to t = T"
    title = page.evaluate(FILM_TITLE)
    assert title.startswith("t = 100 of 100") and "SNR" in title, title
    assert page.evaluate(REVERSE_X) != at_zero, "the reverse particles did not move"
    assert states == [], "scrubbing reran the script"
    assert exceptions(page) == []
    screenshot(page, "diffusion-scrubbed", height=4200)
