"""Ng & Jordan (2001): naive Bayes vs logistic regression learning curves.

Lecture slides "Logistic Regression vs Naive Bayes" and "Discriminative vs Generative: A
Proposition": the generative classifier (naive Bayes, P(X, Y)) approaches its higher
asymptotic error with O(log d) examples, the discriminative one (logistic regression,
P(Y | X)) needs O(d) but ends lower.

Every fit of a curve is done at once: naive Bayes in closed form from prefix sums over the
nested training sets of all splits, logistic regression by batched Newton (IRLS) in float64
over all splits, warm-started from the previous training-set size.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core import runs
from core.gen_vs_disc import tabular
from core.progress import ProgressFn, report
from core.results import StoredResult
from core.validation import bad, check_types

BUNDLED = ("wine", "breast_cancer", "iris", "digits", "nb_holds", "correlated")
NB_VARIANCES = ("pooled", "per_class")
# scikit-learn's GaussianNB adds var_smoothing * (largest feature variance) to every variance,
# so a feature that is constant in a tiny training set does not divide by zero.
VAR_SMOOTHING = 1e-9


@dataclass(frozen=True)
class NgJordanConfig:
    """One learning-curve experiment. Defaults are the wine preset."""

    data: str = "wine"            # a bundled set (BUNDLED) or the path of a .csv file
    label: str = ""               # CSV: the label column
    classes: str = ""             # CSV with more than two classes: "a,b"
    digit_a: int = 3              # digits: the pair to tell apart
    digit_b: int = 8
    n_samples: int = 1000         # synthetic sets
    n_features: int = 20
    separation: float = 2.5       # synthetic: distance between the class means
    rho: float = 0.25             # correlated set: correlation between features
    nb_variance: str = "pooled"   # pooled: one variance per feature (Ng & Jordan); per_class
    C: float = 1.0                # LR inverse L2 strength: prior theta ~ N(0, C I)
    n_splits: int = 50
    n_sizes: int = 15
    min_size: int = 8
    test_fraction: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        check_types(self)
        if self.data not in BUNDLED and not self.data.lower().endswith(".csv"):
            bad(self, "data", f"use one of {', '.join(BUNDLED)} or the path of a .csv file")
        if self.data.lower().endswith(".csv") and not self.label:
            bad(self, "label", "a CSV needs its label column (--set label=COLUMN)")
        if self.data.lower().endswith(".csv"):
            try:
                Path(self.data).is_file()   # a name too long for the disk raises, not False
            except OSError as err:
                bad(self, "data", f"the path cannot be opened ({err.strerror or err}); give the "
                    "path of a .csv file you can read")
        for digit in ("digit_a", "digit_b"):
            if not 0 <= getattr(self, digit) <= 9:
                bad(self, digit, "use a digit 0-9")
        if self.digit_a == self.digit_b:
            bad(self, "digit_b", "digit_a and digit_b must be two different digits 0-9")
        if not 40 <= self.n_samples <= 20000:
            bad(self, "n_samples", "use 40 to 20000")
        if not 1 <= self.n_features <= 200:
            bad(self, "n_features", "use 1 to 200")
        if not 0 < self.separation <= 10:
            bad(self, "separation", "use a number above 0 and at most 10")
        if not 0 <= self.rho <= 0.95:
            bad(self, "rho", "use 0 to 0.95")
        if self.nb_variance not in NB_VARIANCES:
            bad(self, "nb_variance", f"use one of {', '.join(NB_VARIANCES)}")
        if not 1e-4 <= self.C <= 1e4:
            bad(self, "C", "use 0.0001 to 10000")
        if not 2 <= self.n_splits <= 500:
            bad(self, "n_splits", "use 2 to 500")
        if not 2 <= self.n_sizes <= 40:
            bad(self, "n_sizes", "use 2 to 40")
        if not 2 <= self.min_size <= 1000:
            bad(self, "min_size", "use 2 to 1000")
        if not 0.1 <= self.test_fraction <= 0.6:
            bad(self, "test_fraction", "use 0.1 to 0.6")
        if not 0 <= self.seed < 2**31:
            bad(self, "seed", "use 0 to 2147483647")

    @classmethod
    def tiny(cls) -> NgJordanConfig:
        return cls(data="iris", n_splits=3, n_sizes=3)

    def extra_key(self) -> str:
        """A CSV's content is part of the cache key: an edited file is a new experiment."""
        if self.data.lower().endswith(".csv") and Path(self.data).is_file():
            return hashlib.sha256(Path(self.data).read_bytes()).hexdigest()
        return ""


