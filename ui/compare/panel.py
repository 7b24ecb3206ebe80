"""Widgets and views of the compare page (Streamlit glue): the data picker, the guesses and
their reveal, the lecture's table measured, the samples, the spread, and the two KL fits."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from core import modes, presets, toy2d
from core import points as core_points
from core.compare.config import FAMILIES, CompareConfig
from core.compare.kl import KLConfig, KLResult, fit_kl
from core.compare.metrics import in_the_plane
from core.compare.table import winners
from core.compare.train import CompareResult
from ui import link, points, promise, runner, side
from ui.compare import charts, text
from ui.widgets import config_from_widgets, preset_picker

PAGE = "compare"
DEFAULT = "compare.ring"
KL_PRESET = "compare.kl"
OFFERED = presets.labels("compare.*", exclude=(KL_PRESET,))
FIELDS = ("n_seeds", "seed")
KL_FIELDS = {"modes": "kl_modes", "separation": "kl_separation"}


def key(field: str) -> str:
    return f"{PAGE}.{field}"


def controls() -> tuple[str, CompareConfig | None]:
    """Sidebar widgets -> (preset name, config); the config is None (with a sentence) while
    the widgets do not make a valid one. The preset is the data set, ring or digits; a
    person's drawn points can take the ring's place."""
    with st.sidebar:
        st.header("Experiment")
        name = preset_picker(PAGE, OFFERED, DEFAULT, FIELDS)
        base = presets.get(name).config
        own = base.data == "ring" and link.toggle(
            "Your own points instead of the ring", key=key("own_points"),
            help="Draw regions on the canvas (or upload a CSV of x, y): the three families "
            "train on them as on the ring, and each separate region is a mode.")
        link.slider("Seeds per learning rate", 1, 4, key=key("n_seeds"),
                    help="Each family trains from this many seeds at each of three learning "
                    "rates (⅓, 1 and 3 times its own), all as one batch: the points of the "
                    "spread chart. The table reads the first seed at its own rate.")
        link.number_input("Seed", 0, 10**6, step=1, key=key("seed"))
    data = _own_points() if own else {}
    if data is None:
        return name, None
    return name, config_from_widgets(PAGE, base, FIELDS, **data)


def _own_points() -> dict[str, str] | None:
    """The canvas (ui.points); ``{"data": name}`` once the points are enough and form a few
    separate regions, the modes the comparison counts; else None, with a sentence."""
    drawn = points.canvas(PAGE)
    if drawn is None:
        return None
    if not modes.count(drawn):
        st.warning(core_points.TOO_MANY_REGIONS, icon=":material/draw:")
        return None
    st.caption(f"Your points form {modes.count(drawn)} separate region(s): the modes the "
               "three families are measured on.")
    return {"data": drawn}


# ---------------------------------------------------------------- predict, then reveal

def _reveal(data: str) -> None:
    # the guesses are kept apart from their radios: those are gone once revealed, so the
    # answer can never be compared with a guess changed after it
    st.session_state[key(f"guessed.{data}")] = {
        q: st.session_state.get(key(f"guess_{q}")) for q in text.QUESTIONS}


def predict(data: str) -> bool:
    """Two guesses and the button that reveals the measurements on ``data``; whether they are
    revealed (then the guesses are answered instead, by ``answers``)."""
    if key(f"guessed.{data}") in st.session_state:
        return True
    st.markdown("**Predict, then reveal.** Before the table fills in, guess from the lecture "
                f"alone, for {text.data_name(data)}:")
    left, right = st.columns(2)
    for col, question in zip((left, right), text.QUESTIONS, strict=True):
        col.radio(f"Which family {text.QUESTIONS[question]}?", FAMILIES, index=None,
                  format_func=text.HEADERS.get, horizontal=True, key=key(f"guess_{question}"))
    st.button("Reveal the measurements", key=key("reveal"), type="primary", on_click=_reveal,
              args=(data,))
    return False


def answers(result: CompareResult) -> None:
    """The two answers (core.compare.table.winners) and whether each guess was right."""
    metrics, won = result.metrics(), winners(result.metrics())
    guessed = st.session_state.get(key(f"guessed.{result.data}"), {})
    for question in text.QUESTIONS:
        sentence, right = text.answer(question, guessed.get(question), won, metrics)
        if right:
            st.success(sentence, icon=":material/check_circle:")
        else:
            st.info(sentence, icon=":material/lightbulb:")


# ---------------------------------------------------------------- the table and the numbers

def table(result: CompareResult, revealed: bool) -> None:
    """The answers to the guesses once revealed, the lecture's table with this run in it, and
    a sentence for each disagreement."""
    metrics = result.metrics()
    if revealed:
        answers(result)
    st.markdown(text.table(metrics, revealed))
    if not revealed:
        st.caption("The measured cells fill in when you reveal them: the VAE, the GAN and the "
                   f"diffusion model are trained on {text.data_name(result.data)} already.")
        return
    st.caption("Each claimed cell: *the lecture's word* → this run's measurement; ✓ it "
               "agrees, ✗ it does not. Sharpness is 1 for samples as sharp as the data; "
               "training is read as robust when its worst seed and learning rate still "
               "covers many modes, and when many of them cover every mode.")
    for sentence in text.findings(metrics, result.data):
        st.info(sentence, icon=":material/science:")


def _runs_together(result: CompareResult) -> dict[str, int]:
    """How many runs each family's "seconds to train" covers: every member on the ring (one
    batched loop a family), the GAN's alone on the digits (the VAE and the diffusion model
    are the other pages' stored runs, and their seconds are the first run's)."""
    batched = FAMILIES if in_the_plane(result.data) else ("gan",)
    return {f: int((~np.isnan(result.member_modes[f])).sum()) if f in batched else 1
            for f in FAMILIES}


def numbers(result: CompareResult) -> None:
    """The other measurements per family, with their units and what they can be compared with."""
    st.markdown(text.numbers(result.metrics(), _runs_together(result)))
    st.caption("MMD²: how far the samples are from held-out data (0: indistinguishable); the "
               "floor is what fresh data score against the same held-out data, a little below "
               "0 by chance. High quality: near a mode (a Gaussian of the ring, a region of your "
               "points), or a digit the classifier reads surely.")
    if result.data == "digits":
        st.caption("The two bounds are not on one scale: the VAE's is a Bernoulli likelihood's "
                   "of pixels in [0, 1], the diffusion model's a Gaussian's of its own scaled "
                   "pixels. Each says how well that model fits, not which fits better. The "
                   "VAE and the diffusion model are the latent and diffusion pages' runs "
                   "(vae.digits, diffusion.digits): their seconds to train are those runs'.")
    else:
        st.caption("Both bounds are in nats per dimension of the same 2-D points: lower is "
                   "better, and below 0 is possible (a density above 1). The GAN has none: "
                   "log p_θ(x) is never evaluated.")


def side_by_side(result: CompareResult, pair: side.Pair) -> None:
    """The three families of this comparison next to those of another (another seed, or the
    other data set): the same measures in one table, and each side's samples."""
    other = runner.run(pair.other, label="Training the other setting's three families")
    if other is None:
        return
    st.subheader("Side by side")
    both = ((pair.title, result), (pair.other_title, other))
    rows = [{"setting": title, "family": text.HEADERS[family],
             "modes covered": m[f"{family}.modes_covered"],
             "high quality": m[f"{family}.hq_fraction"], "MMD²": m[f"{family}.mmd2"],
             "sharpness": m[f"{family}.sharpness"]}
            for title, m in ((t, r.metrics()) for t, r in both) for family in FAMILIES]
    st.dataframe(rows, hide_index=True, column_config={
        "high quality": st.column_config.NumberColumn(format="percent"),
        "MMD²": st.column_config.NumberColumn(format="%.4f"),
        "sharpness": st.column_config.NumberColumn(format="%.2f")})
    for i, (title, r) in enumerate(both):
        st.markdown(f"**{title}**")
        samples(r, key=f"compare.side.samples.{i}")


