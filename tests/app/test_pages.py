"""Every page runs under AppTest without an exception; the panel reacts to its widgets."""

import pytest

from tests.app.conftest import metric, settle
from ui.nav import PAGES


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path or "home")
def test_page_runs_without_exception(app, spec):
    app.run()
    app.switch_page(spec.path)
    settle(app)
    assert not app.exception, [e.value for e in app.exception]
    expected = spec.title if spec.url_path else "genlab"
    assert app.title[0].value == expected


def test_home_maps_every_part_of_the_lecture_and_links_the_built_pages(app):
    from ui.nav import LECTURE, PANELS

    app.run()
    assert not app.exception
    assert [s.value for s in app.subheader] == [part.title for part in LECTURE]
    # the links the page renders, each under its part's heading, against the router's pages
    links, part = {}, None
    for node in app.main:
        if node.type == "subheader":
            part = node.value
        elif node.type == "page_link":
            assert part not in links, f"two links under {part!r}"
            links[part] = (node.proto.page, node.proto.label)
    expected = {part.title: (part.page.url_path, f"Open: {part.page.title}")
                for part in LECTURE}
    assert links == expected
    assert {url for url, _ in links.values()} == {panel.url_path for panel in PANELS}


def open_panel(app):
    app.run()
    app.switch_page("app_pages/gen_vs_disc.py")
    return settle(app)


def test_gen_vs_disc_opens_on_wine_with_a_crossover(app):
    open_panel(app)
    assert app.selectbox(key="gen_vs_disc.data").value == "wine"
    assert metric(app, "m*") != "none"
    assert app.get("plotly_chart")


def test_gen_vs_disc_switching_data_set_loads_its_preset(app):
    open_panel(app)
    app.selectbox(key="gen_vs_disc.data").set_value("nb_holds")
    settle(app)
    assert not app.exception
    assert app.slider(key="gen_vs_disc.n_splits").value == 50
    assert metric(app, "m*") == "none"


def test_gen_vs_disc_prior_slider_changes_the_curves(app):
    open_panel(app)
    before = metric(app, "LR error")
    app.select_slider(key="gen_vs_disc.C").set_value(0.001)
    settle(app)
    assert not app.exception
    assert metric(app, "LR error") != before


def test_gen_vs_disc_asks_for_a_csv_without_error(app):
    open_panel(app)
    app.selectbox(key="gen_vs_disc.data").set_value("csv")
    app.run()
    assert not app.exception and not app.error
    assert any("Upload a CSV" in i.value for i in app.info)


@pytest.mark.error_expected("^The server's settings need a fix: ")
@pytest.mark.parametrize(("name", "value", "message"), [
    ("GENLAB_DEVICE", "tpu", "is not a device"),
    ("GENLAB_JOBS", "lots", "GENLAB_JOBS must be a whole number from 1 to 64"),
    ("GENLAB_STORE_MAX_MB", "-5", "GENLAB_STORE_MAX_MB"),
    ("GENLAB_JOB_WORKERS", "forks", "GENLAB_JOB_WORKERS must be processes or threads"),
])
def test_bad_environment_gets_a_sentence_not_a_traceback(app, monkeypatch, name, value,
                                                         message):
    from ui.frame import _environment

    _environment.clear()
    monkeypatch.setenv(name, value)
    try:
        app.run()
        assert not app.exception
        assert any(message in e.value for e in app.error), [e.value for e in app.error]
    finally:
        _environment.clear()


def open_latent(app, preset=None):
    app.run()
    app.switch_page("app_pages/latent.py")
    settle(app)
    if preset:
        app.selectbox(key="latent.preset").set_value(preset)
        settle(app)
    assert not app.exception
    return app


def test_latent_sparse_preset_shows_features_and_steering(app):
    open_latent(app, "ae.sparse")
    assert any("monosemanticity" in s.value for s in app.subheader)
    app.selectbox(key="latent.unit").select_index(1)   # another feature: its own slider range
    settle(app)
    assert not app.exception
    second = app.selectbox(key="latent.unit").value
    app.slider(key=f"latent.value.{second}").set_value(0.0)
    settle(app)
    assert not app.exception


def test_latent_comparison_table_measures_all_five_variants(app):
    open_latent(app)
    app.toggle(key="latent.compare").set_value(True)
    settle(app, timeout=240)
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["model"]) == ["ae.plain", "ae.denoising", "ae.dropout", "ae.sparse",
                                    "vae.digits"]
    assert table["KL (nats)"].notna().tolist() == [False, False, False, False, True]


def test_latent_denoising_preset_shows_noisy_and_clean(app):
    open_latent(app, "ae.denoising")
    assert app.slider(key="latent.noise").value == 0.3


def test_latent_probe_slider_refits_the_probe_without_retraining(app):
    open_latent(app)
    before = metric(app, "probe accuracy (pixels)")
    app.select_slider(key="latent.probe_per_class").set_value(50)
    app.run()
    assert not app.exception
    assert not app.get("progress"), "the probe's labelled images must not retrain the model"
    assert metric(app, "probe accuracy (pixels)") != before
