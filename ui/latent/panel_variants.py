"""The autoencoder variants' own views on the latent page: the sparse model's features and
steering, the denoiser's before and after, and the five variants trained side by side
(Streamlit glue; the page's controls and shared helpers are in ui/latent/panel.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from core import presets
from core.images import image_set
from core.latent.config import AEConfig
from core.latent.explore import denoise_examples, feature_images, steer
from core.latent.metrics import firing_rates
from core.latent.nets import Autoencoder
from core.latent.train import AEResult
from ui import link, runner
from ui.latent import charts
from ui.latent.panel import key


def sparse_features(cfg: AEConfig, model: Autoencoder, result: AEResult) -> None:
    """The monosemanticity slide on digits: features, their top images, and steering."""
    st.plotly_chart(charts.activation_histogram(result), key="latent.activations")
    data = image_set(cfg.data)
    frequency = firing_rates(result.latent)
    live = [int(u) for u in np.argsort(-frequency) if frequency[u] > 0]
    if not live:
        st.warning("Every unit is silent: the L1 penalty is too strong. Lower λ.")
        return
    drawings = feature_images(model, result)
    shown = live[:40]
    rows = -(-len(shown) // 10)
    mosaic = np.zeros((rows * 10, data.side, data.side))
    mosaic[:len(shown)] = drawings[shown]
    st.plotly_chart(charts.image_mosaic(
        mosaic.reshape(rows, 10, data.side, data.side),
        f"What each live unit draws ({len(live)} of {len(frequency)} units live), the most "
        "frequent first", height=90 + 70 * rows), key="latent.dictionary")
    st.caption("Each picture is the ink one unit adds to the decode at its strongest. With the "
               "L1 penalty most units stay silent on a given image, and those that are live "
               "learn strokes and parts: features you can name.")
    unit = link.selectbox("Feature", live, key=key("unit"),
                          format_func=lambda u: f"unit #{u} (active on {frequency[u]:.0%})")
    drawn = drawings[unit]
    top = np.argsort(-result.latent[:, unit])[:8]
    cols = st.columns([1, 3])
    cols[0].plotly_chart(charts.decoded_image(drawn, f"what unit #{unit} draws"),
                         key="latent.feature")
    cols[1].plotly_chart(charts.image_mosaic(
        data.X_test[top].reshape(1, 8, data.side, data.side),
        f"test images that activate unit #{unit} most", height=320), key="latent.top")
    st.markdown("**Feature steering**: clamp the unit to a value and decode (the slide's "
                "“feature clamped to a high value”).")
    cols = st.columns(2)
    image = link.on(cols[0]).selectbox("Image", range(len(data.y_test)), key=key("steer_image"),
                                       format_func=lambda i: f"test image {i} (a {data.y_test[i]})")
    high = float(max(result.latent[:, unit].max(), 1e-3)) * 3
    # one slider per unit: each has its own range
    value = link.on(cols[1]).slider(f"Unit #{unit} clamped to", 0.0, round(high, 2),
                                    value=round(high / 2, 2), key=key(f"value.{unit}"))
    x = data.X_test[image]
    pictures = np.stack([x.reshape(data.side, data.side), steer(model, x, unit, float(
        result.latent[image, unit])), steer(model, x, unit, value)])
    st.plotly_chart(charts.image_mosaic(
        pictures[None], "original · reconstructed · steered", height=300),
        key="latent.steer")


def denoising_view(cfg: AEConfig, model: Autoencoder) -> None:
    data = image_set(cfg.data)
    noisy, clean = denoise_examples(model, cfg, data.X_test[:10], cfg.seed)
    st.plotly_chart(charts.image_mosaic(
        np.stack([data.X_test[:10].reshape(noisy.shape), noisy, clean]),
        f"Test images · with noise (std {cfg.noise:g}) · the denoising autoencoder's output",
        height=360), key="latent.denoise")


COMPARED = ("ae.plain", "ae.denoising", "ae.dropout", "ae.sparse", "vae.digits")


def comparison(cfg: AEConfig) -> None:
    """The five variants trained on the same data, measured the same way."""
    if not link.toggle("Train and compare all five variants on this data set",
                       key=key("compare")):
        return
    rows = []
    for name in COMPARED:
        variant = dataclasses.replace(presets.get(name).config, data=cfg.data, seed=cfg.seed)
        result = runner.run(variant, label=presets.get(name).label)
        if result is None:
            return
        m = result.metrics()
        rows.append({"model": name, "latent size": variant.latent_dim,
                     "test MSE per pixel": m["recon_mse"], "KL (nats)": m["kl"],
                     "active units": m["active_fraction"], "probe accuracy": m["probe_accuracy"],
                     "training seconds": m["train_seconds"]})
    st.dataframe(rows, hide_index=True, column_config={
        "test MSE per pixel": st.column_config.NumberColumn(format="%.4f"),
        "KL (nats)": st.column_config.NumberColumn(format="%.2f"),
        "active units": st.column_config.NumberColumn(format="percent"),
        "probe accuracy": st.column_config.NumberColumn(format="percent"),
        "training seconds": st.column_config.NumberColumn(format="%.1f")})
    st.caption("The sparse model's 64-D code reconstructs best and feeds the probe best; the "
               "2-D codes trade accuracy for a picture.")
