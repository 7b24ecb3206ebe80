"""What every config's ``__post_init__`` checks first: each field holds a value of its kind.

A value of the wrong kind (text where a number belongs, as a URL or a CSV cell gives it, or
None) gets the same one sentence as a value out of range, ``name=value is not allowed: ...``,
never a TypeError from a comparison. numpy scalars become Python numbers, so the config's
cache key (JSON) can be written; the value shown in a sentence is cut to a readable length.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

SHOWN_CHARS = 60


def shown(value: Any) -> str:
    """``repr(value)``, cut to SHOWN_CHARS: a sentence stays readable whatever was typed."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."


def _normal(value: Any, kind: type) -> tuple[bool, Any]:
    """(whether ``value`` fits a field whose default is of type ``kind``, the value to keep)."""
    is_bool = isinstance(value, bool) or type(value).__name__ == "bool_"   # numpy's bool
    if kind is bool:
        return is_bool, bool(value) if is_bool else value
    if kind is int:
        if is_bool:
            return False, value
        if isinstance(value, numbers.Integral):
            return True, int(value)
        if isinstance(value, float) and value.is_integer():
            return True, int(value)                      # 3.0 from a number widget
        return False, value
    if kind is float:
        if is_bool or not isinstance(value, numbers.Real):
            return False, value
        if type(value) in (int, float):
            return True, value
        try:
            return True, float(value)                    # numpy scalars, fractions
        except (OverflowError, ValueError):
            return False, value
    if kind is str:
        return isinstance(value, str), value
    return isinstance(value, kind), value


_KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def check_types(cfg: Any) -> None:
    """Raise ValueError naming the first field of the frozen dataclass ``cfg`` whose value is
    not of its default's type; replace numpy scalars with Python numbers."""
    for field in dataclasses.fields(cfg):
        value = getattr(cfg, field.name)
        kind = type(field.default)
        fits, normal = _normal(value, kind)
        if not fits:
            what = _KINDS.get(kind, f"a {kind.__name__}")
            raise ValueError(f"{field.name}={shown(value)} is not allowed: use {what}.")
        if normal is not value:
            object.__setattr__(cfg, field.name, normal)


def bad(cfg: Any, name: str, rule: str) -> NoReturn:
    """Raise the one sentence every config uses: ``name=value is not allowed: rule.``"""
    raise ValueError(f"{name}={shown(getattr(cfg, name))} is not allowed: {rule}.")


def check_choices(cfg: Any, choices: Mapping[str, Sequence[str]]) -> None:
    """Each named field of ``cfg`` holds one of its listed values."""
    for name, valid in choices.items():
        if getattr(cfg, name) not in valid:
            bad(cfg, name, f"use one of {', '.join(valid)}")


def check_ranges(cfg: Any, ranges: Mapping[str, tuple[float, float]]) -> None:
    """Each named field of ``cfg`` lies in its closed range (lo, hi)."""
    for name, (lo, hi) in ranges.items():
        if not lo <= getattr(cfg, name) <= hi:
            bad(cfg, name, f"use {lo:g} to {hi:g}")
