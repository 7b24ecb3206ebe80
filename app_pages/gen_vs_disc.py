"""Panel 1: generative vs discriminative — Ng & Jordan's learning curves, live."""

import streamlit as st

from core import presets
from ui import present, promise, runner, side
from ui.gen_vs_disc import charts, panel
from ui.notes import note

st.title("Generative vs discriminative")
present.explain(
    "Naive Bayes learns P(X | Y) P(Y) and applies Bayes' rule; logistic regression learns "
    "P(Y | X) directly. Both are trained on nested training sets of growing size m, over many "
    "random splits. **Look for m\\***: where the discriminative model overtakes the generative one."
)

cfg = panel.controls()
if cfg is None or not panel.ask_first(cfg):
    st.stop()
name = f"ngjordan.{cfg.data}" if f"ngjordan.{cfg.data}" in presets.PRESETS else None
pair = side.pick("gen_vs_disc", name, cfg, panel.PRESETS)
result = runner.run(cfg, label="Learning curves")
if result is None:
    st.stop()

panel.headline(result)
panel.reveal(result)
if name is not None:   # not for a CSV file
    promise.show("gen_vs_disc", name, cfg, result)
if pair is not None:
    panel.side_by_side(result, pair)
curves, summary = st.columns([3, 2])
curves.plotly_chart(charts.learning_curves(result), key="gen_vs_disc.curves")
with summary:
    panel.verdict(result)
    st.plotly_chart(charts.error_gap(result), key="gen_vs_disc.gap")

st.subheader("Two features at a time: what each model learned")
st.write("Both models fitted on two features of all the data. Naive Bayes' class Gaussians are "
         "a model of the data itself, so it can **generate** new points (✕); logistic "
         "regression only knows the boundary.")
features = panel.feature_pair(cfg)
if features is not None:
    view = panel.view_2d(cfg, features)
    st.plotly_chart(charts.decision_boundaries(view), key="gen_vs_disc.boundaries")
    panel.fitted_equations(view)

with st.expander("The lecture's equations, and how this page measures them", expanded=False):
    st.markdown(note("gen_vs_disc"))
