"""Gaussian naive Bayes, the generative classifier: P(x | y) P(y), fitted in closed form.

Lecture slide "Logistic Regression vs Naive Bayes". The maximum-likelihood fit only needs
class counts and the sums of x and x^2 per class, so the fits of every nested training set of
every split come at once from prefix sums (nb_test_errors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# scikit-learn's GaussianNB adds var_smoothing * (largest feature variance) to every variance,
# so a feature that is constant in a tiny training set does not divide by zero.
VAR_SMOOTHING = 1e-9


@dataclass(frozen=True)
class GaussianNB:
    """Fitted Gaussian naive Bayes for many problems at once; leading dims are batch dims.

    log_prior_: (..., 2), mu_: (..., 2, d), var_: (..., 2, d) (pooled: equal across classes).
    """

    log_prior_: np.ndarray
    mu_: np.ndarray
    var_: np.ndarray

    def log_odds(self, X: np.ndarray) -> np.ndarray:
        """log P(y=1|x) - log P(y=0|x) for X: (..., n, d) -> (..., n).

        log N(x; mu, var) summed over features, expanded as x^2 . (1/var) - 2 x . (mu/var) +
        const so that the batch is two matrix products instead of an (..., 2, n, d) tensor.
        """
        inv = 1.0 / self.var_                                            # (..., 2, d)
        const = np.log(2 * np.pi * self.var_).sum(-1) + (self.mu_**2 * inv).sum(-1)  # (..., 2)
        quad = X**2 @ np.swapaxes(inv, -1, -2) - 2 * X @ np.swapaxes(self.mu_ * inv, -1, -2)
        joint = -0.5 * (quad + const[..., None, :]) + self.log_prior_[..., None, :]  # (..., n, 2)
        return joint[..., 1] - joint[..., 0]

    def sample(self, n_per_class: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Draw from the learned P(x | y): a generative model can generate. Unbatched only."""
        y = np.repeat([0, 1], n_per_class)
        X = self.mu_[y] + np.sqrt(self.var_[y]) * rng.standard_normal((len(y), self.mu_.shape[-1]))
        return X, y


def nb_from_sums(n_c, s1, s2, variance: str) -> GaussianNB:
    """NB from class counts n_c (..., 2), sums s1 = sum x (..., 2, d) and s2 = sum x^2.

    MLE: P(y=k) = n_k / m, mu_kj = mean of x_j in class k, sigma^2 the within-class variance
    (pooled over both classes, or per class as in scikit-learn's GaussianNB).
    """
    m = n_c.sum(-1, keepdims=True)
    mu = s1 / n_c[..., None]
    within = s2 - s1 * mu                                           # sum (x - mu)^2 per class
    total_var = s2.sum(-2) / m - (s1.sum(-2) / m) ** 2              # (..., d) var of all x
    eps = VAR_SMOOTHING * total_var.max(-1)[..., None, None]
    if variance == "pooled":
        var = np.broadcast_to(within.sum(-2, keepdims=True) / m[..., None], within.shape)
    else:
        var = within / n_c[..., None]
    with np.errstate(divide="ignore"):
        log_prior = np.log(n_c / m)
    return GaussianNB(log_prior, mu, np.maximum(var, 0.0) + eps)


def fit_nb(X: np.ndarray, y: np.ndarray, variance: str = "pooled") -> GaussianNB:
    """Fit one NB on X: (n, d), y: (n,) in {0, 1}."""
    onehot = np.stack([y == 0, y == 1], -1).astype(np.float64)     # (n, 2)
    return nb_from_sums(onehot.sum(0), onehot.T @ X, onehot.T @ X**2, variance)


def nb_test_errors(Xp: np.ndarray, yp: np.ndarray, Xt: np.ndarray, yt: np.ndarray,
                   sizes: np.ndarray, variance: str) -> np.ndarray:
    """Test error of NB fitted on the first m pool points of each split, for every m in
    sizes: (S, K). Pools Xp: (S, N, d), yp: (S, N); test sets Xt: (S, T, d), yt: (S, T)."""

    def by_class(values: np.ndarray) -> np.ndarray:
        """Prefix sums over the pool at each size, split by class: (S, K, 2, ...)."""
        ones = yp.reshape(yp.shape + (1,) * (values.ndim - 2))
        total = np.cumsum(values, 1)[:, sizes - 1]
        of_one = np.cumsum(values * ones, 1)[:, sizes - 1]
        return np.stack([total - of_one, of_one], 2)

    nb = nb_from_sums(by_class(np.ones(yp.shape + (1,)))[..., 0], by_class(Xp),
                      by_class(Xp**2), variance)
    nb_pred = nb.log_odds(Xt[:, None]) > 0                               # (S, K, T)
    return (nb_pred != yt[:, None]).mean(-1)
