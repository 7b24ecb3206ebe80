"""The instructor's tools in a real browser. Links (ui.link): a link opens every page in the
state it names, and the address bar and the "Share this page" box then hold that link again;
a control moved by hand goes into the address, and that address opens the page as it was.
Presenter mode, predict-then-reveal and side by side, each opened from a link."""

import math
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.app.test_links import CASES
from tests.e2e.conftest import (
    chart_count,
    exceptions,
    open_page,
    screenshot,
    wait_finished,
    wait_for_charts,
    wait_idle,
)

pytestmark = pytest.mark.e2e


def address(page, url: str | None = None) -> dict[str, str]:
    """The query of the page's address (or of ``url``), the preset it names left out: a page
    opened without one writes its default preset there."""
    query = dict(parse_qsl(urlsplit(url or page.url).query, keep_blank_values=True))
    query.pop("preset", None)
    return query


def shared_link(page) -> str:
    """The link in the sidebar's "Share this page" box."""
    page.get_by_text("Share this page").click()
    return page.locator('[data-testid="stSidebar"] [data-testid="stCode"] code').inner_text()


def slider_value(page, key: str) -> str:
    return range_input(page, key).get_attribute("value")


def range_input(page, key: str):
    """The range input inside the st.slider with widget key ``key`` (Streamlit 1.67)."""
    return page.locator(f".st-key-{key.replace('.', '-')} input[type='range']").first


@pytest.mark.parametrize("name", CASES)
def test_a_link_opens_its_page_in_the_state_it_names(page, base_url, name):
    _, start, changes = CASES[name]
    link = {key: str(value) for key, value in changes.items()}
    query = "&".join(f"{k}={v}" for k, v in {**start, **link}.items())
    open_page(page, base_url, f"{name}?{query}", timeout_s=240)
    wait_finished(page, timeout_s=240)
    assert address(page) == link
    shared = shared_link(page)
    assert address(page, shared) == link and urlsplit(shared).path == f"/{name}"
    assert page.get_by_text("The link sets").count() == 0
    assert exceptions(page) == []
    screenshot(page, f"link-{name}", height=1400)


def test_a_control_moved_by_hand_travels_in_the_link(page, base_url, browser):
    open_page(page, base_url, "gan?preset=gan.collapse", timeout_s=240)
    wait_finished(page, timeout_s=240)
    assert slider_value(page, "gan.saddle.steps") == "100"
    range_input(page, "gan.saddle.steps").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('gan.saddle.steps=120')",
                           timeout=30_000)
    wait_idle(page)
    link = page.url

    other = browser.new_page()
    try:
        other.goto(link)
        other.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                timeout=240_000)
        wait_finished(other, timeout_s=240)
        assert slider_value(other, "gan.saddle.steps") == "120"
        assert address(other) == {"gan.saddle.steps": "120"}
    finally:
        other.close()


def test_a_bad_link_is_named_and_the_page_still_works(page, base_url):
    open_page(page, base_url, "gan?gan.k=many&gan.nothing=1", timeout_s=240)
    wait_finished(page, timeout_s=240)
    warned = page.get_by_text("The link sets").all_inner_texts()
    assert len(warned) == 2, warned
    assert "gan.k" not in address(page) and "gan.nothing" not in address(page)
    assert slider_value(page, "gan.k") is not None
    assert exceptions(page) == []


def test_presenter_mode_opens_with_the_sidebar_folded_and_stays_in_the_link(page, base_url):
    open_page(page, base_url, "gan?preset=gan.collapse&present=1", timeout_s=240)
    wait_finished(page, timeout_s=240)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true"
    assert page.get_by_text("What this page shows").count() == 1
    # the style is an element of the page: it may paint a moment after the run has ended
    page.wait_for_function("parseFloat(getComputedStyle(document.documentElement).fontSize)"
                           " >= 20", timeout=15_000)
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size >= 20, f"presenter mode's type is {size}px"
    # the charts' own type grows with the page's: the notes on the loss curves are 14 and 15 px
    # when it does not present (ticks and titles follow Streamlit's theme, sized in rem)
    note_px = page.locator(".js-plotly-plot .annotation-text").evaluate_all(
        "ts => Math.min(...ts.map(t => parseFloat(getComputedStyle(t).fontSize)))")
    assert note_px >= 19, f"presenter mode's charts have notes of {note_px}px"
    assert address(page) == {"present": "1"}
    screenshot(page, "presenter-gan", height=1100)


