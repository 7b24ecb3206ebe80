"""Panel 5: compare — the lecture's "Summary" table measured, and "GANs vs VAEs: A Symmetry"."""

import streamlit as st

from ui import present, promise, runner, side
from ui.compare import panel
from ui.notes import note

st.title("Compare")
present.explain(
    "The lecture ends on a table: the VAE, the GAN and the diffusion model, what each "
    "specifies, what it optimises, what it ignores, and what that does to its samples. Here "
    "the three are trained on the same data and measured the same way, so every claim of the "
    "table sits beside a number. **Guess first**, then reveal."
)

name, cfg = panel.controls()
if cfg is None:
    st.stop()
pair = side.pick("compare", name, cfg, panel.OFFERED)

st.subheader("The lecture's table, measured (slide “Summary”)")
revealed = panel.predict(cfg.data)
result = runner.run(cfg, label="Training the VAE, the GAN and the diffusion model")
if result is None:
    st.stop()

panel.table(result, revealed)
if revealed:
    promise.show("compare", name, cfg, result)
    panel.numbers(result)
    st.subheader("Samples side by side")
    panel.samples(result)
    if pair is not None:
        panel.side_by_side(result, pair)
    st.subheader("Robust or fragile: every seed at every learning rate")
    panel.spread(result)

st.subheader("KL(Q‖P_θ) against KL(P_θ‖Q) (slide “GANs vs VAEs: A Symmetry”)")
st.write("Hu et al. read both families as fitting a model P_θ to the data Q, in opposite "
         "directions: the VAE minimises KL(Q‖P_θ), the GAN's generator KL(P_θ‖Q). Fit one "
         "Gaussian P_θ to a mixture Q both ways and move the sliders.")
st.latex(r"\mathrm{KL}(Q \,\|\, P_\theta) = \mathbb E_{Q}\Big[\log \frac{Q(x)}{P_\theta(x)}\Big]"
         r"\qquad \mathrm{KL}(P_\theta \,\|\, Q) = \mathbb E_{P_\theta}\Big[\log "
         r"\frac{P_\theta(x)}{Q(x)}\Big]")
panel.kl_view(result.metrics() if revealed else None)

with st.expander("The lecture's equations", expanded=False):
    st.markdown(note("compare"))
