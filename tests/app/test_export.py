"""The sidebar's "Export this page" (ui/export.py) on a real page: once the page has finished,
it offers the run's JSON, which trains again to the same metrics, its arrays as an .npz, and a
zip with every chart the page shows."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core import cli
from core import export as core_export
from tests.app.conftest import APP, open_page
from tests.e2e.conftest import ci as in_ci
from ui import export, shared_figures

PAGE = "app_pages/gen_vs_disc.py"


@pytest.fixture
def downloads(monkeypatch):
    """file name -> the callable a download button would run on its click (AppTest has no
    browser to click with): the files are made on the click, so this is how a test gets them."""
    made = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name,
                        **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def test_a_finished_page_exports_a_json_that_retrains_to_its_metrics(downloads, tmp_path,
                                                                      monkeypatch, capsys):
    app = open_page(PAGE, {"preset": "ngjordan.iris"})
    keys = sorted(b.key for b in app.download_button if (b.key or "").startswith("export."))
    assert [k.split(".")[1] for k in keys] == ["charts", "json", "npz"]
    json_name = next(name for name in downloads if name.endswith(".json"))
    assert json_name.startswith("ngjordan.iris-")

    payload = json.loads(downloads[json_name]())
    assert payload["preset"] == "ngjordan.iris"
    assert payload["config"]["n_splits"] == app.slider(key="gen_vs_disc.n_splits").value

    # Its config, every field on the command line, in a fresh store: it really trains again.
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path / "fresh-store"))
    capsys.readouterr()
    sets = [arg for field, value in payload["config"].items() if field != "seed"
            for arg in ("--set", f"{field}={value}")]
    assert cli.main(["run", payload["preset"], "--seed", str(payload["config"]["seed"]),
                     *sets]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["metrics"] == payload["metrics"] and again["arrays"] == payload["arrays"]
    assert list(again) == list(payload) and again["promise"] == payload["promise"]

    npz_name = json_name.removesuffix(".json") + ".npz"
    with np.load(io.BytesIO(downloads[npz_name]()), allow_pickle=False) as npz:
        assert {"sizes", "nb_err", "lr_err"} <= set(npz.files)
        assert npz["sizes"].tolist() == payload["arrays"]["sizes"]

    with zipfile.ZipFile(io.BytesIO(downloads["gen_vs_disc-charts.zip"]())) as zf:
        names = zf.namelist()
        configs = json.loads(zf.read("config.json"))
    pages = [n for n in names if n.endswith(".html")]
    assert len(pages) == len(app.get("plotly_chart")) == 3   # curves, gap, boundaries
    assert configs[0]["config"] == payload["config"]
    assert configs[0]["preset"] == "ngjordan.iris"
    pngs = [n for n in names if n.endswith(".png")]
    if core_export.browser() is not None or in_ci():   # CI has Chromium: PNGs are made
        assert len(pngs) == len(pages) and "PNG-not-made.txt" not in names, names
    else:
        assert "PNG-not-made.txt" in names


def test_the_home_page_offers_no_export(downloads):
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not [b for b in app.download_button if (b.key or "").startswith("export.")]
    assert not downloads
    assert "Export this page" not in [e.label for e in app.expander]



def test_a_view_records_each_chart_it_draws_once_and_not_the_ones_it_builds_on():
    @shared_figures.shared
    def curve(values: tuple) -> go.Figure:
        return go.Figure(go.Scatter(y=list(values)))

    @shared_figures.shared
    def with_line(fig, level: float) -> go.Figure:
        fig = shared_figures.editable(fig)
        fig.add_hline(y=level)
        return fig

    export._take()                           # what an earlier test left in this thread
    curve((1.0, 2.0))                        # before begin(): another view's, not recorded
    export.begin()
    base = curve((3.0, 4.0))
    assert curve((3.0, 4.0)) is base         # drawn twice: one chart
    lined = with_line(base, 3.5)
    plain = curve((5.0, None))
    runs_, charts = export._take()
    assert runs_ == [] and [fig for _, fig in charts] == [lined, plain]
    assert [name for name, _ in charts] == ["with_line", "curve"]
    curve((6.0,))                            # after offer(): nothing is recorded
    assert export._take() == ([], [])
