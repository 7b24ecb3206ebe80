"""The GAN lab in a real browser: the training film scrubs without a script rerun."""

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

FILM = ".st-key-gan-film .js-plotly-plot"


def test_gan_film_scrubs_in_the_browser_without_a_rerun(page, base_url):
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_page(page, base_url, "gan", timeout_s=180)
    wait_for_charts(page, n=3, timeout_s=180)
    wait_trained(page)
    assert film_step(page, FILM) > 10, "the film should open on its last frame"

    assert drag_film_to_start(page, FILM) == [], "scrubbing reran the script"
    assert film_step(page, FILM) == 0, "the film did not go back to its first frame"
    assert exceptions(page) == []
    screenshot(page, "gan-scrubbed", height=2600)
