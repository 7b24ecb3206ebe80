import numpy as np
import pytest

from core.gen_vs_disc import tabular
from core.gen_vs_disc.tabular import DataError, from_csv

GOOD = b"a,b,kind\n1,2,x\n2,3,x\n3,1,y\n4,0,y\n5,5,x\n6,1,y\n"


def test_from_csv_reads_numeric_features_and_two_classes():
    data = from_csv(GOOD, "kind")
    assert data.X.shape == (6, 2) and data.class_names == ("x", "y")
    assert data.y.tolist() == [0, 0, 1, 1, 0, 1]
    np.testing.assert_allclose(data.X.mean(0), 0, atol=1e-12)


def test_from_csv_keeps_the_two_classes_asked_for():
    raw = GOOD + b"7,7,z\n8,8,z\n"
    with pytest.raises(DataError, match="3 classes.*pick two"):
        from_csv(raw, "kind")
    data = from_csv(raw, "kind", classes="x,z")
    assert data.class_names == ("x", "z") and len(data.y) == 5


@pytest.mark.parametrize(("raw", "label", "message"), [
    (b"", "kind", "empty"),
    (b"   \n", "kind", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "kind", "not a CSV"),
    (b"name,kind\nann,x\nbob,y\ncid,x\n", "kind", "no numeric feature"),
    (b"a,kind\n1,x\n,y\n3,x\n4,y\n", "kind", "Missing values in column"),
    (b"a,kind\n1,x\n2,x\n3,x\n", "kind", "only one class"),
    (b"a,kind\n1,x\n2,x\n3,y\n", "kind", "only 1 example"),
    (GOOD, "nope", "no column 'nope'"),
    (GOOD, "", "Name the label column"),
    (b'a,b\n1,"2\n', "b", "could not be read as a CSV"),
])
def test_from_csv_explains_every_bad_file(raw, label, message):
    with pytest.raises(DataError, match=message):
        from_csv(raw, label)


def test_from_csv_rejects_files_over_5_mb(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"a,kind\n" + b"1,x\n" * (2 * 2**20))
    with pytest.raises(DataError, match="limit is 5 MB"):
        from_csv(big, "kind")


def test_from_csv_names_a_missing_file():
    with pytest.raises(DataError, match="no file"):
        from_csv("/nonexistent/data.csv", "kind")


def test_bad_classes_choice_lists_the_valid_ones():
    with pytest.raises(DataError, match="pick two of x, y"):
        from_csv(GOOD, "kind", classes="x,q")


def test_gaussian_classes_has_the_correlation_asked_for():
    data = tabular.gaussian_classes(20000, 5, 0.5, 0.6, seed=0)
    within = data.X[data.y == 0]
    corr = np.corrcoef(within.T)[np.triu_indices(5, 1)]
    assert np.allclose(corr, 0.6, atol=0.03)
    independent = tabular.gaussian_classes(20000, 5, 0.5, 0.0, seed=0)
    corr0 = np.corrcoef(independent.X[independent.y == 0].T)[np.triu_indices(5, 1)]
    assert np.allclose(corr0, 0.0, atol=0.03)


def test_bundled_sets_are_two_class_and_standardised():
    for data in (tabular.wine(), tabular.breast_cancer(), tabular.iris(), tabular.digits(3, 8)):
        assert set(np.unique(data.y)) == {0, 1}
        assert len(data.feature_names) == data.X.shape[1]


def test_from_csv_sniffs_a_semicolon_separated_file():
    data = from_csv(GOOD.replace(b",", b";"), "kind")
    assert data.X.shape == (6, 2)
