"""Loading a registered data set into standardised NumPy arrays."""

from __future__ import annotations

import os

import numpy as np
import tensorflow_datasets as tfds

from actlab.data._dataset import Dataset
from actlab.data._prepare import prepare
from actlab.data._registry import available, spec
from actlab.data._sequence_builders import SequenceTaskBuilder
from actlab.data._spec import DatasetSpec
from actlab.data._standardize import fit_statistics, reduction_axes, standardize
from actlab.data._tfds_catalog import catalog_builder

_SPLITS = ("train", "test")


def load(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    sequence_length: int | None = None,
) -> Dataset:
    """Load data set ``name``, preparing it in ``data_dir`` on first use.

    Preparing writes the TFDS builder's train and test splits as
    ``array_record`` files. Later calls, also from other processes, read those
    files without TensorFlow. Features are standardised with statistics of
    the train split, and so are regression targets. A TFDS catalog data set
    (``"mnist"``, ``"tfds:kmnist"``) is never prepared here: it must be
    prepared in ``data_dir`` already.

    Args:
      name: registry key, one of ``available()``, or ``"tfds:NAME"``.
      data_dir: TFDS data directory; None means TFDS's default
        (``$TFDS_DATA_DIR``, else ``~/tensorflow_datasets``).
      sequence_length: steps per sequence, for the data sets whose length is
        a parameter (``adding``, ``parity``); None means the data set's
        default. Other data sets reject a value.

    Raises:
      ValueError: for an unknown name, an invalid ``sequence_length``, or a
        builder whose splits or features do not match the registered task.
      DataNotPreparedError: for a TFDS catalog data set that is not prepared
        in ``data_dir``.
    """
    return load_spec(spec(name), data_dir, sequence_length=sequence_length)


def validate(name: str, *, sequence_length: int | None = None) -> None:
    """Check the arguments of ``load`` without loading anything.

    Raises:
      ValueError: for an unknown name or an invalid ``sequence_length``.
    """
    _config_name(spec(name), sequence_length)


def takes_sequence_length(entry: DatasetSpec) -> bool:
    """Return whether the data set ``entry`` has a ``sequence_length`` parameter."""
    return entry.catalog is None and issubclass(entry.builder, SequenceTaskBuilder)


def load_spec(
    entry: DatasetSpec,
    data_dir: str | os.PathLike | None = None,
    *,
    sequence_length: int | None = None,
) -> Dataset:
    """Load the data set that ``entry`` describes; see ``load``."""
    config = _config_name(entry, sequence_length)
    if entry.catalog is None:
        builder = prepare(entry.builder, data_dir, config=config)
    else:
        builder = catalog_builder(entry, data_dir)
    x_key, y_key = _supervised_keys(entry, builder)
    input_feature = builder.info.features[x_key]
    label_feature = builder.info.features[y_key]
    task = entry.task or _infer_task(entry, label_feature)
    standardization = entry.standardization or _infer_standardization(input_feature)
    x_train, y_train, x_test, y_test = _read_splits(entry, builder, x_key, y_key)

    axes = reduction_axes(standardization, x_train.ndim)
    feature_mean, feature_std = fit_statistics(x_train, axes)
    fields = {
        "x_train": standardize(x_train, feature_mean, feature_std),
        "x_test": standardize(x_test, feature_mean, feature_std),
        "feature_mean": feature_mean,
        "feature_std": feature_std,
    }
    if task in ("binary", "multiclass"):
        fields |= _class_labels(entry.name, task, label_feature, y_train, y_test)
    elif task == "multilabel":
        fields |= _multilabel_indicators(entry, y_train, y_test)
    else:
        fields |= _regression_targets(y_train, y_test)

    for value in fields.values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return Dataset(name=entry.name, task=task, **fields)


def _config_name(entry: DatasetSpec, sequence_length: int | None) -> str | None:
    """Return the BuilderConfig name for ``sequence_length``, after checking it."""
    if not takes_sequence_length(entry):
        if sequence_length is None:
            return None
        names = [name for name in available() if takes_sequence_length(spec(name))]
        raise ValueError(
            f"data set {entry.name!r} has a fixed shape, so "
            f"sequence_length={sequence_length!r} does not apply; it applies "
            f"to: {', '.join(names)}"
        )
    if sequence_length is None:
        sequence_length = entry.builder.default_sequence_length()
    try:
        return entry.builder.config_name(sequence_length)
    except ValueError as error:
        raise ValueError(f"data set {entry.name!r}: {error}") from None


def _infer_task(
    entry: DatasetSpec, label_feature: tfds.features.FeatureConnector
) -> str:
    """Return the task of a TFDS catalog data set from its label feature."""
    if isinstance(label_feature, tfds.features.ClassLabel):
        return "binary" if label_feature.num_classes == 2 else "multiclass"
    if isinstance(label_feature, tfds.features.Tensor) and np.issubdtype(
        label_feature.np_dtype, np.floating
    ):
        return "regression"
    raise ValueError(
        f"data set {entry.name!r}: the task cannot be inferred from the label "
        f"feature {label_feature!r}; actlab reads a ClassLabel (binary or "
        "multiclass) or a float Tensor (regression)"
    )


def _infer_standardization(input_feature: tfds.features.FeatureConnector) -> str:
    """Return ``"per_channel"`` for an image input, else ``"per_feature"``."""
    if isinstance(input_feature, tfds.features.Image):
        return "per_channel"
    return "per_feature"


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


def _read_splits(
    entry: DatasetSpec, builder: tfds.core.DatasetBuilder, x_key: str, y_key: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the inputs and labels of the train and test splits, as stored."""
    input_shape = builder.info.features[x_key].shape
    if None in input_shape:
        raise ValueError(
            f"data set {entry.name!r}: input feature {x_key!r} has shape "
            f"{input_shape}; actlab needs a fixed shape"
        )
    sources = builder.as_data_source()
    missing = [split for split in _SPLITS if split not in sources]
    if missing:
        raise ValueError(
            f"data set {entry.name!r} has no {missing[0]!r} split; "
            f"it has: {', '.join(sources)}"
        )
    x_train, y_train = _read_split(sources["train"], x_key, y_key)
    x_test, y_test = _read_split(sources["test"], x_key, y_key)
    return x_train, y_train, x_test, y_test


def _read_split(
    source: tfds.data_sources.DataSource, x_key: str, y_key: str
) -> tuple[np.ndarray, np.ndarray]:
    """Read every record of ``source``: the inputs and labels as stored."""
    records = source.__getitems__(range(len(source)))
    x = np.stack([record[x_key] for record in records])
    y = np.stack([np.asarray(record[y_key]) for record in records])
    return x, y


def _class_labels(
    name: str,
    task: str,
    label_feature: tfds.features.FeatureConnector,
    y_train: np.ndarray,
    y_test: np.ndarray,
) -> dict:
    """Return the Dataset fields for binary and multiclass class indices."""
    if not isinstance(label_feature, tfds.features.ClassLabel):
        raise ValueError(
            f"data set {name!r} has task {task!r}, which needs a "
            f"ClassLabel label feature; its builder has {label_feature!r}"
        )
    num_classes = label_feature.num_classes
    if task == "binary" and num_classes != 2:
        raise ValueError(
            f"data set {name!r} has task 'binary' but {num_classes} "
            "classes; register it as 'multiclass'"
        )
    return {
        "y_train": y_train.astype(np.int32),
        "y_test": y_test.astype(np.int32),
        "num_outputs": 1 if task == "binary" else num_classes,
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
