"""Widgets and cached helpers of the latent-space explorer (Streamlit glue)."""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core import presets, runs
from core.images import image_set
from core.latent.config import AEConfig
from core.latent.explore import (
    interpolate,
    latent_extent,
    manifold,
    prior_samples,
)
from core.latent.metrics import code_and_pixel_probes
from core.latent.nets import Autoencoder, decode, encode, load_model
from core.latent.train import AEResult
from ui import link, runner, shared_figures, side
from ui.latent import charts
from ui.widgets import config_from_widgets, preset_picker, stops

PAGE = "latent"
OFFERED = {**presets.labels("vae.*"), **presets.labels("ae.*")}
FIELDS = ("latent_dim", "noise", "dropout", "l1", "beta", "likelihood", "epochs", "seed")


def key(field: str) -> str:
    return f"{PAGE}.{field}"


def controls() -> tuple[str, AEConfig | None]:
    """Sidebar widgets -> (preset name, the model's config); the config is None (with a
    message) while the widgets do not make a valid one."""
    with st.sidebar:
        st.header("Model")
        name = preset_picker(PAGE, OFFERED, "vae.digits", FIELDS)
        base = presets.get(name).config
        model = base.model
        if model == "denoising":
            link.slider("Input noise (std)", 0.0, 1.0, step=0.05, key=key("noise"))
        elif model == "dropout":
            link.slider("Dropout probability", 0.0, 0.8, step=0.05, key=key("dropout"))
        elif model == "sparse":
            link.select_slider("L1 strength λ",
                               stops([0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3], base.l1),
                               key=key("l1"))
        elif model == "vae":
            link.select_slider("β (weight of the KL term)",
                               stops([0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0], base.beta),
                               key=key("beta"))
            link.radio("Likelihood p(x|z)", ["bernoulli", "gaussian"], key=key("likelihood"),
                       horizontal=True)
        if model != "sparse":
            link.select_slider("Latent size", [2, 3, 4, 8, 16], key=key("latent_dim"),
                               help="2 can be drawn; larger codes reconstruct better.")
        st.header("Training")
        link.slider("Epochs", 5, 200, step=5, key=key("epochs"))
        link.number_input("Seed", 0, 10**6, step=1, key=key("seed"))
        # not a training setting: the probe is refitted on the trained model's codes
        link.select_slider("Labelled images per digit for the probe", [1, 3, 5, 10, 20, 50],
                           value=AEConfig().probe_per_class, key=key("probe_per_class"),
                           help="The downstream task: a logistic regression on this few "
                           "labelled codes (or pixels) per digit.")
    return name, config_from_widgets(PAGE, base, FIELDS)


@st.cache_resource(max_entries=16, show_spinner=False)
def model_for(run_key: str, _cfg: AEConfig, _result: AEResult) -> Autoencoder:
    """The trained network, rebuilt once per run and shared (read-only) by every session."""
    return load_model(_cfg, _result)


def model(cfg: AEConfig, result: AEResult) -> Autoencoder:
    return model_for(runs.key_for(cfg), cfg, result)


def latent_plane(model: Autoencoder, result: AEResult) -> None:
    """The 2-D code: the test images' map (click to decode a z) and the decoder over a grid."""
    lo, hi = latent_extent(result)
    space, decoded = st.columns([3, 2])
    with space:
        event = st.plotly_chart(charts.add_prior_circles(charts.latent_map(result, lo, hi)),
                                key="latent.map", on_select="rerun", selection_mode="points")
    z = clicked_z(event, default=np.zeros(2, dtype=np.float32))
    with decoded:
        st.plotly_chart(charts.decoded_image(decode(model, z[None])[0],
                                             f"decoded at z = ({z[0]:.2f}, {z[1]:.2f})"),
                        key="latent.decoded")
        st.caption("Click a point, or empty space between the clusters, on the map.")
    images, z1, z2 = manifold(model, result)
    st.plotly_chart(charts.image_mosaic(
        images, "The decoder over the latent plane (a manifold grid)",
        f"z₁ from {z1[0]:.1f} to {z1[-1]:.1f}", f"z₂ from {z2[0]:.1f} (top) to {z2[-1]:.1f}"),
        key="latent.manifold")


