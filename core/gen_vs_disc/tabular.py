"""Two-class tabular data sets for the generative-vs-discriminative panel.

Bundled sets come from scikit-learn (no network), synthetic ones from seeded generators, and a
person's own data from a CSV file. Every problem a person can cause raises ``DataError`` with
one sentence: what is wrong and what to do.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

MAX_CSV_BYTES = 5 * 2**20
# pandas' delimiter-sniffing parser is pure Python and renames repeated column names in
# quadratic time: a 5 MB header of "1,1,1,..." held a server thread for hours. Checked first.
MAX_COLUMNS = 1000
MAX_HEADER_BYTES = 64 * 2**10
# A CSV's data set is its first MAX_ROWS rows, as many as the largest synthetic set: a 5 MB file
# of short rows holds over a million, a training job of hours. check_trainable's memory bound
# then allows 10 splits (the page's fewest) at 200 features.
MAX_ROWS = 20_000


class DataError(ValueError):
    """A data set a person asked for cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Dataset:
    """A standardised two-class problem. X: (n, d) float64, y: (n,) in {0, 1}."""

    name: str
    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, str]
    description: str


def standardise(X: np.ndarray) -> np.ndarray:
    """Zero mean, unit variance per column (constant columns are only centred)."""
    sd = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def _two_classes(name, X, y, keep, class_names, feature_names, description) -> Dataset:
    rows = np.isin(y, keep)
    return Dataset(name, standardise(X[rows].astype(np.float64)),
                   (y[rows] == keep[1]).astype(np.int64), tuple(feature_names),
                   class_names, description)


@cache  # bundled sets are read from disk once per process
def breast_cancer() -> Dataset:
    from sklearn.datasets import load_breast_cancer

    b = load_breast_cancer()
    return _two_classes("breast_cancer", b.data, b.target, (0, 1), ("malignant", "benign"),
                        b.feature_names, "Wisconsin breast cancer: 569 tumours, 30 features")


@cache
def wine() -> Dataset:
    from sklearn.datasets import load_wine

    w = load_wine()
    return _two_classes("wine", w.data, w.target, (0, 1), ("cultivar 0", "cultivar 1"),
                        w.feature_names, "Wine: cultivars 0 and 1, 130 wines, 13 features")


@cache
def iris() -> Dataset:
    from sklearn.datasets import load_iris

    i = load_iris()
    return _two_classes("iris", i.data, i.target, (1, 2), ("versicolor", "virginica"),
                        i.feature_names, "Iris: versicolor vs virginica, 100 flowers, 4 features")


@cache
def digits(digit_a: int, digit_b: int) -> Dataset:
    from sklearn.datasets import load_digits

    dg = load_digits()
    names = [f"pixel {r},{c}" for r in range(8) for c in range(8)]
    return _two_classes("digits", dg.data, dg.target, (digit_a, digit_b),
                        (str(digit_a), str(digit_b)), names,
                        f"8x8 digits: {digit_a} vs {digit_b}, 64 pixel features")


