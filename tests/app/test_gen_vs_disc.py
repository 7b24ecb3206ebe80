"""The generative-vs-discriminative page: its ?preset= links, a CSV's names (uploader's text,
never TeX or markdown), what an upload costs and how long it is kept, and controls that show
the values the page computes with."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core import presets
from core.gen_vs_disc import tabular
from tests.app.conftest import APP, open_page, settle
from ui.gen_vs_disc import csv_upload
from ui.gen_vs_disc.panel import tex_text

PAGE = "app_pages/gen_vs_disc.py"


def link_warnings(app) -> list[str]:
    return [w.value for w in app.warning if w.value.startswith("The link asks for")]


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


def two_classes(n: int = 60) -> list[list]:
    """Rows of two numeric features and a label whose classes "a_b" and "c&d" overlap."""
    return [[(i * 7) % 11 + 3 * (i % 2), (i * 3) % 5, "a_b" if i % 2 else "c&d"] for i in range(n)]


# --- ?preset= -------------------------------------------------------------------------------

def test_a_link_to_a_data_sets_preset_opens_that_data_set():
    app = open_page(PAGE, {"preset": "ngjordan.iris"})
    assert app.selectbox(key="gen_vs_disc.data").value == "iris"
    assert not link_warnings(app)
    assert app.query_params["preset"] in ("ngjordan.iris", ["ngjordan.iris"])
    iris = presets.get("ngjordan.iris").config
    assert app.slider(key="gen_vs_disc.n_splits").value == iris.n_splits


def test_choosing_a_data_set_ends_a_bad_links_warning_and_a_csv_names_no_preset():
    app = open_page(PAGE, {"preset": "gan.collapse"})
    assert len(link_warnings(app)) == 1
    app.selectbox(key="gen_vs_disc.data").set_value("csv")
    app.run()
    assert not link_warnings(app)
    assert "preset" not in app.query_params


# --- a CSV's names --------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "tex"), [
    ("petal_length", r"\text{petal\_length}"),
    ("R&D 50%", r"\text{R\&D 50\%}"),
    ("a}b{c#", r"\text{a\}b\{c\#}"),
    ("x^2~$\\", r"\text{x\textasciicircum{}2\textasciitilde{}\$\textbackslash{}}"),
    ("two\nlines", r"\text{two lines}"),
])
def test_tex_text_escapes_tex(name, tex):
    assert tex_text(name, 40) == tex


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=40))
def test_tex_text_leaves_no_special_character_unescaped(name):
    body = tex_text(name, 40).removeprefix(r"\text{").removesuffix("}")
    rest = re.sub(r"\\(text(backslash|asciicircum|asciitilde)\{\}|[{}_#$%&])", "", body)
    assert not set(rest) & set("\\{}_^#$%&~"), (name, body)


MARKDOWN_TRAPS = ["![](http://x)", "**bold**", "[a](http://x)", "<img src=x>", "`code`",
                  ":red[red]", ":smile:", "$x^2$", "# heading", "- item", "1. item", "~~gone~~",
                  "&lt;b&gt;", "a\\*b", "www.example.com", "a|b|c", "_it_", "a@b.co",
                  "HTTPS://example.com/x", "mailto:a@b.co"]


def unescaped(text: str) -> str:
    """What CommonMark shows for text: a backslash before ASCII punctuation is dropped (and the
    word joiner that keeps an autolink text is invisible)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace(csv_upload.JOINER, "")


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.sampled_from(MARKDOWN_TRAPS), st.text(max_size=80)))
def test_plain_shows_the_text_and_escapes_every_markdown_character(text):
    shown = csv_upload.plain(text)
    assert unescaped(shown) == " ".join(text.split()).replace(csv_upload.JOINER, "")
    assert "\n" not in shown
    # every markdown character is escaped: drop the escaped pairs, none is left
    assert not re.search(r"[\\`*_{}\[\]()<>#+\-.!|~$:&^@/]",
                         re.sub(r"\\[!-/:-@\[-`{-~]", "", shown)), shown
    # no autolink of GitHub's: www. / scheme: / @ are each followed by the word joiner
    assert not re.search(r"(?i)(www\\\.|(https?|mailto|xmpp)\\:|\\@(?!\u2060))", shown), shown


