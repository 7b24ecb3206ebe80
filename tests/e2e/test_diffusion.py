"""The diffusion page in a real browser: the time slider scrubs without a script rerun."""

import pytest

from tests.e2e.conftest import exceptions, open_page, screenshot, wait_for_charts, wait_idle

pytestmark = pytest.mark.e2e

FILM = ".st-key-diffusion-film .js-plotly-plot"
# Record every change of the app's script state from now on: a rerun would show as "running".
WATCH_RERUNS = """() => {
  window.__states = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
SLIDER_STEP = f"() => document.querySelector('{FILM}')._fullLayout.sliders[0].active"
FILM_TITLE = f"() => document.querySelector('{FILM} .gtitle').textContent"
REVERSE_X = f"() => Array.from(document.querySelector('{FILM}')._fullData[2].x).slice(0, 5)"


def test_diffusion_time_slider_scrubs_in_the_browser_without_a_rerun(page, base_url):
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_page(page, base_url, "diffusion", timeout_s=180)
    wait_for_charts(page, n=3, timeout_s=180)
    page.wait_for_function("!document.querySelector('[data-testid=\"stProgress\"]')",
                           timeout=180_000)
    wait_idle(page)
    page.locator(FILM).first.scroll_into_view_if_needed()
    last = page.evaluate(SLIDER_STEP)
    assert last == 100, "the film should open on its last frame, t = 0"
    assert page.evaluate(FILM_TITLE).startswith("t = 0 of 100")
    at_zero = page.evaluate(REVERSE_X)

    page.evaluate(WATCH_RERUNS)
    rail = page.locator(f"{FILM} .slider-rail-rect").first.bounding_box()
    # drag the handle from t = 0 back to t = T, through every frame
    page.mouse.move(rail["x"] + rail["width"] - 2, rail["y"] + rail["height"] / 2)
    page.mouse.down()
    page.mouse.move(rail["x"] + 2, rail["y"] + rail["height"] / 2, steps=20)
    page.mouse.up()
    page.wait_for_timeout(1500)

    assert page.evaluate(SLIDER_STEP) == 0, "the slider did not go back to t = T"
    title = page.evaluate(FILM_TITLE)
    assert title.startswith("t = 100 of 100") and "SNR" in title, title
    assert page.evaluate(REVERSE_X) != at_zero, "the reverse particles did not move"
    assert page.evaluate("window.__states") == [], "scrubbing reran the script"
    assert exceptions(page) == []
    screenshot(page, "diffusion-scrubbed", height=4200)
