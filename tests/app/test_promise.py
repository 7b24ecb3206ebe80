"""The promise line under a trained run: held, a seed that misses it, changed settings."""

from core import presets
from tests.app.conftest import open_page, settle

PAGE = "app_pages/gen_vs_disc.py"
PRESET = presets.get("ngjordan.digits")   # holds on 4 of 5 seeds: the page must say which


def promise_lines(app):
    """The promise's line: held (a success) or missed (a warning)."""
    return [a.value for a in (*app.success, *app.warning)
            if "Held on seed" in a.value or "promise" in a.value or "does not show" in a.value]


def test_default_seed_keeps_the_promise_and_a_missing_seed_says_so_with_a_way_back():
    missing = next(s for s in range(5) if s not in PRESET.holds_on)
    app = open_page(PAGE)
    app.selectbox(key="gen_vs_disc.data").set_value("digits")
    settle(app)
    assert any(PRESET.look_at in i.value for i in app.info)
    assert any("Held on seed 0" in line.value for line in app.success), promise_lines(app)
    assert any("crossover = 0" in c.value for c in app.caption)    # the checks, measured

    app.number_input(key="gen_vs_disc.seed").set_value(missing)
    settle(app)
    warning = [w.value for w in app.warning if "does not show it" in w.value]
    assert warning, promise_lines(app)
    assert f"it shows in {len(PRESET.holds_on)} of 5 seeds" in warning[0]
    assert f"try seed {PRESET.config.seed}" in warning[0] and "crossover" in warning[0]

    app.button(key="gen_vs_disc.promise_seed").click()
    settle(app)
    assert app.number_input(key="gen_vs_disc.seed").value == PRESET.config.seed
    assert any("Held on seed" in s.value for s in app.success), promise_lines(app)


def test_changed_settings_keep_the_look_at_and_say_what_changed_and_what_it_did():
    app = open_page(PAGE)
    app.select_slider(key="gen_vs_disc.C").set_value(0.001)
    settle(app)
    said = [i.value for i in app.info if "Your changes to" in i.value]
    assert len(said) == 1, [i.value for i in app.info]
    assert "C = prior variance of the weights w 1 → 0.001" in said[0], said[0]
    assert presets.get("ngjordan.wine").look_at in said[0]   # the explanation stays
    assert promise_lines(app) == [], promise_lines(app)   # neither held nor missed: not its run
    read = [c.value for c in app.caption if "promise still holds" in c.value
            or "Your change altered" in c.value]
    assert len(read) == 1, [c.value for c in app.caption]
