"""What a preset promises, as checks on the metrics of the run it shows.

A preset's description and its "what to look at" text make claims ("all 8 modes", "the losses
swing in anti-phase", "the codes beat the pixels"). Each claim is written once more as a check,
``"modes_covered >= 8"``, read against ``result.metrics()``: the page says whether the run on
screen keeps it, ``python -m core run`` reports it, and the tests hold every preset to it
over several seeds. A claim without a check is dropped from the text.

A check compares a metric with a number, with another metric of the same run
(``"probe_accuracy > pixel_probe_accuracy"``) or with a metric of another preset's run on the
same seed (``"sharpness < sharpness@diffusion.digits_cfg"``: latent diffusion against pixel
diffusion). A metric that is missing or not a finite number fails its check: a promise never
holds by accident.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
       "==": operator.eq}
SHOWN = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}
SEEDS = range(5)   # the seeds a promise is measured on (tests, and the page's "k of 5")


@dataclass(frozen=True)
class Check:
    """``metric op value``: value is a number, the name of another metric, or
    ``metric@preset`` (that preset's run on the same seed)."""

    metric: str
    op: str
    value: float | str

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"op={self.op!r} is not allowed: use one of {', '.join(OPS)}.")

    @classmethod
    def parse(cls, text: str) -> Check:
        """``"modes_covered >= 8"`` or ``"probe_accuracy > pixel_probe_accuracy"``."""
        parts = text.split()
        if len(parts) != 3 or parts[1] not in OPS:
            raise ValueError(f"{text!r} is not a check: write 'metric op value' with op one "
                             f"of {', '.join(OPS)}.")
        metric, op, value = parts
        try:
            number = float(value)
        except ValueError:
            return cls(metric, op, value)
        if not math.isfinite(number):    # "x <= inf" could never fail
            raise ValueError(f"{text!r} is not a check: its value must be a finite number or a "
                             "metric's name.")
        return cls(metric, op, number)

    def __str__(self) -> str:
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        return f"{self.metric} {SHOWN[self.op]} {value}"

    @property
    def reference(self) -> str | None:
        """The other preset whose run this check compares with, if any."""
        return self.value.partition("@")[2] or None if isinstance(self.value, str) else None

    def observe(self, metrics: Mapping[str, Any],
                references: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
        """The check on one run: {"metric", "op", "value", "observed", "held"} (and
        "value_observed" when the value names a metric). ``references``: the metrics of the
        other presets' runs that the check names."""
        observed = _number(metrics.get(self.metric))
        if isinstance(self.value, str):
            name, _, preset = self.value.partition("@")
            source = (references or {}).get(preset, {}) if preset else metrics
            bound = _number(source.get(name))
        else:
            bound = self.value
        held = observed is not None and bound is not None and OPS[self.op](observed, bound)
        out = {"metric": self.metric, "op": self.op, "value": self.value,
               "observed": observed, "held": bool(held)}
        if isinstance(self.value, str):
            out["value_observed"] = bound
        return out


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def checks(texts: tuple[str, ...]) -> tuple[Check, ...]:
    return tuple(Check.parse(t) for t in texts)


def keep(promise: tuple[Check, ...], metrics: Mapping[str, Any],
         references: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The promise on one run: {"held": every check held, "checks": [...]}."""
    observed = [check.observe(metrics, references) for check in promise]
    return {"held": bool(observed) and all(c["held"] for c in observed), "checks": observed}


def missed(report: Mapping[str, Any]) -> list[str]:
    """The checks a run missed, as 'metric ≥ 8 (observed 6)'."""
    out = []
    for c in report["checks"]:
        if not c["held"]:
            seen = "missing" if c["observed"] is None else f"{c['observed']:.3g}"
            if "value_observed" in c:
                bound = c["value_observed"]
                seen += f" against {'missing' if bound is None else f'{bound:.3g}'}"
            check = Check(c["metric"], c["op"], c["value"])
            out.append(f"{check} (observed {seen})")
    return out
