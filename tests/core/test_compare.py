"""The comparison run: one config trains the three families and reports the issue's metrics."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from core import presets
from core.cli import main as cli
from core.compare.config import FAMILIES, CompareConfig
from core.compare.train import (
    CompareResult,
    digits_diffusion_config,
    digits_vae_config,
    train_compare,
)

METRICS = ("modes_covered", "hq_fraction", "mmd2", "sharpness", "train_seconds",
           "sample_seconds", "nll_bound", "robust_share")


@pytest.fixture(scope="module")
def tiny_ring() -> CompareResult:
    return train_compare(CompareConfig.tiny(n_seeds=2))


def test_every_family_reports_every_metric(tiny_ring: CompareResult) -> None:
    m = tiny_ring.metrics()
    for family in FAMILIES:
        for name in METRICS:
            assert f"{family}.{name}" in m, (family, name)
    assert m["gan.nll_bound"] is None                       # the GAN has no likelihood
    assert np.isfinite(m["vae.nll_bound"]) and np.isfinite(m["diffusion.nll_bound"])
    assert m["modes_total"] == 8


def test_samples_and_members_have_their_shapes(tiny_ring: CompareResult) -> None:
    for family in FAMILIES:
        assert tiny_ring.samples[family].shape == (1000, 2)
        assert tiny_ring.member_modes[family].shape == (6,)
    assert list(tiny_ring.member_lr_scale[:2]) == [1.0, 1.0]     # member 0 is the one shown
    assert {f"{f}.samples" for f in FAMILIES} <= set(tiny_ring.arrays())


def test_the_result_survives_the_store(tiny_ring: CompareResult) -> None:
    back = CompareResult.from_store(*tiny_ring.to_store())
    assert back.metrics() == tiny_ring.metrics()
    np.testing.assert_array_equal(back.samples["gan"], tiny_ring.samples["gan"])


def test_progress_reaches_the_end() -> None:
    seen = []
    train_compare(CompareConfig.tiny(), on_progress=lambda f, note="", **_: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_members_put_the_shown_run_first() -> None:
    seeds, scales = CompareConfig(n_seeds=3, seed=5).members()
    assert (seeds[0], scales[0]) == (5, 1.0)
    assert len(seeds) == 9 and sorted(set(scales)) == pytest.approx([1 / 3, 1.0, 3.0])


@pytest.mark.parametrize(("field", "value"), [("data", "moons"), ("n_seeds", 0),
                                              ("steps", 5), ("seed", -1)])
def test_bad_configs_say_what_to_do(field, value) -> None:
    with pytest.raises(ValueError, match=field):
        CompareConfig(**{field: value})


def test_the_digits_share_the_panels_runs() -> None:
    """compare.digits trains nothing the latent and diffusion pages have trained: its VAE and
    diffusion model are their presets' configs (so one warm store serves both pages)."""
    for seed in (0, 3):
        assert digits_vae_config(seed) == replace(presets.get("vae.digits").config, seed=seed)
        assert digits_diffusion_config(seed) == replace(presets.get("diffusion.digits").config,
                                                        seed=seed)


def test_the_cli_reports_the_kl_fits(tmp_path) -> None:
    out = tmp_path / "kl.json"
    assert cli(["run", "compare.kl", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    for name in ("covering_fit_mean", "covering_fit_std", "seeking_fit_mean",
                 "seeking_fit_std", "covering_kl_q_p", "covering_kl_p_q", "seeking_kl_q_p",
                 "seeking_kl_p_q"):
        assert name in report["metrics"]
    assert report["promise"]["held"] and report["promise"]["applies"]


def test_progress_on_the_digits_never_goes_back(monkeypatch) -> None:
    """The digits' VAE and diffusion model come from the store (stubbed here with the GAN's
    shape of samples); the GAN trains; the bar must only move forward."""
    import core.compare.train as train

    def stored(cfg, reference, device, on_progress):
        on_progress(0.5, "stored run")
        return {"samples": np.random.default_rng(0).random((1, 1000, 8, 8)),
                "train_seconds": 1.0, "sample_seconds": 0.1, "nll_bound": 0.5}
    monkeypatch.setattr(train, "_digits_vae", stored)
    monkeypatch.setattr(train, "_digits_diffusion", stored)
    seen = []
    train_compare(CompareConfig.tiny(data="digits"),
                  on_progress=lambda f, note="", **_: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)
