"""Widgets and views of the diffusion page (Streamlit glue): the controls, the schedule, and
the 2-D runs. The digits' views: ui.diffusion.panel_digits."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import modes, presets, runs, toy2d
from core.diffusion.ddpm import EpsNet
from core.diffusion.digits import DigitsDiffusionConfig
from core.diffusion.schedules import (
    ALPHA_BAR_T_MAX,
    SCHEDULES,
    check_schedule,
    make_schedule,
    q_sample,
)
from core.diffusion.toy import (
    DiffusionConfig,
    DiffusionResult,
    held_out,
    load_model,
    measured_ddim,
)
from ui import link, predict, runner, side
from ui.diffusion import charts
from ui.gan.panel import DATA_CHOICES, own_data
from ui.widgets import config_from_widgets, preset_picker, stops

PAGE = "diffusion"
DEFAULT = "diffusion.ring"
FIELDS_2D = ("data", "schedule", "T", "steps", "lr", "hidden", "layers", "fourier", "seed")
FIELDS_DIGITS = ("space", "conditional", "label_drop", "schedule", "T", "steps", "seed")
T_CHOICES = [10, 20, 30, 50, 100, 200, 500, 1000]
DDIM_CHOICES = [2, 3, 5, 10, 20, 50, 100, 200, 500, 1000]
SCHEDULE_LABELS = {"linear": "linear", "cosine": "cosine",
                   "linear_fixed": "linear, unscaled (tiny-diffusion's)"}


def key(field: str) -> str:
    return f"{PAGE}.{field}"


def is_digits(name: str) -> bool:
    return isinstance(presets.get(name).config, DigitsDiffusionConfig)


def _fields(name: str) -> tuple[str, ...]:
    return FIELDS_DIGITS if is_digits(name) else FIELDS_2D


def controls() -> tuple[str, DiffusionConfig | DigitsDiffusionConfig | None]:
    """Sidebar widgets -> (preset name, config); the config is None (with a sentence) while
    the widgets do not make a valid one."""
    with st.sidebar:
        st.header("Experiment")
        name = preset_picker(PAGE, presets.labels("diffusion.*"), DEFAULT, _fields,
                             question=True)
        base = presets.get(name).config
        digits = is_digits(name)
        if digits:
            link.radio("Diffuse in", ["pixel", "latent"], key=key("space"), horizontal=True,
                       format_func={"pixel": "pixels (64)", "latent": "a VAE's code (8)"}.get)
            link.toggle("Class-conditional (the digit is the prompt)", key=key("conditional"))
        else:
            link.selectbox("Data", list(DATA_CHOICES), format_func=DATA_CHOICES.get,
                           key=key("data"))
        link.radio("Noise schedule", list(SCHEDULES), format_func=SCHEDULE_LABELS.get,
                   key=key("schedule"))
        link.select_slider("T: diffusion steps", stops(T_CHOICES, base.T), key=key("T"))
        train_steps = ([2000, 4000, 8000, 16000] if digits
                       else [300, 1000, 2000, 3000, 5000, 10000])
        link.select_slider("Training steps", stops(train_steps, base.steps), key=key("steps"))
        link.number_input("Seed", 0, 10**6, step=1, key=key("seed"))
        with st.expander("Advanced: network and training"):
            if digits:
                link.select_slider("Labels dropped in training (for guidance)",
                                   stops([0.0, 0.05, 0.1, 0.2, 0.5], base.label_drop),
                                   key=key("label_drop"),
                                   help="Classifier-free guidance needs the unconditional "
                                   "model that these dropped labels train.")
            else:
                cols = st.columns(2)
                link.on(cols[0]).number_input("width", 8, 512, step=8, key=key("hidden"))
                link.on(cols[1]).number_input("depth", 1, 6, key=key("layers"))
                link.number_input("Fourier features of x_t", 0, 64, key=key("fourier"),
                                  help="sin and cos of random projections of x_t: they let a "
                                  "small net draw the ring's thin modes sharp.")
                link.select_slider("Learning rate", stops([3e-4, 1e-3, 3e-3, 1e-2], base.lr),
                                   key=key("lr"))
    fields = _fields(name)
    # no prompt, nothing to guide: the same run as diffusion.digits
    unguided = {"guidance": 0.0} if st.session_state.get(key("conditional")) is False \
        and "conditional" in fields else {}
    data = {} if digits else own_data(PAGE)
    if data is None:
        return name, None
    return name, config_from_widgets(PAGE, base, fields, **unguided, **data)


# ---------------------------------------------------------------- the schedule (instant)

GUESSES = ("pure noise", "the data still shows")


def ask_first(cfg: DiffusionConfig | DigitsDiffusionConfig) -> bool:
    """"Which schedule leaves noise at x_T?" before the schedule is drawn, when the class is
    asked first."""
    return predict.ask(PAGE, cfg, f"After the last of T = {cfg.T} forward steps of the "
                       f"{SCHEDULE_LABELS[cfg.schedule]} schedule, what is left in x_T?",
                       list(GUESSES))


def reveal(cfg: DiffusionConfig | DigitsDiffusionConfig) -> None:
    alpha_bar_T = float(make_schedule(cfg.schedule, cfg.T).alpha_bar[-1])
    truth = GUESSES[0] if alpha_bar_T <= ALPHA_BAR_T_MAX else GUESSES[1]
    predict.answer(PAGE, truth, f"ᾱ_T = {alpha_bar_T:.2g}: x_T keeps √ᾱ_T = "
                   f"{alpha_bar_T ** 0.5:.0%} of the data's scale (pure noise below "
                   f"{ALPHA_BAR_T_MAX ** 0.5:.0%}).")


def schedule_view(cfg: DiffusionConfig | DigitsDiffusionConfig) -> None:
    """The sidebar's schedule and T: alpha_bar_t, SNR, x_T against N(0, I), and its warnings.
    No training: make_schedule and the closed form q(x_T | x_0) alone."""
    schedules = {kind: make_schedule(kind, cfg.T) for kind in SCHEDULES}
    current = schedules[cfg.schedule]
    data = getattr(cfg, "data", "ring")
    rng = np.random.default_rng(0)
    x0 = held_out(data, 1000)
    xT = q_sample(x0, cfg.T, rng.standard_normal(x0.shape), current.alpha_bar)
    noise = rng.standard_normal(x0.shape)
    st.plotly_chart(charts.schedule_view(schedules, cfg.schedule, x0, xT, noise),
                    key="diffusion.schedule_chart")
    problems = check_schedule(current)
    for sentence in problems:
        st.warning(sentence, icon=":material/warning:")
    where = ("" if data != "ring" or isinstance(cfg, DiffusionConfig)
             else " (the ring stands in for the digits here)")
    st.caption(
        "**Look at** the bold curve's end, ᾱ_T: sampling starts from N(0, I), so x_T must be "
        f"noise. On the right, the data{where} pushed to t = T by this schedule lies on the grey "
        "N(0, I) cloud when ᾱ_T ≈ 0. The unscaled linear schedule with few steps (try T = 50) "
        "leaves a shrunken copy of the data instead: the model then never learns the region "
        "its sampler starts in. " + ("No warning for this schedule and T." if not problems
                                     else ""))


# ---------------------------------------------------------------- 2-D views

@st.cache_resource(max_entries=16, show_spinner=False)
def _net_for(run_key: str, _cfg: DiffusionConfig, _result: DiffusionResult) -> EpsNet:
    """The trained eps_theta, rebuilt once per run and shared (read-only) by every session."""
    return load_model(_cfg, _result)


def net(cfg: DiffusionConfig, result: DiffusionResult) -> EpsNet:
    return _net_for(runs.key_for(cfg), cfg, result)


def film(cfg: DiffusionConfig, result: DiffusionResult) -> None:
    """The film, built once per run and shared (its 101 frames take a while to assemble)."""
    data = held_out(result.data, 1000)
    st.plotly_chart(charts.film(vars(result), data, toy2d.EXTENT, run_key=runs.key_for(cfg)),
                    key="diffusion.film")


def n_modes(data: str) -> int:
    """How many modes a data set has (0: not a mixture)."""
    return modes.count(data)


def side_by_side(cfg: DiffusionConfig, result: DiffusionResult, pair: side.Pair) -> None:
    """This run's samples next to the other setting's, on the same plane, with their numbers."""
    other = runner.run(pair.other, label="Training the other setting")
    if other is None:
        return
    st.subheader("Side by side")
    both = ((pair.title, cfg, result), (pair.other_title, pair.other, other))
    for col, (title, c, r) in zip(st.columns(2), both, strict=True):
        with col:
            st.markdown(f"**{title}**")
            a, b, d = st.columns(3)
            modes = n_modes(c.data)
            a.metric("modes covered", "—" if r.modes_covered is None
                     else f"{r.modes_covered:.0f} of {modes}")
            b.metric("samples off the data", f"{r.off_data_fraction:.1%}")
            d.metric("MMD² to held-out data", f"{r.mmd2:.4f}")
    st.plotly_chart(charts.side_samples(result.samples, other.samples, held_out(cfg.data, 1000),
                                        held_out(pair.other.data, 1000), toy2d.EXTENT,
                                        (pair.title, pair.other_title)),
                    key="diffusion.side.samples")


def metrics_row(cfg: DiffusionConfig, result: DiffusionResult) -> None:
    cols = st.columns(5)
    if result.modes_covered is not None:
        cols[0].metric("modes covered", f"{result.modes_covered:.0f} of {n_modes(cfg.data)}",
                       help="A mode is covered when at least 1 % of 2,500 samples lie within "
                       "3 standard deviations of it (as in the GAN lab).")
    else:
        cols[0].metric("modes covered", "—", help="Only the ring and the grid have modes to count.")
    cols[1].metric("samples off the data", f"{result.off_data_fraction:.1%}",
                   help="Share of 2,500 DDPM samples farther than 0.1 from every one of "
                   "20,000 fresh data points.")
    cols[2].metric("MMD² to held-out data", f"{result.mmd2:.4f}",
                   help=f"0 for a perfect model, up to sampling noise: a fresh data sample "
                   f"scores {result.mmd2_floor:.4f}.")
    cols[3].metric("training time", f"{result.train_seconds:.1f} s")
    cols[4].metric(f"sampling time (DDPM, {result.T} steps)", f"{result.sample_seconds:.2f} s",
                   help="2,500 samples, trajectories recorded.")


@st.cache_data(max_entries=64, show_spinner=False)
def _ddim_live(run_key: str, steps: int, _cfg: DiffusionConfig, _result: DiffusionResult
               ) -> dict:
    """DDIM with a step count the run did not store: sampled and measured now (fast)."""
    return measured_ddim(net(_cfg, _result), _cfg, make_schedule(_cfg.schedule, _cfg.T), steps,
                         held_out(_cfg.data))


def ddim_result(cfg: DiffusionConfig, result: DiffusionResult, steps: int) -> dict:
    stored = np.flatnonzero(result.ddim_steps == steps)
    if len(stored):
        i = int(stored[0])
        modes = result.ddim_modes[i]
        return {"x0": result.ddim_samples[i], "seconds": float(result.ddim_seconds[i]),
                "off_data_fraction": float(result.ddim_off_data[i]),
                "mmd2": float(result.ddim_mmd2[i]),
                "modes_covered": None if np.isnan(modes) else float(modes)}
    return _ddim_live(runs.key_for(cfg), steps, cfg, result)


def _quality_metrics(col, label: str, q: dict, seconds: float, floor: float, modes: int
                     ) -> None:
    col.markdown(f"**{label}**")
    a, b = col.columns(2)
    a.metric("off the data", f"{q['off_data_fraction']:.1%}")
    b.metric("MMD²", f"{q['mmd2']:.4f}", help=f"A fresh data sample scores {floor:.4f}.")
    a.metric("modes covered", "—" if q["modes_covered"] is None
             else f"{q['modes_covered']:.0f} of {modes}")
    b.metric("time, 2,500 samples", f"{seconds:.3f} s")


def sampling_view(cfg: DiffusionConfig, result: DiffusionResult) -> None:
    """DDPM against DDIM with the slider's steps, from the same x_T."""
    options = [s for s in DDIM_CHOICES if s <= cfg.T]
    default = 10 if 10 in options else options[-1]
    if st.session_state.get(key("ddim_steps"), default) not in options:   # T got smaller
        st.session_state[key("ddim_steps")] = default
    steps = link.select_slider("DDIM steps (DDPM always takes T)", options, value=default,
                               key=key("ddim_steps"))
    ddim = ddim_result(cfg, result, steps)
    ddpm = {"off_data_fraction": result.off_data_fraction, "mmd2": result.mmd2,
            "modes_covered": result.modes_covered}
    left, right = st.columns(2)
    _quality_metrics(left, f"DDPM: {cfg.T} random steps", ddpm, result.sample_seconds,
                     result.mmd2_floor, n_modes(cfg.data))
    _quality_metrics(right, f"DDIM: {steps} deterministic steps", ddim, ddim["seconds"],
                     result.mmd2_floor, n_modes(cfg.data))
    data = held_out(cfg.data, 1000)
    st.plotly_chart(charts.samplers(result.samples, ddim["x0"], cfg.T, steps, data,
                                    toy2d.EXTENT, (f"DDPM, {cfg.T} steps", f"DDIM, {steps} steps")),
                    key="diffusion.samplers")
    steps_all, off, secs = (result.ddim_steps, result.ddim_off_data, result.ddim_seconds)
    keep = steps_all <= cfg.T
    steps_all, off, secs = steps_all[keep], off[keep], secs[keep]
    if steps not in steps_all:
        steps_all = np.append(steps_all, steps)
        off = np.append(off, ddim["off_data_fraction"])
        secs = np.append(secs, ddim["seconds"])
    left, right = st.columns(2)
    left.plotly_chart(charts.quality_by_steps(steps_all, off, secs, cfg.T,
                                              result.off_data_fraction, result.sample_seconds,
                                              steps), key="diffusion.by_steps")
    right.plotly_chart(charts.loss_curve({"step": result.loss_step, "loss": result.loss}),
                       key="diffusion.loss")
    st.caption("Both samplers start from the same x_T. DDPM's time includes recording the "
               "film's trajectories. DDIM's time grows with its steps, and with too few of them "
               "the samples land between the data's modes or arms.")
