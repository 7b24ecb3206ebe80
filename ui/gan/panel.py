"""Widgets and views of the GAN lab (Streamlit glue)."""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from core import modes, presets, runs, toy2d
from core.gan.config import GANConfig, equilibrium
from core.gan.optimal_d import d_star_map
from core.gan.record import film_axis
from core.gan.seeds import EnsembleConfig
from core.gan.train import GANResult
from ui import link, points, predict, promise, runner, side
from ui.gan import charts
from ui.widgets import config_from_widgets, preset_picker, stops

PAGE = "gan"
OFFERED = presets.labels("gan.*", exclude=("gan.phase",))
DATA_LABELS = {"ring": "8 Gaussians on a ring", "grid": "25 Gaussians on a grid",
               "moons": "Two moons", "swissroll": "Swiss roll", "spiral": "Spiral"}
DATA_CHOICES = {**DATA_LABELS, points.OPTION: points.LABEL}
LR_CHOICES = [1e-5, 3e-5, 1e-4, 2e-4, 3e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 3e-2, 0.1]
FIELDS = ("data", "loss", "optimiser", "activation", "k", "batch_size", "lr_d", "lr_g", "beta1",
          "beta2", "g_hidden", "g_layers", "d_hidden", "d_layers", "noise_dim", "steps",
          "d_pretrain", "label_smoothing", "instance_noise", "seed")


def key(field: str) -> str:
    return f"{PAGE}.{field}"


def controls() -> tuple[str, GANConfig | None]:
    """Sidebar widgets -> (preset name, config); the config is None (with a message) while
    the widgets do not make a valid one."""
    with st.sidebar:
        st.header("Experiment")
        name = preset_picker(PAGE, OFFERED, "gan.healthy", FIELDS, question=True)
        base = presets.get(name).config
        link.selectbox("Data", list(DATA_CHOICES), format_func=DATA_CHOICES.get,
                       key=key("data"))
        link.radio("Generator loss", ["nonsaturating", "minimax"], key=key("loss"),
                   format_func=charts.LOSS_NAMES.get)
        link.slider("k: D steps per G step", 1, 10, key=key("k"),
                    help="Algorithm 1 of the lecture: k ascent steps of D, then one of G.")
        lrs = stops(LR_CHOICES, base.lr_d, base.lr_g)
        link.select_slider("D's learning rate", lrs, key=key("lr_d"))
        link.select_slider("G's learning rate", lrs, key=key("lr_g"))
        link.number_input("Seed", 0, 10**6, step=1, key=key("seed"))
        with st.expander("Advanced: training length, networks, optimiser"):
            link.slider("Generator steps", 500, 10_000, step=500, key=key("steps"))
            link.select_slider("m: minibatch size",
                               stops([32, 64, 128, 256, 512], base.batch_size),
                               key=key("batch_size"))
            cols = st.columns(2)
            link.on(cols[0]).number_input("G width", 8, 512, step=8, key=key("g_hidden"))
            link.on(cols[1]).number_input("G depth", 1, 6, key=key("g_layers"))
            link.on(cols[0]).number_input("D width", 8, 512, step=8, key=key("d_hidden"))
            link.on(cols[1]).number_input("D depth", 1, 6, key=key("d_layers"))
            link.number_input("Noise dimension (z)", 1, 64, key=key("noise_dim"))
            link.radio("Optimiser", ["adam", "sgd"], key=key("optimiser"), horizontal=True,
                       format_func={"adam": "Adam", "sgd": "SGD + momentum"}.get)
            link.radio("Activation", ["leaky_relu", "relu", "tanh"], key=key("activation"),
                       horizontal=True)
            link.select_slider("Adam β₁ (SGD: momentum)", stops([0.0, 0.5, 0.9], base.beta1),
                               key=key("beta1"))
            link.select_slider("Adam β₂", stops([0.9, 0.99, 0.999], base.beta2),
                               key=key("beta2"))
            link.number_input("D steps before the game starts", 0, 5000, step=100,
                              key=key("d_pretrain"),
                              help="Train D alone against the untrained G first: \"early in "
                              "learning, when G is poor, D can reject samples with high "
                              "confidence\" (Goodfellow et al. 2014, Section 3; the slides say "
                              "a discriminator that is too strong makes G's gradient vanish).")
        with st.expander("ganhacks"):
            star = equilibrium(st.session_state[key("loss")],
                               st.session_state[key("label_smoothing")])
            link.select_slider("One-sided label smoothing (D's target for real data: 1 − s)",
                               stops([0.0, 0.1, 0.2, 0.3], base.label_smoothing),
                               key=key("label_smoothing"),
                               help="Salimans et al. 2016. The best D becomes D* = (1 − s) p_data "
                               "/ (p_data + p_g), so at p_g = p_data and this s: D* = (1 − s)/2 "
                               f"= {star['d_star']:.2f}, D's loss {star['d_loss']:.2f}, G's loss "
                               f"{star['g_loss']:+.2f} (the charts' equilibrium lines).")
            link.select_slider("Instance noise (std added to D's inputs)",
                               stops([0.0, 0.05, 0.1, 0.2, 0.5], base.instance_noise),
                               key=key("instance_noise"))
    data = own_data(PAGE)
    if data is None:
        return name, None
    return name, config_from_widgets(PAGE, base, FIELDS, **data)


