"""The digits' views of the diffusion page (Streamlit glue): the film, a prompt with
classifier-free guidance sampled live, and latent against pixel diffusion."""

from __future__ import annotations

import dataclasses

import streamlit as st

from core import runs
from core.diffusion.ddpm import EpsNet
from core.diffusion.digit_spaces import Space, latent_space, pixel_space, vae_config
from core.diffusion.digits import (
    DigitsDiffusionConfig,
    DigitsDiffusionResult,
    load_digits_model,
    samples_of_one_prompt,
)
from core.latent.train import AEResult
from ui import link, runner
from ui.diffusion import charts
from ui.diffusion import charts_digits as digit_charts
from ui.diffusion.panel import key
from ui.widgets import stops

GUIDANCE_CHOICES = [0.0, 0.5, 1.0, 2.0, 4.0, 8.0]
LIVE_SAMPLES = 40          # samples of the chosen prompt drawn live


@st.cache_resource(max_entries=8, show_spinner=False)
def _digits_model(run_key: str, _cfg: DigitsDiffusionConfig, _result: DigitsDiffusionResult,
                  _vae: AEResult | None) -> tuple[EpsNet, Space]:
    """The trained eps_theta and its space, rebuilt once per run and shared (read-only) by
    every session."""
    space = latent_space(_cfg, _vae) if _cfg.space == "latent" else pixel_space()
    return load_digits_model(_cfg, _result), space


@st.cache_data(max_entries=64, show_spinner=False)
def _prompt_samples(run_key: str, digit: int, w: float, _cfg: DigitsDiffusionConfig,
                    _result: DigitsDiffusionResult, _vae: AEResult | None) -> dict:
    net, space = _digits_model(run_key, _cfg, _result, _vae)
    return samples_of_one_prompt(net, _cfg, space, digit, w, LIVE_SAMPLES, _cfg.seed + 3)


def vae_for(cfg: DigitsDiffusionConfig) -> AEResult | None:
    """The VAE a latent model decodes with, from the job pool like every run: the diffusion
    run trained it, so it is normally in the store; None while it trains (or in pixel space,
    where there is none)."""
    if cfg.space != "latent":
        return None
    return runner.run(vae_config(cfg), label="Training the VAE of latent diffusion")


def digits_metrics(result: DigitsDiffusionResult) -> None:
    cols = st.columns(4)
    if result.classifier_agreement is not None:
        cols[0].metric(f"read as the prompt (w = {result.guidance:g})",
                       f"{result.classifier_agreement:.0%}",
                       help="A logistic regression trained on real digits reads each sample; "
                       f"it reads {result.classifier_test_accuracy:.0%} of real test digits "
                       "right.")
    else:
        cols[0].metric("digits drawn", f"{int((result.class_counts > 0).sum())} of 10",
                       help="How many digit classes the classifier finds among the samples.")
    cols[1].metric("diversity", f"{result.diversity:.2f}",
                   help="Mean pairwise distance of samples of one prompt over that of real "
                   "digits of the class: 1 is as varied as real digits.")
    vae = f" + VAE {result.vae_train_seconds:.0f} s" if result.vae_train_seconds else ""
    cols[2].metric("training time", f"{result.train_seconds:.0f} s{vae}")
    cols[3].metric(f"sampling 500 digits ({result.T} steps)", f"{result.sample_seconds:.2f} s")