def load_data(cfg: NgJordanConfig) -> tabular.Dataset:
    if cfg.data == "wine":
        return tabular.wine()
    if cfg.data == "breast_cancer":
        return tabular.breast_cancer()
    if cfg.data == "iris":
        return tabular.iris()
    if cfg.data == "digits":
        return tabular.digits(cfg.digit_a, cfg.digit_b)
    if cfg.data in ("nb_holds", "correlated"):
        rho = 0.0 if cfg.data == "nb_holds" else cfg.rho
        return tabular.gaussian_classes(cfg.n_samples, cfg.n_features, cfg.separation, rho,
                                        cfg.seed)
    return tabular.from_csv(cfg.data, cfg.label, cfg.classes)


# --- naive Bayes: closed form -------------------------------------------------------------

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


# --- logistic regression: batched Newton / IRLS ---------------------------------------------

def _objective(Z, y, mask, theta, lam):
    """sum_i mask_i [log(1 + e^eta) - y eta] + lam/2 |w|^2, the negative log posterior."""
    eta = (Z @ theta[..., None])[..., 0]
    nll = (mask * (torch.nn.functional.softplus(eta) - y * eta)).sum(-1)
    return nll + 0.5 * lam * (theta[:, :-1] ** 2).sum(-1)


def fit_lr_batched(Z, y, mask, lam: float, theta0=None, max_iter: int = 100, tol: float = 1e-5):
    """MAP logistic regression for B problems at once (lecture: "What about MAP?").

    Z: (B, n, d+1) features with a trailing column of ones, y, mask: (B, n) float64 (mask
    selects each problem's training rows). The prior theta ~ N(0, I / lam) on the weights (not
    the intercept) adds lam/2 |w|^2, as scikit-learn's C = 1/lam. Returns theta: (B, d+1).

    Newton's method (IRLS) with step halving where the objective would rise, so it also
    converges on separable data and weak priors. Newton converges quadratically: once a
    problem's step is below ``tol`` its remaining error is about tol squared, and it leaves
    the batch, so the last iterations only pay for the few problems still moving.
    """
    B, _, p = Z.shape
    theta = torch.zeros(B, p, dtype=Z.dtype, device=Z.device) if theta0 is None else theta0
    theta = theta.clone()
    ridge = torch.full((p,), lam, dtype=Z.dtype, device=Z.device)
    ridge[-1] = 0.0
    # a tiny jitter keeps H invertible when a training set has one class and no prior
    damping = torch.diag(ridge) + 1e-10 * torch.eye(p, dtype=Z.dtype, device=Z.device)
    active = torch.arange(B, device=Z.device)
    f = _objective(Z, y, mask, theta, lam)                                # (B,)
    for _ in range(max_iter):
        every = len(active) == B      # indexing copies: skip it while all are active
        Za, ya, ma = (Z, y, mask) if every else (Z[active], y[active], mask[active])
        th, fa = theta[active], f[active]
        prob = torch.sigmoid((Za @ th[..., None])[..., 0])                # (b, n)
        grad = (Za.transpose(1, 2) @ (ma * (prob - ya))[..., None])[..., 0] + ridge * th
        # H = Z^T W Z as A^T A with A = sqrt(W) Z: one contiguous product
        A = Za * torch.sqrt(ma * prob * (1 - prob))[..., None]           # (b, n, d+1)
        step = torch.linalg.solve(A.transpose(1, 2) @ A + damping, grad)  # (b, d+1)
        t = torch.ones(len(active), 1, dtype=Z.dtype, device=Z.device)
        # In Newton's quadratic region the full step only descends: no line search (f then
        # lags one step behind, which can only make a later search more lenient).
        small = step.abs().max() < 1e-2
        for _ in range(0 if small else 30):
            new = th - t * step
            f_new = _objective(Za, ya, ma, new, lam)
            worse = f_new > fa + 1e-12 * fa.abs()
            if not worse.any():
                break
            t = torch.where(worse[:, None], t / 2, t)
        if small:
            new = th - step
        else:
            f[active] = torch.minimum(f_new, fa)
        theta[active] = new
        active = active[(t * step).abs().amax(1) >= tol]
        if len(active) == 0:
            break
    return theta


# --- the experiment -----------------------------------------------------------------------

