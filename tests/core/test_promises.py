"""Promises as checks on a run's metrics (core.promises) and every preset's four texts."""

import pytest

from core import presets
from core.promises import SEEDS, Check, checks, keep, missed


def test_check_parses_a_number_or_a_metric_name():
    assert Check.parse("modes_covered >= 8") == Check("modes_covered", ">=", 8.0)
    assert Check.parse("probe_accuracy > pixel_probe_accuracy").value == "pixel_probe_accuracy"
    assert Check.parse("sharpness < sharpness@diffusion.digits_cfg").reference == (
        "diffusion.digits_cfg")
    assert Check.parse("modes_covered >= 8").reference is None


@pytest.mark.parametrize("text", ["modes_covered 8", "modes_covered => 8", "a >= 1 2", ""])
def test_check_parse_rejects_what_is_not_metric_op_value(text):
    with pytest.raises(ValueError, match="is not a check"):
        Check.parse(text)


def test_check_rejects_an_unknown_operator():
    with pytest.raises(ValueError, match="op='!='"):
        Check("a", "!=", 1.0)


@pytest.mark.parametrize(("op", "observed", "held"), [
    (">=", 8, True), (">=", 7.9, False), (">", 8, False), ("<=", 8, True), ("<", 8, False),
    ("==", 8, True), ("==", 7, False)])
def test_check_compares_the_observed_metric_with_its_value(op, observed, held):
    out = Check("m", op, 8.0).observe({"m": observed})
    assert out == {"metric": "m", "op": op, "value": 8.0, "observed": observed, "held": held}


@pytest.mark.parametrize("observed", [None, float("nan"), float("inf"), "high"])
def test_check_fails_on_a_missing_or_non_finite_metric(observed):
    assert not Check("m", "<=", 1.0).observe({"m": observed})["held"]
    assert not Check("m", "<=", 1.0).observe({})["held"]


def test_check_against_another_metric_and_another_presets_run():
    probe = Check.parse("codes > pixels")
    assert probe.observe({"codes": 0.8, "pixels": 0.7})["held"]
    assert probe.observe({"codes": 0.8, "pixels": 0.7})["value_observed"] == 0.7
    assert not probe.observe({"codes": 0.6, "pixels": 0.7})["held"]
    assert not probe.observe({"codes": 0.8})["held"]              # the bound is missing
    latent = Check.parse("sharpness < sharpness@other.preset")
    assert latent.observe({"sharpness": 0.5}, {"other.preset": {"sharpness": 0.9}})["held"]
    assert not latent.observe({"sharpness": 0.5}, {"other.preset": {"sharpness": 0.4}})["held"]
    assert not latent.observe({"sharpness": 0.5})["held"]          # no reference run given


def test_keep_holds_only_when_every_check_holds_and_names_what_was_missed():
    promise = checks(("a >= 1", "b < 2"))
    assert keep(promise, {"a": 1, "b": 1})["held"]
    report = keep(promise, {"a": 1, "b": 3})
    assert not report["held"] and [c["held"] for c in report["checks"]] == [True, False]
    assert missed(report) == ["b < 2 (observed 3)"]
    assert not keep((), {"a": 1})["held"]            # an empty promise promises nothing


@pytest.mark.parametrize("preset", presets.PRESETS.values(), ids=lambda p: p.name)
def test_every_preset_has_its_label_texts_promise_and_a_default_seed_that_keeps_it(preset):
    assert preset.label.strip() and preset.description.strip() and preset.look_at.strip()
    assert preset.promise and all(isinstance(c, Check) for c in preset.promise)
    assert preset.config.seed in preset.holds_on
    assert set(preset.holds_on) <= set(SEEDS) and len(preset.holds_on) >= 4
    for name in presets.references(preset):
        presets.get(name)                            # names a preset that exists


def test_preset_without_a_promise_or_opening_on_a_seed_that_misses_it_is_refused():
    base = presets.get("gan.healthy")
    with pytest.raises(ValueError, match="promises nothing"):
        presets.Preset("x.y", "x", "x", "x", (), base.config)
    with pytest.raises(ValueError, match="opens on seed 0"):
        presets.Preset("x.y", "x", "x", "x", base.promise, base.config, holds_on=(1, 2, 3, 4))
