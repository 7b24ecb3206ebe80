"""Panel 4: diffusion — the forward and the reverse process on one time slider."""

import streamlit as st

from core import presets
from core.diffusion.digits import DigitsDiffusionConfig
from core.diffusion.schedules import ALPHA_BAR_T_MAX
from ui import link, present, promise, runner, side
from ui.diffusion import charts, panel, panel_digits
from ui.notes import note

st.title("Diffusion")
present.explain(
    "Add a little Gaussian noise to the data, T times, until nothing but noise is left; then "
    "train a network ε_θ to tell the noise in x_t, so the steps can be undone one at a time, "
    "starting from pure noise. **Pick a preset**, then drag the time slider t."
)

name, cfg = panel.controls()
if cfg is None or not panel.ask_first(cfg):
    st.stop()
digits = isinstance(cfg, DigitsDiffusionConfig)
pair = None if digits else side.pick("diffusion", name, cfg, presets.labels("diffusion.*"))

st.subheader("The forward process and its noise schedule")
st.latex(r"q(x_t \mid x_{t-1}) = \mathcal N\big(\sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I\big)"
         r"\quad\Rightarrow\quad q(x_t \mid x_0) = \mathcal N\big(\sqrt{\bar\alpha_t}\,x_0,\ "
         r"(1-\bar\alpha_t) I\big),\quad \bar\alpha_t = \textstyle\prod_{s \le t}(1-\beta_s)")
panel.reveal(cfg)
panel.schedule_view(cfg)

st.subheader("Forward and reverse on one time slider" if not digits
             else "Digits: forward and reverse on one time slider")
# the derivation a click away: the page opens on the schedule and the run, not on the maths
with st.expander("The reverse step and the loss ε_θ is trained with", icon=":material/function:"):
    st.latex(r"p_\theta(x_{t-1} \mid x_t) = \mathcal N\big(\mu_\theta(x_t, t),\ \sigma_t^2 I\big),"
             r"\quad \mu_\theta = \tfrac{1}{\sqrt{\alpha_t}}\Big(x_t - \tfrac{\beta_t}"
             r"{\sqrt{1-\bar\alpha_t}}\,\epsilon_\theta(x_t, t)\Big)")
    st.latex(r"L_\text{simple} = \mathbb E_{t, x_0, \epsilon}\,\|\epsilon - "
             r"\epsilon_\theta(\sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon,\ t)\|^2")
result = runner.run(cfg, label="Training ε_θ", live_chart=lambda partial: charts.loss_curve(
    partial, cfg.steps))
if result is None:
    st.stop()
promise.show("diffusion", name, cfg, result)

if digits:
    panel_digits.digits_view(cfg, result)
    st.subheader("Latent diffusion against pixel diffusion")
    panel_digits.latent_view(cfg, result)
else:
    panel.metrics_row(cfg, result)
    if pair is not None:
        panel.side_by_side(cfg, result, pair)
    panel.film(cfg, result)
    st.caption("Slides “Diffusion models: forward pass” (left), “reverse pass” and "
               "“generating a new sample” (middle). The right panel is the learned noise "
               "prediction: −ε_θ / √(1 − ᾱ_t) is the score ∇ log q(x_t), so the arrows point "
               "towards where the data are likely at that t (lengths are relative within each "
               "frame).")
    if result.alpha_bar[-1] > ALPHA_BAR_T_MAX:   # the warning that concerns x_T, not step size
        st.warning("This schedule's x_T is not noise: at t = T the left panel still shows the "
                   "data, while the right one starts from N(0, I). The two processes no longer "
                   "meet at t = T, and the net was never trained where its sampler starts; "
                   "compare the metrics with the cosine or the scaled linear schedule.",
                   icon=":material/warning:")

    st.subheader("Sampling: DDPM against DDIM with fewer steps")
    with st.expander("DDIM's deterministic step", icon=":material/function:"):
        st.latex(r"\text{DDIM: } \hat x_0 = \frac{x_t - \sqrt{1-\bar\alpha_t}\,"
                 r"\epsilon_\theta(x_t, t)}{\sqrt{\bar\alpha_t}},\quad x_s = "
                 r"\sqrt{\bar\alpha_s}\,\hat x_0 + \sqrt{1-\bar\alpha_s}\,\epsilon_\theta(x_t, t)"
                 r"\quad (s < t)")
    panel.sampling_view(cfg, result)

    st.subheader("Images: diffusion on 8×8 digits, with a prompt")
    if link.toggle("Train the class-conditional digit model (about 20 s; `python -m core warm` "
                   "precomputes it)", key="diffusion.digits"):
        digit_cfg = presets.get("diffusion.digits_cfg").config
        digit_result = runner.run(digit_cfg, label="Training the digit model",
                                  live_chart=lambda partial: charts.loss_curve(
                                      partial, digit_cfg.steps))
        if digit_result is not None:
            panel_digits.digits_view(digit_cfg, digit_result)
            st.subheader("Latent diffusion against pixel diffusion")
            panel_digits.latent_view(digit_cfg, digit_result)

with st.expander("The lecture's equations", expanded=False):
    st.markdown(note("diffusion"))
