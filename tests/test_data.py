"""Tests for actlab.data: registry, fixed splits, standardisation and loading.

The checks here run over every data set that actlab's own builders prepare.
Checks of single data sets are in test_data_builders.py, and TFDS catalog data
sets in test_data_catalog.py.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import tensorflow_datasets as tfds

from actlab import data
from actlab.data._array_builder import ArrayBuilder
from actlab.data._standardize import fit_statistics, reduction_axes, standardize

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_FRACTION = 0.25
LOCAL = tuple(name for name in data.available() if data.spec(name).catalog is None)
CLASSIFICATION = tuple(
    name for name in LOCAL if data.spec(name).task in ("binary", "multiclass")
)
REGRESSION = tuple(name for name in LOCAL if data.spec(name).task == "regression")
# Data sets split by train_test_split: stratified by class where classified.
SPLIT_BY_SKLEARN = tuple(
    name for name in LOCAL if issubclass(data.spec(name).builder, ArrayBuilder)
)

# Samples in the data sets that train_test_split splits.
NUM_SAMPLES = {
    "breast_cancer": 569,
    "diabetes": 442,
    "digits": 1797,
    "digits_images": 1797,
    "digits_sequence": 1797,
    "friedman1": 2000,
    "iris": 150,
    "linnerud": 20,
    "moons": 2000,
    "multilabel": 2000,
    "spirals": 2000,
    "wine": 178,
}
# (train, test) sizes of the data sets that keep a split of their own.
OWN_SPLIT_SIZES = {
    "adding": (5_000, 1_000),
    "mnist1d": (4_000, 1_000),
    "parity": (5_000, 1_000),
}
# The shape of one example, at the default sequence length.
EXAMPLE_SHAPES = {
    "adding": (50, 2),
    "breast_cancer": (30,),
    "diabetes": (10,),
    "digits": (64,),
    "digits_images": (8, 8, 1),
    "digits_sequence": (8, 8),
    "friedman1": (10,),
    "iris": (4,),
    "linnerud": (3,),
    "mnist1d": (40,),
    "moons": (2,),
    "multilabel": (20,),
    "parity": (20, 1),
    "spirals": (2,),
    "wine": (13,),
}
STANDARDIZATION = {
    "adding": "per_channel",
    "digits_images": "per_channel",
    "digits_sequence": "global",
    "mnist1d": "global",
    "parity": "per_channel",
}


@pytest.fixture(scope="session")
def load_cached(data_dir):
    """Return a function that loads each data set from ``data_dir`` once."""
    cache = {}

    def load(name):
        if name not in cache:
            cache[name] = data.load(name, data_dir)
        return cache[name]

    return load


def read_raw_splits(name, data_dir):
    """Return the unstandardised (x, y) of each split, x as float64."""
    builder = data.spec(name).builder(data_dir=os.fspath(data_dir))
    x_key, y_key = builder.info.supervised_keys
    splits = {}
    for split, source in builder.as_data_source().items():
        records = source.__getitems__(range(len(source)))
        x = np.array([record[x_key] for record in records], dtype=np.float64)
        y = np.array([record[y_key] for record in records])
        splits[split] = (x, y)
    return splits


def statistics_axes(name, ndim):
    """Return the axes that the standardisation of ``name`` reduces."""
    return reduction_axes(STANDARDIZATION.get(name, "per_feature"), ndim)


def test_available_names():
    assert data.available() == (
        "adding",
        "breast_cancer",
        "cifar10",
        "cifar100",
        "diabetes",
        "digits",
        "digits_images",
        "digits_sequence",
        "fashion_mnist",
        "friedman1",
        "iris",
        "kmnist",
        "linnerud",
        "mnist",
        "mnist1d",
        "moons",
        "multilabel",
        "parity",
        "spirals",
        "wine",
    )


def test_tables_cover_every_local_data_set():
    assert sorted(EXAMPLE_SHAPES) == sorted(LOCAL)
    assert sorted([*NUM_SAMPLES, *OWN_SPLIT_SIZES]) == sorted(LOCAL)
    assert sorted(NUM_SAMPLES) == sorted(SPLIT_BY_SKLEARN)


def test_unknown_name_raises():
    message = (
        f"unknown data set 'nope'; available: {', '.join(data.available())}, "
        "or tfds:NAME for a data set of TFDS's catalog"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        data.spec("nope")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        data.load("nope")


def test_register_rejects_invalid_task():
    spec = data.DatasetSpec(
        name="invalid_task", builder=data.spec("digits").builder, task="ranking"
    )
    with pytest.raises(ValueError, match=r"task='ranking'.*expected one of"):
        data.register(spec)
    assert "invalid_task" not in data.available()


def test_register_rejects_missing_task_outside_catalog():
    spec = data.DatasetSpec(
        name="no_task", builder=data.spec("digits").builder, task=None
    )
    with pytest.raises(ValueError, match=r"task=None.*expected one of"):
        data.register(spec)
    assert "no_task" not in data.available()


def test_register_rejects_invalid_standardization():
    spec = data.DatasetSpec(
        name="invalid_standardization",
        builder=data.spec("digits").builder,
        task="multiclass",
        standardization="per_pixel",
    )
    with pytest.raises(ValueError, match=r"standardization='per_pixel'.*expected"):
        data.register(spec)
    assert "invalid_standardization" not in data.available()


def test_register_rejects_tfds_prefix():
    spec = data.DatasetSpec(
        name="tfds:digits", builder=data.spec("digits").builder, task="multiclass"
    )
    with pytest.raises(ValueError, match=r"'tfds:digits' is invalid.*reserved"):
        data.register(spec)


def test_registered_standardizations():
    for name in LOCAL:
        expected = STANDARDIZATION.get(name, "per_feature")
        assert data.spec(name).standardization == expected, name


def test_tfds_names_have_actlab_prefix():
    for name in LOCAL:
        assert data.spec(name).tfds_name == f"actlab_{name}"


@pytest.mark.parametrize("name", LOCAL)
def test_split_sizes(name, load_cached):
    dataset = load_cached(name)
    num_train, num_test = len(dataset.x_train), len(dataset.x_test)
    assert len(dataset.y_train) == num_train
    assert len(dataset.y_test) == num_test
    if name in OWN_SPLIT_SIZES:
        assert (num_train, num_test) == OWN_SPLIT_SIZES[name]
    else:
        assert num_train + num_test == NUM_SAMPLES[name]
        # train_test_split rounds the test size up.
        assert num_test == math.ceil(TEST_FRACTION * NUM_SAMPLES[name])


@pytest.mark.parametrize("name", LOCAL)
def test_shapes_and_dtypes(name, load_cached):
    dataset = load_cached(name)
    example_shape = EXAMPLE_SHAPES[name]
    assert dataset.task == data.spec(name).task
    assert dataset.name == name
    for x in (dataset.x_train, dataset.x_test):
        assert x.dtype == np.float32
        assert x.shape[1:] == example_shape
    axes = statistics_axes(name, 1 + len(example_shape))
    statistics_shape = tuple(
        size for axis, size in enumerate(example_shape, start=1) if axis not in axes
    )
    assert dataset.feature_mean.shape == statistics_shape
    assert dataset.feature_std.shape == statistics_shape
    assert dataset.feature_mean.dtype == np.float32
    assert dataset.feature_std.dtype == np.float32


@pytest.mark.parametrize("name", LOCAL)
def test_arrays_are_read_only(name, load_cached):
    dataset = load_cached(name)
    with pytest.raises(ValueError, match="read-only"):
        dataset.x_train[(0,) * dataset.x_train.ndim] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        dataset.y_test[0] = 0


@pytest.mark.parametrize("name", LOCAL)
def test_train_features_standardised(name, load_cached):
    dataset = load_cached(name)
    axes = statistics_axes(name, dataset.x_train.ndim)
    mean = dataset.x_train.mean(axis=axes, dtype=np.float64)
    std = dataset.x_train.std(axis=axes, dtype=np.float64)
    constant = dataset.x_train.min(axis=axes) == dataset.x_train.max(axis=axes)
    np.testing.assert_allclose(mean, 0.0, atol=1e-5)
    np.testing.assert_allclose(std[~constant], 1.0, atol=1e-5)
    # A value constant on the train split is centred and left unscaled.
    if axes == (0,):
        np.testing.assert_array_equal(dataset.x_train[:, constant], 0.0)
    np.testing.assert_array_equal(dataset.feature_std[constant], 1.0)


def test_fit_statistics_constant_float64_column():
    # In float64, 1,347 copies of 2.7 have a std of about 1e-15, not 0.
    x = np.column_stack([np.full(1347, 2.7), np.arange(1347.0)])
    assert x[:, 0].std() > 0
    mean, std = fit_statistics(x)
    np.testing.assert_allclose(mean, [2.7, 673.0], rtol=1e-6)
    assert std[0] == 1.0
    np.testing.assert_allclose(std[1], np.arange(1347.0).std(), rtol=1e-6)
    # Only the float32 rounding of the mean remains, not a blown-up column.
    np.testing.assert_allclose(standardize(x, mean, std)[:, 0], 0.0, atol=1e-6)


@pytest.mark.parametrize(
    ("standardization", "statistics_shape"),
    [("per_feature", (6, 5, 3)), ("per_channel", (3,)), ("global", ())],
)
def test_fit_statistics_over_chunks(standardization, statistics_shape):
    # More examples than one chunk, as uint8 like a TFDS image.
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(10_000, 6, 5, 3), dtype=np.uint8)
    axes = reduction_axes(standardization, x.ndim)
    mean, std = fit_statistics(x, axes)
    assert mean.shape == statistics_shape
    assert std.shape == statistics_shape
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(mean, x64.mean(axis=axes), rtol=1e-6)
    np.testing.assert_allclose(std, x64.std(axis=axes), rtol=1e-6)
    standardized = standardize(x, mean, std)
    assert standardized.dtype == np.float32
    np.testing.assert_allclose(standardized, (x64 - mean) / std, rtol=1e-5, atol=1e-5)


def test_reduction_axes():
    assert reduction_axes("per_feature", 4) == (0,)
    assert reduction_axes("per_channel", 4) == (0, 1, 2)
    assert reduction_axes("per_channel", 2) == (0,)
    assert reduction_axes("global", 3) == (0, 1, 2)
    with pytest.raises(ValueError, match="standardization='per_pixel' is invalid"):
        reduction_axes("per_pixel", 2)
    with pytest.raises(ValueError, match=r"axes=\(1,\) is invalid"):
        fit_statistics(np.zeros((4, 3)), (1,))


@pytest.mark.parametrize("name", LOCAL)
def test_statistics_from_train_split_only(name, data_dir, load_cached):
    dataset = load_cached(name)
    (raw_train, _), (raw_test, _) = [
        read_raw_splits(name, data_dir)[split] for split in ("train", "test")
    ]
    axes = statistics_axes(name, raw_train.ndim)
    train_mean = raw_train.mean(axis=axes)
    train_std = raw_train.std(axis=axes)
    train_std = np.where(train_std == 0, 1.0, train_std)
    np.testing.assert_allclose(dataset.feature_mean, train_mean, rtol=1e-6)
    np.testing.assert_allclose(dataset.feature_std, train_std, rtol=1e-6)

    all_mean = np.concatenate([raw_train, raw_test]).mean(axis=axes)
    assert not np.allclose(dataset.feature_mean, all_mean, rtol=1e-6)

    expected_test = (raw_test - train_mean) / train_std
    np.testing.assert_allclose(dataset.x_test, expected_test, rtol=1e-5, atol=1e-5)


# test_data_builders.py checks mnist1d, which takes seconds to generate.
@pytest.mark.parametrize("name", [name for name in LOCAL if name != "mnist1d"])
def test_loads_identical_from_fresh_directory(name, tmp_path, load_cached):
    first = load_cached(name)
    fresh = data.load(name, tmp_path)
    again = data.load(name, tmp_path)
    for field in ("x_train", "y_train", "x_test", "y_test", "feature_mean"):
        np.testing.assert_array_equal(getattr(fresh, field), getattr(first, field))
        np.testing.assert_array_equal(getattr(again, field), getattr(first, field))
    assert fresh.num_outputs == first.num_outputs
    assert fresh.class_names == first.class_names


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_class_labels(name, load_cached):
    dataset = load_cached(name)
    task = data.spec(name).task
    for y in (dataset.y_train, dataset.y_test):
        assert y.dtype == np.int32
        assert y.shape == (len(y),)
        # Every class occurs in both splits, and no label lies outside them.
        np.testing.assert_array_equal(np.unique(y), np.arange(dataset.num_classes))
    assert len(dataset.class_names) == dataset.num_classes
    assert dataset.target_mean is None
    assert dataset.target_std is None
    if task == "binary":
        assert dataset.num_classes == 2
        assert dataset.num_outputs == 1
    else:
        assert dataset.num_outputs == dataset.num_classes


def test_class_names_follow_sklearn(load_cached):
    assert load_cached("breast_cancer").class_names == ("malignant", "benign")
    assert load_cached("digits").class_names == tuple("0123456789")
    assert load_cached("iris").class_names == ("setosa", "versicolor", "virginica")
    assert load_cached("wine").class_names == ("class_0", "class_1", "class_2")


@pytest.mark.parametrize(
    "name", [name for name in CLASSIFICATION if name in SPLIT_BY_SKLEARN]
)
def test_stratified_split_keeps_class_proportions(name, load_cached):
    dataset = load_cached(name)
    test_counts = np.bincount(dataset.y_test, minlength=dataset.num_classes)
    train_counts = np.bincount(dataset.y_train, minlength=dataset.num_classes)
    total_counts = test_counts + train_counts
    # Stratification puts each class's test count within one sample of the
    # fraction. An unstratified split of these sizes usually misses by more.
    deviation = np.abs(test_counts - TEST_FRACTION * total_counts)
    assert deviation.max() <= 1.0, f"test counts {test_counts} of {total_counts}"


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_targets_standardised(name, data_dir, load_cached):
    dataset = load_cached(name)
    raw = read_raw_splits(name, data_dir)
    raw_train = raw["train"][1].reshape(len(dataset.y_train), -1)
    raw_test = raw["test"][1].reshape(len(dataset.y_test), -1)
    num_targets = raw_train.shape[1]

    assert dataset.y_train.dtype == np.float32
    assert dataset.y_train.shape == (len(dataset.x_train), num_targets)
    assert dataset.y_test.shape == (len(dataset.x_test), num_targets)
    assert dataset.num_outputs == num_targets
    assert dataset.num_classes is None
    assert dataset.class_names is None
    np.testing.assert_allclose(dataset.y_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(dataset.y_train.std(axis=0), 1.0, atol=1e-5)
    np.testing.assert_allclose(dataset.target_mean, raw_train.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(dataset.target_std, raw_train.std(axis=0), rtol=1e-6)
    restored = dataset.y_test * dataset.target_std + dataset.target_mean
    np.testing.assert_allclose(restored, raw_test, rtol=1e-5)


@pytest.mark.parametrize("name", LOCAL)
def test_second_load_does_not_prepare(name, data_dir, load_cached, monkeypatch, caplog):
    load_cached(name)
    builder_cls = data.spec(name).builder
    assert builder_cls(data_dir=os.fspath(data_dir)).is_prepared()

    def fail_prepare(self, **kwargs):
        raise AssertionError(f"{self.name} was prepared again")

    monkeypatch.setattr(builder_cls, "download_and_prepare", fail_prepare)
    caplog.set_level(logging.INFO, logger="actlab.data")
    data.load(name, data_dir)
    assert "Preparing" not in caplog.text


def test_first_load_logs_preparation(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="actlab.data")
    data.load("diabetes", tmp_path)
    expected = f"Preparing data set actlab_diabetes in {tmp_path}"
    assert expected in caplog.text


@pytest.mark.parametrize("name", LOCAL)
def test_prepared_files_are_array_record(name, data_dir, load_cached):
    load_cached(name)
    builder = data.spec(name).builder(data_dir=os.fspath(data_dir))
    files = sorted(path.name for path in Path(builder.data_dir).iterdir())
    for split in ("train", "test"):
        prefix = f"{builder.name}-{split}.array_record-"
        assert any(file.startswith(prefix) for file in files), files
    assert not any("tfrecord" in file for file in files), files
    assert builder.info.file_format.value == "array_record"


class TinyMultilabel(tfds.core.GeneratorBasedBuilder):
    """16 examples with 3 inputs (the last constant) and 2 binary labels."""

    name = "actlab_test_tiny_multilabel"
    VERSION = tfds.core.Version("1.0.0")

    def _info(self):
        features = tfds.features.FeaturesDict(
            {
                "inputs": tfds.features.Tensor(shape=(3,), dtype=np.float32),
                "labels": tfds.features.Tensor(shape=(2,), dtype=np.int64),
            }
        )
        return tfds.core.DatasetInfo(
            builder=self, features=features, supervised_keys=("inputs", "labels")
        )

    def _split_generators(self, dl_manager):
        return {
            "train": self._generate_examples(range(12)),
            "test": self._generate_examples(range(12, 16)),
        }

    def _generate_examples(self, indices):
        for i in indices:
            inputs = np.array([i, i % 3, 5.0], dtype=np.float32)
            labels = np.array([i % 2, i % 3 == 0], dtype=np.int64)
            yield i, {"inputs": inputs, "labels": labels}


def test_load_spec_multilabel_builder(tmp_path):
    spec = data.DatasetSpec(name="tiny", builder=TinyMultilabel, task="multilabel")
    dataset = data.load_spec(spec, tmp_path)
    assert dataset.y_train.shape == (12, 2)
    assert dataset.y_test.shape == (4, 2)
    assert dataset.y_train.dtype == np.int32
    assert dataset.num_outputs == 2
    assert dataset.num_classes is None
    assert set(np.unique(dataset.y_train)) == {0, 1}
    # The third input is constant: std 1, centred to 0 in both splits.
    assert dataset.feature_std[2] == 1.0
    np.testing.assert_array_equal(dataset.x_train[:, 2], 0.0)
    np.testing.assert_array_equal(dataset.x_test[:, 2], 0.0)
    train_indices = np.arange(12)
    expected_mean = [train_indices.mean(), (train_indices % 3).mean(), 5.0]
    np.testing.assert_allclose(dataset.feature_mean, expected_mean, rtol=1e-6)


def test_load_spec_rejects_task_mismatch(tmp_path):
    spec = data.DatasetSpec(name="tiny", builder=TinyMultilabel, task="multiclass")
    with pytest.raises(ValueError, match=r"'tiny' has task 'multiclass'.*ClassLabel"):
        data.load_spec(spec, tmp_path)


def _read_until(process, marker, lines, found):
    """Collect the output lines of ``process`` and set ``found`` at ``marker``."""
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            found.set()


def test_load_waits_for_lock_and_skips_prepared(tmp_path):
    """A second process waits for the lock, then reads what the first wrote.

    The subprocess gets its data directory from TFDS_DATA_DIR, and it also
    checks that loading never imports TensorFlow.
    """
    builder_cls = data.spec("breast_cancer").builder
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, format='%(name)s: %(message)s')\n"
        "from actlab import data\n"
        "dataset = data.load('breast_cancer')\n"
        "print('tensorflow imported:', 'tensorflow' in sys.modules)\n"
        "print('train examples:', len(dataset.x_train))\n"
    )
    python_path = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {
        **os.environ,
        "TFDS_DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(python_path),
    }
    lines, waiting = [], threading.Event()
    with open(tmp_path / f"{builder_cls.name}.lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        process = subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        reader = threading.Thread(
            target=_read_until,
            args=(process, "Waiting for another process", lines, waiting),
        )
        reader.start()
        try:
            assert waiting.wait(timeout=30), "".join(lines)
            assert process.poll() is None
            # Prepare here while the subprocess waits, as a sweep job would.
            builder_cls(data_dir=str(tmp_path)).download_and_prepare(
                file_format="array_record",
                download_config=tfds.download.DownloadConfig(try_download_gcs=False),
            )
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
            try:
                process.wait(timeout=60)
            finally:
                process.kill()
                reader.join()
    output = "".join(lines)
    assert process.returncode == 0, output
    assert "Preparing data set" not in output
    assert "tensorflow imported: False" in output
    assert "train examples: 426" in output
