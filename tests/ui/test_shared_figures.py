"""ui.shared_figures: a finished run's figure is built once, every session gets that object,
the cache stays bounded, and Streamlit serialises the shared figure as the one it replaces."""

import json
import threading
import time

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from ui import shared_figures
from ui.shared_figures import FigureCache, SharedFigure, figure, shared, unshared


@pytest.fixture(autouse=True)
def small_cache(monkeypatch):
    cache = FigureCache(max_entries=8, probation=2)
    monkeypatch.setattr(shared_figures, "CACHE", cache)
    return cache


class Builder:
    """A figure builder that counts its calls."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls, self.delay = 0, delay

    def __call__(self, y, title: str = "t", model: object = None) -> go.Figure:
        self.calls += 1
        time.sleep(self.delay)
        y = y["y"] if isinstance(y, dict) else y
        return go.Figure(go.Scatter(y=np.asarray(y, dtype=float)), layout={"title": title})


def test_same_run_key_twice_is_the_same_figure_built_once():
    build = Builder()
    first = figure("run-a", build, np.arange(3))
    again = figure("run-a", build, np.arange(3))
    assert isinstance(first, SharedFigure)
    assert again is first and build.calls == 1
    # plain arguments are part of the key; the run's data are named by the run key
    assert figure("run-a", build, np.arange(3), title="other") is not first
    assert figure("run-b", build, np.arange(3)) is not first
    assert build.calls == 3


def test_without_a_run_key_the_arguments_content_is_the_key():
    build = Builder()
    chart = shared(build)
    first = chart({"y": np.arange(4.0)}, title="loss")
    assert chart({"y": np.arange(4.0)}, title="loss") is first   # equal content, new arrays
    assert chart({"y": np.arange(4.0) + 1}, title="loss") is not first
    assert chart({"y": np.arange(4.0)}, title="loss", run_key="run-a") is not first
    assert build.calls == 3


def test_the_cache_is_bounded(small_cache):
    build = Builder()
    for i in range(20):               # each asked for once: only the probation segment holds them
        figure(f"run-{i}", build, [i])
    assert len(small_cache) == 2
    for i in range(20):               # each asked for twice: at most max_entries stay
        figure(f"twice-{i}", build, [i])
        figure(f"twice-{i}", build, [i])
    assert len(small_cache) == 8
    calls = build.calls
    figure("twice-0", build, [0])     # the oldest went first and is built again
    figure("twice-19", build, [19])   # the newest is still there
    assert build.calls == calls + 1


def test_figures_asked_for_once_do_not_push_out_a_finished_runs_figures():
    build, live = Builder(), Builder()
    kept = figure("finished", build, [1, 2])
    assert figure("finished", build, [1, 2]) is kept           # a second view: protected
    for tick in range(50):                                      # a live chart: new data per tick
        shared(live)(np.arange(tick + 1))
    assert figure("finished", build, [1, 2]) is kept and build.calls == 1


def test_sessions_asking_at_once_build_it_once():
    build = Builder(delay=0.2)
    got, start = [], threading.Barrier(8)

    def session():
        start.wait()
        got.append(figure("run-a", build, [1, 2, 3]))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert build.calls == 1 and len(got) == 8 and all(f is got[0] for f in got)


def test_streamlit_takes_the_shared_dict_and_serialises_the_same_chart():
    from ui.gan import charts as charts_gan

    steps = np.arange(0, 500, 50)
    history = {"step": steps, "d_loss": np.log(4) + 0.1 / (1 + steps),
               "g_loss": np.log(2) + np.sin(steps / 80.0)}
    original = charts_gan.losses.__wrapped__(history, "nonsaturating", smoothing=0.1)
    sharedfig = charts_gan.losses(history, "nonsaturating", smoothing=0.1)
    assert isinstance(sharedfig, SharedFigure)
    # what st.plotly_chart does with it: no validation, no copy
    as_dict = plotly.tools.return_figure_from_figure_or_data(sharedfig, validate_figure=True)
    assert as_dict is sharedfig.to_dict()
    assert json.loads(pio.to_json(as_dict, validate=False)) == json.loads(pio.to_json(original))


def test_a_shared_figure_cannot_be_changed():
    fig = figure("run-a", Builder(), [1, 2])
    with pytest.raises(AttributeError):
        fig.update_layout(height=100)


def test_a_builder_that_adds_to_a_shared_figure_starts_from_a_copy():
    from ui.latent import charts as charts_latent

    images = np.linspace(0, 1, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    base = charts_latent.image_mosaic(images, "mosaic")
    circled = charts_latent.add_prior_circles(base)
    assert len(circled.to_dict()["data"]) == len(base.to_dict()["data"]) + 2
    assert charts_latent.add_prior_circles(base) is circled
    plain = charts_latent.add_prior_circles.__wrapped__(
        charts_latent.image_mosaic.__wrapped__(images, "mosaic"))
    assert json.loads(pio.to_json(circled, validate=False)) == json.loads(pio.to_json(plain))


def test_live_charts_and_unkeyable_arguments_are_built_each_time(small_cache):
    build = Builder()
    with unshared():
        first = figure(None, build, [1, 2])
        assert isinstance(first, go.Figure) and figure(None, build, [1, 2]) is not first
    figure(None, build, [1, 2], model=object())   # e.g. a torch model: no key for it
    figure(None, build, [1, 2], model=object())
    assert build.calls == 4 and len(small_cache) == 0


def presenting(monkeypatch, on: bool = True) -> None:
    monkeypatch.setattr(shared_figures.present, "on", lambda: on)


def sizes(spec) -> list[float]:
    """Every font size in a figure's dict, depth first."""
    if isinstance(spec, dict):
        own = [v["size"] for k, v in spec.items() if k.endswith("font") and isinstance(v, dict)
               and "size" in v]
        return own + [s for v in spec.values() for s in sizes(v)]
    if isinstance(spec, list):
        return [s for v in spec for s in sizes(v)]
    return []


