"""Widgets and explanations of the generative-vs-discriminative page (Streamlit glue)."""

from __future__ import annotations

import dataclasses
import hashlib
import math

import streamlit as st

from core import presets, runs
from core.gen_vs_disc.config import NgJordanConfig
from core.gen_vs_disc.curves import LearningCurves
from core.gen_vs_disc.data import load_data
from core.gen_vs_disc.two_features import TwoFeatureView, informative_pair, two_feature_view
from ui import link, predict, runner, side
from ui.gen_vs_disc import charts
from ui.gen_vs_disc.csv_upload import csv_controls, plain
from ui.widgets import fill_state, preset_from_url

PAGE = "gen_vs_disc"
DEFAULT = "ngjordan.wine"
# The data sets are the presets ngjordan.<data>, plus the user's own CSV file.
PRESETS = presets.labels("ngjordan.*")
DATA_LABELS = {**{name.removeprefix("ngjordan."): label for name, label in PRESETS.items()},
               "csv": "Your own CSV file"}
C_CHOICES = [0.001, 0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0, 1000.0, 10000.0]
FIELDS = ("digit_a", "digit_b", "n_samples", "n_features", "separation", "rho",
          "nb_variance", "C", "n_splits", "seed")
# A run that stops early (st.stop while a job trains or a CSV is missing) leaves out the
# widgets after it: the browser forgets them but the session keeps their values, and they came
# back drawn at their defaults (the minimum of a slider) while the page used the kept value.
# "page": such a widget comes back showing the value the session holds.
KEEP = "page"


def key(field: str) -> str:
    return f"{PAGE}.{field}"


def _preset_config(data: str) -> NgJordanConfig:
    return presets.get(f"ngjordan.{data}").config if data != "csv" else NgJordanConfig()


def _load_preset() -> None:
    """When the data set changes, its preset sets every control (the CSV keeps the model's)
    and the address bar names it; a CSV is no preset, so the address names none."""
    data = st.session_state[key("data")]
    if data == "csv":
        st.query_params.pop("preset", None)
        return
    fill_state(PAGE, _preset_config(data), FIELDS, overwrite=True)
    st.query_params["preset"] = f"ngjordan.{data}"   # a link to this data set's preset


def _chosen() -> None:
    st.session_state.pop(key("link_warning"), None)   # a person chose: the bad link is history
    link.forget_problems(PAGE)
    _load_preset()


def controls() -> NgJordanConfig | None:
    """Sidebar widgets -> the experiment's config; None (with a message) while unusable."""
    if key("data") not in st.session_state:   # first visit: ?preset= of a slide's link
        name, warning = preset_from_url(list(PRESETS), DEFAULT)
        st.session_state[key("data")] = name.removeprefix("ngjordan.")
        if warning:
            st.session_state[key("link_warning")] = warning   # kept: the page reruns
        _load_preset()
    with st.sidebar:
        st.header("Experiment")
        predict.switch(PAGE)
        if key("link_warning") in st.session_state:
            st.warning(st.session_state[key("link_warning")])
        data = st.selectbox("Data set", list(DATA_LABELS), format_func=DATA_LABELS.get,
                            key=key("data"), on_change=_chosen)
        base = _preset_config(data)
        fill_state(PAGE, base, FIELDS, overwrite=False)
        extra = _data_controls(data)
        # drawn whatever the data set's state (a CSV not uploaded yet), so they never leave
        # the page and come back at their defaults
        st.header("Models")
        link.radio("Naive Bayes variance", ["pooled", "per_class"], key=key("nb_variance"),
                   format_func={
                       "pooled": "one per feature, shared by both classes (Ng & Jordan)",
                       "per_class": "one per feature and class (scikit-learn)"}.get,
                   persist_state=KEEP)
        link.select_slider("Logistic regression prior: C = prior variance of the weights w",
                           C_CHOICES, key=key("C"), persist_state=KEEP, help="MAP estimate with "
                           "the prior w ~ N(0, C·I) on the weights of θ = (w, b); the intercept b "
                           "has no prior. Small C pulls the weights towards 0 (strong prior), "
                           "large C is nearly the plain maximum-likelihood fit of Ng & Jordan.")
        link.number_input("Seed", 0, 10**6, step=1, key=key("seed"), persist_state=KEEP)
        with st.expander("Advanced: protocol"):
            link.slider("Random splits", 10, 300, step=10, key=key("n_splits"),
                        persist_state=KEEP, help="Each split: a stratified 30 % test set, the "
                        "rest the training pool; the curves are their mean.")
    if extra is None:
        return None
    values = {f: st.session_state[key(f)] for f in FIELDS}
    try:
        return NgJordanConfig(data=data if data != "csv" else extra["data"], **{
            **values, **{k: v for k, v in extra.items() if k != "data"}})
    except ValueError as err:   # it may name the CSV's label column: not markdown
        st.error(plain(str(err)))
        return None