def gaussian_classes(n_samples: int, n_features: int, separation: float, rho: float,
                     seed: int) -> Dataset:
    """x | y ~ N(+-delta/2, Sigma) with Sigma = (1 - rho) I + rho 11^T (equicorrelated).

    rho = 0 is naive Bayes' own model: the features are independent given the class. With
    rho > 0 they share one noise source that NB cannot see; logistic regression learns to
    subtract it and ends lower. delta (|delta| = separation) falls off linearly over the
    features, so it is not an eigenvector of Sigma and NB's weights are not the Bayes weights.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n_samples)
    delta = np.linspace(1.0, 0.2, n_features)
    delta *= separation / np.linalg.norm(delta)
    shared = rng.standard_normal((n_samples, 1))
    own = rng.standard_normal((n_samples, n_features))
    X = np.sqrt(rho) * shared + np.sqrt(1 - rho) * own + (y[:, None] - 0.5) * delta
    kind = "independent given the class" if rho == 0 else f"correlation {rho:g}"
    return Dataset("nb_holds" if rho == 0 else "correlated", standardise(X), y,
                   tuple(f"x{j + 1}" for j in range(n_features)), ("class 0", "class 1"),
                   f"Synthetic Gaussian classes: {n_samples} points, {n_features} features, "
                   f"{kind}")


def read_csv_table(source: str | Path | bytes):
    """Parse a CSV (a path or its bytes) into a pandas DataFrame, or raise DataError."""
    import pandas as pd

    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            if not path.is_file():
                raise DataError(f"There is no file {str(path)!r}; give the path of a CSV file.")
            if path.stat().st_size > MAX_CSV_BYTES:
                raise DataError(f"{path.name} is {path.stat().st_size / 2**20:.1f} MB; the limit "
                                "is 5 MB. Use fewer rows or columns.")
            raw = path.read_bytes()
        except OSError as err:   # too long a name, no permission, a disk error
            raise DataError(f"The file {str(path)[:80]!r} cannot be read ({err.strerror or err}); "
                            "give the path of a CSV file you can read.") from None
    else:
        raw = source
        if len(raw) > MAX_CSV_BYTES:
            raise DataError(f"The file is {len(raw) / 2**20:.1f} MB; the limit is 5 MB. Use "
                            "fewer rows or columns.")
    if not raw.strip():
        raise DataError("The file is empty; a CSV needs a header row and data rows.")
    if b"\x00" in raw[:4096]:
        raise DataError("This is not a CSV file (it holds binary data); save the table as CSV "
                        "(comma-separated text) and upload that.")
    _check_header(raw)
    try:
        # sep=None sniffs the delimiter: a semicolon-separated export reads as well
        table = pd.read_csv(io.BytesIO(raw), sep=None, engine="python")
    except UnicodeDecodeError:
        raise DataError("This file is not UTF-8 text; save the table as \"CSV UTF-8\" (Excel: "
                        "Save As, CSV UTF-8) and upload it again.") from None
    except (pd.errors.ParserError, csv.Error, ValueError, TypeError) as err:
        raise DataError(f"This file could not be read as a CSV ({str(err).splitlines()[0]}); "
                        "save the table as comma-separated text with one header row.") from None
    if table.empty or table.shape[1] < 2:
        raise DataError("The CSV needs at least two columns (features and a label) and one "
                        "data row.")
    return table


def _check_header(raw: bytes) -> None:
    """Refuse a header of more than MAX_COLUMNS columns before pandas reads it."""
    header = raw.lstrip().split(b"\n", 1)[0].split(b"\r", 1)[0]
    if len(header) > MAX_HEADER_BYTES:
        raise DataError(f"The header row is {len(header) / 2**10:.0f} KB long; a CSV here has at "
                        f"most {MAX_COLUMNS:,} columns. Keep fewer columns, one row per line.")
    text = header.decode("utf-8", "replace")
    try:
        columns = len(next(csv.reader([text], csv.Sniffer().sniff(text))))
    except (csv.Error, StopIteration):
        return   # no delimiter to count by: pandas says what is wrong with the file
    if columns > MAX_COLUMNS:
        raise DataError(f"The CSV has {columns:,} columns; the limit is {MAX_COLUMNS:,}. Keep "
                        "fewer columns.")


def first_rows(table):
    """The rows of a parsed CSV that its data set uses: the first MAX_ROWS."""
    return table.iloc[:MAX_ROWS]


def csv_label_choices(table) -> list[str]:
    """Columns that could be a label: at least two distinct values, not all distinct."""
    return [str(c) for c in table.columns if 2 <= table[c].nunique() < len(table)]


def _named(name: object) -> str:
    """A column's or class's name inside a sentence: on one line, at most 40 characters (a
    file's names are the uploader's text, of any length)."""
    text = " ".join(str(name).split())
    return text if len(text) <= 40 else text[:39] + "…"


def csv_classes(table, label: str) -> list[str]:
    """The label column's classes, as strings, most frequent first."""
    if label not in table.columns:
        columns = ", ".join(_named(c) for c in table.columns)
        raise DataError(f"There is no column {label!r}; the columns are {columns}.")
    return [str(v) for v in table[label].dropna().astype(str).value_counts().index]


def from_csv(source: str | Path | bytes, label: str, classes: str = "",
             name: str = "Your CSV") -> Dataset:
    """A two-class problem from a CSV: numeric columns become features, ``label`` the class.

    ``classes`` ("a,b") picks two classes when the label has more than two.
    """
    table = read_csv_table(source)
    n_rows, table = len(table), first_rows(table)
    if not label:
        raise DataError("Name the label column (on the command line: --set label=COLUMN); the "
                        f"columns are {', '.join(map(str, table.columns))}.")
    found = csv_classes(table, label)
    target = table[label].astype(str)
    if table[label].isna().any():
        raise DataError(f"The label column {label!r} has missing values in "
                        f"{int(table[label].isna().sum())} rows; fill or drop them.")
    if len(found) < 2:
        raise DataError(f"The label column {label!r} has only one class ({found[0]!r}); a "
                        "classifier needs two.")
    if classes:
        keep = [c.strip() for c in classes.split(",")]
        unknown = [c for c in keep if c not in found]
        if len(keep) != 2 or keep[0] == keep[1] or unknown:
            raise DataError(f"classes={classes!r} must name two different classes of "
                            f"{label!r}: pick two of {', '.join(map(_named, found))}.")
    elif len(found) > 2:
        raise DataError(f"The label column {label!r} has {len(found)} classes "
                        f"({', '.join(map(_named, found[:10]))}); pick two (on the command "
                        f"line: --set classes={_named(found[0])},{_named(found[1])}).")
    else:
        keep = sorted(found)
    rows = target.isin(keep).to_numpy()
    features = table.drop(columns=[label]).select_dtypes("number")
    if features.shape[1] == 0:
        raise DataError("The CSV has no numeric feature column besides the label; features "
                        "must be numbers.")
    features = features[rows]
    if features.isna().any().any():
        bad = [str(c) for c in features.columns if features[c].isna().any()]
        raise DataError(f"Missing values in column(s) {', '.join(bad[:5])}; fill or drop those "
                        "rows, or remove the columns.")
    y = (target[rows] == keep[1]).to_numpy().astype(np.int64)
    counts = np.bincount(y, minlength=2)
    if counts.min() < 2:
        lonely = keep[int(np.argmin(counts))]
        raise DataError(f"Class {lonely!r} of {label!r} has only {counts.min()} example; each "
                        "class needs at least two (better: ten or more).")
    X = features.to_numpy(dtype=np.float64)
    if not np.isfinite(X).all():
        raise DataError("Some feature values are infinite; replace them with finite numbers.")
    rows = f"{len(y)} rows" + (f" (from the first {len(table):,} of {n_rows:,})"
                               if n_rows > len(table) else "")
    return Dataset(name, standardise(X), y, tuple(map(str, features.columns)),
                   (keep[0], keep[1]),
                   f"Your CSV: {rows}, {X.shape[1]} numeric features, label {label!r}")
