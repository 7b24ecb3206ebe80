"""Panel 3: the GAN lab — the minimax game on 2-D data, trained live and measured."""

import streamlit as st

from ui import present, promise, runner, side
from ui.gan import charts, panel
from ui.notes import note

st.title("GAN lab")
present.explain(
    "A generator G turns noise z into points; a discriminator D scores how real a point looks. "
    "They play the lecture's minimax game by Algorithm 1: k steps of D, then one of G. "
    "**Pick a preset**: each reproduces one of the slide's training problems with one click."
)
st.latex(r"\min_G \max_D V(D, G) = \mathbb E_{x \sim p_\text{data}}[\log D(x)] + "
         r"\mathbb E_{z \sim p(z)}[\log(1 - D(G(z)))]")

name, cfg = panel.controls()
if cfg is None or not panel.ask_first(cfg):
    st.stop()
pair = side.pick("gan", name, cfg, panel.OFFERED)
result = runner.run(cfg, label="Training", live_chart=lambda partial: charts.losses(
    partial, cfg.loss, cfg.steps, cfg.label_smoothing))
if result is None:
    st.stop()

panel.metrics_row(result)
panel.reveal(result)
promise.show("gan", name, cfg, result)
if pair is not None:
    panel.side_by_side(cfg, result, pair)
panel.film(cfg, panel.frames_of(result), "Training, frame by frame: press play or drag the "
           "slider<br><sup>heat map: D(x) (blue: “real”, red: “fake”); purple: G(z); "
           "black: where G's loss pushes each sample</sup>", "gan.film")
left, right = st.columns(2)
left.plotly_chart(charts.losses(vars(result), cfg.loss, smoothing=cfg.label_smoothing),
                  key="gan.losses")
right.plotly_chart(charts.d_outputs(vars(result), cfg.label_smoothing), key="gan.d_outputs")

# The sections follow the slides: the game converges (or not), the saddle point explains why it
# circles, the training problems, and the non-saturating loss that fixes one of them.
st.subheader("Convergence? D against the best D* (slide “GAN Training – Convergence?”)")
panel.optimum(cfg, result)

st.subheader("The saddle point: why the game circles (slide “Saddle point interpretation”)")
panel.saddle()

st.subheader("Training problems: the modes G found (slide “GAN Training Problems”)")
if result.modes_covered is not None:
    left, right = st.columns(2)
    left.plotly_chart(charts.modes(vars(result), len(result.mode_counts)), key="gan.modes")
    right.plotly_chart(charts.mode_bars(result.mode_counts, len(result.samples)),
                       key="gan.mode_bars")
panel.many_seeds(name, cfg)

st.subheader("The non-saturating loss, from the same start (slide “Non-saturating GAN”)")
panel.loss_comparison(cfg, result)

with st.expander("The lecture's equations", expanded=False):
    st.markdown(note("gan"))
