"""Every config a run is made of, fed anything a person could type: it is built, or it says
in one sentence which field is wrong. Nothing here trains.

The configs are those ``core.trainers`` lists a trainer for,
built from their defaults and from every preset's config, with some fields replaced by values
from ``FIELD_VALUES``: in range and out of it, NaN, infinity, huge, negative, empty or unknown
text, and the wrong kinds a URL or a CSV cell produces (text for a number, None, numpy
scalars). A config that is built has a cache key and survives pickling (the job pool sends
it to its worker processes)."""

from __future__ import annotations

import dataclasses
import pickle
import re
import typing

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core import presets, runs, trainers
from core.gan.config import GANConfig
from core.gan.seeds import PhaseConfig

# core's own trainers: tests/ui/test_runner.py adds a toy one to the table, and collected first
# (pytest tests/ui tests/core) it would be counted here
CONFIG_TYPES = sorted((t for t in trainers.BY_CONFIG if t.__module__.startswith("core.")),
                      key=lambda t: t.__name__)
SETTINGS = settings(max_examples=100, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Text a query string, a CSV cell or a command line could carry.
TEXT = st.one_of(
    st.sampled_from(["", " ", "3", "0.5", "nan", "inf", "-1", "1e309", "true", "None",
                     "../../etc/passwd", "/etc/passwd.csv", "x.csv", "a\x00b.csv",
                     "[click](https://example.com)", "ring\n", "日本語", "x" * 5000]),
    st.text(max_size=30),
)
NUMBER_EDGES = [0, -1, 1, 2, 2**31, 2**31 - 1, 2**63, -(2**63), 10**400]
FLOAT_EDGES = [0.0, -0.0, 1e-300, -1.0, 0.5, 1e308, float("nan"), float("inf"), float("-inf")]
WRONG_KIND = st.one_of(TEXT, st.none(), st.just([1]), st.just({"a": 1}))


def numbers_near(default: float) -> st.SearchStrategy:
    return st.sampled_from([default * f for f in (0.5, 0.9, 1, 1.1, 2, 10)])


def values_for(kind: type, default: typing.Any) -> st.SearchStrategy:
    if kind is bool:
        return st.one_of(st.booleans(), st.just(np.bool_(True)), st.sampled_from([0, 1, 2]),
                         WRONG_KIND)
    if kind is int:
        return st.one_of(
            st.integers(), st.sampled_from(NUMBER_EDGES),
            numbers_near(default).map(int), numbers_near(default).map(np.int64),
            st.sampled_from([2.5, 3.0, float("nan"), float("inf")]), st.booleans(), WRONG_KIND)
    if kind is float:
        return st.one_of(
            st.floats(), st.sampled_from(FLOAT_EDGES), st.sampled_from(NUMBER_EDGES),
            numbers_near(default), numbers_near(default).map(np.float32),
            st.booleans(), WRONG_KIND)
    if kind is str:
        return st.one_of(TEXT, st.sampled_from(list(known_names(default))),
                         st.integers(), st.none())
    # a nested config (EnsembleConfig.gan): a valid one or something else entirely
    return st.one_of(st.just(default), st.just(dataclasses.asdict(default)), WRONG_KIND)


def known_names(default: str) -> set[str]:
    """Every choice any config accepts, so a field gets other fields' valid names too."""
    from core import images, toy2d
    from core.diffusion import digits as diffusion_digits
    from core.diffusion import schedules
    from core.gan import config as gan
    from core.gen_vs_disc import config as ngjordan
    from core.latent import config as autoencoders
    return {default, *autoencoders.MODELS, *autoencoders.LIKELIHOODS, *toy2d.SETS,
            *images.IMAGE_SETS, *schedules.SCHEDULES, *gan.LOSSES, *gan.OPTIMISERS,
            *gan.ACTIVATIONS, *diffusion_digits.SPACES, *ngjordan.BUNDLED,
            *ngjordan.NB_VARIANCES}


def bases(cfg_type: type) -> list:
    """The defaults and every preset's config of this type."""
    return [cfg_type(), *(p.config for p in presets.PRESETS.values()
                          if type(p.config) is cfg_type)]


def near(kind: type, default: typing.Any) -> st.SearchStrategy:
    """A plausible value: the kind of the default, close to it (mostly valid)."""
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.sampled_from(sorted({int(default * f) for f in (0.5, 1, 2)} | {default + 1}))
    if kind is float:
        return st.sampled_from([default * f for f in (0.5, 0.9, 1.1, 2)])
    if kind is str:
        return st.just(default) | st.sampled_from(sorted(known_names(default)))
    return st.just(default)


@st.composite
def attempts(draw, cfg_type: type):
    """(base config, {field: value}): a base with some fields moved near their values and,
    mostly, one field given anything at all."""
    base = draw(st.sampled_from(bases(cfg_type)))
    hints = typing.get_type_hints(cfg_type)
    names = [f.name for f in dataclasses.fields(cfg_type)]
    changes = draw(st.fixed_dictionaries(
        {}, optional={n: near(hints[n], getattr(base, n)) for n in names}))
    wild = draw(st.sampled_from(names) | st.none())
    if wild is not None:
        changes[wild] = draw(values_for(hints[wild], getattr(base, wild)))
    return base, changes


def field_names(cfg_type: type) -> set[str]:
    names = {f.name for f in dataclasses.fields(cfg_type)}
    if cfg_type is PhaseConfig:   # it checks its game through GANConfig
        names |= {f.name for f in dataclasses.fields(GANConfig)}
    return names


SENTENCE = re.compile(r"(?P<field>\w+)=(?P<value>.*) is not allowed: (?P<rule>[^\n]+)\.")
TRACEBACK_WORDS = ("Traceback", "object has no attribute", "not supported between",
                   "object is not", "<class", "Error:")


def assert_one_sentence_naming_a_field(message: str, cfg_type: type) -> None:
    match = SENTENCE.fullmatch(message)
    assert match, f"not one 'field=value is not allowed: rule.' sentence: {message!r}"
    assert match["field"] in field_names(cfg_type), message
    assert len(message) < 400, f"a {len(message)}-character message is not one clear sentence"
    rule = match["rule"]
    assert not re.search(r"[.!?]\s+[A-Z]", rule), f"more than one sentence: {message!r}"
    assert not any(word in message for word in TRACEBACK_WORDS), message


def check(cfg_type: type, base, changes: dict) -> str:
    try:
        cfg = dataclasses.replace(base, **changes)
    except ValueError as err:
        assert_one_sentence_naming_a_field(str(err), cfg_type)
        return "refused"
    key = runs.key_for(cfg)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    copy = pickle.loads(pickle.dumps(cfg))
    assert copy == cfg and runs.key_for(copy) == key
    return "built"


def test_every_registered_config_type_is_covered():
    names = {t.__name__ for t in CONFIG_TYPES}
    assert names == {"AEConfig", "CompareConfig", "DiffusionConfig", "DigitsDiffusionConfig",
                     "EnsembleConfig", "GANConfig", "KLConfig", "NgJordanConfig", "PhaseConfig"}
    assert {type(p.config) for p in presets.PRESETS.values()} <= set(CONFIG_TYPES)


@pytest.mark.parametrize("cfg_type", CONFIG_TYPES, ids=lambda t: t.__name__)
@SETTINGS
@given(data=st.data())
def test_a_config_is_built_or_names_its_bad_field_in_one_sentence(cfg_type, data):
    event(check(cfg_type, *data.draw(attempts(cfg_type))))


@SETTINGS
@given(TEXT)
def test_an_unknown_preset_name_is_one_sentence(name):
    if name in presets.PRESETS:
        return
    try:
        presets.get(name)
    except presets.UnknownPreset as err:
        message = str(err)
        assert message.startswith("There is no preset ") and message.endswith(".")
        assert "\n" not in message.replace(repr(name), "")
    else:
        raise AssertionError(f"presets.get({name!r}) found something")


def test_every_preset_config_has_a_key_and_pickles():
    for preset in presets.PRESETS.values():
        check(type(preset.config), preset.config, {"seed": preset.config.seed})