def own_data(page: str) -> dict[str, str] | None:
    """The config's data when the page's data is the person's own points: their name once
    there are enough of them (the canvas draws itself above the run), None while there are
    too few (the canvas says so); {} for a built-in data set."""
    if st.session_state.get(f"{page}.data") != points.OPTION:
        return {}
    drawn = points.canvas(page)
    return None if drawn is None else {"data": drawn}


GUESSES = ("all of them", "some, not all", "one or two", "none")


def ask_first(cfg: GANConfig) -> bool:
    """"Will this GAN collapse?" before the run, when the class is asked first (ui.predict);
    whether the page may run. Data without modes have nothing to count: no question."""
    n_modes = modes.count(cfg.data)
    if not n_modes:
        predict.nothing_to_ask(PAGE)
        return True
    return predict.ask(PAGE, cfg, f"Will this GAN collapse? Of the data's {n_modes} "
                       f"modes, how many will the generator's samples cover after "
                       f"{cfg.steps:,} steps?", list(GUESSES))


def answer(n_modes: int, covered: int) -> str:
    """The guess a run with ``covered`` of ``n_modes`` modes bears out."""
    if covered == n_modes:
        return GUESSES[0]
    if covered == 0:
        return GUESSES[3]
    return GUESSES[2] if covered <= 2 else GUESSES[1]


def reveal(result: GANResult) -> None:
    if result.modes_covered is None:
        return
    n, k = len(result.mode_counts), int(result.modes_covered)
    truth = answer(n, k)
    predict.answer(PAGE, truth, f"The generator covers {k} of the {n} modes (a mode counts "
                   "when 1 % of its samples lie within 3 standard deviations of it).")


def metrics_row(result: GANResult) -> None:
    n_modes = len(result.mode_counts)
    cols = st.columns(5)
    if result.modes_covered is not None:
        cols[0].metric("modes covered", f"{result.modes_covered:.0f} of {n_modes}",
                       help="A mode is covered when at least 1 % of 2,500 samples lie within "
                       "3 standard deviations of it (PacGAN / VEEGAN).")
        cols[1].metric("high-quality samples", f"{result.hq_fraction:.0%}",
                       help="Share of samples within 3 standard deviations of some mode.")
    else:
        cols[0].metric("distance to the data", f"{result.data_distance[-1]:.3f}",
                       help="Mean distance from a sample to the nearest data point.")
    d_star = equilibrium(result.loss, result.label_smoothing)["d_star"]
    cols[2].metric("D(x) on real data", f"{result.d_real[-1]:.2f}",
                   help=f"Mean over the last logged steps; {d_star:.2g} at the equilibrium"
                   + ("." if not result.label_smoothing else
                      f", (1 − s)/2 with label smoothing s = {result.label_smoothing:g}."))
    cols[3].metric("D(G(z)) on samples", f"{result.d_fake[-1]:.2f}")
    cols[4].metric("training time", f"{result.train_seconds:.1f} s")


