"""The compare page's words: the lecture's table with this run's measurements in it, the
sentence a disagreement gets, the answers to the two guesses, and the sentences that tie the
two KL fits to the VAE and the GAN just measured. Pure: metrics in, markdown out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.compare.config import FAMILIES
from core.compare.table import CLAIMS, TEXT_ROWS, Verdict, verdicts

HEADERS = {"vae": "VAE", "gan": "GAN", "diffusion": "Diffusion"}
NAMES = {"vae": "the VAE", "gan": "the GAN", "diffusion": "the diffusion model"}
DATA_NAMES = {"ring": "the 8-Gaussian ring", "digits": "the 8×8 digits"}
OWN_POINTS = "your own points"
QUESTIONS = {"modes": "covers the most modes", "sharpness": "draws the sharpest samples"}
MARKS = {True: "✓", False: "✗"}
_MARKDOWN = "\\`*_[]<>#|~:$"


def md(text: str) -> str:
    """``text`` shown as it is written: every character markdown (or Streamlit's
    ``:material/...:`` and ``$...$``) would read as markup is escaped; a table cell's ``|``
    would otherwise end the cell."""
    return "".join(f"\\{c}" if c in _MARKDOWN else c for c in text)


def data_name(data: str) -> str:
    """"the 8-Gaussian ring", "the 8×8 digits", or "your own points" for a drawn set."""
    return DATA_NAMES.get(data, OWN_POINTS)


def number(metrics: Mapping[str, Any], name: str) -> float | None:
    value = metrics.get(name)
    return None if value is None else float(value)


def join(names: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def cell(verdict: Verdict | None, claim: str | None, revealed: bool) -> str:
    """One claimed cell: the lecture's word, then (once revealed) this run's measurement and
    whether it agrees."""
    said = f"*{md(claim)}*" if claim else "*not claimed*"
    if not revealed or verdict is None:
        return f"{said} → ?"
    measured = md(verdict.measured)
    if verdict.agrees is not None:
        return f"{said} → {measured} {MARKS[verdict.agrees]}"
    if claim is None or verdict.measured.startswith("not measured"):
        return f"{said} → {measured}"
    return f"{said} → {measured} · nothing to compare it with"


def table(metrics: Mapping[str, Any], revealed: bool) -> str:
    """The lecture's "Summary" table as markdown: its text rows as written, then each claim
    beside this run's measurement (``?`` until the student reveals them)."""
    found = {(v.row, v.family): v for v in verdicts(metrics)} if revealed else {}
    lines = [_row(["", *(HEADERS[f] for f in FAMILIES)]), _row(["---"] * (1 + len(FAMILIES)))]
    for row, texts in TEXT_ROWS:
        lines.append(_row([f"**{md(row)}**", *(md(texts[f]) for f in FAMILIES)]))
    for row, claims in CLAIMS:
        lines.append(_row([f"**{md(row)}**", *(cell(found.get((row, f)), claims[f], revealed)
                                               for f in FAMILIES)]))
    return "\n".join(lines)


def finding(verdict: Verdict, data: str) -> str:
    """The plain sentence a disagreement gets: what the lecture says, what this run measured,
    and that this is a result to read, not a fault of the page."""
    row = verdict.row.lower().removeprefix("a ")
    return (f"**A finding, not a failure.** The lecture's table says of {NAMES[verdict.family]}'s "
            f"{md(row)}: *{md(verdict.claim or '')}*. On {data_name(data)} this "
            f"run measured {md(verdict.measured)}, which does not agree. The table states the "
            "typical case, and one run on one data set can go the other way: "
            + ("the spread below shows how often each family covers every mode." if data != "digits"
               else "the ring's spread shows how often each family covers every mode."))


def findings(metrics: Mapping[str, Any], data: str) -> list[str]:
    """One ``finding`` per cell where this run disagrees with the lecture."""
    return [finding(v, data) for v in verdicts(metrics) if v.agrees is False]


def _family_values(metrics: Mapping[str, Any], name: str, fmt: str) -> str:
    values = [(f, number(metrics, f"{f}.{name}")) for f in FAMILIES]
    return ", ".join(f"{HEADERS[f]} {format(v, fmt)}" for f, v in values if v is not None)


