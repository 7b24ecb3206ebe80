"""Predict, then reveal (ui.predict): with "Ask the class first" on, a key experiment's page
asks before it runs, names its presets neutrally while the question is open, and answers
after the run; the answer agrees with the run's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

from core import presets, runs
from core.diffusion.schedules import ALPHA_BAR_T_MAX, make_schedule
from tests.app.conftest import open_page, settle

PAGES = {   # page: (script, link, the question's start, an answer it can give)
    "gan": ("app_pages/gan.py", {"preset": "gan.collapse"}, "Will this GAN collapse?",
            "one or two"),
    "gen_vs_disc": ("app_pages/gen_vs_disc.py", {}, "Where will the curves cross?",
                    "naive Bayes leads throughout"),
    "diffusion": ("app_pages/diffusion.py", {}, "what is left in x_T?", "pure noise"),
}


def question(app) -> list[str]:
    return [m.value for m in app.markdown if m.value.startswith("**Predict, then reveal.**")]


def answers(app) -> list[str]:
    return [a.value for a in (*app.success, *app.warning, *app.info)
            if "You guessed" in a.value or "The answer:" in a.value]


@pytest.mark.parametrize("page", PAGES)
def test_the_page_asks_before_it_runs_and_answers_after(page):
    path, link, asks, guess = PAGES[page]
    app = open_page(path, {**link, f"{page}.predict": "true"})
    assert len(question(app)) == 1 and asks in question(app)[0], question(app)
    assert not app.get("plotly_chart") and not app.metric, "the run shows before the reveal"
    assert not answers(app)
    app.radio(key=f"{page}.guess").set_value(guess)
    app.button(key=f"{page}.reveal").click()
    settle(app, timeout=240)
    assert not question(app)
    said = answers(app)
    assert len(said) == 1 and f"You guessed “{guess}”" in said[0], said
    assert app.get("plotly_chart")


def test_the_gan_answer_is_the_runs_mode_count_as_the_page_shows_it():
    app = open_page("app_pages/gan.py", {"preset": "gan.collapse", "gan.predict": "1"})
    app.button(key="gan.reveal").click()
    settle(app, timeout=240)
    covered = runs.load_or_train(presets.get("gan.collapse").config).modes_covered
    said = answers(app)
    assert len(said) == 1 and said[0].startswith("**The answer: ")
    assert f"covers {covered:.0f} of the 8" in said[0]
    assert any(f"{covered:.0f} of 8" == m.value for m in app.metric)   # the page's own count


def test_the_diffusion_answer_is_the_schedules_alpha_bar():
    app = open_page("app_pages/diffusion.py", {"diffusion.predict": "true"})
    cfg = presets.get("diffusion.ring").config
    app.radio(key="diffusion.guess").set_value("the data still shows")
    app.button(key="diffusion.reveal").click()
    settle(app, timeout=240)
    noise = make_schedule(cfg.schedule, cfg.T).alpha_bar[-1] <= ALPHA_BAR_T_MAX
    said = answers(app)
    assert len(said) == 1
    assert ("the run says “pure noise”" in said[0]) == noise, said[0]


def test_preset_names_are_neutral_while_the_question_is_open_and_a_new_preset_asks_again():
    app = open_page("app_pages/gan.py", {"gan.predict": "true"})
    picker = app.selectbox(key="gan.preset")
    assert "Mode collapse" not in picker.options and "Setting 2" in picker.options
    app.button(key="gan.reveal").click()
    settle(app, timeout=240)
    assert "Mode collapse" in app.selectbox(key="gan.preset").options
    app.selectbox(key="gan.preset").set_value("gan.collapse")
    settle(app, timeout=240)
    assert len(question(app)) == 1
    assert "Mode collapse" not in app.selectbox(key="gan.preset").options


def test_without_the_switch_the_page_runs_at_once_and_asks_nothing():
    app = open_page("app_pages/gan.py")
    assert not question(app) and not answers(app) and app.get("plotly_chart")


@pytest.mark.parametrize(("covered", "expected"), [(8, "all of them"), (5, "some, not all"),
                                                   (3, "some, not all"), (2, "one or two"),
                                                   (1, "one or two"), (0, "none")])
def test_the_gan_question_has_an_answer_for_every_count_of_modes(covered, expected):
    from ui.gan.panel import GUESSES, answer

    assert answer(8, covered) == expected and expected in GUESSES


def curves(lr_minus_nb, m_star=None):
    from types import SimpleNamespace

    diff = np.array(lr_minus_nb, dtype=float)
    nb = np.full((3, len(diff)), 0.2)
    return SimpleNamespace(sizes=np.arange(10, 10 * len(diff) + 1, 10), nb_err=nb,
                           lr_err=nb + diff, m_star=m_star)


@pytest.mark.parametrize(("diff", "m_star", "expected"), [
    ([-0.1, -0.1, -0.1], 10, "logistic regression leads from the smallest m"),
    ([0.1, 0.05, -0.1], 30, "naive Bayes leads, then logistic regression overtakes it"),
    ([0.1, 0.05, 0.0], None, "naive Bayes leads throughout"),
    ([-0.05, -0.01, 0.1], None, "neither stays ahead"),
    ([0.1, -0.01, 0.1], None, "neither stays ahead"),
])
def test_the_crossover_answer_reads_the_curves_at_every_m(diff, m_star, expected):
    from ui.gen_vs_disc.panel import answer

    assert answer(curves(diff, m_star))[0] == expected


def test_switching_the_question_on_hides_the_presets_name_at_once_and_in_the_address():
    app = open_page("app_pages/gan.py", {"preset": "gan.collapse"})
    assert "Mode collapse" in app.selectbox(key="gan.preset").options
    app.toggle(key="gan.predict").set_value(True)
    settle(app, timeout=240)
    assert "Mode collapse" not in app.selectbox(key="gan.preset").options
    assert "preset" not in app.query_params
    app.button(key="gan.reveal").click()
    settle(app, timeout=240)
    assert app.query_params["preset"] in ("gan.collapse", ["gan.collapse"])


def test_data_without_modes_asks_nothing_and_names_its_presets():
    app = open_page("app_pages/gan.py", {"gan.predict": "true", "gan.data": "moons",
                                         "gan.steps": "500"})
    assert not question(app)
    assert "Mode collapse" in app.selectbox(key="gan.preset").options
