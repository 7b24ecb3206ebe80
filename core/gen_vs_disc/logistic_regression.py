"""Logistic regression, the discriminative classifier: P(y | x) alone, its MAP fit by batched
Newton (IRLS) in float64 over every split at once.

Lecture slides "Logistic Regression vs Naive Bayes" and "What about MAP?".
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch


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


def lr_test_errors(Xp: np.ndarray, yp: np.ndarray, Xt: np.ndarray, yt: np.ndarray,
                   sizes: np.ndarray, C: float, device: torch.device | None
                   ) -> Iterator[tuple[int, np.ndarray]]:
    """For each m in sizes, in order: (m, test error per split (S,)) of LR fitted on the first
    m pool points of each split. All splits are fitted at once, each size warm-started from
    the previous one. Shapes as naive_bayes.nb_test_errors."""
    # MPS has no float64, and Newton's solve needs it
    device = torch.device("cpu") if device is None or device.type == "mps" else device
    f64 = dict(dtype=torch.float64, device=device)
    ones = np.ones(Xp.shape[:2] + (1,))
    Z = torch.as_tensor(np.concatenate([Xp, ones], -1), **f64)
    Zt = torch.as_tensor(np.concatenate([Xt, np.ones(Xt.shape[:2] + (1,))], -1), **f64)
    y_t = torch.as_tensor(yp, **f64)
    theta = None
    for m in sizes:
        mask = torch.ones(Z.shape[0], int(m), **f64)
        theta = fit_lr_batched(Z[:, :m], y_t[:, :m], mask, 1.0 / C, theta0=theta)
        lr_pred = (torch.einsum("std,sd->st", Zt, theta) > 0).cpu().numpy()
        yield m, (lr_pred != yt).mean(-1)