def _data_controls(data: str) -> dict | None:
    if data == "digits":
        pair = st.columns(2)
        link.on(pair[0]).selectbox("Digit", range(10), key=key("digit_a"), persist_state=KEEP)
        link.on(pair[1]).selectbox("vs digit", range(10), key=key("digit_b"), persist_state=KEEP)
        if st.session_state[key("digit_a")] == st.session_state[key("digit_b")]:
            st.error("Pick two different digits.")
            return None
    elif data in ("nb_holds", "correlated"):
        link.slider("Points", 200, 4000, step=100, key=key("n_samples"), persist_state=KEEP)
        link.slider("Features d", 2, 100, key=key("n_features"), persist_state=KEEP)
        link.slider("Class separation |μ₁ − μ₀|", 0.5, 5.0, step=0.1, key=key("separation"),
                    persist_state=KEEP)
        if data == "correlated":
            link.slider("Correlation between features ρ", 0.05, 0.9, step=0.05, key=key("rho"),
                        persist_state=KEEP)
    elif data == "csv":
        return csv_controls(st.file_uploader(
            "Your CSV (at most 5 MB): numeric feature columns and a label", type=["csv"],
            key=key("csv")))
    return {}


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs={NgJordanConfig: runs.key_for})
def view_2d(cfg: NgJordanConfig, features: tuple[int, int]) -> TwoFeatureView:
    return two_feature_view(cfg, features)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs={NgJordanConfig: runs.key_for})
def feature_names(cfg: NgJordanConfig) -> tuple[tuple[str, ...], tuple[int, int]]:
    data = load_data(cfg)
    return data.feature_names, informative_pair(data)


def _data_only(cfg: NgJordanConfig) -> NgJordanConfig:
    """cfg with the models' and protocol's settings at their defaults: the data set alone, so
    a new C does not read (a CSV: parse) the data again for its names."""
    default = NgJordanConfig()
    return dataclasses.replace(cfg, **{f: getattr(default, f) for f in (
        "nb_variance", "C", "n_splits", "n_sizes", "min_size", "test_fraction")})


def feature_pair(cfg: NgJordanConfig) -> tuple[int, int] | None:
    """The two features the 2-D view shows; None (with a sentence) when there are no two."""
    names, (first, second) = feature_names(_data_only(cfg))
    if len(names) < 2:
        st.info("This data set has one feature; the 2-D view needs two.")
        return None
    cols = st.columns(2)
    index = range(len(names))
    fmt = names.__getitem__
    # the keys carry the data set, so switching data sets starts from its informative pair
    identity = (cfg.data, cfg.label, cfg.classes, cfg.digit_a, cfg.digit_b, cfg.n_features)
    tag = hashlib.sha256(repr(identity).encode()).hexdigest()[:8]
    i = link.on(cols[0]).selectbox("Feature on the x axis", index, index=first, format_func=fmt,
                                   key=key(f"x.{tag}"), persist_state=KEEP)
    j = link.on(cols[1]).selectbox("Feature on the y axis", index, index=second, format_func=fmt,
                                   key=key(f"y.{tag}"), persist_state=KEEP)
    if i == j:
        st.warning("Pick two different features.")
        return None
    return int(i), int(j)


