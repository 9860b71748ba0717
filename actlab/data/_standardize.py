"""Per-feature standardisation statistics, fitted on the train split only."""

from __future__ import annotations

import numpy as np


def fit_statistics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the float32 mean and standard deviation of ``x`` over axis 0.

    The statistics are computed in float64. A column that is constant gets
    std 1, so standardising only centres it. A column counts as constant when
    its std is at most float32 epsilon times the mean's magnitude. For float32
    inputs a constant column has std exactly 0, but for float64 inputs the
    rounded mean of many copies of one value can leave a std of about 1e-16
    times the value, and dividing by it would blow the column up.
    """
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    constant = std <= np.finfo(np.float32).eps * np.abs(mean)
    std = np.where(constant, 1.0, std)
    return mean.astype(np.float32), std.astype(np.float32)


def standardize(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """Return ``(x - mean) / std`` as a float32 array."""
    return ((np.asarray(x, dtype=np.float64) - mean) / std).astype(np.float32)