def test_predict_then_reveal_hides_the_run_until_the_class_has_guessed(page, base_url):
    open_page(page, base_url, "gan?preset=gan.collapse&gan.predict=true", timeout_s=240)
    wait_finished(page, timeout_s=240)
    assert page.get_by_text("Will this GAN collapse?").count() == 1
    assert chart_count(page) == 0, "the run shows before the reveal"
    assert page.locator(".st-key-gan-preset [role='combobox']").input_value() == "Setting 2"
    page.get_by_text("one or two", exact=True).click()
    page.get_by_role("button", name="Run and reveal").click()
    wait_for_charts(page, n=3, timeout_s=240)
    assert page.get_by_text("You guessed “one or two”").count() == 1
    # the picker names the preset again, and the page keeps working under its new labels
    picker = page.locator(".st-key-gan-preset [role='combobox']")
    assert picker.input_value() == "Mode collapse", picker.input_value()
    range_input(page, "gan.saddle.steps").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('gan.saddle.steps=110')",
                           timeout=30_000)
    wait_finished(page, timeout_s=240)
    assert picker.input_value() == "Mode collapse" and exceptions(page) == []
    screenshot(page, "predict-revealed", height=1400)


def test_side_by_side_draws_both_runs_in_the_browser(page, base_url):
    open_page(page, base_url, "gan?preset=gan.healthy&gan.side=gan.collapse", timeout_s=240)
    wait_for_charts(page, n=6, timeout_s=240)
    for side in (0, 1):
        film = page.locator(f".st-key-gan-side-film-{side} .js-plotly-plot")
        assert film.count() == 1, f"side {side}'s film is missing"
    assert page.get_by_role("heading", name="Side by side").count() == 1
    screenshot(page, "side-by-side-gan", height=2400)


def draw_loop(page, box: dict, cx: float, cy: float, radius: float) -> None:
    """A lasso drawn by hand round (cx, cy), as fractions of the plot's drag area."""
    x, y = box["x"] + box["width"] * cx, box["y"] + box["height"] * cy
    page.mouse.move(x + radius, y)
    page.mouse.down()
    for i in range(1, 25):
        angle = 2 * math.pi * i / 24
        page.mouse.move(x + radius * math.cos(angle), y + radius * math.sin(angle), steps=2)
    page.mouse.up()


def test_a_student_draws_two_regions_and_the_gan_trains_on_them(page, base_url):
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_page(page, base_url, "gan?gan.data=points&gan.steps=500", timeout_s=240)
    wait_finished(page)
    assert page.get_by_text("at least 20 points, then").count() == 1
    canvas = page.locator("[class*='st-key-gan-canvas-'] .nsewdrag").first
    draw_loop(page, canvas.bounding_box(), 0.3, 0.3, 40)
    page.wait_for_function("() => /\\b[1-9]\\d+ points\\b/.test(document.body.innerText)",
                           timeout=60_000)
    wait_for_charts(page, n=3, timeout_s=240)   # it trains on the first region at once
    first = int(page.locator("text=/\\d+ points \\(at least/").inner_text().split()[0])
    canvas = page.locator("[class*='st-key-gan-canvas-'] .nsewdrag").first
    draw_loop(page, canvas.bounding_box(), 0.7, 0.7, 40)
    page.wait_for_function(f"() => !document.body.innerText.includes('{first} points (at')",
                           timeout=60_000)
    wait_for_charts(page, n=3, timeout_s=240)
    counted = page.locator("text=/\\d+ points \\(at least/").inner_text()
    assert int(counted.split()[0]) > first >= 20, counted
    assert page.locator(".st-key-gan-film .js-plotly-plot").count() == 1
    screenshot(page, "own-points-gan", height=1800)


def test_presenter_mode_keeps_the_chosen_controls_on_screen_and_hides_the_rest(page, base_url):
    open_page(page, base_url, "gan?preset=gan.collapse&present=1&keep=gan.k,gan.lr_d",
              timeout_s=240)
    wait_finished(page, timeout_s=240)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") != "true"
    assert page.locator(".st-key-gan-k").is_visible()
    assert page.locator(".st-key-gan-lr_d").is_visible()
    assert not page.locator(".st-key-gan-seed").is_visible()
    assert not page.locator(".st-key-gan-preset").is_visible()
    assert address(page) == {"present": "1", "keep": "gan.k,gan.lr_d"}
    screenshot(page, "presenter-kept-controls", height=1100)
