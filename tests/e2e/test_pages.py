"""Every page in a real browser: it opens on a deep link, draws, and raises nothing."""

import pytest

from tests.e2e.conftest import (
    ERROR,
    chart_titles,
    exceptions,
    open_page,
    screenshot,
    wait_for_charts,
    wait_idle,
)
from ui.nav import PAGES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path or "home")
def test_page_opens_draws_and_raises_nothing(page, base_url, spec):
    open_page(page, base_url, spec.url_path)
    if spec.has_chart:
        wait_for_charts(page)
        wait_idle(page)
    assert exceptions(page) == []
    title = spec.title if spec.url_path else "genlab"
    assert page.get_by_role("heading", level=1, name=title, exact=True).count() == 1, title
    # the router ran, even on a deep link to a fresh server: its sidebar caption is there
    assert page.get_by_text("Trains on:").count() == 1
    screenshot(page, spec.url_path or "home")


def choose(page, key: str, option: str) -> None:
    """Pick an option of the selectbox with widget key ``key``."""
    page.locator(f".st-key-{key.replace('.', '-')} [role='combobox']").click()
    page.get_by_role("option", name=option).click()


def test_gen_vs_disc_data_set_change_redraws_the_curves(page, base_url):
    open_page(page, base_url, "gen_vs_disc")
    wait_for_charts(page)
    assert any("Wine" in t for t in chart_titles(page))
    choose(page, "gen_vs_disc.data", "Iris versicolor vs virginica (4 features)")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.js-plotly-plot .gtitle'))"
        ".some(e => e.textContent.includes('Iris'))", timeout=120_000)
    wait_idle(page)
    assert exceptions(page) == []
    assert not any("Wine" in t for t in chart_titles(page))
    screenshot(page, "gen_vs_disc-iris")


@pytest.mark.error_expected("^The CSV has no numeric feature column besides the label")
def test_gen_vs_disc_bad_csv_gets_a_sentence(page, base_url, tmp_path):
    open_page(page, base_url, "gen_vs_disc")
    wait_for_charts(page)
    choose(page, "gen_vs_disc.data", "Your own CSV file")
    wait_idle(page)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind\nann,x\nbob,y\ncid,x\n")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    page.locator(ERROR).filter(has_text="no numeric feature column").wait_for(timeout=60_000)
    assert exceptions(page) == []
