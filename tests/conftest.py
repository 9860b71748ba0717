"""Shared fixtures: one prepared data directory for the whole session."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> str:
    """A TFDS data directory shared by every test in the session."""
    return str(tmp_path_factory.mktemp("tensorflow_datasets"))


@pytest.fixture(scope="session")
def cli_env(data_dir, tmp_path_factory) -> dict[str, str]:
    """Environment for ``python -m actlab.train`` subprocesses."""
    env = dict(os.environ)
    env["TFDS_DATA_DIR"] = data_dir
    env["JAX_PLATFORMS"] = "cpu"
    env.pop("HYDRA_FULL_ERROR", None)
    return env
