"""A person's own 2-D points (core.points): read from a CSV with one sentence for each way a
file can be wrong, kept under their hash, and sampled as a blurred set wherever the built-in
sets are (core.toy2d)."""

import numpy as np
import pytest

from core import modes, points, toy2d
from core.compare.config import CompareConfig
from core.compare.train import train_compare
from core.diffusion.toy import DiffusionConfig
from core.gan.config import GANConfig


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GENLAB_STORE", str(tmp_path))
    points.load.cache_clear()


def csv(rows) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode()


def test_a_csv_of_points_is_read_centred_and_scaled_into_the_plane():
    rng = np.random.default_rng(0)
    raw = rng.normal(100.0, 30.0, size=(200, 2))
    read = points.from_csv(b"x,y\n" + csv(raw))
    assert read.shape == (200, 2)
    assert np.abs(read).max() == pytest.approx(points.HALF_WIDTH)
    # the shape is kept: distances scale by one factor
    d_raw, d_read = np.linalg.norm(raw[0] - raw[1]), np.linalg.norm(read[0] - read[1])
    d_raw2, d_read2 = np.linalg.norm(raw[2] - raw[3]), np.linalg.norm(read[2] - read[3])
    assert d_read / d_raw == pytest.approx(d_read2 / d_raw2)


@pytest.mark.parametrize(("raw", "says"), [
    (b"", "The file has 0 points"),
    (csv([[1, 2]] * 5), "The file has 5 points"),
    (csv([[1, 2, 3]] * 30), "Row 1 of the data is not two numbers"),
    (csv([[1, 2]] * 10 + [["a", 2]] + [[3, 4]] * 20), "Row 11 of the data is not two numbers"),
    (csv([[1, "nan"]] + [[1, 2]] * 30), "Row 1 of the data is not two numbers"),
    (csv([[1, 2]] * 30), "Every row is the same point"),
    (csv([[i, i] for i in range(6000)]), "The file has 6000 points"),
    (b"\xff\xfe\x00x", "The file is not text"),
    (b"1,2\n" * 1_100_000, "at most 2 MB"),
])
def test_a_bad_csv_is_named_in_one_sentence_with_what_to_do(raw, says):
    with pytest.raises(ValueError) as err:
        points.from_csv(raw)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_kept_points_name_a_data_set_every_model_takes():
    drawn = points.fit(np.random.default_rng(1).uniform(-1, 1, size=(60, 2)))
    name = points.save(drawn)
    assert name.startswith("points:") and points.save(drawn) == name   # one name per content
    sample = toy2d.sample(name, 4000, seed=3)
    assert sample.shape == (4000, 2) and sample.dtype == np.float32
    assert np.array_equal(sample, toy2d.sample(name, 4000, seed=3))
    # each draw lies near a drawn point: the blur is small
    nearest = np.linalg.norm(sample[:, None] - drawn[None].astype(np.float32), axis=2).min(1)
    assert np.quantile(nearest, 0.99) < 5 * points.BLUR
    assert toy2d.mode_centres(name) is None
    assert GANConfig(data=name).data == name and DiffusionConfig(data=name).data == name


@pytest.mark.parametrize("name", ["points:abc", "points:" + "0" * 32, "points:../../etc",
                                  "my-set"])
def test_a_set_that_is_not_kept_here_is_refused_in_one_sentence(name):
    with pytest.raises(ValueError, match="is not allowed"):
        GANConfig(data=name)


def test_too_few_or_too_many_points_are_not_kept():
    with pytest.raises(ValueError, match="draw or upload 20 to 5000"):
        points.save(np.zeros((5, 2)))


def test_numbers_near_the_largest_float_are_still_fitted_into_the_plane():
    rows = [[1.7e308 * (i % 2 * 2 - 1), i] for i in range(30)]
    read = points.from_csv(csv(rows))
    assert np.isfinite(read).all() and np.abs(read).max() == pytest.approx(points.HALF_WIDTH)


def test_only_the_sets_used_last_are_kept(monkeypatch):
    monkeypatch.setattr(points, "MAX_KEPT", 3)
    rng = np.random.default_rng(2)
    names = [points.save(points.fit(rng.normal(size=(30, 2)))) for _ in range(5)]
    kept = sorted(p.stem for p in points.folder().glob("*.npy"))
    assert len(kept) == 3 and all(n.removeprefix("points:") in kept for n in names[-3:])


def blobs(centres, n=40, std=0.15, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(c, std, (n, 2)) for c in centres])


def test_the_separate_regions_of_drawn_points_are_their_modes():
    centres = [(-1.5, -1.0), (1.5, -1.0), (0.0, 1.5)]
    strays = np.array([[2.4, 2.4], [-2.4, 2.4]])          # two lone points: not modes
    name = points.save(np.concatenate([blobs(centres), strays]))
    found, std = modes.of(name)
    assert len(found) == modes.count(name) == 3
    assert np.abs(np.sort(found, 0) - np.sort(np.array(centres), 0)).max() < 0.1
    assert 0.1 < std < 0.25                                  # the blobs' spread, a little blurred
    # the data cover their own modes; half of them cover only the modes they hold
    own = toy2d.sample(name, 2000, seed=1)
    assert modes.mode_metrics(own, name)["modes_covered"] == 3
    one = own[own[:, 1] > 0.5]
    assert modes.mode_metrics(one, name)["modes_covered"] == 1


def test_more_regions_than_can_be_counted_are_no_modes_and_the_comparison_says_so():
    grid = [(x, y) for x in np.linspace(-2.2, 2.2, 6) for y in np.linspace(-2.2, 2.2, 6)]
    name = points.save(blobs(grid, n=5, std=0.02))
    assert modes.of(name) is None and modes.count(name) == 0
    with pytest.raises(ValueError, match="more than 25 separate regions") as err:
        CompareConfig(data=name)
    assert "\n" not in str(err.value)


def test_the_three_families_are_compared_on_drawn_points():
    name = points.save(blobs([(-1.5, 0.0), (1.5, 0.0)]))
    result = train_compare(CompareConfig.tiny(data=name))
    metrics = result.metrics()
    assert result.data == name and metrics["modes_total"] == 2
    for family in ("vae", "gan", "diffusion"):
        assert result.samples[family].shape == (1000, 2)
        assert 0 <= metrics[f"{family}.modes_covered"] <= 2
