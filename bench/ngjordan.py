"""Benchmarks of the generative-vs-discriminative panel (issue: 'Speed')."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np

from bench.harness import Figure, benchmark, best_of, repeats
from core import presets
from core.device import thread_budget
from core.gen_vs_disc.config import NgJordanConfig
from core.gen_vs_disc.curves import learning_curves
from core.gen_vs_disc.data import load_data, make_splits

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
    configs, n = _configs(quick), repeats(quick)
    # both sides on the threads a job gets in the app (torch's and BLAS's alike)
    threads = thread_budget()
    results = [learning_curves(c) for c in configs]       # warm-up, and the curves to compare
    refs: list[np.ndarray] = []

    def reference() -> None:
        refs[:] = [sklearn_curves(c, r.sizes)[1] for c, r in zip(configs, results, strict=True)]

    ours = best_of(lambda: [learning_curves(c) for c in configs], n, threads=threads)
    ref = best_of(reference, n, threads=threads)
    worst = max(float(np.abs(r.lr_err.mean(0) - lr_ref.mean(0)).max())
                for r, lr_ref in zip(results, refs, strict=True))
    ratio = ref / ours
    return Figure(ours, "s", "per-fit scikit-learn loop", ref, ratio,
                  target=">= 20x, curves within 0.005", passed=ratio >= 20 and worst <= 0.005,
                  details=f"6 presets x {configs[0].n_splits} splits; largest LR mean-curve "
                          f"difference to scikit-learn {worst:.4f}; best of {n} each, "
                          f"{threads} thread(s) each")


@benchmark("ngjordan.warm_rerun")
def warm_rerun(quick: bool) -> Figure:
    """Server time of a rerun of the panel with everything cached, against its first visit
    (training in the background, then drawing) in a fresh store and process cache: each the
    best of n, a fresh store and empty caches for every first visit."""
    import contextlib
    import os
    import tempfile

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    n = 3 if quick else 5
    previous = os.environ.get("GENLAB_STORE")
    colds = []
    try:
        with contextlib.ExitStack() as stores:
            for _ in range(n):
                os.environ["GENLAB_STORE"] = stores.enter_context(tempfile.TemporaryDirectory())
                # a fresh server: no job results (ui.runner's job manager), no cached views
                st.cache_data.clear()
                st.cache_resource.clear()
                at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
                at.run()
                at.switch_page("app_pages/gen_vs_disc.py")
                start = time.perf_counter()
                at.run()
                while at.get("progress"):  # first visit: wait for the background training
                    time.sleep(0.05)
                    at.run()
                colds.append(time.perf_counter() - start)
            warm = best_of(at.run, repeat=n)   # the last visit's session, everything cached
    finally:
        if previous is None:
            os.environ.pop("GENLAB_STORE", None)
        else:
            os.environ["GENLAB_STORE"] = previous
    cold = min(colds)
    return Figure(warm, "s", "first visit (trains)", cold, cold / warm,
                  target="warm rerun < 0.3 s", passed=warm < 0.3,
                  details=f"AppTest rerun of the whole script, chart building included; best "
                          f"of {n} each, the same process and threads")
