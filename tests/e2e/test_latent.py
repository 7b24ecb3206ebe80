"""The latent-space explorer in a real browser: a click on the map decodes that z."""

import pytest

from tests.e2e.conftest import exceptions, open_page, screenshot, wait_for_charts, wait_idle

pytestmark = pytest.mark.e2e

DECODED_ELSEWHERE = (
    "Array.from(document.querySelectorAll('.gtitle')).some(e => "
    "e.textContent.startsWith('decoded at') && !e.textContent.includes('(0.00, 0.00)'))")


def test_latent_click_on_the_map_decodes_that_z(page, base_url):
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_page(page, base_url, "latent")
    wait_for_charts(page, n=3)
    # the AE-vs-VAE section trains a partner in the background: let it finish first, so its
    # closing rerun does not race the click
    page.wait_for_function("!document.querySelector('[data-testid=\"stProgress\"]')",
                           timeout=120_000)
    wait_idle(page)
    screenshot(page, "latent-before-click")
    plane = page.locator(".st-key-latent-map .nsewdrag").first.bounding_box()
    page.mouse.click(plane["x"] + 0.8 * plane["width"], plane["y"] + 0.85 * plane["height"])
    page.wait_for_function(DECODED_ELSEWHERE, timeout=60_000)
    wait_idle(page)
    assert exceptions(page) == []
    screenshot(page, "latent-clicked")
