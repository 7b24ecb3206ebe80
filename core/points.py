"""A person's own 2-D data set: points drawn on the page or read from a two-column CSV.

A set is kept on disk under its content hash (``<store>/points/<digest>.npy``, written
atomically, read without pickle), and named ``points:<digest>`` wherever the built-in sets are
named by a word (``core.toy2d``): a config that names it is its own store key, and a training
worker in another process reads the same file. Its distribution is the points themselves,
each blurred by a Gaussian of std ``BLUR`` (a kernel density), so a GAN or a diffusion model
has a smooth target however few points were drawn. Its modes, for the mode metrics, are its
separate regions (``modes``): "draw three blobs; will the GAN find all three?"
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import tempfile
from pathlib import Path

import numpy as np

from core.store import default_root, keep_newest

PREFIX = "points:"
MIN_POINTS, MAX_POINTS = 20, 5000
BLUR = 0.05
HALF_WIDTH = 2.5          # a set is centred and scaled into [-2.5, 2.5]^2, as the built-in sets
MAX_CSV_BYTES = 2_000_000
MAX_KEPT = 200            # sets kept on disk; the oldest go first
REGION_GAP = 0.35         # points closer than this are one region (the canvas grid is 0.117)
MIN_REGION_SHARE = 0.02   # a region with fewer of the points is a stray, not a mode
MAX_MODES = 25            # as many as the grid's; more regions are not counted as modes
TOO_MANY_REGIONS = (f"Your points form more than {MAX_MODES} separate regions: the comparison "
                    "counts each region as a mode, so draw fewer, larger regions (or clear the "
                    "points and start again).")


def is_points(name: str) -> bool:
    return isinstance(name, str) and name.startswith(PREFIX)


def folder() -> Path:
    return default_root() / "points"


def _path(name: str) -> Path:
    digest = name.removeprefix(PREFIX)
    if len(digest) != 32 or not all(c in "0123456789abcdef" for c in digest):
        raise ValueError(f"data={name[:60]!r} is not allowed: a drawn set is named "
                         "points: and 32 hexadecimal digits.")
    return folder() / f"{digest}.npy"


def check(name: str) -> None:
    """A sentence (ValueError) when ``name`` names no set kept on this machine."""
    if not _path(name).is_file():
        raise ValueError(f"data={name[:60]!r} is not allowed: those points are not kept on "
                         "this machine; draw or upload them again.")


def save(points: np.ndarray) -> str:
    """Keep ``points`` (n, 2), already fitted into the plane (``fit``), and return their name."""
    points = np.round(np.asarray(points, dtype=np.float64), 3).astype(np.float32)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError("a drawn set is an (n, 2) array of points")
    if not MIN_POINTS <= len(points) <= MAX_POINTS:
        raise ValueError(f"{len(points)} points: draw or upload {MIN_POINTS} to {MAX_POINTS}.")
    if not np.isfinite(points).all():
        raise ValueError("The points are not all finite numbers: use coordinates of a usual "
                         "size, such as -3 to 3.")
    name = PREFIX + hashlib.sha256(points.tobytes()).hexdigest()[:32]
    path = _path(name)
    if path.is_file():
        os.utime(path)   # in use: the last to go
        return name
    path.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two sessions may keep the same points at once
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".npy")
    with os.fdopen(handle, "wb") as out:
        np.save(out, points, allow_pickle=False)
    Path(tmp).replace(path)
    keep_newest(path.parent, "*.npy", MAX_KEPT)   # drawing makes a new set with every loop
    return name


@functools.lru_cache(maxsize=32)
def load(name: str) -> np.ndarray:
    """The points of a kept set, (n, 2) float32 (a set never changes: cached by name)."""
    check(name)
    points = np.load(_path(name), allow_pickle=False)
    if points.ndim != 2 or points.shape[1] != 2 or not np.isfinite(points).all():
        raise ValueError(f"data={name[:60]!r}: the kept file is damaged; draw the points again.")
    return points


def sample(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws from the set's kernel density: a random point of the set, blurred."""
    points = load(name)
    return points[rng.integers(len(points), size=n)] + BLUR * rng.standard_normal((n, 2))