def charted(build: Builder, *args) -> go.Figure:
    fig = build(*args)
    fig.update_layout(font_size=15, height=400, margin={"l": 70, "t": 80},
                      annotations=[{"text": "a", "font": {"size": 14}}])
    return fig


def test_presenter_mode_draws_type_margins_and_height_larger_and_shares_that_figure(monkeypatch):
    build = Builder()
    plain = figure("run-a", charted, build, np.arange(3)).to_dict()
    presenting(monkeypatch)
    shown = figure("run-a", charted, build, np.arange(3))
    big = shown.to_dict()
    scale = shared_figures.present.SCALE
    assert sorted(sizes(big)) == sorted(round(s * scale, 1) for s in sizes(plain)), big["layout"]
    assert big["layout"]["height"] == round(400 * scale)
    assert big["layout"]["margin"]["l"] == round(70 * scale)
    assert big["layout"]["margin"]["b"] == round(80 * scale)   # plotly's default, scaled
    assert big["data"][0]["y"]["bdata"] is plain["data"][0]["y"]["bdata"]   # data not copied
    assert plain["layout"]["height"] == 400 and sizes(plain) == [15, 14]   # nor changed
    assert figure("run-a", charted, build, np.arange(3)) is shown and build.calls == 1


def test_a_figure_built_on_a_larger_one_is_not_made_larger_twice(monkeypatch):
    presenting(monkeypatch)
    base = figure("run-a", charted, Builder(), np.arange(3))

    def with_line(fig):
        return shared_figures.editable(fig).add_hline(y=1)

    added = figure("run-a", with_line, base).to_dict()
    assert added["layout"]["height"] == base.to_dict()["layout"]["height"]
    assert sizes(added) == sizes(base.to_dict())


def test_a_live_chart_is_larger_only_where_it_is_shown(monkeypatch):
    presenting(monkeypatch)
    with unshared():
        live = figure("run-a", charted, Builder(), np.arange(3))
    assert isinstance(live, go.Figure) and live.layout.height == 400   # its watchers share it
    shown = shared_figures.as_shown(SharedFigure(live))
    assert shown.to_dict()["layout"]["height"] == round(400 * shared_figures.present.SCALE)
    presenting(monkeypatch, on=False)
    assert shared_figures.as_shown(live) is live
