"""The sidebar's "Export this page" in a real browser: its buttons download the files the
server makes on the click (the run's JSON, and the charts' zip with a PNG per chart)."""

import io
import json
import zipfile

import pytest
from PIL import Image

from tests.e2e.conftest import open_page, wait_for_charts

pytestmark = pytest.mark.e2e


def test_the_export_buttons_download_the_runs_json_and_the_charts_as_html_and_png(
        page, base_url):
    open_page(page, base_url, "gen_vs_disc?preset=ngjordan.iris", timeout_s=240)
    wait_for_charts(page, 3, timeout_s=240)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Export this page").click()

    with page.expect_download(timeout=60_000) as download:
        sidebar.get_by_role("button", name="ngjordan.iris: results (.json)").click()
    payload = json.loads(download.value.path().read_text())
    assert payload["preset"] == "ngjordan.iris" and payload["config"]["data"] == "iris"
    assert {"m_star", "nb_err_final", "lr_err_final"} <= set(payload["metrics"])

    with page.expect_download(timeout=120_000) as download:   # the server draws the PNGs
        sidebar.get_by_role("button", name="Charts: 3 as HTML and PNG (.zip)").click()
    assert download.value.suggested_filename == "gen_vs_disc-charts.zip"
    with zipfile.ZipFile(download.value.path()) as zf:
        names = zf.namelist()
        pngs = [zf.read(n) for n in names if n.endswith(".png")]
    assert len([n for n in names if n.endswith(".html")]) == 3 and len(pngs) == 3, names
    for png in pngs:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size[0] >= 700