def digits_view(cfg: DigitsDiffusionConfig, result: DigitsDiffusionResult) -> None:
    """The digits film, the prompt and guidance pickers with live samples, the trade-off."""
    digits_metrics(result)
    label = "reverse p_θ: prompts 0…9" if cfg.conditional else "reverse p_θ: samples"
    st.plotly_chart(digit_charts.digits_film(result.frame_t, result.alpha_bar,
                                             result.forward_images, result.reverse_images,
                                             label), key="diffusion.digits_film")
    st.caption("Drag t or press play: the top row is real test digits pushed through the "
               "forward chain, the bottom row the reverse process at the same t"
               + (" (latent diffusion: each x_t decoded by the VAE)." if cfg.space == "latent"
                  else "."))
    if not cfg.conditional:
        st.plotly_chart(digit_charts.digits_grid(result.samples[:50], 10,
                                                 "50 samples, no prompt"),
                        key="diffusion.digits_samples")
        counts = ", ".join(f"{d}: {c}" for d, c in enumerate(result.class_counts))
        st.caption(f"The classifier reads the 500 samples as: {counts}.")
        return
    st.latex(r"\tilde\epsilon_\theta(x_t, t, y) = (1 + w)\,\epsilon_\theta(x_t, t, y) "
             r"- w\,\epsilon_\theta(x_t, t, \varnothing)")
    st.caption("This w is the guidance weight of Ho & Salimans (2022); Stable Diffusion tools "
               "write the same formula as ε(x_t, t, ∅) + s·(ε(x_t, t, y) − ε(x_t, t, ∅)), so "
               "their \"guidance scale\" is s = 1 + w: w = 0 is s = 1 (no guidance, the plain "
               "conditional model), and their usual s = 7.5 is w = 6.5.")
    cols = st.columns(2)
    digit = link.on(cols[0]).selectbox("Prompt: the digit to draw", list(range(10)), index=3,
                                       key=key("prompt"))
    w = link.on(cols[1]).select_slider("Guidance weight w (scale s = 1 + w)",
                                       stops(GUIDANCE_CHOICES, cfg.guidance),
                                       value=cfg.guidance, key=key("w"))
    vae = vae_for(cfg)
    if cfg.space == "latent" and vae is None:
        return          # the VAE trains in the job pool: runner.run shows its progress
    live = _prompt_samples(runs.key_for(cfg), int(digit), float(w), cfg, result, vae)
    left, right = st.columns(2)
    left.plotly_chart(digit_charts.digits_grid(
        live["images"], 10, f"“{digit}” at w = {w:g}: {live['agreement']:.0%} read as {digit}, "
        f"diversity {live['diversity']:.2f}", height=380), key="diffusion.prompt_samples")
    right.plotly_chart(digit_charts.tradeoff(result.guidance_scales,
                                             result.agreement_by_guidance,
                                             result.diversity_by_guidance,
                                             result.classifier_test_accuracy, float(w),
                                             (live["diversity"], live["agreement"], float(w))),
                       key="diffusion.tradeoff")
    st.caption(f"{LIVE_SAMPLES} samples of your prompt, drawn now. The trade-off's sweep was "
               "measured after training on 20 samples of every digit; the star is the samples "
               "on the left (one digit, so it scatters around the sweep).")


def latent_view(cfg: DigitsDiffusionConfig, result: DigitsDiffusionResult) -> None:
    """Pixel and latent diffusion of the same config, side by side."""
    other_space = "pixel" if cfg.space == "latent" else "latent"
    if not link.toggle(f"Train the {other_space}-space twin of this model and compare "
                       "(about 20 s; `python -m core warm` precomputes the presets)",
                       key=key("compare"), value=cfg.space == "latent"):
        return
    other_cfg = dataclasses.replace(cfg, space=other_space)
    other = runner.run(other_cfg, label=f"Training {other_space} diffusion",
                       live_chart=lambda partial: charts.loss_curve(partial, other_cfg.steps))
    if other is None:
        return
    both = {cfg.space: result, other_space: other}
    st.latex(r"z = E(x),\quad \text{diffuse } z \text{ (8 numbers, not 64 pixels)},\quad "
             r"x = D(z_0)")
    cols = st.columns(2)
    for col, space in zip(cols, ("pixel", "latent"), strict=True):
        r = both[space]
        with col:
            st.markdown(f"**{'Pixel' if space == 'pixel' else 'Latent'} diffusion**")
            a, b = st.columns(2)
            a.metric("training", f"{r.train_seconds:.0f} s" + (
                f" + VAE {r.vae_train_seconds:.0f} s" if r.vae_train_seconds else ""))
            b.metric("sampling 500", f"{r.sample_seconds:.2f} s")
            if r.classifier_agreement is not None:
                a.metric("read as the prompt", f"{r.classifier_agreement:.0%}")
            b.metric("diversity", f"{r.diversity:.2f}")
            st.plotly_chart(digit_charts.digits_grid(
                digit_charts.by_digit(r.samples, r.prompts, 4), 10,
                "4 samples of each digit (columns 0…9)" if r.conditional else "40 samples",
                height=320), key=f"diffusion.grid.{space}")
    labels = ["pixel", "latent"]
    st.plotly_chart(digit_charts.times_bars(
        labels, [both[s].train_seconds for s in labels],
        [both[s].vae_train_seconds or 0.0 for s in labels],
        [both[s].sample_seconds for s in labels]), key="diffusion.times")
    sharp = {s: both[s].metrics()["sharpness"] for s in labels}
    blurrier = "blurrier" if sharp["latent"] < sharp["pixel"] else "no blurrier"
    less = "less" if both["latent"].diversity < both["pixel"].diversity else "no less"
    st.caption("Latent diffusion models 8 numbers per digit instead of 64, so each step is "
               "cheaper; the VAE is trained once and reused. Its decoder smooths the digits. "
               f"Here they are {blurrier} (sharpness {sharp['latent']:.2f} against "
               f"{sharp['pixel']:.2f}; 1 is as sharp as real digits) and {less} varied "
               f"(diversity {both['latent'].diversity:.2f} against "
               f"{both['pixel'].diversity:.2f}).")