# ---------------------------------------------------------------- samples and spread

def samples(result: CompareResult, key: str = "compare.samples") -> None:
    if in_the_plane(result.data):
        fig = charts.ring_samples(result.samples, result.reference, toy2d.EXTENT)
    else:
        fig = charts.digit_samples(result.samples, result.reference)
    st.plotly_chart(fig, key=key)


def spread(result: CompareResult) -> None:
    total = float(result.metrics()["modes_total"])
    st.plotly_chart(charts.spread(result.member_lr_scale, result.member_seed,
                                  result.member_modes, total), key="compare.spread")
    if result.data == "digits":
        st.caption("On the digits the diffusion model is the diffusion page's run from each "
                   "seed at its own learning rate only (each of its runs takes most of a "
                   "minute); the VAE and the GAN are trained from every seed and learning "
                   "rate. Pick the ring to see all three at every rate.")
    else:
        st.caption("A family is robust when its worst seed and learning rate still covers "
                   "(nearly) every mode; fragile when some collapse. Each point is one run, "
                   "the ringed one is the run the table reads.")


# ---------------------------------------------------------------- KL(Q‖P) against KL(P‖Q)

# The fit takes a fraction of a second, so the page calls it here, in the server's process,
# instead of queueing a job (ui.runner): a refit must follow the slider within a second, and
# the queue's progress polling alone costs 0.5 s before a result shows. Cached by config, so a
# slider moved back, or another student's same setting, costs nothing.
@st.cache_data(max_entries=128, show_spinner=False, hash_funcs={KLConfig: dataclasses.astuple})
def fit(cfg: KLConfig) -> KLResult:
    return fit_kl(cfg)