@dataclass(frozen=True)
class LearningCurves(StoredResult):
    """Test error against training-set size, over many random splits.

    nb_err, lr_err: (n_splits, n_sizes). m_star: the crossover size, or None.
    """

    data_name: str
    description: str
    n_features: int
    n_pool: int
    n_test: int
    sizes: np.ndarray
    nb_err: np.ndarray
    lr_err: np.ndarray
    m_star: int | None
    seconds: float

    def quantile(self, model: str, q: float) -> np.ndarray:
        return np.quantile(self.nb_err if model == "nb" else self.lr_err, q, axis=0)

    def nb_lead(self) -> tuple[float, float]:
        """NB's lead at small m: mean over splits of (LR - NB error) averaged over the sizes
        before m* where NB is ahead on average, and its standard error (paired, over splits).
        (0, 0) when NB is never ahead."""
        diff = self.lr_err - self.nb_err                            # (S, K)
        stop = int(np.searchsorted(self.sizes, self.m_star)) if self.m_star else diff.shape[1]
        ahead = np.flatnonzero(diff[:, :stop].mean(0) > 0)
        if ahead.size == 0:
            return 0.0, 0.0
        per_split = diff[:, ahead].mean(1)
        return float(per_split.mean()), float(per_split.std(ddof=1) / np.sqrt(len(per_split)))

    def lr_lead_final(self) -> tuple[float, float]:
        """LR's lead (NB - LR error) at the largest m and its standard error over splits."""
        diff = self.nb_err[:, -1] - self.lr_err[:, -1]
        return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))

    def metrics(self) -> dict[str, float | None]:
        nb_lead, nb_lead_se = self.nb_lead()
        lr_lead, lr_lead_se = self.lr_lead_final()
        nb_final, lr_final = float(self.nb_err[:, -1].mean()), float(self.lr_err[:, -1].mean())
        return {
            "m_star": self.m_star,
            "crossover": float(self.m_star is not None),
            "nb_err_final": nb_final, "lr_err_final": lr_final,
            # LR's final error as a share of NB's ("ends at half NB's error": 0.5)
            "lr_nb_error_ratio": lr_final / nb_final if nb_final > 0 else None,
            "nb_lead": nb_lead, "nb_lead_se": nb_lead_se,
            # leads in standard errors of the paired split-to-split noise (2: beyond the noise)
            "nb_lead_z": _z(nb_lead, nb_lead_se),
            "lr_lead_final": lr_lead, "lr_lead_final_se": lr_lead_se,
            "lr_lead_final_z": _z(lr_lead, lr_lead_se),
        }

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "sizes": self.sizes,
            "nb_err_mean": self.nb_err.mean(0), "lr_err_mean": self.lr_err.mean(0),
            "nb_err_q10": self.quantile("nb", 0.1), "nb_err_q90": self.quantile("nb", 0.9),
            "lr_err_q10": self.quantile("lr", 0.1), "lr_err_q90": self.quantile("lr", 0.9),
        }


def _z(lead: float, se: float) -> float:
    """A lead in standard errors; a lead with no spread at all counts as far beyond it."""
    if se > 0:
        return lead / se
    return math.copysign(1e6, lead) if lead else 0.0


def training_sizes(min_size: int, n_pool: int, n_sizes: int) -> np.ndarray:
    """About n_sizes log-spaced sizes from min_size to the whole pool, distinct integers."""
    lo = min(min_size, n_pool)
    return np.unique(np.round(np.geomspace(lo, n_pool, n_sizes)).astype(np.int64))