def side_by_side(cfg: GANConfig, result: GANResult, pair: side.Pair) -> None:
    """This run and the other setting's next to each other: their numbers, their films on the
    same plane and D(x) scale, and their losses on the same axes."""
    other = runner.run(pair.other, label="Training the other setting")
    if other is None:
        return
    st.subheader("Side by side")
    runs_ = ((pair.title, cfg, result), (pair.other_title, pair.other, other))
    for i, (col, (title, c, r)) in enumerate(zip(st.columns(2), runs_, strict=True)):
        with col:
            st.markdown(f"**{title}**")
            n = len(r.mode_counts)
            a, b, d = st.columns(3)
            if r.modes_covered is not None:
                a.metric("modes covered", f"{r.modes_covered:.0f} of {n}")
            b.metric("D(x) on real data", f"{r.d_real[-1]:.2f}")
            d.metric("D(G(z)) on samples", f"{r.d_fake[-1]:.2f}")
            film(c, frames_of(r), "Training, frame by frame", f"gan.side.film.{i}", height=520,
                 legend=False)
    values = np.concatenate([np.r_[r.d_loss, r.g_loss] for r in (result, other)])
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    shared_y = (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    steps = max(cfg.steps, pair.other.steps)
    for i, (col, (_, c, r)) in enumerate(zip(st.columns(2), runs_, strict=True)):
        col.plotly_chart(charts.losses(vars(r), c.loss, steps, smoothing=c.label_smoothing,
                                       y_range=shared_y), key=f"gan.side.losses.{i}")


FILM_KEYS = ("film_step", "film_points", "film_arrows", "film_d")


def frames_of(result: GANResult) -> dict[str, np.ndarray]:
    return {k: getattr(result, k) for k in FILM_KEYS}


def film(cfg: GANConfig, frames: dict[str, np.ndarray], title: str, chart_key: str,
         height: int = 640, legend: bool = True, film_of: str = "") -> None:
    """The scrubbable film of one run of ``cfg`` (``frames``: its film arrays; ``film_of``
    names which, when the run holds more than one). Shared by the run's key, so a view
    does not hash the frames to find it."""
    real = toy2d.sample(cfg.data, 1000, seed=1)
    st.plotly_chart(charts.film({**{k: frames[k] for k in FILM_KEYS}, "film_axis": film_axis()},
                                real, title, toy2d.EXTENT, height=height, legend=legend,
                                run_key=f"{runs.key_for(cfg)}{film_of}"),
                    key=chart_key)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs={GANConfig: runs.key_for})
def _d_star(cfg: GANConfig, _samples: np.ndarray, _axis: np.ndarray) -> np.ndarray:
    """D* for the run of ``cfg`` (its final samples and grid; a run is determined by cfg)."""
    return d_star_map(cfg.data, _samples, _axis, cfg.label_smoothing, cfg.instance_noise)


def optimum(cfg: GANConfig, result: GANResult) -> None:
    """D's final map beside the optimal D* for the final G, on the same grid and scale."""
    d_star = _d_star(cfg, result.samples, result.film_axis)
    st.plotly_chart(charts.d_against_optimum(
        result.film_axis, result.film_d[-1], d_star, int(result.film_step[-1]), toy2d.EXTENT,
        cfg.label_smoothing), key="gan.d_star")
    st.caption("Compare the two maps to see how far D is from the optimum it is chasing: D* is "
               "the best possible discriminator against this G, computed from the known p_data "
               f"and G's {len(result.samples):,} final samples, and it is "
               f"{equilibrium(cfg.loss, cfg.label_smoothing)['d_star']:.2g} wherever G "
               "matches the data.")


def saddle() -> None:
    """Gradient descent-ascent on V(x, y) = x y, with the step size a slider."""
    from core.gan import saddle as game
    from ui.gan import charts_saddle

    cols = st.columns(2)
    eta = link.on(cols[0]).select_slider(
        "Step size η", [0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5], value=0.2,
        key=key("saddle.eta"))
    steps = link.on(cols[1]).slider("Steps", 10, 500, value=100, step=10, key=key("saddle.steps"))
    paths = {method: game.run(method, 1.0, 0.0, eta, steps) for method in game.METHODS}
    plane, radius = st.columns([3, 2])
    plane.plotly_chart(charts_saddle.trajectories(paths, eta), key="gan.saddle.plane")
    radius.plotly_chart(charts_saddle.radius_curves(paths, eta), key="gan.saddle.radius")
    st.caption("Simultaneous steps spiral away from the saddle at every step size, alternating "
               "steps circle it for ever, and extragradient (η < 1) walks in: the GAN's "
               "oscillation is this rotation.")