def kl_controls() -> KLConfig:
    base = presets.get(KL_PRESET).config
    left, right = st.columns(2)
    link.on(left).slider("Modes of Q", 1, 6, value=base.modes, key=key("kl_modes"))
    link.on(right).slider("Distance between neighbouring modes (in a mode's std)", 0.0, 10.0,
                          step=0.5, value=base.separation, key=key("kl_separation"))
    return dataclasses.replace(base, **{f: st.session_state[key(n)]
                                        for f, n in KL_FIELDS.items()})


def _kl_table(result: KLResult) -> pd.DataFrame:
    m = result.metrics()
    rows = {"fit by KL(Q‖P_θ), covering": "covering", "fit by KL(P_θ‖Q), seeking": "seeking"}
    return pd.DataFrame({
        "KL(Q‖P_θ) (nats)": [f"{m[f'{r}_kl_q_p']:.3f}" for r in rows.values()],
        "KL(P_θ‖Q) (nats)": [f"{m[f'{r}_kl_p_q']:.3f}" for r in rows.values()],
        "P_θ's mean": [f"{m[f'{r}_fit_mean']:+.2f}" for r in rows.values()],
        "P_θ's std": [f"{m[f'{r}_fit_std']:.2f}" for r in rows.values()],
    }, index=list(rows))


def kl_view(measured: dict | None) -> None:
    """Q, the two fits and their KLs; ``measured``: the comparison's metrics once revealed,
    which the sentences tie each fit to."""
    cfg = kl_controls()
    result = fit(cfg)
    left, right = st.columns([3, 2])
    left.plotly_chart(charts.kl_fits(result.x, result.q, result.covering, result.seeking,
                                     cfg.modes, cfg.separation), key="compare.kl_fits")
    with right:
        st.table(_kl_table(result))
        st.caption("Each fit wins its own objective: read the table by column.")
        st.plotly_chart(charts.kl_progress(result.covering_step, result.covering_kl,
                                           result.seeking_step, result.seeking_kl),
                        key="compare.kl_progress")
    for sentence in text.kl_sentences(result.metrics(), cfg.modes, measured):
        st.markdown(sentence)
    if presets.is_preset_run(presets.get(KL_PRESET), cfg):
        promise.show(PAGE, KL_PRESET, cfg, result, seed_widget=False)
