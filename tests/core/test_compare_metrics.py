"""The compare panel's measures and the lecture's table, on hand-made samples."""

from __future__ import annotations

import numpy as np
import pytest

from core import toy2d
from core.compare import metrics, table
from core.images import image_set


def ring_data(n: int = 1000, seed: int = 3) -> np.ndarray:
    return toy2d.sample("ring", n, seed)


def collapsed(n: int = 1000, modes: tuple[int, ...] = (0, 3)) -> np.ndarray:
    """Samples as sharp as the data, on a few modes only."""
    rng = np.random.default_rng(0)
    centres = toy2d.mode_centres("ring")[list(modes)]
    return (centres[rng.integers(len(centres), size=n)]
            + toy2d.MODE_STD * rng.standard_normal((n, 2))).astype(np.float32)


def blurred(n: int = 1000, std: float = 0.08) -> np.ndarray:
    """Every mode, each smeared to several times its width."""
    rng = np.random.default_rng(1)
    centres = toy2d.mode_centres("ring")
    return (centres[rng.integers(8, size=n)] + std * rng.standard_normal((n, 2))
            ).astype(np.float32)


def test_fresh_data_scores_as_data() -> None:
    m = metrics.measure(ring_data(), "ring", metrics.held_out("ring"))
    assert m["modes_covered"] == 8
    assert m["hq_fraction"] > 0.99
    assert m["sharpness"] == pytest.approx(1.0, abs=0.1)
    assert m["mmd2"] < 0.005


def test_a_collapsed_set_is_sharp_and_misses_modes() -> None:
    m = metrics.measure(collapsed(), "ring", metrics.held_out("ring"))
    assert m["modes_covered"] == 2
    assert m["hq_fraction"] > 0.99
    assert m["sharpness"] > 0.9
    assert m["mmd2"] > 0.1


def test_a_blurred_set_covers_every_mode_and_is_not_sharp() -> None:
    m = metrics.measure(blurred(), "ring", metrics.held_out("ring"))
    assert m["modes_covered"] == 8
    assert m["sharpness"] < 0.3
    assert m["hq_fraction"] < 0.5


def test_digit_measures_tell_real_from_blurred_and_collapsed_digits() -> None:
    data = image_set("digits")
    real = data.X_train[:1000].reshape(-1, 8, 8)
    reference = metrics.held_out("digits")
    sharp = metrics.measure(real, "digits", reference)
    assert sharp["modes_covered"] == 10
    assert sharp["hq_fraction"] > 0.95       # real digits clear the bar, as ring data do theirs
    assert sharp["sharpness"] == pytest.approx(1.0, abs=0.1)
    # a blur: each image averaged with its neighbours (a 3 x 3 box)
    padded = np.pad(real, ((0, 0), (1, 1), (1, 1)), mode="edge")
    box = sum(padded[:, i:i + 8, j:j + 8] for i in range(3) for j in range(3)) / 9
    soft = metrics.measure(box, "digits", reference)
    assert soft["sharpness"] < 0.7 * sharp["sharpness"]
    assert soft["mmd2"] > sharp["mmd2"]
    # collapse: every sample a copy of real zeros and ones
    ones = real[np.isin(data.y_train[:1000], (0, 1))]
    few = metrics.measure(ones, "digits", reference)
    assert few["modes_covered"] <= 2
    assert few["mmd2"] > sharp["mmd2"]


def test_the_floor_is_small_against_any_model() -> None:
    assert metrics.floor("ring") < 0.005
    assert abs(metrics.floor("digits")) < 0.05


def _metrics(vae_modes=8, gan_modes=5, vae_sharp=0.3, gan_sharp=0.8, vae_robust=1.0,
             gan_robust=0.5, vae_worst=8, gan_worst=2) -> dict:
    return {"modes_total": 8.0,
            "vae.modes_covered": vae_modes, "gan.modes_covered": gan_modes,
            "diffusion.modes_covered": 8, "vae.sharpness": vae_sharp,
            "gan.sharpness": gan_sharp, "diffusion.sharpness": 0.9,
            "vae.robust_share": vae_robust, "gan.robust_share": gan_robust,
            "diffusion.robust_share": 1.0, "vae.modes_covered_min": vae_worst,
            "gan.modes_covered_min": gan_worst, "diffusion.modes_covered_min": 8,
            "vae.nll_bound": 0.1, "gan.nll_bound": None,
            "diffusion.nll_bound": -0.2}


def _verdict(vs, row, family):
    return next(v for v in vs if v.row == row and v.family == family)


def test_verdicts_agree_with_the_lecture_on_a_textbook_run() -> None:
    vs = table.verdicts(_metrics())
    claimed = [v for v in vs if v.claim is not None]
    assert claimed and all(v.agrees for v in claimed)
    assert _verdict(vs, "Generated samples", "diffusion").agrees is None   # not claimed


def test_verdicts_say_where_a_run_disagrees() -> None:
    vs = table.verdicts(_metrics(gan_modes=8, vae_sharp=0.9, gan_robust=1.0, gan_worst=8))
    assert _verdict(vs, "Modes", "gan").agrees is False          # no collapse
    assert _verdict(vs, "Generated samples", "vae").agrees is False
    assert _verdict(vs, "Training", "gan").agrees is False
    assert _verdict(vs, "Modes", "vae").agrees is True


def test_robustness_is_read_on_the_worst_run_first_then_the_share() -> None:
    worse_but_more_often = table.verdicts(_metrics(vae_worst=7, gan_worst=5, vae_robust=0.3,
                                                   gan_robust=0.7))
    assert _verdict(worse_but_more_often, "Training", "vae").agrees is True
    tie = table.verdicts(_metrics(vae_worst=8, gan_worst=8, vae_robust=1.0, gan_robust=0.5))
    assert _verdict(tie, "Training", "gan").agrees is True
    same = table.verdicts(_metrics(vae_worst=8, gan_worst=8, vae_robust=1.0, gan_robust=1.0))
    assert _verdict(same, "Training", "vae").agrees is False


def test_unmeasured_cells_are_neither_right_nor_wrong() -> None:
    m = _metrics()
    m.update({"vae.robust_share": None, "gan.robust_share": None})
    vs = table.verdicts(m)
    assert _verdict(vs, "Training", "vae").agrees is None
    assert "not measured" in _verdict(vs, "Training", "vae").measured


def test_winners_share_ties() -> None:
    assert table.winners(_metrics()) == {"modes": ["vae", "diffusion"],
                                         "sharpness": ["diffusion"]}
