"""A page's export (core.export): its JSON is what ``python -m core run`` prints and retrains to
the same metrics, its .npz holds the weights without pickle, and its zip holds each chart as an
HTML page with its data and as a PNG that opens."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from core import cli, export, presets, runs
from core.gan.config import GANConfig
from core.gan.seeds import EnsembleConfig

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
IRIS = presets.get("ngjordan.iris").config


def ci() -> bool:
    """In CI (CI set to anything but "", "0" or "false") nothing skips for a missing tool."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def rerun(command: str, store: Path) -> dict:
    """The exported command, run as a person would: in a fresh store, so it really trains."""
    words = shlex.split(command)
    assert words[:4] == ["python", "-m", "core", "run"], command
    out = subprocess.run([sys.executable, *words[1:]], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "GENLAB_STORE": str(store)}, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize(("cfg", "preset"), [
    (dataclasses.replace(IRIS, seed=4), "ngjordan.iris"),                   # a preset's run
    (dataclasses.replace(IRIS, n_splits=4, C=0.5, seed=2), None),           # a changed one
])
def test_an_exported_json_is_the_clis_and_retrains_to_the_same_metrics(tmp_path, cfg, preset):
    result = runs.load_or_train(cfg, store=False)
    exported = json.loads(export.run_json(cfg, result, seconds=0.5, load=lambda c: None))
    assert exported["preset"] == preset
    assert exported["config"] == dataclasses.asdict(cfg) and exported["seconds"] == 0.5

    again = rerun(export.rerun_command(cfg), tmp_path / "fresh-store")
    assert list(exported) == list(again)       # the CLI's fields, in the CLI's order
    assert again["config"] == exported["config"]
    assert again["code_version"] == exported["code_version"]
    assert again["metrics"] == exported["metrics"]
    assert again["arrays"] == exported["arrays"]
    assert again["promise"]["applies"] is (preset is not None)
    if preset is not None:   # iris's promise compares with no other run: it is measured here
        assert exported["promise"] == again["promise"]


def test_a_promise_that_needs_a_run_not_at_hand_is_null_and_nothing_trains():
    preset = next(p for p in presets.PRESETS.values() if presets.references(p))
    asked = []

    class Stub:
        def metrics(self):
            return {}

        def arrays(self):
            return {"x": np.arange(3.0)}

    payload = json.loads(export.run_json(preset.config, Stub(), seconds=0.0,
                                         load=lambda c: asked.append(c)))
    assert payload["preset"] == preset.name and payload["promise"] is None
    assert asked and payload["arrays"] == {"x": [0.0, 1.0, 2.0]}


def rebuilt(command: str):
    """The config the CLI trains for ``command``, read with the CLI's own parser."""
    args = cli.build_parser().parse_args(shlex.split(command)[3:])
    cfg = cli.apply_overrides(presets.get(args.preset).config, args.set or [])
    return cli.apply_overrides(cfg, [f"seed={args.seed}"])


def test_the_rerun_command_rebuilds_the_config_from_its_nearest_preset():
    assert export.rerun_command(IRIS) == f"python -m core run ngjordan.iris --seed {IRIS.seed}"
    changed = dataclasses.replace(IRIS, n_splits=7, C=0.1 + 0.2, test_fraction=0.25, seed=9)
    command = export.rerun_command(changed)
    assert command.startswith("python -m core run ngjordan.iris --seed 9 ")
    assert command.count("--set") == 3 and rebuilt(command) == changed   # 0.1 + 0.2 exactly
    assert export.rerun_command(EnsembleConfig(gan=GANConfig.tiny(), n_seeds=2)) is None


def test_the_npz_holds_every_array_and_the_weights_without_pickle():
    cfg = GANConfig.tiny()
    result = runs.load_or_train(cfg, store=False)
    with np.load(io.BytesIO(export.arrays_npz(result)), allow_pickle=False) as npz:
        names = set(npz.files)
        assert {"G/W0", "G/b0", "D/W0", "samples", "d_loss"} <= names
        np.testing.assert_array_equal(npz["G/W0"], result.G["W0"])
        np.testing.assert_array_equal(npz["samples"], result.samples)
    assert names == set(result.to_store()[0])


def chart() -> dict:
    fig = go.Figure(go.Scatter(x=[1.25, 2.5, 3.75], y=[31.0, 17.0, 23.0], name="NB error"))
    fig.update_layout(title={"text": "<b>Learning curves</b> of iris<br><sub>NB, LR</sub>"},
                      width=600, height=400)
    return fig.to_dict()


def test_the_zip_holds_each_chart_as_a_page_with_its_data_and_the_configs():
    configs = [export.run_config(IRIS)]
    charts = [export.Chart(export.chart_name(1, chart(), "learning_curves"), chart()),
              export.Chart(export.chart_name(2, {"data": []}, "error_gap"), {"data": []})]
    assert [c.name for c in charts] == ["01-learning-curves-of-iris", "02-error-gap"]
    with zipfile.ZipFile(io.BytesIO(export.charts_zip(charts, configs, pngs=False))) as zf:
        assert set(zf.namelist()) == {"config.json", "01-learning-curves-of-iris.html",
                                      "02-error-gap.html"}
        page = zf.read("01-learning-curves-of-iris.html").decode()
        saved = json.loads(zf.read("config.json"))
    assert page.startswith("<!doctype html>") and "1.25" in page and "NB error" in page
    assert 'src="http' not in page and len(page) > 1_000_000   # plotly.js is inside: offline
    assert saved == [{"kind": "ngjordan", "preset": "ngjordan.iris", "key": runs.key_for(IRIS),
                      "config": dataclasses.asdict(IRIS),
                      "rerun": f"python -m core run ngjordan.iris --seed {IRIS.seed}"}]


def test_without_a_browser_the_zip_keeps_the_html_and_says_why(monkeypatch):
    monkeypatch.setattr(export, "browser", lambda: None)
    charts = [export.Chart("01-curves", chart())]
    with zipfile.ZipFile(io.BytesIO(export.charts_zip(charts, []))) as zf:
        assert set(zf.namelist()) == {"config.json", "01-curves.html", "PNG-not-made.txt"}
        assert "need Chromium" in zf.read("PNG-not-made.txt").decode()


def test_a_png_from_the_zip_opens_with_the_charts_size():
    if not Path(CHROMIUM).is_file():
        if ci():
            pytest.fail(f"CI: {CHROMIUM} is missing (make chromium installs it)")
        pytest.skip(f"no {CHROMIUM}: kaleido has no browser to draw PNGs with")
    assert export.browser() is not None
    charts = [export.Chart("01-curves", chart()), export.Chart("02-empty", {"data": []})]
    with zipfile.ZipFile(io.BytesIO(export.charts_zip(charts, []))) as zf:
        assert "PNG-not-made.txt" not in zf.namelist()
        curves, empty = (Image.open(io.BytesIO(zf.read(f"{c.name}.png"))) for c in charts)
    assert curves.format == "PNG" and curves.size == (600 * export.PNG_SCALE,
                                                      400 * export.PNG_SCALE)
    assert empty.size == (700 * export.PNG_SCALE, 500 * export.PNG_SCALE)   # kaleido's default
    # the trace is drawn: more than the background's colours
    assert len(curves.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 10
