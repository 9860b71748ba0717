"""The loaded data set: standardised train and test arrays plus their metadata."""

from __future__ import annotations

import dataclasses

import numpy as np

TASKS = ("binary", "multiclass", "multilabel", "regression")


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """A data set split into train and test, standardised with train statistics.

    All arrays are NumPy arrays marked read-only; the caller moves them to the
    device. The statistics come from the train split only, so nothing about the
    test split leaks into training.

    Attributes:
      name: actlab registry key, for example ``"digits"``.
      task: ``"binary"``, ``"multiclass"``, ``"multilabel"`` or ``"regression"``.
      x_train: float32 features of shape ``(n_train, num_features)`` for
        tabular data, ``(n_train, *feature_shape)`` in general (for example
        ``(n_train, height, width, channels)`` for images and
        ``(n_train, steps, features)`` for sequences), standardised as
        ``(x - feature_mean) / feature_std``.
      y_train: labels. Binary and multiclass: int32 class indices of shape
        ``(n_train,)`` (binary labels are 0 or 1). Multilabel: int32 0/1
        indicators of shape ``(n_train, num_labels)``. Regression: float32
        targets of shape ``(n_train, num_targets)``, standardised with
        ``target_mean`` and ``target_std``, so regression losses and metrics
        computed on them are in standardised units. Multiply an error by
        ``target_std`` to get it in the original units.
      x_test: test features, standardised with the train statistics.
      y_test: test labels, in the same form as ``y_train``.
      num_outputs: output units the model needs: 1 for binary, the number of
        classes for multiclass, the number of labels or targets for multilabel
        and regression.
      num_classes: number of classes for binary (2) and multiclass, else None.
      feature_mean: float32 mean of the raw train features, in a shape that
        broadcasts against one example. Its shape follows the data set's
        standardisation: ``feature_shape`` for one mean per feature (tabular
        data), ``(channels,)`` for one per entry of the last axis (images,
        most sequences), or ``()`` for one over all values.
      feature_std: float32 standard deviation of the raw train features, in
        the shape of ``feature_mean``. Where the values are constant on the
        train split the std is 1, so they are only centred, not scaled.
      target_mean: float32 mean of each raw train target (regression only).
      target_std: float32 standard deviation of each raw train target
        (regression only), 1 for a constant target.
      class_names: name of each class, indexed by label, where the data set
        defines them.
    """

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_outputs: int
    num_classes: int | None
    feature_mean: np.ndarray
    feature_std: np.ndarray
    target_mean: np.ndarray | None = None
    target_std: np.ndarray | None = None
    class_names: tuple[str, ...] | None = None