def answer(question: str, guess: str | None, winners: Mapping[str, Sequence[str]],
           metrics: Mapping[str, Any]) -> tuple[str, bool | None]:
    """The answer to one guess (``question``: "modes" or "sharpness", as core.compare.table.
    winners names them) and whether the guess was right (None: no guess)."""
    best = list(winners.get(question, []))
    if not best:
        return f"Which family {QUESTIONS[question]}: not measured on this run.", None
    who = join([NAMES[f] for f in best])
    if question == "modes":
        total = number(metrics, "modes_total")
        covered = number(metrics, f"{best[0]}.modes_covered")
        of = f" of {total:.0f}" if total is not None else ""
        told = (f"{who} {'cover' if len(best) > 1 else 'covers'} the most modes: "
                f"{covered:.0f}{of}{', a tie' if len(best) > 1 else ''}")
    else:
        told = (f"{who} {'draw' if len(best) > 1 else 'draws'} the sharpest samples "
                f"(sharpness: {_family_values(metrics, 'sharpness', '.2f')})")
    if guess is None:
        return f"{told[0].upper()}{told[1:]}. You did not guess.", None
    right = guess in best
    verdict = "right" if right else "not this time"
    return f"{told[0].upper()}{told[1:]}. You guessed {NAMES[guess]}: {verdict}.", right


# ---------------------------------------------------------------- the other numbers

def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value >= 10 else f"{value:.2g} s"


def numbers(metrics: Mapping[str, Any], runs: Mapping[str, int]) -> str:
    """The other measurements per family, as a markdown table with units. ``runs``: how many
    runs each family trained at once (its seconds to train are theirs together)."""
    floor = number(metrics, "mmd2_floor")
    total = number(metrics, "modes_total")
    rows = (
        ("modes covered", "modes_covered",
         lambda v: f"{v:.0f} of {total:.0f}" if total is not None else f"{v:.0f}"),
        ("high-quality share", "hq_fraction", lambda v: f"{v:.0%}"),
        ("MMD² to held-out data" + (f" (floor: {floor:.2g})" if floor is not None else ""),
         "mmd2", lambda v: f"{v:.3g}"),
        ("sharpness (1: as sharp as the data)", "sharpness", lambda v: f"{v:.2f}"),
        ("seconds to train", "train_seconds", _seconds),
        ("seconds to sample 1,000", "sample_seconds", _seconds),
        ("bound on −log p_θ(x)", "nll_bound", lambda v: f"{v:.3g} nats per dimension"),
    )
    lines = [_row(["", *(HEADERS[f] for f in FAMILIES)]), _row(["---"] * (1 + len(FAMILIES)))]
    for label, name, fmt in rows:
        cells = []
        for family in FAMILIES:
            value = number(metrics, f"{family}.{name}")
            if value is not None:
                together = runs.get(family, 1)
                tail = f" ({together} runs at once)" if name == "train_seconds" and \
                    together > 1 else ""
                cells.append(md(fmt(value) + tail))
            elif name == "nll_bound" and family == "gan":
                cells.append(md("none: log p_θ(x) is never evaluated"))
            else:
                cells.append("not measured")
        lines.append(_row([f"**{md(label)}**", *cells]))
    return "\n".join(lines)


# ---------------------------------------------------------------- the two KL fits

def kl_sentences(kl: Mapping[str, float], modes: int,
                 measured: Mapping[str, Any] | None) -> list[str]:
    """Two sentences: the mode-covering fit is the VAE's direction, the mode-seeking one the
    GAN's, each with what the fit on screen did and (``measured``: the comparison's metrics,
    None before the reveal) what that family did on the data above."""
    wide, narrow = kl["covering_fit_std"], kl["seeking_fit_std"]
    total = number(measured or {}, "modes_total")

    def did(family: str) -> str:
        covered = number(measured or {}, f"{family}.modes_covered")
        sharp = number(measured or {}, f"{family}.sharpness")
        if covered is None or total is None:
            return ""
        tail = f", sharpness {sharp:.2f}" if sharp is not None else ""
        return (f" Measured above, {NAMES[family]} covered {covered:.0f} of {total:.0f} "
                f"modes{tail}.")

    if modes == 1:
        return ["With one mode both directions find the same Gaussian: the two KLs differ only "
                "when Q has several modes. Add modes to see them part."]
    covering = (f"Mode covering, KL(Q‖P_θ), is the VAE's direction: wherever Q has mass P_θ "
                f"must too, so the fit spreads over all {modes} modes (std {wide:.2f}) and puts "
                f"mass between them, where Q has little, as the VAE's samples smear between "
                f"modes.{did('vae')}")
    if narrow < 0.6 * wide:
        seeking = (f"Mode seeking, KL(P_θ‖Q), is the GAN's direction: P_θ is punished for mass "
                   f"where Q has none, so the fit settles on one mode (std {narrow:.2f}) and "
                   f"misses the others, as the lecture says the GAN collapses.{did('gan')}")
    else:
        seeking = (f"Mode seeking, KL(P_θ‖Q), is the GAN's direction, but at this distance the "
                   f"best single Gaussian in that direction still spans the modes, narrower "
                   f"than the covering fit (std {narrow:.2f}): pull the modes further apart to "
                   f"see it settle on one, as the lecture says the GAN collapses.{did('gan')}")
    return [covering, seeking]
