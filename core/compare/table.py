"""The lecture's summary table (slide "Summary", VAE | GAN | Diffusion), its text rows as
written and its claims read against a run's measurements.

Each claim becomes a verdict: what was measured, and whether it agrees. A run that disagrees
with the lecture is a finding, not a failure: the page says so plainly. The claims that
contrast two families ("blurry" vs "realistic", "relatively robust" vs "fragile") are read
as that contrast: the VAE's samples blurrier than the GAN's, its worst seed and learning rate
covering more modes than the GAN's worst (ties: more of them covering every mode).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.compare.config import FAMILIES

TEXT_ROWS: tuple[tuple[str, dict[str, str]], ...] = (
    ("What we specify", {
        "vae": "Prior p(z), likelihood p_θ(x|z)",
        "gan": "Prior p(z), generator G_θ(z)",
        "diffusion": "Fixed forward noising q(x_t|x_{t-1}); learn reverse p_θ(x_{t-1}|x_t)"}),
    ("Training objective", {
        "vae": "ELBO: E_q[log p_θ(x|z)] − KL(q_φ(z|x) ‖ p(z))",
        "gan": "Minimax fooling discriminator",
        "diffusion": "VLB / score matching: with Gaussian schedules reduces to "
                     "E_{t,x0,ε}[w(t) ‖ε − ε_θ(x_t, t)‖²]"}),
    ("What's ignored from p_θ(x)", {
        "vae": "KL(q_φ(z|x) ‖ p_θ(z|x))",
        "gan": "All of NLL: log p_θ(x) isn't evaluated or maximized",
        "diffusion": "Exact NLL not computed; optimize a variational upper bound on NLL"}),
)

# the claimed rows: (row, {family: the lecture's word}); None where the lecture is silent
CLAIMS: tuple[tuple[str, dict[str, str | None]], ...] = (
    ("Modes", {"vae": "Covering", "gan": "Collapse", "diffusion": "Covering"}),
    ("Generated samples", {"vae": "Blurry", "gan": "Realistic", "diffusion": None}),
    ("Training", {"vae": "Relatively robust", "gan": "Fragile", "diffusion": None}),
    ("A bound on −log p_θ(x)", {"vae": "Yes: −ELBO", "gan": "None",
                                "diffusion": "Yes: the VLB"}),
)


@dataclass(frozen=True)
class Verdict:
    row: str
    family: str
    claim: str | None        # the lecture's word (None: the lecture says nothing)
    measured: str            # the measurement, in words
    agrees: bool | None      # None: nothing to compare (not claimed, or not measured)


def _get(metrics: Mapping[str, Any], family: str, name: str) -> float | None:
    value = metrics.get(f"{family}.{name}")
    return None if value is None else float(value)


def _modes(metrics, family, claim) -> tuple[str, bool | None]:
    covered, total = _get(metrics, family, "modes_covered"), metrics.get("modes_total")
    if covered is None or total is None:
        return "not measured", None
    text = f"{covered:.0f} of {total:.0f} modes"
    return text, (covered >= total) if claim == "Covering" else (covered < total)


def _samples(metrics, family, claim) -> tuple[str, bool | None]:
    mine = _get(metrics, family, "sharpness")
    if mine is None:
        return "not measured", None
    text = f"sharpness {mine:.2f}"
    other = {"Blurry": "gan", "Realistic": "vae"}.get(claim or "")
    theirs = _get(metrics, other, "sharpness") if other else None
    if theirs is None:
        return text, None
    text += f" ({other.upper()} {theirs:.2f})"
    return text, (mine < theirs) if claim == "Blurry" else (mine > theirs)


def _robustness(metrics, family) -> tuple[float, float] | None:
    """(the worst member's modes covered, the share covering every mode), or None."""
    worst, share = (_get(metrics, family, n) for n in ("modes_covered_min", "robust_share"))
    return None if worst is None or share is None else (worst, share)


def _training(metrics, family, claim) -> tuple[str, bool | None]:
    """Robust training: what the worst seed and learning rate still covers (then how many of
    them cover every mode); the claim is read as the contrast between the VAE and the GAN."""
    mine = _robustness(metrics, family)
    if mine is None:
        return "not measured on this data", None
    total = metrics.get("modes_total")
    text = (f"the worst seed × learning rate covers {mine[0]:.0f} of {total:.0f} modes; "
            f"{mine[1]:.0%} cover every mode")
    other = {"Relatively robust": "gan", "Fragile": "vae"}.get(claim or "")
    theirs = _robustness(metrics, other) if other else None
    if theirs is None:
        return text, None
    text += f" ({other.upper()}: {theirs[0]:.0f}; {theirs[1]:.0%})"
    return text, (mine > theirs) if claim == "Relatively robust" else (mine < theirs)


def _bound(metrics, family, claim) -> tuple[str, bool | None]:
    bound = _get(metrics, family, "nll_bound")
    if bound is None:
        return "none: log p_θ(x) is never evaluated", claim == "None"
    return f"{bound:.2f} nats per dimension", claim != "None"


_READERS = {"Modes": _modes, "Generated samples": _samples, "Training": _training,
            "A bound on −log p_θ(x)": _bound}


def verdicts(metrics: Mapping[str, Any]) -> list[Verdict]:
    """Every claimed cell read against a run's metrics (``<family>.<metric>`` and
    ``modes_total``), row by row, in FAMILIES order."""
    out = []
    for row, claims in CLAIMS:
        for family in FAMILIES:
            claim = claims[family]
            measured, agrees = _READERS[row](metrics, family, claim)
            out.append(Verdict(row, family, claim, measured, agrees if claim else None))
    return out


def winners(metrics: Mapping[str, Any]) -> dict[str, list[str]]:
    """The answers to the page's two predictions: the families that cover the most modes and
    those whose samples are the sharpest (ties share the answer)."""
    out = {}
    for question, name in (("modes", "modes_covered"), ("sharpness", "sharpness")):
        values = {f: _get(metrics, f, name) for f in FAMILIES}
        values = {f: v for f, v in values.items() if v is not None}
        best = max(values.values(), default=None)
        out[question] = [f for f, v in values.items() if best is not None and v >= best - 1e-9]
    return out