@pytest.mark.error_expected(r"^Missing values in column")
def test_an_error_naming_csv_columns_shows_them_as_text(app):
    header = ["![](http://x)", "**bold**", "kind"]
    rows = [[1.0, 2.0, "a"], [None, 1.0, "b"], [2.0, None, "a"], [3.0, 1.0, "b"]]
    app.session_state["gen_vs_disc.data"] = "csv"
    app.run()
    app.switch_page(PAGE)
    app.run()
    app.get("file_uploader")[0].set_value(("odd.csv", csv_bytes(header, rows), "text/csv"))
    app.run()
    errors = [e.value for e in app.error]
    assert len(errors) == 1, errors
    assert r"\!\[\]\(http" in errors[0]
    assert r"\*\*bold\*\*" in errors[0]
    assert unescaped(errors[0]).startswith("Missing values in column(s) ![](http://x), **bold**;")


def test_odd_column_and_class_names_reach_the_equations_escaped(app):
    header = ["petal_length", "R&D 50%", "kind{x}"]
    app.run()
    app.switch_page(PAGE)
    settle(app)
    app.slider(key="gen_vs_disc.n_splits").set_value(10)
    app.selectbox(key="gen_vs_disc.data").set_value("csv")
    app.run()
    app.get("file_uploader")[0].set_value(("odd.csv", csv_bytes(header, two_classes()),
                                           "text/csv"))
    settle(app)
    bodies = " ".join(m.value for m in app.latex)
    assert r"\text{petal\_length}" in bodies and r"\text{R\&D 50\%}" in bodies
    assert r"\text{a\_b}" in bodies and r"\text{c\&d}" in bodies


# --- the upload: parsed once, rows capped, kept for a while ---------------------------------

def _csv_controls():
    import streamlit as st

    from ui.gen_vs_disc.panel import controls

    cfg = controls()
    st.write(f"config: {cfg is not None}")


def csv_app() -> AppTest:
    app = AppTest.from_function(_csv_controls, default_timeout=60)
    app.session_state["gen_vs_disc.data"] = "csv"
    app.run()
    return app


def test_reruns_do_not_parse_the_upload_again(monkeypatch):
    csv_upload.parsed.clear()
    csv_upload.problem.clear()
    calls = []
    original = tabular.read_csv_table
    monkeypatch.setattr(tabular, "read_csv_table",
                        lambda source: calls.append(1) or original(source))
    app = csv_app()
    app.get("file_uploader")[0].set_value(("t.csv", csv_bytes(["a", "b", "kind"],
                                                              two_classes()), "text/csv"))
    app.run()
    first = len(calls)
    assert "config: True" in [m.value for m in app.markdown]
    assert first <= 2   # the parse, and the full check of the label the file is used with
    for _ in range(3):
        app.run()
    assert len(calls) == first


def test_a_long_csv_uses_its_first_rows_and_says_so():
    rows = [[i % 13, i % 7, "ab"[i % 2]] for i in range(tabular.MAX_ROWS + 5_000)]
    raw = csv_bytes(["a", "b", "kind"], rows)
    app = csv_app()
    app.get("file_uploader")[0].set_value(("long.csv", raw, "text/csv"))
    app.run()
    assert "Using the first 20,000 of 25,000 rows." in [c.value for c in app.caption]
    data = tabular.from_csv(raw, "kind")
    assert len(data.y) == tabular.MAX_ROWS
    assert "20000 rows (from the first 20,000 of 25,000)" in data.description
    short = tabular.from_csv(csv_bytes(["a", "b", "kind"], rows[:100]), "kind")
    assert len(short.y) == 100 and "first" not in short.description


