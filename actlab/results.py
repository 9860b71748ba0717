"""The ``results.json`` file: its schema, atomic writes and loading.

Every number a run produces goes into this file. Analysis reads only these
files, never logs.

Schema (version 1)::

    schema_version   1
    status           "ok", or "diverged" when any replica's loss or
                     gradients became NaN or inf
    activation       registry name; activation_params: its hyperparameters;
                     layer_activations: one name per hidden layer, or null
    model, data      names; task: "binary", "multiclass", "multilabel" or
                     "regression"; output_activation: the one used
    seed, num_seeds, seeds
    final            {split: {metric: value}} at the last epoch, averaged
                     over replicas that did not diverge (null if all did)
    history          [{"epoch": e, split: {metric: value}}], the same average
    replicas         [{"seed", "status", "diverged_epoch", "final", "history"}]
    timing           init_seconds, compile_seconds, train_seconds, total_seconds,
                     steps_per_second (optimiser steps of one replica),
                     steps_per_epoch, epochs_run, batch_size
    model_info       params_per_replica, kernel_init
    environment      jax, flax, optax and actlab versions, python, backend,
                     devices
    config           the resolved Hydra config

Non-finite floats are written as null, so the file is strict JSON.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RESULTS_FILE = "results.json"
SCHEMA_VERSION = 1


def _to_json(value: Any) -> Any:
    """Replace non-finite floats by None, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_results(directory: str | os.PathLike, results: Mapping[str, Any]) -> Path:
    """Write ``results`` to ``directory/results.json`` atomically.

    The JSON goes to a temporary file in the same directory, which is flushed
    to disk and then renamed over the target, so a reader sees either the old
    file or the complete new one, never a partial write.

    Returns:
      The path of the written file.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / RESULTS_FILE
    text = json.dumps(_to_json(results), indent=2, allow_nan=False)
    descriptor, temporary = tempfile.mkstemp(
        dir=directory, prefix=".results-", suffix=".json.tmp"
    )
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates the file readable by its owner only; give it the
        # permissions of any other file the process creates.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def load_results(path: str | os.PathLike) -> dict[str, Any]:
    """Read a ``results.json`` file, or the one inside a run directory.

    Raises:
      FileNotFoundError: if there is no such file.
      ValueError: if the file's schema version is not supported.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    with path.open() as handle:
        results = json.load(handle)
    version = results.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"{path}: schema_version={version!r} is not supported; this actlab "
            f"reads version {SCHEMA_VERSION}"
        )
    return results
