"""Panel 2: the latent-space explorer — autoencoders and the VAE on digit images."""

import streamlit as st

from ui import present, promise, runner, side
from ui.latent import charts, panel, panel_variants
from ui.notes import note

st.title("Latent-space explorer")
present.explain(
    "An autoencoder squeezes each image x into a short code z and rebuilds x' from it. The "
    "VAE makes the codes a distribution close to N(0, I), so that **any** z decodes to a "
    "digit. **Look at the map:** where do the digits land, and what lives between them?"
)

name, cfg = panel.controls()
if cfg is None:
    st.stop()
pair = side.pick("latent", name, cfg, panel.OFFERED)
if cfg.model == "vae":  # above the curves, while they grow too
    st.latex(r"L^{[i]} = \underbrace{-\mathbb E_{z \sim q_w(z|x^{[i]})}[\log p_w(x^{[i]}|z)]}_"
             r"{\text{reconstruction}} + \beta\,\underbrace{\mathrm{KL}(q_w(z|x^{[i]})\,\|\,"
             r"p(z))}_{\text{KL}}")
result = runner.run(cfg, label="Training", live_chart=lambda partial: charts.training_curves(
    partial, cfg.model == "vae", cfg.epochs, cfg.beta))
if result is None:
    st.stop()

panel.metrics_row(cfg, result)
promise.show("latent", name, cfg, result)
if pair is not None:
    panel.side_by_side(result, pair)
with st.expander("Compare the variants", expanded=False):
    panel_variants.comparison(cfg)
st.plotly_chart(charts.training_curves(result.history(), cfg.model == "vae", beta=cfg.beta),
                key="latent.curves")
if cfg.model == "denoising":
    panel_variants.denoising_view(cfg, panel.model(cfg, result))
if cfg.model == "sparse":
    st.subheader("Sparse features, as in the monosemanticity slide")
    panel_variants.sparse_features(cfg, panel.model(cfg, result), result)
elif cfg.latent_dim != 2:
    st.info(f"This code has {cfg.latent_dim} dimensions; the map and the manifold need 2. "
            "Set the latent size to 2 to draw them.")
else:
    model = panel.model(cfg, result)
    panel.latent_plane(model, result)

    st.subheader("Interpolation: walk from one test image to another")
    panel.interpolation(cfg, model)

    st.subheader("Sampling from the prior: why the VAE's KL term matters")
    panel.prior_comparison(cfg, model, result)

with st.expander("The lecture's equations", expanded=False):
    st.markdown(note("latent"))
