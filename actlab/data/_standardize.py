"""Standardisation statistics, fitted on the train split only.

A data set standardises its inputs in one of three ways, named in its registry
entry:

- ``"per_feature"``: one mean and std for each input value, over the examples.
  The statistics have the shape of one example. Right for tabular data, where
  each column is a different quantity.
- ``"per_channel"``: one mean and std for each entry of the last axis, over the
  examples and all other axes, as is usual for image channels. For a sequence
  of shape ``(steps, features)`` that is one per feature, shared by all steps,
  so every step is scaled alike. The statistics have shape ``(channels,)``.
- ``"global"``: one mean and std over all input values, for inputs whose values
  all measure the same quantity. The statistics have shape ``()``.

In every case ``(x - mean) / std`` broadcasts against the inputs.
"""

from __future__ import annotations

import numpy as np

STANDARDIZATIONS = ("per_feature", "per_channel", "global")

# Examples per step when computing in float64, so that a large uint8 image data
# set never needs a float64 copy of itself.
_CHUNK_SIZE = 4096


def reduction_axes(standardization: str, ndim: int) -> tuple[int, ...]:
    """Return the axes of an ``ndim`` input array that the statistics reduce."""
    if standardization == "per_feature":
        return (0,)
    if standardization == "per_channel":
        return tuple(range(max(ndim - 1, 1)))
    if standardization == "global":
        return tuple(range(ndim))
    raise ValueError(
        f"standardization={standardization!r} is invalid; expected one of: "
        f"{', '.join(STANDARDIZATIONS)}"
    )


def fit_statistics(
    x: np.ndarray, axes: tuple[int, ...] = (0,)
) -> tuple[np.ndarray, np.ndarray]:
    """Return the float32 mean and standard deviation of ``x`` over ``axes``.

    ``axes`` must contain axis 0, the examples. The statistics are computed in
    float64, a chunk of examples at a time. A statistic whose values are
    constant gets std 1, so standardising only centres them. It counts as
    constant when its std is at most float32 epsilon times the mean's
    magnitude. For float32 inputs a constant column has std exactly 0, but for
    float64 inputs the rounded mean of many copies of one value can leave a std
    of about 1e-16 times the value, and dividing by it would blow the column up.
    """
    if 0 not in axes:
        raise ValueError(f"axes={axes!r} is invalid; it must contain axis 0")
    x = np.asarray(x)
    count = len(x) * int(np.prod([x.shape[axis] for axis in axes if axis != 0]))
    total = sum(
        np.sum(chunk, axis=axes, dtype=np.float64, keepdims=True)
        for chunk in _chunks(x)
    )
    mean = total / count
    squares = sum(
        np.sum(np.square(chunk.astype(np.float64) - mean), axis=axes, keepdims=True)
        for chunk in _chunks(x)
    )
    std = np.sqrt(squares / count)
    mean, std = np.squeeze(mean, axis=axes), np.squeeze(std, axis=axes)
    constant = std <= np.finfo(np.float32).eps * np.abs(mean)
    std = np.where(constant, 1.0, std)
    return mean.astype(np.float32), std.astype(np.float32)


def standardize(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """Return ``(x - mean) / std`` as a float32 array, computed in float64."""
    x = np.asarray(x)
    result = np.empty(x.shape, dtype=np.float32)
    for start in range(0, len(x), _CHUNK_SIZE):
        chunk = x[start : start + _CHUNK_SIZE].astype(np.float64)
        result[start : start + _CHUNK_SIZE] = (chunk - mean) / std
    return result


def _chunks(x: np.ndarray):
    for start in range(0, len(x), _CHUNK_SIZE):
        yield x[start : start + _CHUNK_SIZE]