def stratified_order(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the pool whose every prefix keeps the class proportions.

    The first two points are one of each class, so even the smallest training set has both.
    """
    key = np.empty(len(y))
    for c in (0, 1):
        idx = np.flatnonzero(y == c)
        key[rng.permutation(idx)] = (np.arange(len(idx)) + 0.5) / len(idx)
        key[idx[np.argmin(key[idx])]] = -1.0
    return np.lexsort((rng.random(len(y)), key))


def make_splits(y: np.ndarray, n_splits: int, test_fraction: float, seed: int):
    """Per split: a stratified test set and the pool in stratified order. (S, N), (S, T).

    Each class gives round(test_fraction * its count) points to the test set, so every split
    has the same test size and class balance.
    """
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(y == c) for c in (0, 1)]
    n_test = [int(round(test_fraction * len(idx))) for idx in members]
    pools, tests = [], []
    for _ in range(n_splits):
        shuffled = [rng.permutation(idx) for idx in members]
        tests.append(np.concatenate([s[:k] for s, k in zip(shuffled, n_test, strict=True)]))
        pool = np.concatenate([s[k:] for s, k in zip(shuffled, n_test, strict=True)])
        pools.append(pool[stratified_order(y[pool], rng)])
    return np.stack(pools), np.stack(tests)


# All splits are held at once: (splits x pool x features) float64 arrays, a few of them, and
# (splits x features^2) Hessians. These bounds keep a run within a few hundred MB.
MAX_ELEMENTS = 30_000_000
MAX_FEATURES = 200


def check_trainable(data: tabular.Dataset, cfg: NgJordanConfig) -> None:
    """Refuse, with a sentence, data a learning curve cannot use or this server cannot hold."""
    counts = np.bincount(data.y, minlength=2)
    if counts.min() < 4 or len(data.y) < 12:
        raise tabular.DataError(
            f"{data.name} has {counts[0]} and {counts[1]} examples of its two classes; a "
            "learning curve needs at least 4 of each and 12 in all.")
    n, d = data.X.shape
    if d > MAX_FEATURES:
        raise tabular.DataError(f"{data.name} has {d} features; this lab handles at most "
                                f"{MAX_FEATURES}. Keep the most useful columns.")
    pool = int(n * (1 - cfg.test_fraction))
    if cfg.n_splits * pool * (d + 1) > MAX_ELEMENTS:
        most = max(1, MAX_ELEMENTS // (pool * (d + 1)))
        raise tabular.DataError(
            f"{cfg.n_splits} splits of {pool} training points with {d} features are too much "
            f"for this server to hold at once; use at most {most} splits, or fewer rows.")


def learning_curves(cfg: NgJordanConfig, *, device=None, on_progress: ProgressFn | None = None
                    ) -> LearningCurves:
    import time

    start = time.perf_counter()
    data = load_data(cfg)
    check_trainable(data, cfg)
    report(on_progress, 0.05, "splitting")
    pool_idx, test_idx = make_splits(data.y, cfg.n_splits, cfg.test_fraction, cfg.seed)
    Xp, yp = data.X[pool_idx], data.y[pool_idx]                  # (S, N, d), (S, N)
    Xt, yt = data.X[test_idx], data.y[test_idx]                  # (S, T, d), (S, T)
    sizes = training_sizes(cfg.min_size, Xp.shape[1], cfg.n_sizes)

    # Naive Bayes for every (split, size) from prefix sums over the nested training sets.
    def by_class(values: np.ndarray) -> np.ndarray:
        """Prefix sums over the pool at each size, split by class: (S, K, 2, ...)."""
        ones = yp.reshape(yp.shape + (1,) * (values.ndim - 2))
        total = np.cumsum(values, 1)[:, sizes - 1]
        of_one = np.cumsum(values * ones, 1)[:, sizes - 1]
        return np.stack([total - of_one, of_one], 2)

    nb = nb_from_sums(by_class(np.ones(yp.shape + (1,)))[..., 0], by_class(Xp),
                      by_class(Xp**2), cfg.nb_variance)
    nb_pred = nb.log_odds(Xt[:, None]) > 0                               # (S, K, T)
    nb_err = (nb_pred != yt[:, None]).mean(-1)
    report(on_progress, 0.2, "naive Bayes done; logistic regression")

    # Logistic regression: for each size, all splits at once, warm-started from the last size.
    device = torch.device("cpu") if device is None or device.type == "mps" else device
    f64 = dict(dtype=torch.float64, device=device)
    ones = np.ones(Xp.shape[:2] + (1,))
    Z = torch.as_tensor(np.concatenate([Xp, ones], -1), **f64)
    Zt = torch.as_tensor(np.concatenate([Xt, np.ones(Xt.shape[:2] + (1,))], -1), **f64)
    y_t = torch.as_tensor(yp, **f64)
    theta = None
    lr_err = np.empty_like(nb_err)
    for k, m in enumerate(sizes):
        mask = torch.ones(Z.shape[0], int(m), **f64)
        theta = fit_lr_batched(Z[:, :m], y_t[:, :m], mask, 1.0 / cfg.C, theta0=theta)
        lr_pred = (torch.einsum("std,sd->st", Zt, theta) > 0).cpu().numpy()
        lr_err[:, k] = (lr_pred != yt).mean(-1)
        report(on_progress, 0.2 + 0.8 * (k + 1) / len(sizes), f"logistic regression m={m}")

    return LearningCurves(
        data_name=data.name, description=data.description, n_features=data.X.shape[1],
        n_pool=Xp.shape[1], n_test=Xt.shape[1], sizes=sizes, nb_err=nb_err, lr_err=lr_err,
        m_star=crossover(sizes, nb_err.mean(0), lr_err.mean(0)),
        seconds=time.perf_counter() - start)


def crossover(sizes: np.ndarray, nb_mean: np.ndarray, lr_mean: np.ndarray) -> int | None:
    """m*: the smallest m from which LR's mean error stays below NB's, after NB was ahead."""
    below = lr_mean < nb_mean
    for k in range(1, len(sizes)):
        if below[k:].all() and (nb_mean[:k] < lr_mean[:k]).any():
            return int(sizes[k])
    return None


runs.register("ngjordan", NgJordanConfig, LearningCurves, learning_curves)


# --- the 2-D view: what each model learned, and what only the generative one can do -------

@dataclass(frozen=True)
class TwoFeatureView:
    """Both models fitted on two features of a data set (all rows).

    X: (n, 2), y: (n,); grid_x, grid_y: (G,); nb_prob, lr_prob: (G, G) P(Y=1|x) on the grid
    (rows follow grid_y); nb_prior: (2,) P(y); nb_mu, nb_var: (2 classes, 2 features);
    lr_theta: (3,) weights then intercept; samples: (2k, 2) drawn from
    NB's P(x | y) with sample_y their classes; nb_variance: the config's option, so the view
    can write sigma^2_j (pooled: nb_var's two rows are equal) or sigma^2_jk (per_class).
    """

    feature_names: tuple[str, str]
    class_names: tuple[str, str]
    X: np.ndarray
    y: np.ndarray
    grid_x: np.ndarray
    grid_y: np.ndarray
    nb_prob: np.ndarray
    lr_prob: np.ndarray
    nb_prior: np.ndarray
    nb_mu: np.ndarray
    nb_var: np.ndarray
    lr_theta: np.ndarray
    samples: np.ndarray
    sample_y: np.ndarray
    nb_variance: str = "pooled"


def informative_pair(data: tabular.Dataset) -> tuple[int, int]:
    """The two features whose class means differ most (in pooled standard deviations)."""
    nb = fit_nb(data.X, data.y, "pooled")
    score = np.abs(nb.mu_[1] - nb.mu_[0]) / np.sqrt(nb.var_[0])
    first, second = np.argsort(-score)[:2]
    return int(first), int(second)


def two_feature_view(cfg: NgJordanConfig, features: tuple[int, int], grid: int = 60,
                     n_samples: int = 60) -> TwoFeatureView:
    data = load_data(cfg)
    i, j = features
    if not (0 <= i < data.X.shape[1] and 0 <= j < data.X.shape[1]) or i == j:
        raise ValueError(f"features {features} must be two different columns of "
                         f"{data.X.shape[1]}")
    X, y = data.X[:, [i, j]], data.y
    nb = fit_nb(X, y, cfg.nb_variance)
    Z = torch.as_tensor(np.c_[X, np.ones(len(y))])[None]
    theta = fit_lr_batched(Z, torch.as_tensor(y, dtype=torch.float64)[None],
                           torch.ones(1, len(y), dtype=torch.float64), 1.0 / cfg.C)[0].numpy()
    lo, hi = X.min(0) - 1.0, X.max(0) + 1.0
    gx, gy = np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid)
    mesh = np.stack(np.meshgrid(gx, gy), -1).reshape(-1, 2)           # (G*G, 2), x fastest
    nb_prob = 1 / (1 + np.exp(-np.clip(nb.log_odds(mesh), -50, 50)))
    lr_prob = 1 / (1 + np.exp(-np.clip(np.c_[mesh, np.ones(len(mesh))] @ theta, -50, 50)))
    samples, sample_y = nb.sample(n_samples, np.random.default_rng(cfg.seed))
    return TwoFeatureView(
        (data.feature_names[i], data.feature_names[j]), data.class_names, X, y, gx, gy,
        nb_prob.reshape(grid, grid), lr_prob.reshape(grid, grid), np.exp(nb.log_prior_),
        nb.mu_, nb.var_, theta,
        samples, sample_y, cfg.nb_variance)
