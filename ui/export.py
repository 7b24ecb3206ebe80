"""The sidebar's "Export this page": each run's results as the JSON ``python -m core run``
writes, its arrays (the network weights among them) as an .npz, and the page's charts as
standalone HTML and PNG in one zip, with the configs of its runs.

What a page shows is recorded as it runs, in this script run only: ``runner.run`` records each
result it returns, ``shared_figures.figure`` each chart it hands out. The router calls
``begin()`` before the page and ``offer()`` after it; a page still training stops (st.stop())
before ``offer()``, so the expander shows only on a page that reached its end. The files are
made when a button is clicked (a callable as the download's data), never on a rerun:
the zip's PNGs take a browser and seconds.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from core import export, runs

# This script run's runs and charts; a thread-local, since each session's script runs in its
# own thread. None outside begin() ... offer(): a fragment's rerun or a test records nothing.
_view = threading.local()


@dataclasses.dataclass(frozen=True)
class _Run:
    key: str
    cfg: Any
    result: Any
    seconds: float   # what this view waited for it (a stored run: about 0, as the CLI's hit)

    @property
    def name(self) -> str:
        preset = export.preset_for(self.cfg)
        return preset.name if preset else runs.trainer_for(self.cfg).kind


def begin() -> None:
    """Start recording this script run's runs and charts."""
    _view.runs, _view.charts = {}, {}


def records_runs(run: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for ``ui.runner.run``: each result it returns is recorded with its config."""

    @functools.wraps(run)
    def recording(cfg: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = run(cfg, **kwargs)
        recorded = getattr(_view, "runs", None)
        if result is not None and recorded is not None:
            key = runs.key_for(cfg)
            recorded.setdefault(key, _Run(key, cfg, result, time.perf_counter() - start))
        return result

    return recording


def record_chart(builder: Callable[..., Any], fig: Any, inputs: tuple = ()) -> None:
    """Note a chart the page got from ``builder`` (a go.Figure or a SharedFigure). A recorded
    chart among its ``inputs`` is dropped: this one adds to it (the prior's circles on the
    latent map), and the page draws this one instead."""
    recorded = getattr(_view, "charts", None)
    if recorded is None:
        return
    for value in inputs:
        if id(value) in recorded and recorded[id(value)][1] is value:
            del recorded[id(value)]
    # by identity: a shared chart drawn twice on the page is one file
    recorded.setdefault(id(fig), (getattr(builder, "__name__", "chart"), fig))


def _take() -> tuple[list[_Run], list[tuple[str, Any]]]:
    found = (list((getattr(_view, "runs", None) or {}).values()),
             list((getattr(_view, "charts", None) or {}).values()))
    _view.runs = _view.charts = None
    return found


def offer(page: str) -> None:
    """The expander with the page's downloads (nothing on a page with no run and no chart)."""
    page_runs, figures = _take()
    if not page_runs and not figures:
        return
    with st.sidebar.expander("Export this page", icon=":material/download:"):
        for run in page_runs:
            stem = f"{run.name}-{run.key[:8]}"
            st.download_button(
                f"{run.name}: results (.json)", functools.partial(_run_json, run),
                file_name=f"{stem}.json", mime="application/json", on_click="ignore",
                key=f"export.json.{run.key}", icon=":material/data_object:",
                help="The run as `python -m core run --out` writes it: its config, metrics "
                     "and arrays. The config trains it again to the same metrics.")
            st.download_button(
                f"{run.name}: weights and arrays (.npz)",
                functools.partial(export.arrays_npz, run.result), file_name=f"{stem}.npz",
                mime="application/octet-stream", on_click="ignore",
                key=f"export.npz.{run.key}", icon=":material/grid_on:",
                help="Every array the run keeps, the network's weights among them where the "
                     "model keeps them; numpy.load(file, allow_pickle=False) reads it.")
        if figures:
            st.download_button(
                f"Charts: {len(figures)} as HTML and PNG (.zip)",
                functools.partial(_charts_zip, figures, [run.cfg for run in page_runs]),
                file_name=f"{page}-charts.zip", mime="application/zip", on_click="ignore",
                key="export.charts", icon=":material/bar_chart:",
                help="Each chart as a web page that works offline and as a PNG, with "
                     "config.json: the configs of the page's runs and the commands that "
                     "train them again.")
            if export.browser() is None:
                st.caption("PNGs need Chromium on the server, so the zip holds the HTML only; "
                           "each chart's camera button in its toolbar saves a PNG in the "
                           "browser.")


def _run_json(run: _Run) -> str:
    # The runs the promise compares with are read from the store, never trained here.
    return export.run_json(run.cfg, run.result, seconds=run.seconds, load=runs.load_stored)


def _charts_zip(figures: list[tuple[str, Any]], cfgs: list[Any]) -> bytes:
    # to_dict() here, on the click: a go.Figure's is a deep copy (a SharedFigure's is not)
    specs = [fig.to_dict() for _, fig in figures]
    charts = [export.Chart(export.chart_name(i, spec, builder), spec)
              for i, ((builder, _), spec) in enumerate(zip(figures, specs, strict=True), 1)]
    return export.charts_zip(charts, [export.run_config(cfg) for cfg in cfgs])
