import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from core.gen_vs_disc.config import NgJordanConfig
from core.gen_vs_disc.curves import crossover, learning_curves
from core.gen_vs_disc.data import load_data, make_splits, stratified_order
from core.gen_vs_disc.logistic_regression import fit_lr_batched
from core.gen_vs_disc.naive_bayes import VAR_SMOOTHING, fit_nb
from core.gen_vs_disc.two_features import two_feature_view


@pytest.fixture
def toy():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [30, 20])
    X = rng.standard_normal((50, 3)) + y[:, None] * np.array([1.0, -0.5, 0.0])
    return X, y


def test_fit_nb_pooled_matches_float64_closed_form(toy):
    X, y = toy
    nb = fit_nb(X, y, "pooled")
    mu = np.stack([X[y == c].mean(0) for c in (0, 1)])
    pooled = sum(((X[y == c] - mu[c]) ** 2).sum(0) for c in (0, 1)) / len(y)
    eps = VAR_SMOOTHING * X.var(0).max()
    np.testing.assert_allclose(nb.mu_, mu, rtol=1e-12)
    np.testing.assert_allclose(nb.var_, np.stack([pooled, pooled]) + eps, rtol=1e-10)
    x = X[:5]
    joint = [np.log((y == c).mean()) + (-0.5 * np.log(2 * np.pi * (pooled + eps))
             - (x - mu[c]) ** 2 / (2 * (pooled + eps))).sum(1) for c in (0, 1)]
    np.testing.assert_allclose(nb.log_odds(x), joint[1] - joint[0], rtol=1e-10)


def test_fit_nb_per_class_matches_sklearn_gaussian_nb(toy):
    X, y = toy
    nb = fit_nb(X, y, "per_class")
    ref = GaussianNB().fit(X, y)
    np.testing.assert_allclose(nb.mu_, ref.theta_, rtol=1e-10)
    np.testing.assert_allclose(nb.var_, ref.var_, rtol=1e-8)
    log_proba = ref.predict_log_proba(X)
    np.testing.assert_allclose(nb.log_odds(X), log_proba[:, 1] - log_proba[:, 0], atol=1e-8)