@functools.lru_cache(maxsize=32)
def modes(name: str) -> tuple[np.ndarray, float] | None:
    """The modes of a kept set, for the mode metrics (``core.modes``): its separate regions.

    Points closer than ``REGION_GAP`` join one region (single linkage, as DBSCAN with one point
    a core); a region holding under ``MIN_REGION_SHARE`` of the points is a stray, not a
    mode. Each mode is its region's mean; one std serves all, the median over regions of the
    per-axis spread round the mean, widened by ``BLUR``, so that "within 3 std of a mode"
    takes in a drawn blob as it takes in a ring's Gaussian. None when the set has more than
    ``MAX_MODES`` regions: too many to count as modes. ``(centres (K, 2) float64, std)``."""
    from sklearn.cluster import DBSCAN  # late: only the mode metrics of drawn sets need it

    points = load(name).astype(np.float64)
    region = DBSCAN(eps=REGION_GAP, min_samples=1).fit(points).labels_
    sizes = np.bincount(region)
    kept = np.flatnonzero(sizes >= MIN_REGION_SHARE * len(points))
    if not 1 <= len(kept) <= MAX_MODES:
        return None
    centres = np.stack([points[region == r].mean(0) for r in kept])
    spreads = [np.sqrt(((points[region == r] - c) ** 2).sum(1).mean() / 2)
               for r, c in zip(kept, centres, strict=True)]
    return centres, float(np.hypot(np.median(spreads), BLUR))


def fit(points: np.ndarray) -> np.ndarray:
    """Centre ``points`` and scale them into [-HALF_WIDTH, HALF_WIDTH]^2, keeping their shape;
    a ValueError when the numbers are too large to (near 1e308)."""
    points = np.asarray(points, dtype=np.float64)
    centre = points.max(0) / 2 + points.min(0) / 2   # halves first: no overflow at 1e308
    with np.errstate(over="ignore", invalid="ignore"):
        span = float(np.abs(points - centre).max())
        fitted = (points - centre) * (HALF_WIDTH / span if span > 0 else 1.0)
    if not np.isfinite(fitted).all():
        raise ValueError("The numbers are too large to work with: scale the columns down "
                         "(to within ±1e300) and upload the file again.")
    return fitted


def from_csv(raw: bytes) -> np.ndarray:
    """The points of a two-column CSV (a header row is allowed), fitted into the plane; a
    ValueError with one sentence saying what is wrong and what to do."""
    if len(raw) > MAX_CSV_BYTES:
        raise ValueError(f"The file has {len(raw) / 1e6:.1f} MB; a set of points takes at most "
                         f"{MAX_CSV_BYTES / 1e6:.0f} MB ({MAX_POINTS} rows of two numbers).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file is not text (UTF-8): save it as a CSV file.") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and _is_header(rows[0]):
        rows = rows[1:]
    points = []
    for number, row in enumerate(rows, start=1):
        values = _numbers(row)
        if values is None or len(values) != 2:
            raise ValueError(f"Row {number} of the data is not two numbers: each row holds the "
                             "x and y of one point, such as 0.5,-1.2.")
        points.append(values)
    if not MIN_POINTS <= len(points) <= MAX_POINTS:
        raise ValueError(f"The file has {len(points)} points: it needs {MIN_POINTS} to "
                         f"{MAX_POINTS} rows of x,y.")
    points = np.array(points)
    if (points == points[0]).all():
        raise ValueError("Every row is the same point: a set needs points in different places.")
    return fit(points)


def _is_header(row: list[str]) -> bool:
    """A first row with a cell that is no number at all (``nan`` is a number, if a bad one)."""
    try:
        [float(cell) for cell in row if cell.strip()]
    except ValueError:
        return True
    return False


def _numbers(row: list[str]) -> list[float] | None:
    try:
        values = [float(cell) for cell in row if cell.strip()]
    except ValueError:
        return None
    return values if all(np.isfinite(values)) else None
