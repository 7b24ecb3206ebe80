"""The compare page under AppTest: the lecture's table with verdicts, the sentence a
disagreement gets, predict-then-reveal, the KL sliders, the links. Most tests draw the page
on made-up comparison results (``fake``), so each verdict's path is chosen, not hoped for;
one opens it on the real run of its default preset."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import presets, toy2d
from core.compare.config import FAMILIES, CompareConfig
from core.compare.table import Verdict, winners
from core.compare.train import CompareResult
from tests.app.conftest import open_page
from ui import runner
from ui.compare import text

PAGE = "app_pages/compare.py"
SHARP = {"vae": 0.25, "gan": 0.6, "diffusion": 0.8}


def fake(data: str = "ring", gan_modes: float = 8.0) -> CompareResult:
    """A comparison result with chosen numbers: every family covers every mode, unless
    ``gan_modes`` says otherwise (the lecture's "Collapse" then agrees)."""
    total = 8.0 if data == "ring" else 10.0
    seeds, scales = CompareConfig(data=data).members()
    rng = np.random.default_rng(0)
    if data == "ring":
        reference = toy2d.sample("ring", 1000, 1)
        samples = {f: (toy2d.sample("ring", 1000, i + 2) + rng.normal(0, 0.3 * (f == "vae"),
                                                                      (1000, 2))
                       ).astype(np.float32) for i, f in enumerate(FAMILIES)}
    else:
        reference = rng.random((360, 8, 8)).astype(np.float32)
        samples = {f: rng.random((1000, 8, 8)).astype(np.float32) for f in FAMILIES}
    modes = {"vae": total, "gan": gan_modes, "diffusion": total}
    values: dict = {"modes_total": total, "mmd2_floor": -0.004}
    for f in FAMILIES:
        values.update({f"{f}.modes_covered": modes[f], f"{f}.hq_fraction": 0.8,
                       f"{f}.mmd2": 0.02, f"{f}.sharpness": SHARP[f], f"{f}.train_seconds": 12.0,
                       f"{f}.sample_seconds": 0.01, f"{f}.robust_share": 1.0 if f != "gan"
                       else 0.5, f"{f}.modes_covered_min": modes[f],
                       f"{f}.nll_bound": None if f == "gan" else 1.5})
    member_modes = {f: np.where(np.arange(len(seeds)) % 2, total - 1, modes[f]).astype(float)
                    for f in FAMILIES}
    if data == "digits":   # the diffusion model: its own learning rate only
        member_modes["diffusion"][2:] = np.nan
    return CompareResult(data=data, samples=samples, reference=reference,
                         member_seed=np.array(seeds), member_lr_scale=np.array(scales),
                         member_modes=member_modes,
                         member_hq={f: np.full(len(seeds), 0.8) for f in FAMILIES},
                         values=values)


@pytest.fixture
def faked(monkeypatch):
    """The page's comparison comes from ``fake``: the run asked for is recorded, and the
    GAN's modes can be set per test (``faked["gan_modes"] = 3``)."""
    state = {"gan_modes": 8.0, "asked": []}

    def run(cfg, **_):
        state["asked"].append(cfg)
        return fake(cfg.data, state["gan_modes"])

    monkeypatch.setattr(runner, "run", run)
    return state


def open_compare(query: dict | None = None) -> AppTest:
    return open_page(PAGE, query)


def reveal(app: AppTest, modes: str | None = None, sharpness: str | None = None) -> AppTest:
    if modes:
        app.radio(key="compare.guess_modes").set_value(modes)
    if sharpness:
        app.radio(key="compare.guess_sharpness").set_value(sharpness)
    app.button(key="compare.reveal").click()
    app.run()
    return app


def markdowns(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown]


def the_table(app: AppTest) -> str:
    return next(m for m in markdowns(app) if m.startswith("|  | VAE | GAN | Diffusion |")
                and "What we specify" in m)


def chart_titles(app: AppTest) -> list[str]:
    return [json.loads(c.proto.spec).get("layout", {}).get("title", {}).get("text", "")
            for c in app.get("plotly_chart")]


# ---------------------------------------------------------------- the words, as functions

def test_a_disagreement_gets_a_plain_sentence_that_calls_it_a_finding():
    verdict = Verdict("Modes", "gan", "Collapse", "8 of 8 modes", False)
    sentence = text.finding(verdict, "ring")
    assert sentence.startswith("**A finding, not a failure.**")
    assert "the GAN's modes: *Collapse*" in sentence and "8 of 8 modes" in sentence
    assert "8-Gaussian ring" in sentence and "does not agree" in sentence


def test_findings_come_only_from_disagreements():
    agreeing = fake(gan_modes=5.0).metrics()
    assert text.findings(agreeing, "ring") == []
    disagreeing = text.findings(fake(gan_modes=8.0).metrics(), "ring")
    assert len(disagreeing) == 1 and "GAN's modes" in disagreeing[0]


def test_the_table_keeps_the_lectures_words_and_hides_the_measurements_until_revealed():
    metrics = fake().metrics()
    hidden, shown = text.table(metrics, False), text.table(metrics, True)
    for table in (hidden, shown):
        assert "Minimax fooling discriminator" in table and "*Collapse*" in table
        assert "p\\_θ(x\\|z)" in table       # a | in the lecture's text does not split a cell
        assert all(line.count(" | ") == 3 for line in table.splitlines()[2:])
    assert "→ ?" in hidden and "✓" not in hidden and "✗" not in hidden
    assert "*Collapse* → 8 of 8 modes ✗" in shown and "*Covering* → 8 of 8 modes ✓" in shown
    assert "*not claimed* → sharpness 0.80" in shown


def test_an_answer_says_who_won_and_whether_the_guess_was_right():
    metrics = fake(gan_modes=5.0).metrics()
    won = winners(metrics)
    assert won == {"modes": ["vae", "diffusion"], "sharpness": ["diffusion"]}
    sentence, right = text.answer("modes", "vae", won, metrics)
    assert right is True and "a tie" in sentence and "8 of 8" in sentence
    sentence, right = text.answer("sharpness", "vae", won, metrics)
    assert right is False and sentence.startswith("The diffusion model draws the sharpest")
    assert text.answer("sharpness", None, won, metrics)[1] is None


def test_the_other_numbers_carry_units_and_the_gan_has_no_bound():
    table = text.numbers(fake().metrics(), {"vae": 6, "gan": 6, "diffusion": 6})
    assert "1.5 nats per dimension" in table and "12.0 s (6 runs at once)" in table
    assert "none\\: log p\\_θ(x) is never evaluated" in table
    assert "floor\\: -0.004" in table


def test_the_kl_sentences_tie_each_direction_to_its_family():
    kl = {"covering_fit_std": 5.0, "seeking_fit_std": 1.0}
    covering, seeking = text.kl_sentences(kl, 3, fake().metrics())
    assert "VAE's direction" in covering and "all 3 modes" in covering
    assert "Measured above, the VAE covered 8 of 8 modes" in covering
    assert "GAN's direction" in seeking and "settles on one mode" in seeking
    close = text.kl_sentences({"covering_fit_std": 2.2, "seeking_fit_std": 2.0}, 2, None)
    assert "still spans the modes" in close[1] and "measured above" not in close[1]


# ---------------------------------------------------------------- the page

def test_the_page_opens_on_the_ring_with_the_lectures_words_and_hides_the_answers(faked):
    app = open_compare()
    assert app.selectbox(key="compare.preset").value == "compare.ring"
    assert faked["asked"][-1] == CompareConfig(data="ring")
    table = the_table(app)
    assert "Minimax fooling discriminator" in table and "→ ?" in table
    assert app.radio(key="compare.guess_modes").value is None
    assert not any("finding" in i.value for i in app.info)
    titles = chart_titles(app)
    assert not any("samples of each family" in t for t in titles)   # no answer before the reveal
    assert any("fitted to Q both ways" in t for t in titles)


def test_reveal_answers_the_guesses_and_fills_the_table(faked):
    faked["gan_modes"] = 3.0
    app = reveal(open_compare(), modes="vae", sharpness="gan")
    assert not app.exception
    assert any("You guessed the VAE: right" in s.value for s in app.success)
    assert any("You guessed the GAN: not this time" in i.value for i in app.info)
    table = the_table(app)
    assert "*Collapse* → 3 of 8 modes ✓" in table and "→ ?" not in table
    assert not any("A finding" in i.value for i in app.info), "every claim agrees here"
    assert not app.radio, "the guesses are answered now, not open to change"
    titles = chart_titles(app)
    assert any("samples of each family" in t for t in titles)
    assert any("Modes covered by each run" in t for t in titles)
    assert any("nats per dimension" in m for m in markdowns(app))
    app.run()                                                    # a rerun keeps all of it
    assert any("You guessed the VAE: right" in s.value for s in app.success)


def test_a_run_that_disagrees_with_the_lecture_says_so_in_a_sentence(faked):
    app = reveal(open_compare())
    assert "*Collapse* → 8 of 8 modes ✗" in the_table(app)
    findings = [i.value for i in app.info if "A finding, not a failure" in i.value]
    assert len(findings) == 1 and "GAN's modes" in findings[0]
    assert any("You did not guess" in i.value for i in app.info)


def test_the_kl_sliders_refit_at_once(faked):
    app = open_compare()
    before = app.table[0].value.copy()
    start = presets.get("compare.kl").config          # the sliders open on the KL preset
    assert app.slider(key="compare.kl_modes").value == start.modes
    assert app.slider(key="compare.kl_separation").value == start.separation
    app.slider(key="compare.kl_modes").set_value(4 if start.modes != 4 else 3)
    app.slider(key="compare.kl_separation").set_value(9.0)
    app.run()
    assert not app.exception and not app.get("progress")       # no job: fitted in the page
    after = app.table[0].value
    assert not after.equals(before)
    stds = after["P_θ's std"].astype(float)
    assert stds.iloc[0] > 2 * stds.iloc[1], "the covering fit spreads, the seeking one sits"
    assert any(f"({4 if start.modes != 4 else 3} modes of std 1, 9 apart)" in t
               for t in chart_titles(app))
    assert any("settles on one mode" in m for m in markdowns(app))


def test_the_digits_preset_draws_image_grids_and_warns_about_the_bounds(faked):
    app = reveal(open_compare({"preset": "compare.digits"}))
    assert app.selectbox(key="compare.preset").value == "compare.digits"
    assert faked["asked"][-1].data == "digits"
    assert any("held-out digits" in t for t in chart_titles(app))
    assert any("not on one scale" in c.value for c in app.caption)
    assert "*not claimed* → the worst seed" in the_table(app)   # diffusion: seeds only
    assert "*Relatively robust* → the worst seed" in the_table(app)


def test_a_bad_link_gets_a_sentence_and_the_default_preset(faked):
    app = open_compare({"preset": "compare.nonsense"})
    assert app.selectbox(key="compare.preset").value == "compare.ring"
    assert any("compare.nonsense" in w.value and "compare.ring" in w.value
               for w in app.warning)


def test_the_page_opens_on_its_default_run():
    """The real compare.ring run (from the store when a test or `make warm` trained it)."""
    app = open_compare()
    assert app.selectbox(key="compare.preset").value == "compare.ring"
    reveal(app)
    assert not app.exception
    assert "→ ?" not in the_table(app) and "✓" in the_table(app)
    assert any("Held on seed 0" in s.value for s in app.success)
    assert len(app.get("plotly_chart")) >= 4     # samples, spread, KL fits, KL progress