def headline(result: LearningCurves) -> None:
    """The three numbers of the experiment, big enough for the back row."""
    metrics = result.metrics()
    m = result.sizes[-1]
    cols = st.columns(4)
    cols[0].metric("m* (crossover)", result.m_star if result.m_star else "none",
                   help="The smallest m from which LR's mean error stays below NB's.")
    cols[1].metric(f"NB error at m = {m}", f"{metrics['nb_err_final']:.1%}")
    cols[2].metric(f"LR error at m = {m}", f"{metrics['lr_err_final']:.1%}")
    cols[3].metric("features d", result.n_features,
                   help=f"{result.n_pool} training points in the pool, {result.n_test} for test.")


GUESSES = ("logistic regression leads from the smallest m",
           "naive Bayes leads, then logistic regression overtakes it",
           "naive Bayes leads throughout",
           "neither stays ahead")


def ask_first(cfg: NgJordanConfig) -> bool:
    """"Where will the curves cross?" before the run, when the class is asked first."""
    return predict.ask(PAGE, cfg, "Where will the curves cross? As the training set grows, "
                       "which model has the lower test error?", list(GUESSES))


def answer(result: LearningCurves) -> tuple[str, str]:
    """The guess the mean curves bear out, and why: read at every m, as the chart shows them."""
    lr_behind = result.lr_err.mean(0) >= result.nb_err.mean(0)   # naive Bayes ahead (or level)
    if result.m_star is not None and result.m_star == result.sizes[0]:
        return GUESSES[0], "Logistic regression's error is the lower one at every m."
    if result.m_star is not None:
        return GUESSES[1], f"Logistic regression overtakes at m* = {result.m_star} and stays ahead."
    if lr_behind.all():
        return GUESSES[2], "Naive Bayes' error is the lower one (or level) at every m."
    return GUESSES[3], ("The curves cross without one settling ahead: look at the bands, the "
                        "split-to-split noise, before reading a winner.")


def reveal(result: LearningCurves) -> None:
    predict.answer(PAGE, *answer(result))


def side_by_side(result: LearningCurves, pair: side.Pair) -> None:
    """This run's curves next to the other setting's, on the same error axis."""
    other = runner.run(pair.other, label="Learning curves of the other setting")
    if other is None:
        return
    st.subheader("Side by side")
    both = ((pair.title, result), (pair.other_title, other))
    top = 1.05 * max(float(max(r.quantile("nb", 0.9).max(), r.quantile("lr", 0.9).max()))
                     for r in (result, other))
    for i, (col, (title, r)) in enumerate(zip(st.columns(2), both, strict=True)):
        with col:
            st.markdown(f"**{title}**")
            a, b = st.columns(2)
            a.metric("m* (crossover)", r.m_star if r.m_star else "none")
            b.metric(f"LR − NB error at m = {r.sizes[-1]}",
                     f"{r.lr_err[:, -1].mean() - r.nb_err[:, -1].mean():+.1%}")
            st.plotly_chart(charts.learning_curves(r, y_top=top), key=f"gen_vs_disc.side.{i}")


def verdict(result: LearningCurves) -> None:
    """What to look at: m*, who leads where and by how much against the noise."""
    metrics = result.metrics()
    lead, lead_se = metrics["nb_lead"], metrics["nb_lead_se"]
    final, final_se = metrics["lr_lead_final"], metrics["lr_lead_final_se"]
    if result.m_star is not None:
        st.success(f"Logistic regression overtakes naive Bayes at **m\\* = {result.m_star}** "
                   "examples and stays ahead up to the whole pool.")
    elif lead > 0:
        st.info("No crossover: naive Bayes stays ahead (or level) at every m. When its "
                "independence assumption holds, NB's asymptotic error is not higher.")
    else:
        st.info("No crossover: logistic regression is ahead from the smallest m. Its prior "
                "(C) already keeps it from overfitting small training sets; try a larger C.")
    if lead > 0:
        z = lead / lead_se if lead_se > 0 else math.inf
        st.write(f"Naive Bayes' lead at small m: **{lead:.1%}** ± {lead_se:.1%} "
                 f"({z:.1f} standard errors over {result.nb_err.shape[0]} paired splits: "
                 f"{'larger' if z >= 2 else 'not clearly larger'} than the split-to-split noise).")
    z_final = final / final_se if final_se > 0 else math.inf
    who = "Logistic regression's" if final > 0 else "Naive Bayes'"
    st.write(f"{who} lead at m = {result.sizes[-1]}: **{abs(final):.1%}** ± {final_se:.1%} "
             f"({abs(z_final):.1f} standard errors).")
    d = result.n_features
    st.caption(f"The proposition: NB reaches its (higher) asymptotic error with O(log d) "
               f"examples, LR needs O(d). Here d = {d} features, log d ≈ {math.log(d):.1f}.")


