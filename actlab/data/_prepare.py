"""Preparing a TFDS builder once per data directory, safely across processes."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator

import tensorflow_datasets as tfds

logger = logging.getLogger(__name__)

FILE_FORMAT = "array_record"


def lock_path(builder: tfds.core.DatasetBuilder) -> str:
    """Return the lock file that guards preparing ``builder``.

    The file is ``<data_dir>/<tfds name>.lock`` in the builder's data directory
    root, for example ``~/tensorflow_datasets/actlab_digits.lock``.
    """
    return os.path.join(os.fspath(builder.data_dir_root), f"{builder.name}.lock")


def _is_prepared(builder: tfds.core.DatasetBuilder) -> bool:
    """Return whether the builder's versioned data directory exists.

    TFDS writes a data set into an ``incomplete.*`` directory and renames it
    when done, so the directory exists only once preparation has finished.
    ``download_and_prepare`` makes the same check. ``is_prepared()`` would
    also log a warning for a directory that does not exist yet.
    """
    return builder.data_path.exists()


@contextlib.contextmanager
def _exclusive_lock(path: str, description: str) -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` on ``path``, creating the file.

    NOTE: flock works on local file systems and on NFS, where Linux emulates it
    with byte-range locks. A data directory on an object store such as
    ``gs://`` cannot be locked this way.
    """
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("Waiting for another process to prepare %s", description)
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def prepare(
    builder_cls: type[tfds.core.DatasetBuilder],
    data_dir: str | os.PathLike | None = None,
    config: str | None = None,
) -> tfds.core.DatasetBuilder:
    """Return a builder for ``builder_cls`` whose data is prepared in ``data_dir``.

    Prepares the data set as ``array_record`` files unless it is prepared
    already. Preparation holds a file lock in the data directory, so processes
    that load the same data set at once (a Hydra joblib sweep) prepare it once
    and the others wait and then read it.

    Args:
      builder_cls: TFDS builder class.
      data_dir: TFDS data directory; None means TFDS's default, which is
        ``$TFDS_DATA_DIR`` if that was set when TFDS was imported, else
        ``~/tensorflow_datasets``.
      config: name of the builder's BuilderConfig; None means its default.
        All configs of a builder share one lock.
    """
    data_dir = None if data_dir is None else os.fspath(data_dir)
    builder = builder_cls(data_dir=data_dir, config=config)
    if _is_prepared(builder):
        return builder

    with _exclusive_lock(lock_path(builder), builder.name):
        # A new builder reads the DatasetInfo that another process may have
        # written while this one waited for the lock.
        builder = builder_cls(data_dir=data_dir, config=config)
        if _is_prepared(builder):
            return builder
        logger.info("Preparing data set %s in %s", builder.name, builder.data_dir)
        start = time.perf_counter()
        builder.download_and_prepare(
            file_format=FILE_FORMAT,
            # By default TFDS first checks Google Cloud Storage for a prepared
            # copy, which needs a network.
            download_config=tfds.download.DownloadConfig(try_download_gcs=False),
        )
        logger.info(
            "Prepared data set %s in %s (%.1f s)",
            builder.name,
            builder.data_dir,
            time.perf_counter() - start,
        )
    return builder