def clicked_z(event, default: np.ndarray) -> np.ndarray:
    """The z of the point a person clicked on the latent map, else ``default``."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        return np.array([points[0]["x"], points[0]["y"]], dtype=np.float32)
    return default


@st.cache_data(max_entries=64, show_spinner=False)
def probe_scores(run_key: str, per_class: int, _cfg: AEConfig, _result: AEResult
                 ) -> tuple[float, float]:
    """The downstream probe with ``per_class`` labelled images per digit: accuracy on the
    test split from the codes and from the pixels (no retraining of the autoencoder)."""
    data = image_set(_cfg.data)
    train_codes = encode(model_for(run_key, _cfg, _result), data.X_train)
    return code_and_pixel_probes(train_codes, _result.latent, data, per_class, _cfg.seed)


def side_by_side(result: AEResult, pair: side.Pair) -> None:
    """This model next to the other setting's: their numbers, and their latent maps on the same
    axes when both codes are 2-D (else their training curves)."""
    other = runner.run(pair.other, label="Training the other setting")
    if other is None:
        return
    st.subheader("Side by side")
    both = ((pair.title, result), (pair.other_title, other))
    flat = all(r.latent.shape[1] == 2 for r in (result, other))
    if flat:   # one extent for both maps: the same z is the same place in each
        corners = [latent_extent(r) for r in (result, other)]
        lo = np.minimum(*(c[0] for c in corners))
        hi = np.maximum(*(c[1] for c in corners))
    for i, (col, (title, r)) in enumerate(zip(st.columns(2), both, strict=True)):
        with col:
            st.markdown(f"**{title}**")
            m = r.metrics()
            a, b = st.columns(2)
            a.metric("test MSE per pixel", f"{m['recon_mse']:.4f}")
            b.metric("KL(q(z|x) ‖ p(z))", "—" if m["kl"] is None else f"{m['kl']:.2f} nats")
            if flat:
                st.plotly_chart(charts.add_prior_circles(charts.latent_map(r, lo, hi)),
                                key=f"latent.side.map.{i}")
            else:
                st.plotly_chart(charts.training_curves(r.history(), m["kl"] is not None),
                                key=f"latent.side.curves.{i}")
    if not flat:
        st.caption("The latent maps need a 2-D code on both sides; the training curves stand "
                   "in for them.")


def metrics_row(cfg: AEConfig, result: AEResult) -> None:
    m, per_class = result.metrics(), st.session_state[key("probe_per_class")]
    codes, pixels = probe_scores(runs.key_for(cfg), per_class, cfg, result)
    cols = st.columns(5)
    cols[0].metric("test MSE per pixel", f"{m['recon_mse']:.4f}",
                   help="Mean of (x − x')² over the test images' pixels, pixels in [0, 1].")
    cols[1].metric("KL(q(z|x) ‖ p(z))", "—" if m["kl"] is None else f"{m['kl']:.2f} nats")
    cols[2].metric("probe accuracy (codes)", f"{codes:.1%}",
                   help=f"The downstream task: a logistic regression on the codes of {per_class} "
                   "labelled images per digit, accuracy on the test split, averaged over 10 "
                   "random choices of the labelled images.")
    cols[3].metric("probe accuracy (pixels)", f"{pixels:.1%}",
                   help=f"The same probe, on the same labelled images, fed the "
                   f"{result.side ** 2} raw pixels instead of the codes: the bar a code has to "
                   "clear to be a useful feature.")
    cols[4].metric("training time", f"{m['train_seconds']:.1f} s")
    st.caption(probe_verdict(cfg, per_class, codes, pixels, result.side ** 2))
    if per_class != cfg.probe_per_class:
        st.caption(f"The preset's promise below reads the probe at its own "
                   f"{cfg.probe_per_class} labelled images per digit, not this slider's "
                   f"{per_class}.")


def probe_verdict(cfg: AEConfig, per_class: int, codes: float, pixels: float,
                  n_pixels: int) -> str:
    """What the two probe numbers say, and why."""
    k, gap = cfg.latent_dim, f"{100 * abs(codes - pixels):.1f} percentage points"
    labels = f"{per_class} labelled image{'s' * (per_class > 1)} per digit"
    if codes > pixels:
        return (f"With {labels} the {k}-D codes beat the pixels by {gap}: the code keeps what "
                "tells the digits apart and puts like digits near each other, so a few labels "
                "go further. The pixels are already a strong feature for these clean digits, so "
                "the margin is small.")
    if k <= 3:
        where = " (the map below shows where clusters overlap)" if k == 2 else ""
        return (f"With {labels} the pixels beat the {k}-D codes by {gap}. {k} numbers are "
                "enough to redraw a rough digit but throw away details that tell some digits "
                f"apart{where}; the {n_pixels} pixels keep them. A code this small is made to "
                "be drawn, not to be a better feature. On the 8x8 digits codes win with a "
                "larger code and few labels: the sparse autoencoder's 64 features with 5 or 10 "
                "labels per digit, a plain autoencoder with latent size 16 and 1 label per "
                "digit.")
    why = " (a VAE's KL term also pulls its codes together towards N(0, I))" * (
        cfg.model == "vae")
    return (f"With {labels} the pixels beat the {k}-D codes by {gap}: this code keeps less of "
            f"what tells the digits apart than the {n_pixels} pixels{why}. A code helps most "
            "when labels are fewest: try 1 labelled image per digit.")


def interpolation(cfg: AEConfig, model: Autoencoder) -> None:
    data = image_set(cfg.data)
    first = {d: int(np.flatnonzero(data.y_test == d)[0]) for d in range(10)}
    cols = st.columns(2)
    fmt = lambda i: f"test image {i} (a {data.y_test[i]})"  # noqa: E731
    a = link.on(cols[0]).selectbox("From", range(len(data.y_test)), index=first[0], format_func=fmt,
                                   key=key("from"))
    b = link.on(cols[1]).selectbox("To", range(len(data.y_test)), index=first[1], format_func=fmt,
                                   key=key("to"))
    decoded, blend = interpolate(model, data.X_test[a], data.X_test[b])
    st.plotly_chart(charts.image_mosaic(
        np.stack([decoded, blend]), "Top: decoded along the line between the two codes. "
        "Bottom: the pixels blended", "from the first image to the second", height=300),
        key="latent.interpolation")
    st.caption("The blend only fades one image into the other; the latent walk passes "
               "through shapes the decoder has learned.")


def prior_comparison(cfg: AEConfig, model: Autoencoder, result: AEResult) -> None:
    """Decodes of z ~ N(0, I) for this model and for its partner (AE <-> VAE)."""
    partner_model = "plain" if cfg.model == "vae" else "vae"
    partner_cfg = dataclasses.replace(cfg, model=partner_model)
    partner = runner.run(partner_cfg, label=f"Training the {partner_model} partner")
    if partner is None:
        return
    partner_key = runs.key_for(partner_cfg)
    models = {cfg.model: (runs.key_for(cfg), model, result),
              partner_model: (partner_key, model_for(partner_key, partner_cfg, partner), partner)}
    for col, name in zip(st.columns(2), sorted(models, key=lambda m: m == "vae"), strict=True):
        run_key, net, trained = models[name]
        title = "VAE" if name == "vae" else f"{name} autoencoder"
        col.plotly_chart(shared_figures.figure(run_key, _prior_mosaic, net, cfg.seed, title),
                         key=f"latent.prior.{name}")
        mean, cov = trained.aggregate_posterior()
        near = (np.linalg.norm(trained.latent, axis=1) < 2).mean()
        col.caption(f"Its codes q(z): mean ({mean[0]:+.2f}, {mean[1]:+.2f}), covariance "
                    f"[[{cov[0, 0]:.2f}, {cov[0, 1]:+.2f}], [{cov[1, 0]:+.2f}, {cov[1, 1]:.2f}]] "
                    f"— the prior has mean 0 and covariance I. {near:.0%} of its test codes lie "
                    "within radius 2 of 0, where 86% of the prior's samples fall.")
    variety = {name: trained.metrics()["prior_classes"] for name, (*_, trained) in models.items()}
    ae_name = next(name for name in variety if name != "vae")
    shown = {name: "—" if v is None else f"{v:.1f}" for name, v in variety.items()}
    st.caption(f"Both sets look like digits: the autoencoder's decoder draws a digit wherever z "
               "lands too. The difference is variety. A nearest-neighbour classifier reads 500 "
               "decodes of the same z ~ N(0, I) for both models, and the effective number of "
               f"digit classes among them (10: every digit equally often) is {shown['vae']} for "
               f"the VAE and {shown[ae_name]} for the {ae_name} autoencoder. The VAE's KL term "
               "pulls every q(z|x) towards p(z) = N(0, I), so its codes fill the prior and the "
               "prior's samples fall on every digit's region. The autoencoder's codes spread "
               "where they like, wider than N(0, I) and off its centre, so the prior's samples "
               "land on the few clusters near 0 and repeat those digits.")


def _prior_mosaic(net: Autoencoder, seed: int, title: str) -> go.Figure:
    samples = prior_samples(net, 36, seed)
    return charts.image_mosaic.__wrapped__(samples.reshape(6, 6, *samples.shape[1:]),
                                           f"{title}: decodes of z ~ N(0, I)", height=420)
