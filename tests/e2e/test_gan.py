"""The GAN lab in a real browser: the training film scrubs without a script rerun."""

import pytest

from tests.e2e.conftest import exceptions, open_page, screenshot, wait_for_charts, wait_idle

pytestmark = pytest.mark.e2e

FILM = ".st-key-gan-film .js-plotly-plot"
# Record every change of the app's script state from now on: a rerun would show as "running".
WATCH_RERUNS = """() => {
  window.__states = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
SLIDER_STEP = f"() => document.querySelector('{FILM}')._fullLayout.sliders[0].active"
HEAT_AT_FIRST_FRAME = f"() => document.querySelector('{FILM}').data[0].z"


def test_gan_film_scrubs_in_the_browser_without_a_rerun(page, base_url):
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_page(page, base_url, "gan", timeout_s=180)
    wait_for_charts(page, n=3, timeout_s=180)
    page.wait_for_function("!document.querySelector('[data-testid=\"stProgress\"]')",
                           timeout=180_000)
    wait_idle(page)
    last = page.evaluate(SLIDER_STEP)
    assert last > 10, "the film should open on its last frame"

    page.evaluate(WATCH_RERUNS)
    rail = page.locator(f"{FILM} .slider-rail-rect").first.bounding_box()
    # drag the slider's handle from the end back to the start, through every frame
    page.mouse.move(rail["x"] + rail["width"] - 2, rail["y"] + rail["height"] / 2)
    page.mouse.down()
    page.mouse.move(rail["x"] + 2, rail["y"] + rail["height"] / 2, steps=20)
    page.mouse.up()
    page.wait_for_timeout(1500)

    assert page.evaluate(SLIDER_STEP) == 0, "the film did not go back to its first frame"
    assert page.evaluate("window.__states") == [], "scrubbing reran the script"
    assert exceptions(page) == []
    screenshot(page, "gan-scrubbed", height=2600)