# TeX's special characters, as KaTeX's text mode writes them
_TEX = {"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "_": "\\_", "^": "\\textasciicircum{}",
        "#": "\\#", "$": "\\$", "%": "\\%", "&": "\\&", "~": "\\textasciitilde{}"}


def tex_text(name: str, most: int) -> str:
    """``\\text{…}`` of a name (a CSV's column or class): its first ``most`` characters, on one
    line, TeX's special characters escaped (a raw ``_`` or ``&`` is a KaTeX error)."""
    shown = " ".join(str(name)[:most].split())
    return "\\text{" + "".join(_TEX.get(c, c) for c in shown) + "}"


def fitted_equations(view: TwoFeatureView) -> None:
    """The lecture's two parameterisations with the numbers just fitted on the 2-D view."""
    x1, x2 = (f"x_{{{tex_text(n, 18)}}}" for n in view.feature_names)
    nb, lr = st.columns(2)
    with nb:
        prior = view.nb_prior
        names = [tex_text(view.class_names[k], 14) for k in (0, 1)]
        if view.nb_variance == "pooled":
            # Ng & Jordan's NB shares each feature's variance between the classes, so the
            # lecture's sigma^2_jk loses its k: one sigma^2_j per feature, not per class
            st.markdown("**Naive Bayes** learned P(Y), one mean per feature and class, and one "
                        "variance per feature shared by both classes:")
            st.latex(f"P(Y=1) = {prior[1]:.2f},\\quad P(X_j \\mid Y=k) = "
                     "\\mathcal N(\\mu_{jk}, \\sigma_j^2)")
            rows = " \\\\ ".join(f"{names[k]} & {view.nb_mu[k, 0]:+.2f} & "
                                  f"{view.nb_mu[k, 1]:+.2f}" for k in (0, 1))
            st.latex("\\begin{array}{lcc} k & \\mu_{1k} & \\mu_{2k} \\\\ \\hline "
                     f"{rows} \\end{{array}}\\qquad \\sigma^2_1 = {view.nb_var[0, 0]:.2f},"
                     f"\\quad \\sigma^2_2 = {view.nb_var[0, 1]:.2f}")
        else:
            st.markdown("**Naive Bayes** learned P(Y) and one Gaussian per feature and class:")
            st.latex(f"P(Y=1) = {prior[1]:.2f},\\quad P(X_j \\mid Y=k) = "
                     "\\mathcal N(\\mu_{jk}, \\sigma_{jk}^2)")
            rows = " \\\\ ".join(
                f"{names[k]} & {view.nb_mu[k, 0]:+.2f} & {view.nb_var[k, 0]:.2f} & "
                f"{view.nb_mu[k, 1]:+.2f} & {view.nb_var[k, 1]:.2f}" for k in (0, 1))
            st.latex("\\begin{array}{lcccc} k & \\mu_{1k} & \\sigma^2_{1k} & \\mu_{2k} & "
                     f"\\sigma^2_{{2k}} \\\\ \\hline {rows} \\end{{array}}")
        st.caption("Bayes' rule turns these into P(Y=1|x) = P(x|Y=1)P(Y=1) / P(x).")
    with lr:
        st.markdown("**Logistic regression** learned only the boundary's weights:")
        w1, w2, b = view.lr_theta
        st.latex(f"P(Y=1 \\mid x) = \\sigma({w1:+.2f}\\,{x1} {w2:+.2f}\\,{x2} {b:+.2f})")
        st.caption("Nothing here describes where the data lie: there is no P(x) to sample.")
