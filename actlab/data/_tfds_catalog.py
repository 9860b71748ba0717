"""Data sets from TFDS's catalog, read only where TFDS has prepared them.

Preparing a catalog data set such as MNIST downloads it and needs TensorFlow,
so actlab never does it. ``catalog_builder`` returns a builder for the copy in
the data directory, or raises ``DataNotPreparedError`` at once, with the
command that prepares it on a machine with a network.
"""

from __future__ import annotations

import difflib
import functools
import os
import shlex

import tensorflow_datasets as tfds

from actlab.data._spec import DatasetSpec

PREFIX = "tfds:"
_CATALOG_URL = "https://www.tensorflow.org/datasets/catalog/overview"


class DataNotPreparedError(FileNotFoundError):
    """A TFDS catalog data set is missing from the data directory, or unreadable.

    The message names the data set and the directory and gives the command
    that prepares it.
    """


@functools.cache
def catalog_spec(name: str) -> DatasetSpec:
    """Return an entry for ``name``, which is ``"tfds:"`` and a TFDS name.

    The task and the standardisation follow from the features when the data
    set is loaded.

    Raises:
      ValueError: if the TFDS name is malformed, has a namespace
        (``huggingface:``, ``kaggle:``), or is not in TFDS's catalog.
    """
    tfds_name = name.removeprefix(PREFIX)
    try:
        dataset_name, _ = tfds.core.naming.parse_builder_name_kwargs(tfds_name)
    except ValueError:
        raise ValueError(
            f"data set {name!r} is invalid; expected {PREFIX}NAME, "
            f"{PREFIX}NAME/CONFIG or {PREFIX}NAME:VERSION with a name from "
            f"TFDS's catalog, for example {PREFIX}kmnist"
        ) from None
    if dataset_name.namespace:
        raise ValueError(
            f"data set {name!r} is invalid; community data sets "
            f"({dataset_name.namespace}:) are not supported, only TFDS's "
            "own catalog"
        )
    try:
        builder_cls = tfds.builder_cls(str(dataset_name))
    except tfds.core.DatasetNotFoundError:
        # Without community data sets: listing those reads an index on GCS.
        catalog = [
            builder
            for builder in tfds.list_builders(with_community_datasets=False)
            if not builder.startswith("actlab_")
        ]
        close = difflib.get_close_matches(str(dataset_name), catalog)
        hint = f"did you mean: {', '.join(close)}? " if close else ""
        raise ValueError(
            f"unknown TFDS data set {str(dataset_name)!r} in {name!r}; "
            f"{hint}the catalog is at {_CATALOG_URL}"
        ) from None
    return DatasetSpec(
        name=name,
        builder=builder_cls,
        task=None,
        summary=f"TFDS catalog data set {tfds_name}",
        standardization=None,
        catalog=tfds_name,
    )


def build_command(tfds_name: str, data_dir: str) -> str:
    """Return the ``tfds build`` command that prepares ``tfds_name`` as actlab reads it.

    ``tfds build`` (TFDS 4.9) downloads the data and needs TensorFlow installed.
    """
    return shlex.join(
        [
            "tfds",
            "build",
            tfds_name,
            f"--data_dir={data_dir}",
            "--file_format=array_record",
        ]
    )


def catalog_builder(
    entry: DatasetSpec, data_dir: str | os.PathLike | None = None
) -> tfds.core.DatasetBuilder:
    """Return a builder for the catalog data set ``entry`` prepared in ``data_dir``.

    Nothing is downloaded or prepared: the check looks only at local files.

    Raises:
      DataNotPreparedError: if the data set is not prepared in ``data_dir``,
        or only in a file format that cannot be read without TensorFlow.
    """
    data_dir = None if data_dir is None else os.fspath(data_dir)
    builder = tfds.builder(entry.catalog, data_dir=data_dir)
    root = os.fspath(builder.data_dir_root)
    command = build_command(entry.catalog, root)
    if not builder.data_path.exists():
        folder = os.path.relpath(os.fspath(builder.data_path), root).split(os.sep)[0]
        raise DataNotPreparedError(
            f"data set {entry.name!r} (TFDS {entry.catalog!r}) is not prepared "
            f"in the data directory {root}: {builder.data_path} does not exist, "
            "and actlab does not download data. On a machine with network "
            f"access and TensorFlow, run `{command}`, then copy the folder "
            f"{folder} that it writes into {root} on this machine"
        )
    random_access = tfds.core.file_adapters.FileFormat.with_random_access()
    if not builder.info.available_file_formats() & random_access:
        stored = ", ".join(
            file_format.value for file_format in builder.info.available_file_formats()
        )
        raise DataNotPreparedError(
            f"data set {entry.name!r} (TFDS {entry.catalog!r}) in "
            f"{builder.data_path} is stored as {stored}, which needs TensorFlow "
            "to read; actlab needs array_record files. On a machine with TensorFlow, "
            f"run `{command} --overwrite`"
        )
    return builder
