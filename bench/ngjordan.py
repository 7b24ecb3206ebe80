"""Benchmarks of the generative-vs-discriminative panel (issue: 'Speed')."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np

from bench.harness import Figure, benchmark, best_of
from core import presets
from core.ngjordan import NgJordanConfig, learning_curves, load_data, make_splits

ROOT = Path(__file__).resolve().parent.parent


def _configs(quick: bool) -> list[NgJordanConfig]:
    splits = 10 if quick else 50
    return [dataclasses.replace(p.config, n_splits=splits)
            for p in presets.matching("ngjordan.*")]


def sklearn_curves(cfg: NgJordanConfig, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The per-fit reference: one scikit-learn fit per (split, size), on the same splits."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB

    data = load_data(cfg)
    pools, tests = make_splits(data.y, cfg.n_splits, cfg.test_fraction, cfg.seed)
    nb_err = np.empty((cfg.n_splits, len(sizes)))
    lr_err = np.empty_like(nb_err)
    for s, (pool, test) in enumerate(zip(pools, tests, strict=True)):
        Xt, yt = data.X[test], data.y[test]
        for k, m in enumerate(sizes):
            X, y = data.X[pool[:m]], data.y[pool[:m]]
            nb_err[s, k] = (GaussianNB().fit(X, y).predict(Xt) != yt).mean()
            lr = LogisticRegression(C=cfg.C, tol=1e-8, max_iter=10_000).fit(X, y)
            lr_err[s, k] = (lr.predict(Xt) != yt).mean()
    return nb_err, lr_err


@benchmark("ngjordan.curves_vs_sklearn")
def curves_vs_sklearn(quick: bool) -> Figure:
    configs = _configs(quick)
    ours = best_of(lambda: [learning_curves(c) for c in configs], repeat=1 if quick else 3)
    results = [learning_curves(c) for c in configs]
    start = time.perf_counter()
    worst = 0.0
    for cfg, result in zip(configs, results, strict=True):
        _, lr_ref = sklearn_curves(cfg, result.sizes)
        worst = max(worst, float(np.abs(result.lr_err.mean(0) - lr_ref.mean(0)).max()))
    reference = time.perf_counter() - start
    ratio = reference / ours
    return Figure(ours, "s", "per-fit scikit-learn loop", reference, ratio,
                  target=">= 20x, curves within 0.005", passed=ratio >= 20 and worst <= 0.005,
                  details=f"6 presets x {configs[0].n_splits} splits; largest LR mean-curve "
                          f"difference to scikit-learn {worst:.4f}")


@benchmark("ngjordan.warm_rerun")
def warm_rerun(quick: bool) -> Figure:
    """Server time of a rerun of the panel with everything cached, against its first visit
    (training in the background, then drawing) in a fresh store and process cache."""
    import os
    import tempfile

    from streamlit.testing.v1 import AppTest

    from ui import runner

    previous = os.environ.get("GENLAB_STORE")
    with tempfile.TemporaryDirectory() as store:
        os.environ["GENLAB_STORE"] = store
        runner.job_manager.clear()
        try:
            at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
            at.run()
            at.switch_page("app_pages/gen_vs_disc.py")
            start = time.perf_counter()
            at.run()
            while at.get("progress"):  # first visit: wait for the background training
                time.sleep(0.05)
                at.run()
            cold = time.perf_counter() - start
            warm = best_of(at.run, repeat=3 if quick else 7)
        finally:
            if previous is None:
                os.environ.pop("GENLAB_STORE", None)
            else:
                os.environ["GENLAB_STORE"] = previous
    return Figure(warm, "s", "first visit (trains)", cold, cold / warm,
                  target="warm rerun < 0.3 s", passed=warm < 0.3,
                  details="AppTest rerun of the whole script, chart building included")
