"""The compare page in a real browser: guess, reveal, and the table, the samples and the KL
fits drawn; a KL slider refits without a job."""

import pytest

from tests.e2e.conftest import (
    chart_titles,
    exceptions,
    open_page,
    screenshot,
    wait_for_charts,
    wait_idle,
    wait_trained,
)

pytestmark = pytest.mark.e2e


def test_compare_reveals_the_measured_table_the_samples_and_the_kl_fits(page, base_url):
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_page(page, base_url, "compare", timeout_s=300)
    wait_for_charts(page, n=2, timeout_s=300)      # the KL fits and their progress
    wait_trained(page)
    table = page.locator("table").filter(has_text="What we specify").first
    assert "Minimax fooling discriminator" in table.inner_text()
    assert "→ ?" in table.inner_text(), "the measurements show before the reveal"

    page.locator(".st-key-compare-guess_modes label").filter(has_text="VAE").click()
    wait_idle(page)
    page.locator(".st-key-compare-guess_sharpness label").filter(has_text="GAN").click()
    wait_idle(page)
    page.locator(".st-key-compare-reveal button").click()
    page.get_by_text("You guessed the VAE").wait_for(timeout=60_000)
    wait_for_charts(page, n=4, timeout_s=120)       # + the samples and the spread
    table = page.locator("table").filter(has_text="What we specify").first
    cells = table.inner_text()
    assert "→ ?" not in cells and ("✓" in cells or "✗" in cells)
    titles = chart_titles(page)
    assert any("samples of each family" in t for t in titles), titles
    assert any("Modes covered by each run" in t for t in titles), titles
    assert any("fitted to Q both ways" in t for t in titles), titles
    assert exceptions(page) == []
    screenshot(page, "compare-revealed", height=5200)

    # a KL slider: the fit follows within the page's own run (no job, no progress bar)
    slider = page.locator(".st-key-compare-kl_modes input[type='range']")   # react-aria's
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.js-plotly-plot .gtitle'))"
        ".some(e => e.textContent.includes('(4 modes'))", timeout=30_000)
    wait_idle(page)
    assert exceptions(page) == []
    screenshot(page, "compare-kl-4-modes", height=5200)