def test_nb_log_odds_is_linear_when_pooled(toy):
    X, y = toy
    nb = fit_nb(X, y, "pooled")
    a, b = X[0], X[1]
    mid = nb.log_odds(((a + b) / 2)[None])[0]
    assert mid == pytest.approx(nb.log_odds(np.stack([a, b])).mean(), rel=1e-10)


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_fit_lr_batched_matches_sklearn_at_same_c(toy, C):
    X, y = toy
    Z = torch.as_tensor(np.c_[X, np.ones(len(y))])[None]
    theta = fit_lr_batched(Z, torch.as_tensor(y, dtype=torch.float64)[None],
                           torch.ones(1, len(y), dtype=torch.float64), 1.0 / C)[0].numpy()
    ref = LogisticRegression(C=C, tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(theta[:-1], ref.coef_[0], atol=1e-5)
    assert theta[-1] == pytest.approx(ref.intercept_[0], abs=1e-5)


def test_fit_lr_batched_converges_on_separable_data():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    Z = torch.as_tensor(np.c_[X, np.ones(4)])[None]
    theta = fit_lr_batched(Z, torch.as_tensor(y, dtype=torch.float64)[None],
                           torch.ones(1, 4, dtype=torch.float64), 1e-4)[0].numpy()
    assert np.isfinite(theta).all()
    ref = LogisticRegression(C=1e4, tol=1e-10, max_iter=100_000).fit(X, y)
    assert theta[0] == pytest.approx(ref.coef_[0, 0], rel=1e-3)


def test_fit_lr_batched_solves_each_problem_of_a_batch_alone(toy):
    X, y = toy
    Z = torch.as_tensor(np.c_[X, np.ones(len(y))])
    yt = torch.as_tensor(y, dtype=torch.float64)
    mask = torch.stack([torch.ones(50), (torch.arange(50) % 2 == 0).double()]).double()
    both = fit_lr_batched(Z.expand(2, -1, -1), yt.expand(2, -1), mask, 1.0)
    alone = fit_lr_batched(Z[::2][None], yt[::2][None], torch.ones(1, 25, dtype=torch.float64),
                           1.0)
    np.testing.assert_allclose(both[1].numpy(), alone[0].numpy(), atol=1e-8)


def test_crossover_needs_nb_ahead_first_and_lr_ahead_to_the_end():
    sizes = np.array([8, 16, 32, 64])
    assert crossover(sizes, np.array([.2, .2, .2, .2]), np.array([.3, .25, .1, .1])) == 32
    assert crossover(sizes, np.array([.2, .2, .2, .2]), np.array([.1, .1, .1, .1])) is None
    assert crossover(sizes, np.array([.2, .2, .2, .2]), np.array([.3, .1, .3, .1])) == 64
    assert crossover(sizes, np.array([.1, .1, .1, .1]), np.array([.3, .2, .2, .2])) is None


def test_stratified_order_keeps_both_classes_in_every_prefix():
    y = np.repeat([0, 1], [90, 10])
    order = stratified_order(y, np.random.default_rng(0))
    assert sorted(order) == list(range(100))
    assert set(y[order[:2]]) == {0, 1}
    assert y[order[:50]].sum() == 5


def test_learning_curves_shapes_and_nested_sizes():
    result = learning_curves(NgJordanConfig.tiny())
    assert result.sizes[0] == 8 and result.sizes[-1] == result.n_pool
    assert result.nb_err.shape == result.lr_err.shape == (3, len(result.sizes))
    arrays = result.arrays()
    assert set(arrays) == {"sizes", "nb_err_mean", "lr_err_mean", "nb_err_q10", "nb_err_q90",
                           "lr_err_q10", "lr_err_q90"}
    assert (arrays["nb_err_q10"] <= arrays["nb_err_q90"]).all()


def test_learning_curves_lr_matches_sklearn_per_fit_loop():
    cfg = NgJordanConfig(data="breast_cancer", n_splits=4, n_sizes=5)
    result = learning_curves(cfg)
    data = load_data(cfg)
    pools, tests = make_splits(data.y, cfg.n_splits, cfg.test_fraction, cfg.seed)
    ref = np.empty_like(result.lr_err)
    for s, (pool, test) in enumerate(zip(pools, tests, strict=True)):
        for k, m in enumerate(result.sizes):
            model = LogisticRegression(C=cfg.C, tol=1e-8, max_iter=10_000)
            model.fit(data.X[pool[:m]], data.y[pool[:m]])
            ref[s, k] = (model.predict(data.X[test]) != data.y[test]).mean()
    assert np.abs(result.lr_err.mean(0) - ref.mean(0)).max() <= 0.005


def test_config_rejects_bad_values_with_the_valid_range():
    with pytest.raises(ValueError, match="C=0.0 is not allowed: use 0.0001 to 10000"):
        NgJordanConfig(C=0.0)
    with pytest.raises(ValueError, match="data='mnist'.*wine"):
        NgJordanConfig(data="mnist")
    with pytest.raises(ValueError, match="nb_variance"):
        NgJordanConfig(nb_variance="diag")
    with pytest.raises(ValueError, match="label"):
        NgJordanConfig(data="x.csv")
    with pytest.raises(ValueError, match="two different digits"):
        NgJordanConfig(digit_a=3, digit_b=3)


def test_two_feature_view_samples_follow_nb_gaussians():
    view = two_feature_view(NgJordanConfig(), (12, 0), grid=20, n_samples=2000)
    assert view.nb_prob.shape == view.lr_prob.shape == (20, 20)
    for c in (0, 1):
        drawn = view.samples[view.sample_y == c]
        np.testing.assert_allclose(drawn.mean(0), view.nb_mu[c], atol=0.1)
        np.testing.assert_allclose(drawn.var(0), view.nb_var[c], rtol=0.15)


def test_learning_curves_refuses_what_the_server_cannot_hold():
    cfg = NgJordanConfig(data="correlated", n_samples=20000, n_features=200, n_splits=300)
    with pytest.raises(ValueError, match="use at most .* splits"):
        learning_curves(cfg)


def test_learning_curves_refuses_a_class_with_too_few_examples(tmp_path):
    data = tmp_path / "few.csv"
    data.write_text("a,b,y\n" + "".join(f"{i},{i % 3},{'p' if i < 3 else 'q'}\n"
                                        for i in range(30)))
    with pytest.raises(ValueError, match="needs at least 4 of each"):
        learning_curves(NgJordanConfig(data=str(data), label="y"))
