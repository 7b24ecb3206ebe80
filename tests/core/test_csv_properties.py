"""An uploaded CSV is data, whatever its bytes: a usable table and a two-class data set, or a
DataError sentence (what is wrong, what to do); never another exception.

The files are arbitrary bytes, and tables written with odd delimiters, line ends, quotes,
encodings, empty and huge fields, NaN and infinity, one column, one class. The size cap is
the same in Streamlit's upload limit and in the loader."""

from __future__ import annotations

import math
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.gen_vs_disc import tabular
from core.gen_vs_disc.tabular import DataError

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

CELLS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "nan", "NaN", "inf", "-inf", "1e400", "NA", "x", "y", "z", '"', '""',
                     '"a,b"', "a\nb", " ", "True", "9" * 400, "é", "\x00", "x" * 140_000]),
    st.text(max_size=8),
)


@st.composite
def csv_files(draw) -> bytes:
    """A table written as CSV with a random delimiter, line end, quoting and encoding."""
    n_cols = draw(st.integers(1, 5))
    n_rows = draw(st.integers(0, 12))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|", " ", ":", "x"]))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.lists(st.sampled_from(["a", "b", "kind", "", "a", "1", "é"]) | st.text(
        max_size=5), min_size=n_cols, max_size=n_cols))
    rows = draw(st.lists(st.lists(CELLS, min_size=n_cols, max_size=n_cols),
                         min_size=n_rows, max_size=n_rows))
    # a label column of one, two or several classes, most of the time
    if rows and draw(st.booleans()):
        labels = draw(st.lists(st.sampled_from(["x", "y", "z"])
                               | st.sampled_from(["x"]), min_size=n_rows, max_size=n_rows))
        header.append("kind")
        for row, label in zip(rows, labels, strict=True):
            row.append(label)
    text = line_end.join(delimiter.join(row) for row in [header, *rows])
    text += draw(st.sampled_from(["", line_end]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


def assert_sentence(err: DataError) -> None:
    message = str(err)
    assert message.endswith("."), message
    assert "\n" not in message and len(message) < 500, message
    assert "Traceback" not in message and "object has no attribute" not in message, message


def check_usable_or_sentence(raw: bytes, label: str | None = None, classes: str = "") -> None:
    """read_csv_table -> csv_label_choices -> csv_classes -> from_csv, as the page calls
    them: each gives something usable or a DataError sentence."""
    try:
        table = tabular.read_csv_table(raw)
    except DataError as err:
        assert_sentence(err)
        return
    assert table.shape[0] >= 1 and table.shape[1] >= 2
    choices = tabular.csv_label_choices(table)
    assert all(c in map(str, table.columns) for c in choices)
    for name in [*choices[:2], *([label] if label is not None else [])]:
        try:
            found = tabular.csv_classes(table, name)
            assert all(isinstance(c, str) for c in found)
            data = tabular.from_csv(raw, name, classes)
        except DataError as err:
            assert_sentence(err)
            continue
        assert data.X.ndim == 2 and data.X.shape[0] == len(data.y) >= 4
        assert np.isfinite(data.X).all() and set(np.unique(data.y)) == {0, 1}
        assert np.bincount(data.y).min() >= 2
        assert len(data.feature_names) == data.X.shape[1] >= 1


@SETTINGS
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_are_a_table_or_a_sentence(raw):
    check_usable_or_sentence(raw)


@SETTINGS
@given(csv_files(), st.text(max_size=6) | st.just("kind"),
       st.sampled_from(["", "x,y", "x,z", "x,x", "x", "x,y,z", "q,r"]))
def test_written_tables_are_a_data_set_or_a_sentence(raw, label, classes):
    check_usable_or_sentence(raw, label, classes)


@pytest.mark.parametrize("raw", [
    b"",
    b"\n\n\n",
    b"kind\nx\ny\nx\ny\n",                                          # one column
    b"a,kind\n1,x\n2,x\n3,x\n",                                     # one class
    b"a,kind\nnan,x\ninf,y\n-inf,x\n1,y\n",                         # NaN and infinity
    b"a,kind\n1e400,x\n2,y\n3,x\n4,y\n",                            # overflows to infinity
    b"a,kind\n" + b"1" * 200_000 + b",x\n2,y\n",                    # a huge field
    b'a,kind\n"1,x\n2,y\n',                                         # an unclosed quote
    "a,kind\n1,café\n2,thé\n".encode("latin-1"),                    # Excel's Windows CSV
    "a,kind\n1,x\n2,y\n".encode("utf-16"),
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
])
def test_known_awkward_files_are_a_data_set_or_a_sentence(raw):
    check_usable_or_sentence(raw, "kind")


def test_a_non_utf8_file_is_told_to_save_as_utf8():
    with pytest.raises(DataError, match="not UTF-8 text.*CSV UTF-8"):
        tabular.read_csv_table("a,kind\n1,café\n2,thé\n".encode("latin-1"))


def test_a_header_of_too_many_columns_is_refused_before_pandas_reads_it():
    """pandas renames repeated column names in quadratic time: 5 MB of "1," took hours."""
    raw = b"1," * (tabular.MAX_CSV_BYTES // 2 - 1) + b"1\n"
    start = time.perf_counter()
    with pytest.raises(DataError, match="header row is .* KB long"):
        tabular.read_csv_table(raw)
    assert time.perf_counter() - start < 5
    wide = b",".join(b"1" for _ in range(tabular.MAX_COLUMNS + 1)) + b"\n"
    with pytest.raises(DataError, match="1,001 columns; the limit is 1,000"):
        tabular.read_csv_table(wide + wide)
    fits = b",".join(b"c%d" % i for i in range(tabular.MAX_COLUMNS)) + b"\n"
    assert tabular.read_csv_table(fits + wide[:-3] + b"\n").shape[1] == tabular.MAX_COLUMNS


def test_a_path_that_cannot_be_opened_is_a_sentence(tmp_path):
    for path in ["a" * 300 + ".csv", tmp_path / "missing.csv", tmp_path]:
        with pytest.raises(DataError) as caught:
            tabular.read_csv_table(path)
        assert_sentence(caught.value)


# ---------------------------------------------------------------- the upload size cap

def upload_cap_mb(name: str) -> float:
    return tomllib.loads((ROOT / ".streamlit" / name).read_text())["server"]["maxUploadSize"]


@pytest.mark.parametrize("name", ["config.toml", "hosting.toml"])
def test_streamlit_refuses_uploads_over_the_loaders_cap(name):
    """Streamlit's maxUploadSize is in MiB and enforced by the server (HTTP 413) before the
    script sees the file; the loader's own cap is the same number."""
    if not (ROOT / ".streamlit" / name).exists():
        pytest.fail(f".streamlit/{name} is missing")
    assert upload_cap_mb(name) * 2**20 == tabular.MAX_CSV_BYTES


def test_the_page_uses_the_configured_cap_and_names_it():
    source = (ROOT / "ui" / "gen_vs_disc" / "panel.py").read_text()
    assert "max_upload_size" not in source      # no per-widget override of the server's cap
    assert f"at most {math.floor(tabular.MAX_CSV_BYTES / 2**20)} MB" in source


@pytest.mark.parametrize("extra", [1, 2**20])
def test_bytes_over_the_cap_are_refused_with_the_limit(extra, tmp_path):
    raw = b"a,kind\n" + b"1,x\n" * ((tabular.MAX_CSV_BYTES + extra) // 4)
    with pytest.raises(DataError, match="the limit is 5 MB"):
        tabular.read_csv_table(raw)
    path = tmp_path / "big.csv"
    path.write_bytes(raw)
    with pytest.raises(DataError, match="the limit is 5 MB"):
        tabular.read_csv_table(path)