def test_only_the_newest_uploads_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path))
    total = csv_upload.MAX_UPLOADS + 5
    raws = [f"a,kind\n{i},x\n{i + 1},y\n".encode() for i in range(total)]
    paths = []
    for i, raw in enumerate(raws):
        paths.append(csv_upload.save_upload(raw))
        os.utime(paths[-1], (1_000 + i, 1_000 + i))   # saved one after the other
    folder = tmp_path / "uploads"
    kept = sorted(folder.glob("*.csv"))
    assert len(kept) == csv_upload.MAX_UPLOADS
    assert set(kept) == set(paths[-csv_upload.MAX_UPLOADS:])
    assert not list(folder.glob("*.tmp"))
    # the oldest kept one is in use (a rerun saves it again): it outlives the next new one
    csv_upload.save_upload(raws[5])
    new = csv_upload.save_upload(b"a,kind\n9,x\n8,y\n")
    assert paths[5].exists() and new.exists() and not paths[6].exists()
    # a dropped upload is simply written again
    again = csv_upload.save_upload(raws[0])
    assert again == paths[0] and again.read_bytes() == raws[0]
    assert len(list(folder.glob("*.csv"))) == csv_upload.MAX_UPLOADS


# --- the controls show what the page computes with ------------------------------------------

class Browser:
    """What a browser draws: a widget the run before drew keeps what it showed (the session
    agreed); one new to the page shows the value the run sent (set_value), else its default.
    ``wrong`` collects the widgets drawn at a value other than the session's."""

    KINDS = ("slider", "select_slider", "selectbox", "radio", "number_input")

    def __init__(self) -> None:
        self.drawn: set[str] = set()
        self.wrong: list[tuple[str, object]] = []

    def after(self, app: AppTest) -> None:
        drawn = set()
        for kind in self.KINDS:
            for w in app.get(kind):
                if not w.key:
                    continue
                drawn.add(w.key)
                if w.key not in self.drawn and not w.proto.set_value and not _at_default(w):
                    self.wrong.append((w.key, w.value))
        self.drawn = drawn


def _at_default(w) -> bool:
    default = w.proto.default
    if w.type == "select_slider":
        return [w.proto.options[int(i)] for i in default] == [w.format_func(w.value)]
    if w.type == "slider":
        return list(default) == [float(w.value)]
    if w.type in ("selectbox", "radio"):
        return default == w.index
    return default == w.value


@pytest.fixture
def browser(monkeypatch):
    model = Browser()
    run = AppTest.run

    def watched(self, *, timeout=None):
        result = run(self, timeout=timeout)
        model.after(self)
        return result

    monkeypatch.setattr(AppTest, "run", watched)
    return model


def test_after_an_upload_the_sliders_show_the_splits_the_text_counts(browser):
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page(PAGE)
    settle(app)
    splits = app.slider(key="gen_vs_disc.n_splits").value
    assert splits == presets.get("ngjordan.wine").config.n_splits != 10
    app.selectbox(key="gen_vs_disc.data").set_value("csv")
    app.run()
    before_a_file = {s.key for s in app.slider}
    app.get("file_uploader")[0].set_value(("t.csv", csv_bytes(["a", "b", "kind"],
                                                              two_classes()), "text/csv"))
    settle(app)
    assert f"over {splits} paired splits" in " ".join(m.value for m in app.markdown)
    assert app.slider(key="gen_vs_disc.n_splits").value == splits
    assert browser.wrong == []   # was: n_splits drawn at 10 and C at 0.001
    # the cause: with no file yet the model's controls left the page
    assert "gen_vs_disc.n_splits" in before_a_file


def test_a_feature_picked_for_the_2d_view_is_shown_when_the_view_comes_back(browser):
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page(PAGE)
    settle(app)
    x = next(s for s in app.selectbox if s.key.startswith("gen_vs_disc.x."))
    picked = 0 if x.index else 1
    x.select_index(picked)
    settle(app)
    # a run that stops before the 2-D view (here: no CSV yet; also while a job trains)
    app.selectbox(key="gen_vs_disc.data").set_value("csv")
    app.run()
    assert not [s for s in app.selectbox if s.key.startswith("gen_vs_disc.x.")]
    app.selectbox(key="gen_vs_disc.data").set_value("wine")
    settle(app)
    x = next(s for s in app.selectbox if s.key.startswith("gen_vs_disc.x."))
    assert x.index == picked
    assert browser.wrong == []
