"""A page's results as files: a run as the JSON ``python -m core run`` prints, its arrays (the
network weights among them) as an .npz, and charts as standalone HTML and PNG in one zip.

Plain Python: the Streamlit side is ui/export.py. Charts come as plotly's figure dicts, so a
figure shared by every session (ui.shared_figures) is read, never copied or changed.

PNGs are drawn by kaleido, which drives a Chromium already on the machine (Debian's
/usr/bin/chromium here) with the plotly.js that plotly ships: nothing is fetched, so it works
offline. ``browser()`` says which Chromium; without one there are no PNGs, only the HTML.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import re
import shlex
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import plotly.io as pio

from core import presets, runs
from core.cli import run_payload, run_promise, to_json
from core.store import _write_npz

PNG_SCALE = 2         # pixels per layout pixel: sharp on a projector and in slides
PNG_TIMEOUT_S = 60    # for one chart; a film's first frame takes about a second
# One Chromium at a time per server: a class clicking "charts" at once queues instead of
# starting thirty browsers on a two-core machine.
_RENDERING = threading.Lock()


@dataclasses.dataclass(frozen=True)
class Chart:
    """One chart of a page: a file name stem (no extension) and plotly's figure dict."""

    name: str
    spec: dict


# --- runs -------------------------------------------------------------------------------------

def preset_for(cfg: Any) -> presets.Preset | None:
    """The preset whose run ``cfg`` is (any seed), or None for a config the page changed."""
    return next((p for p in presets.PRESETS.values()
                 if type(p.config) is type(cfg) and presets.is_preset_run(p, cfg)), None)


class _NotAtHand(LookupError):
    pass


def run_json(cfg: Any, result: Any, *, seconds: float,
             load: Callable[[Any], Any | None]) -> str:
    """The run as ``python -m core run --out`` writes it. ``preset``: the preset whose run this
    is, else null; ``promise``: as the CLI reports it when the runs it compares with are at
    hand (``load(cfg)`` gives a result or None; nothing trains here), else null."""
    preset = preset_for(cfg)
    metrics = to_json(result.metrics())
    promise = None
    if preset is not None:
        def at_hand(other: Any) -> Any:
            found = load(other)
            if found is None:
                raise _NotAtHand
            return found

        try:
            promise = run_promise(preset, cfg, metrics, at_hand)
        except _NotAtHand:
            promise = None
    payload = run_payload(preset.name if preset else None, cfg, result, seconds=seconds,
                          metrics=metrics, promise=promise)
    return json.dumps(payload) + "\n"


def rerun_command(cfg: Any) -> str | None:
    """The shell command that trains ``cfg`` again: ``python -m core run`` on the preset of its
    kind it differs least from, with ``--set`` for each field that differs (the seed as
    ``--seed``). None for a config of a type no preset has (the GAN page's ensemble of seeds).
    """
    def changes(preset: presets.Preset) -> list[str]:
        return [f"{f.name}={getattr(cfg, f.name)}"   # str(0.1) is the float's repr
                for f in dataclasses.fields(cfg)
                if f.name != "seed" and getattr(cfg, f.name) != getattr(preset.config, f.name)]

    kin = [p for p in presets.PRESETS.values() if type(p.config) is type(cfg)]
    if not kin:
        return None
    base = min(kin, key=lambda p: len(changes(p)))   # the first of equals: the page's order
    words = ["python", "-m", "core", "run", base.name, "--seed", str(cfg.seed)]
    for change in changes(base):
        words += ["--set", change]
    return shlex.join(words)


def arrays_npz(result: Any) -> bytes:
    """Every array the run keeps (the store's own split: weights as ``G/W0``, ``weights/...``
    where the model keeps them), as an .npz that ``np.load(..., allow_pickle=False)`` reads."""
    arrays, _ = result.to_store()
    out = io.BytesIO()
    _write_npz(out, arrays)
    return out.getvalue()


# --- charts -----------------------------------------------------------------------------------

def chart_name(index: int, spec: dict, fallback: str) -> str:
    """``03-learning-curves``: its place on the page and its title's first line (else
    ``fallback``)."""
    title = spec.get("layout", {}).get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else str(title or "")
    text = re.sub(r"<[^>]*>", " ", re.split(r"<br\s*/?>", text)[0])   # <b>, <sub>, ...
    slug = re.sub(r"[^a-z0-9]+", "-", (text or fallback).lower()).strip("-")[:60]
    return f"{index:02d}-{slug or 'chart'}"


def chart_html(spec: dict) -> str:
    """A page that shows the chart anywhere, offline: plotly.js is inside it (about 4.6 MB)."""
    return pio.to_html(spec, include_plotlyjs=True, full_html=True, validate=False)


@functools.cache
def browser() -> str | None:
    """The Chromium kaleido draws with: ``BROWSER_PATH``, else the first Chromium or Chrome on
    the PATH (choreographer's own search, with its download folder skipped: nothing is
    fetched); None when there is none or kaleido is not installed."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    found = Chromium.find_browser(skip_local=True)
    return found if found and Path(found).is_file() else None


def chart_pngs(specs: Sequence[dict]) -> list[bytes]:
    """Each chart as a PNG, drawn by one Chromium; RuntimeError when there is no browser."""
    path = browser()
    if path is None:
        raise RuntimeError("PNGs need Chromium (or Chrome) on the server.")
    import kaleido  # late: only the charts' zip needs it

    with _RENDERING, tempfile.TemporaryDirectory(prefix="genlab-png-") as folder:
        files = [Path(folder) / f"{i}.png" for i in range(len(specs))]
        # mathjax=False: no chart uses TeX, and the default would be fetched from a CDN
        kaleido.write_fig_from_object_sync(
            [{"fig": spec, "path": file, "opts": {"format": "png", "scale": PNG_SCALE}}
             for spec, file in zip(specs, files, strict=True)],
            kopts={"path": path, "mathjax": False, "timeout": PNG_TIMEOUT_S},
            cancel_on_error=True)
        return [file.read_bytes() for file in files]


def charts_zip(charts: Sequence[Chart], configs: list[dict], *, pngs: bool = True) -> bytes:
    """A zip with each chart as ``NAME.html`` (and ``NAME.png`` when ``pngs`` and a browser
    draws them), and ``config.json``: the configs of the page's runs. A PNG that cannot be
    drawn leaves a ``PNG-not-made.txt`` that says why; the HTML is there regardless."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", json.dumps(configs, indent=2) + "\n")
        for chart in charts:
            zf.writestr(f"{chart.name}.html", chart_html(chart.spec))
        if pngs and charts:
            try:
                images = chart_pngs([c.spec for c in charts])
            except Exception as err:   # no browser, a browser that crashed or timed out
                zf.writestr("PNG-not-made.txt",
                            f"The PNGs could not be drawn here ({err}). Each chart's HTML file "
                            "has a camera button in its toolbar that saves a PNG.\n")
            else:
                for chart, image in zip(charts, images, strict=True):
                    zf.writestr(f"{chart.name}.png", image)
    return out.getvalue()


def run_config(cfg: Any) -> dict:
    """A run's entry in config.json: its kind, preset, config and the command that retrains it."""
    preset = preset_for(cfg)
    return {"kind": runs.trainer_for(cfg).kind, "preset": preset.name if preset else None,
            "key": runs.key_for(cfg), "config": runs.config_dict(cfg),
            "rerun": rerun_command(cfg)}