def loss_comparison(cfg: GANConfig, result: GANResult) -> None:
    """The same start (weights, data, D trained ahead if asked) played on with each loss."""
    if not result.partner_loss:
        if not link.toggle("Also train the generator with the other loss, from the same start",
                           key=key("compare")):
            st.caption("The minimax preset starts with this comparison switched on.")
            return
        cfg = dataclasses.replace(cfg, compare_losses=True)   # the run the films are of
        result = runner.run(cfg, label="Training both losses")
        if result is None:
            return
    by_loss = {result.loss: {**frames_of(result), **vars(result)},
               result.partner_loss: result.partner}
    ordered = [loss for loss in ("minimax", "nonsaturating") if loss in by_loss]
    ratio = result.grad_ratio
    st.metric("G's gradient norm, non-saturating ÷ minimax, at the shared start",
              f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:.2f}×",
              help="Both measured on the same minibatch of z, after the D steps taken before "
                   "the game starts.")
    for col, loss in zip(st.columns(2), ordered, strict=True):
        with col:
            film(cfg, by_loss[loss], charts.LOSS_NAMES[loss], f"gan.film.{loss}", height=520,
                 legend=False, film_of=f"/{loss}")
    left, right = st.columns(2)
    left.plotly_chart(charts.gradient_norms({k: by_loss[k] for k in ordered}), key="gan.grads")
    right.plotly_chart(charts.distance_to_data({k: by_loss[k] for k in ordered}),
                       key="gan.distance")
    st.caption("When D rejects the samples confidently, D(G(z)) ≈ 0 and log(1 − D(G(z))) is "
               "flat there: its gradient vanishes. −log D(G(z)) has the same fixed point but is "
               "steep exactly there, so the non-saturating generator still learns (Goodfellow "
               "et al. 2014, Section 3; the slides show the fix).")
    partner_modes = result.metrics()["partner_modes_covered"]
    if (result.partner_loss == "nonsaturating" and partner_modes is not None
            and partner_modes < len(result.mode_counts)):
        st.caption(f"Learning is not the same as learning well: the non-saturating generator "
                   f"reaches the data but covers {partner_modes:.0f} of the "
                   f"{len(result.mode_counts)} modes. Its loss fixes the vanishing gradient, "
                   "not mode collapse: against this strong D, with plain SGD, it chases one "
                   "mode at a time.")


ENSEMBLE_SEEDS = 16


def many_seeds(name: str, cfg: GANConfig) -> None:
    """This setting from many seeds as one batched model, and the learning-rate phase diagram."""
    n_modes = modes.count(cfg.data)
    if not n_modes:
        st.caption("Mode counts need modes: pick the ring, the grid or your own points drawn "
                   "as separate regions to compare seeds.")
        return
    if link.toggle(f"Train this setting from {ENSEMBLE_SEEDS} seeds at once", key=key("ensemble")):
        ensemble = runner.run(EnsembleConfig(gan=cfg, n_seeds=ENSEMBLE_SEEDS),
                              label=f"Training {ENSEMBLE_SEEDS} GANs as one batch")
        if ensemble is not None:
            st.plotly_chart(charts.outcome_histogram(ensemble.modes_covered, n_modes,
                                                     "This setting"),
                            key="gan.outcomes")
            st.caption(f"One seed is an anecdote: here {ENSEMBLE_SEEDS} GANs differ only in "
                       "their initial weights and minibatches, trained together as one "
                       f"batched model in {ensemble.train_seconds:.0f} s.")
    phase = presets.get("gan.phase").config
    if link.toggle("Show the learning-rate phase diagram (8 Gaussians, non-saturating loss)",
                   key=key("phase")):
        result = runner.run(phase, label="Phase diagram")
        if result is not None:
            st.plotly_chart(charts.phase_diagram(result.lr_d, result.lr_g, result.mean_modes(),
                                                 modes.count(phase.data)),
                            key="gan.phase")
            promise.show(PAGE, "gan.phase", phase, result, seed_widget=False)
            st.caption("The lecture's last problem: GANs are sensitive to the learning rates. "
                       f"Each cell is the mean of {phase.seeds_per_cell} seeds after "
                       f"{phase.steps:,} steps; `python -m core warm` computes it before class.")
