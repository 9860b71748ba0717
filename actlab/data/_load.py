"""Loading a registered data set into standardised NumPy arrays."""

from __future__ import annotations

import os

import numpy as np
import tensorflow_datasets as tfds

from actlab.data._dataset import Dataset
from actlab.data._prepare import prepare
from actlab.data._registry import DatasetSpec, spec
from actlab.data._standardize import fit_statistics, standardize

_SPLITS = ("train", "test")


def load(name: str, data_dir: str | os.PathLike | None = None) -> Dataset:
    """Load data set ``name``, preparing it in ``data_dir`` on first use.

    Preparing writes the TFDS builder's train and test splits as
    ``array_record`` files. Later calls, also from other processes, read those
    files without TensorFlow. Features are standardised with statistics of
    the train split, and so are regression targets.

    Args:
      name: registry key, one of ``available()``.
      data_dir: TFDS data directory; None means TFDS's default
        (``$TFDS_DATA_DIR``, else ``~/tensorflow_datasets``).

    Raises:
      ValueError: for an unknown name, or a builder whose splits or features
        do not match the registered task.
    """
    return load_spec(spec(name), data_dir)


def load_spec(entry: DatasetSpec, data_dir: str | os.PathLike | None = None) -> Dataset:
    """Load the data set that ``entry`` describes; see ``load``."""
    builder = prepare(entry.builder, data_dir)
    x_key, y_key = _supervised_keys(entry, builder)
    sources = builder.as_data_source()
    missing = [split for split in _SPLITS if split not in sources]
    if missing:
        raise ValueError(
            f"data set {entry.name!r} has no {missing[0]!r} split; "
            f"it has: {', '.join(sources)}"
        )
    x_train, y_train = _read_split(sources["train"], x_key, y_key)
    x_test, y_test = _read_split(sources["test"], x_key, y_key)

    feature_mean, feature_std = fit_statistics(x_train)
    fields = {
        "x_train": standardize(x_train, feature_mean, feature_std),
        "x_test": standardize(x_test, feature_mean, feature_std),
        "feature_mean": feature_mean,
        "feature_std": feature_std,
    }
    label_feature = builder.info.features[y_key]
    if entry.task in ("binary", "multiclass"):
        fields |= _class_labels(entry, label_feature, y_train, y_test)
    elif entry.task == "multilabel":
        fields |= _multilabel_indicators(entry, y_train, y_test)
    else:
        fields |= _regression_targets(y_train, y_test)

    for value in fields.values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return Dataset(name=entry.name, task=entry.task, **fields)


def _supervised_keys(
    entry: DatasetSpec, builder: tfds.core.DatasetBuilder
) -> tuple[str, str]:
    """Return the names of the input and the label feature of ``builder``."""
    keys = builder.info.supervised_keys
    if not (
        isinstance(keys, tuple)
        and len(keys) == 2
        and all(isinstance(key, str) for key in keys)
    ):
        raise ValueError(
            f"data set {entry.name!r}: TFDS builder {builder.name!r} has "
            f"supervised_keys={keys!r}; expected (input feature, label feature)"
        )
    return keys


def _read_split(
    source: tfds.data_sources.DataSource, x_key: str, y_key: str
) -> tuple[np.ndarray, np.ndarray]:
    """Read every record of ``source``: float32 inputs and the raw labels."""
    records = source.__getitems__(range(len(source)))
    x = np.stack([record[x_key] for record in records]).astype(np.float32)
    y = np.stack([np.asarray(record[y_key]) for record in records])
    return x, y


def _class_labels(
    entry: DatasetSpec,
    label_feature: tfds.features.FeatureConnector,
    y_train: np.ndarray,
    y_test: np.ndarray,
) -> dict:
    """Return the Dataset fields for binary and multiclass class indices."""
    if not isinstance(label_feature, tfds.features.ClassLabel):
        raise ValueError(
            f"data set {entry.name!r} has task {entry.task!r}, which needs a "
            f"ClassLabel label feature; its builder has {label_feature!r}"
        )
    num_classes = label_feature.num_classes
    if entry.task == "binary" and num_classes != 2:
        raise ValueError(
            f"data set {entry.name!r} has task 'binary' but {num_classes} "
            "classes; register it as 'multiclass'"
        )
    return {
        "y_train": y_train.astype(np.int32),
        "y_test": y_test.astype(np.int32),
        "num_outputs": 1 if entry.task == "binary" else num_classes,
        "num_classes": num_classes,
        "class_names": tuple(label_feature.names),
    }


def _multilabel_indicators(
    entry: DatasetSpec, y_train: np.ndarray, y_test: np.ndarray
) -> dict:
    """Return the Dataset fields for 0/1 label indicators."""
    for y in (y_train, y_test):
        invalid = np.setdiff1d(y, [0, 1])
        if invalid.size:
            raise ValueError(
                f"data set {entry.name!r} has task 'multilabel', which needs "
                f"labels 0 or 1; found {invalid[0]!r}"
            )
    y_train = y_train.reshape(len(y_train), -1).astype(np.int32)
    y_test = y_test.reshape(len(y_test), -1).astype(np.int32)
    return {
        "y_train": y_train,
        "y_test": y_test,
        "num_outputs": y_train.shape[1],
        "num_classes": None,
    }


def _regression_targets(y_train: np.ndarray, y_test: np.ndarray) -> dict:
    """Return the Dataset fields for targets standardised with train statistics."""
    y_train = y_train.reshape(len(y_train), -1)
    y_test = y_test.reshape(len(y_test), -1)
    target_mean, target_std = fit_statistics(y_train)
    return {
        "y_train": standardize(y_train, target_mean, target_std),
        "y_test": standardize(y_test, target_mean, target_std),
        "num_outputs": y_train.shape[1],
        "num_classes": None,
        "target_mean": target_mean,
        "target_std": target_std,
    }
