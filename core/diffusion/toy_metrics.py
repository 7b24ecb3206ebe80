"""How close 2-D samples are to their data set: the 2-D diffusion run's metrics.

Off the data (the share of samples far from every data point), MMD^2 against held-out data,
and, for the mixtures (ring, grid), the modes covered and the high-quality share of PacGAN's
metrics (core.modes), as the GAN lab counts them.
"""

from __future__ import annotations

import numpy as np
import torch

from core.device import one_cpu_thread
from core.modes import mode_metrics

# A sample is "off the data" when the nearest of 20,000 fresh data points is farther than
# this: 5 std of a ring mode, twice the noise std of the curves (moons, swiss roll). The
# reference points lie far closer together than that, so it measures the model, not them.
OFF_DATA_DISTANCE = 0.1
# MMD^2 with a sum of RBF kernels at fixed bandwidths (fixed, so numbers compare across data
# sets and runs): the small one sees a ring mode's width, the large one the overall layout.
# It compares the first MMD_SAMPLES samples with as many held-out points: the kernel
# matrices grow with n^2, and 1,000 keep the six evaluations of a run under a second.
MMD_BANDWIDTHS = (0.05, 0.2, 1.0)
MMD_SAMPLES = 1_000


def off_data_fraction(samples: np.ndarray, reference: np.ndarray,
                      distance: float = OFF_DATA_DISTANCE) -> float:
    """Share of samples whose nearest reference point is farther than ``distance``."""
    from sklearn.neighbors import KDTree

    nearest, _ = KDTree(reference).query(samples, k=1, return_distance=True)
    return float((nearest[:, 0] > distance).mean())


def mmd2(x: np.ndarray, y: np.ndarray, bandwidths=MMD_BANDWIDTHS) -> float:
    """Unbiased MMD^2 (Gretton et al. 2012) with k(a, b) = sum_h exp(-|a - b|^2 / (2 h^2))."""
    x = torch.as_tensor(np.asarray(x), dtype=torch.float64)
    y = torch.as_tensor(np.asarray(y), dtype=torch.float64)

    def k(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        # float32 kernels (half the time), float64 sums
        d2 = (torch.cdist(a, b) ** 2).float()
        return sum(torch.exp(-d2 / (2 * h * h)) for h in bandwidths).double()

    n, m = len(x), len(y)
    with one_cpu_thread():
        kxx, kyy = k(x, x), k(y, y)
        same = ((kxx.sum() - kxx.diagonal().sum()) / (n * (n - 1))
                + (kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1)))
        return float(same - 2 * k(x, y).mean())


def quality(samples: np.ndarray, data: str, reference: np.ndarray) -> dict[str, float | None]:
    """off_data_fraction, mmd2 (MMD_SAMPLES of each), and the mode metrics modes_covered and
    hq_fraction (core.modes: None for the curves, which have no modes)."""
    return {
        "off_data_fraction": off_data_fraction(samples, reference),
        "mmd2": mmd2(samples[:MMD_SAMPLES], reference[:MMD_SAMPLES]),
        **mode_metrics(samples, data),
    }
