"""How a control's value is written into the address and read back from it (ui.link)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.link import _Choices, _Range, _Switch, encode, quoted


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_written_into_the_address_reads_back_exactly(x):
    assert float(encode(x)) == x


@pytest.mark.parametrize("value", [0.0003, 1e-05, 2e-4, 0.1, 3.0, 10_000.0])
def test_choices_read_back_their_own_numbers(value):
    choices = _Choices([1e-05, 2e-4, 0.0003, 0.1, 3.0, 10_000.0])
    assert choices.parse(encode(value)) == value


def test_choices_take_the_same_number_written_another_way():
    choices = _Choices([0.001, 0.01, 1.0, 10])
    assert choices.parse("1e-3") == 0.001 and choices.parse("10.0") == 10
    assert choices.parse("1") == 1.0


@pytest.mark.parametrize("raw", ["nope", "", "0.002", "True", "1e400", "nan"])
def test_choices_refuse_what_is_not_among_them_and_say_what_is(raw):
    with pytest.raises(ValueError, match=r"it takes one of 0.001, 0.01, 1.0, 10"):
        _Choices([0.001, 0.01, 1.0, 10]).parse(raw)


def test_a_long_list_of_choices_is_named_by_its_ends():
    with pytest.raises(ValueError, match=r"it takes one of 0 to 399$"):
        _Choices(range(400)).parse("400")


def test_text_choices_match_exactly():
    choices = _Choices(["ring", "grid", "moons"])
    assert choices.parse("grid") == "grid"
    with pytest.raises(ValueError, match="ring, grid, moons"):
        choices.parse("Grid")


@pytest.mark.parametrize(("raw", "value"), [("3", 3), ("0", 0), ("10", 10)])
def test_a_whole_number_range_reads_whole_numbers(raw, value):
    assert _Range(0, 10).parse(raw) == value and isinstance(_Range(0, 10).parse(raw), int)


@pytest.mark.parametrize("raw", ["11", "-1", "3.5", "three", "", "1e3", "inf"])
def test_a_whole_number_range_refuses_the_rest(raw):
    with pytest.raises(ValueError, match="it takes a whole number from 0 to 10"):
        _Range(0, 10).parse(raw)


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "1.01", "-0.5", "x"])
def test_a_number_range_refuses_what_is_not_a_finite_number_in_it(raw):
    with pytest.raises(ValueError, match=r"it takes a number from 0.0 to 1.0"):
        _Range(0.0, 1.0).parse(raw)


@given(st.floats(0.0, 1.0))
def test_a_number_range_reads_back_what_it_wrote(x):
    assert _Range(0.0, 1.0).parse(encode(x)) == x


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("false", False), ("1", True),
                                            ("0", False), ("On", True), ("no", False)])
def test_a_switch_reads_the_usual_words(raw, value):
    assert _Switch().parse(raw) is value


@pytest.mark.parametrize("raw", ["", "2", "maybe", "truee"])
def test_a_switch_refuses_the_rest(raw):
    with pytest.raises(ValueError, match="it takes true or false"):
        _Switch().parse(raw)


def test_booleans_are_written_as_words():
    assert encode(True) == "true" and encode(False) == "false"


@given(st.text(max_size=3000))
def test_a_value_from_the_address_is_shown_without_markdown_or_html(raw):
    shown = quoted(raw)
    assert len(shown) <= 41 and not any(c in shown for c in "<>[]()`*\n!#")
    assert shown  # never an empty code span


def test_a_plain_value_is_shown_as_it_is():
    assert quoted("gan.lr_d") == "gan.lr_d" and quoted("0.0003") == "0.0003"
    assert math.isclose(float(quoted("1e-05")), 1e-05)


@pytest.mark.parametrize("raw", ["777", "550", "10500"])
def test_a_stepped_range_takes_only_its_steps(raw):
    with pytest.raises(ValueError, match="in steps of 500"):
        _Range(500, 10_000, 500).parse(raw)


def test_a_stepped_range_takes_its_steps_of_a_fraction():
    assert _Range(0.5, 5.0, 0.1).parse("1.3") == 1.3
    assert _Range(500, 10_000, 500).parse("4000") == 4000
