"""Tests of TFDS catalog data sets: read when prepared, a clear error when not.

Nothing here reaches a network: the ``no_network`` fixture makes every socket
connection fail, and the prepared copies are written by test builders that
generate a few records in place of the download.
"""

from __future__ import annotations

import json
import shlex
import socket
import sys
import time

import numpy as np
import pytest
import tensorflow_datasets as tfds
from PIL import Image

from actlab import data

CATALOG = tuple(
    name for name in data.available() if data.spec(name).catalog is not None
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Make every attempt to open a network connection fail the test."""

    def fail_connection(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", fail_connection)
    monkeypatch.setattr(socket.socket, "connect_ex", fail_connection)
    monkeypatch.setattr(socket, "getaddrinfo", fail_connection)
    monkeypatch.setattr(socket, "create_connection", fail_connection)


def fake_record(features, index):
    """Return a record for ``features`` whose labels cycle through the classes."""
    rng = np.random.default_rng(index)
    record = {}
    for key, feature in features.items():
        if isinstance(feature, tfds.features.Image):
            pixels = rng.integers(0, 256, size=feature.shape, dtype=np.uint8)
            mode = "L" if feature.shape[-1] == 1 else "RGB"
            record[key] = Image.fromarray(pixels.squeeze(-1) if mode == "L" else pixels)
        elif isinstance(feature, tfds.features.ClassLabel):
            record[key] = index % feature.num_classes
        elif isinstance(feature, tfds.features.Text):
            record[key] = f"fake_{index}"
        else:
            raise NotImplementedError(f"no fake value for {key}: {feature!r}")
    return record


def prepare_fake_copy(builder_cls, data_dir, num_train, num_test):
    """Prepare ``builder_cls``'s data set in ``data_dir`` with generated records.

    The copy has the real builder's name, version and features, so the real
    builder reads it as if ``tfds build`` had prepared it.
    """

    class FakeCopy(builder_cls, skip_registration=True):
        name = builder_cls.name

        def _split_generators(self, dl_manager):
            return {
                "train": self._generate_examples(range(num_train)),
                "test": self._generate_examples(range(num_train, num_train + num_test)),
            }

        def _generate_examples(self, indices):
            for index in indices:
                yield index, fake_record(self.info.features, index)

    FakeCopy(data_dir=str(data_dir)).download_and_prepare(
        file_format="array_record",
        download_config=tfds.download.DownloadConfig(try_download_gcs=False),
    )


def parse_build_command(command):
    """Parse a ``tfds build`` command with TFDS's own argument parser."""
    from tensorflow_datasets.scripts.cli import build, cli_utils

    words = shlex.split(command)
    assert words[:2] == ["tfds", "build"], command
    parser = cli_utils.ArgumentParser()
    parser.add_arguments(build.Args, dest="args")
    return parser.parse_args(words[2:]).args


@pytest.mark.parametrize(
    "name", [*CATALOG, "tfds:kmnist", "tfds:cifar10_corrupted/brightness_1"]
)
def test_not_prepared_fails_at_once(name, tmp_path):
    tfds_name = data.spec(name).catalog
    start = time.perf_counter()
    with pytest.raises(data.DataNotPreparedError) as info:
        data.load(name, tmp_path)
    assert time.perf_counter() - start < 2.0
    message = str(info.value)
    assert "\n" not in message
    assert f"data set {name!r}" in message
    assert f"in the data directory {tmp_path}:" in message
    command = f"tfds build {tfds_name} --data_dir={tmp_path} --file_format=array_record"
    assert f"run `{command}`" in message
    assert isinstance(info.value, FileNotFoundError)
    assert not any(tmp_path.iterdir())


def test_build_command_parses_with_tfds_cli(tmp_path):
    with pytest.raises(data.DataNotPreparedError) as info:
        data.load("fashion_mnist", tmp_path / "a dir")
    command = str(info.value).split("`")[1]
    args = parse_build_command(command)
    assert args.positional_datasets == ["fashion_mnist"]
    assert str(args.paths.data_dir) == str(tmp_path / "a dir")
    assert args.generation.file_format == "array_record"


@pytest.mark.parametrize("name", CATALOG)
def test_prepared_catalog_data_set_loads(name, tmp_path, monkeypatch):
    builder_cls = data.spec(name).builder
    label_names = builder_cls(data_dir=str(tmp_path)).info.features["label"].names
    num_classes = len(label_names)
    prepare_fake_copy(builder_cls, tmp_path, 2 * num_classes, num_classes)

    def fail_prepare(self, **kwargs):
        raise AssertionError(f"{self.name} was prepared by actlab")

    monkeypatch.setattr(builder_cls, "download_and_prepare", fail_prepare)
    dataset = data.load(name, tmp_path)

    image_shape = builder_cls(data_dir=str(tmp_path)).info.features["image"].shape
    num_channels = image_shape[-1]
    assert dataset.task == "multiclass"
    assert dataset.x_train.shape == (2 * num_classes, *image_shape)
    assert dataset.x_test.shape == (num_classes, *image_shape)
    assert dataset.x_train.dtype == np.float32
    assert dataset.y_train.dtype == np.int32
    assert dataset.num_outputs == num_classes
    assert dataset.class_names == tuple(label_names)
    np.testing.assert_array_equal(
        np.sort(dataset.y_test), np.arange(num_classes, dtype=np.int32)
    )
    # One mean and std per channel, from the train images.
    assert dataset.feature_mean.shape == (num_channels,)
    assert dataset.feature_std.shape == (num_channels,)
    channel_mean = dataset.x_train.mean(axis=(0, 1, 2), dtype=np.float64)
    channel_std = dataset.x_train.std(axis=(0, 1, 2), dtype=np.float64)
    np.testing.assert_allclose(channel_mean, 0.0, atol=1e-5)
    np.testing.assert_allclose(channel_std, 1.0, atol=1e-5)
    # Uniform random pixels: about 127.5 and 73.9 before standardising.
    np.testing.assert_allclose(dataset.feature_mean, 127.5, rtol=0.05)
    np.testing.assert_allclose(dataset.feature_std, 73.9, rtol=0.05)
    assert "tensorflow" not in sys.modules

    by_catalog_name = data.load(f"tfds:{name}", tmp_path)
    assert by_catalog_name.name == f"tfds:{name}"
    assert by_catalog_name.task == "multiclass"
    np.testing.assert_array_equal(by_catalog_name.x_train, dataset.x_train)
    np.testing.assert_array_equal(by_catalog_name.y_test, dataset.y_test)


class TinyBinaryCatalog(tfds.core.GeneratorBasedBuilder):
    """A catalog-like data set: 20 vectors of 3 values, 2 classes."""

    name = "actlab_test_binary_catalog"
    VERSION = tfds.core.Version("1.0.0")
    LABEL = tfds.features.ClassLabel(names=["no", "yes"])
    INPUT_SHAPE = (3,)

    def _info(self):
        features = tfds.features.FeaturesDict(
            {
                "inputs": tfds.features.Tensor(
                    shape=self.INPUT_SHAPE, dtype=np.float32
                ),
                "label": self.LABEL,
            }
        )
        return tfds.core.DatasetInfo(
            builder=self, features=features, supervised_keys=("inputs", "label")
        )

    def _split_generators(self, dl_manager):
        return {
            "train": self._generate_examples(range(12)),
            "test": self._generate_examples(range(12, 20)),
        }

    def _generate_examples(self, indices):
        for i in indices:
            inputs = np.array([i, i % 4, 2.0 * i], dtype=np.float32)
            yield i, {"inputs": inputs, "label": self._label(i)}

    def _label(self, i):
        return i % 2


class TinyRegressionCatalog(TinyBinaryCatalog):
    name = "actlab_test_regression_catalog"
    LABEL = tfds.features.Tensor(shape=(), dtype=np.float32)

    def _label(self, i):
        return np.float32(i / 4)


class TinyCountCatalog(TinyBinaryCatalog):
    name = "actlab_test_count_catalog"
    LABEL = tfds.features.Tensor(shape=(), dtype=np.int64)


class TinyVariableCatalog(TinyBinaryCatalog):
    name = "actlab_test_variable_catalog"
    INPUT_SHAPE = (None,)

    def _generate_examples(self, indices):
        for i in indices:
            inputs = np.arange(1 + i % 3, dtype=np.float32)
            yield i, {"inputs": inputs, "label": i % 2}


def prepare(builder_cls, data_dir):
    builder_cls(data_dir=str(data_dir)).download_and_prepare(
        file_format="array_record",
        download_config=tfds.download.DownloadConfig(try_download_gcs=False),
    )


def test_catalog_task_follows_label_feature(tmp_path):
    prepare(TinyBinaryCatalog, tmp_path)
    prepare(TinyRegressionCatalog, tmp_path)
    binary = data.load(f"tfds:{TinyBinaryCatalog.name}", tmp_path)
    assert binary.task == "binary"
    assert binary.num_outputs == 1
    assert binary.class_names == ("no", "yes")
    # Not an image, so one mean and std per input value.
    assert binary.feature_mean.shape == (3,)
    np.testing.assert_allclose(binary.feature_mean, [5.5, 1.5, 11.0], rtol=1e-6)

    regression = data.load(f"tfds:{TinyRegressionCatalog.name}", tmp_path)
    assert regression.task == "regression"
    assert regression.y_train.shape == (12, 1)
    np.testing.assert_allclose(regression.target_mean, [5.5 / 4], rtol=1e-6)


def test_catalog_task_not_inferred_for_int_tensor(tmp_path):
    prepare(TinyCountCatalog, tmp_path)
    name = f"tfds:{TinyCountCatalog.name}"
    with pytest.raises(ValueError, match=r"the task cannot be inferred from the label"):
        data.load(name, tmp_path)


def test_variable_input_shape_raises(tmp_path):
    prepare(TinyVariableCatalog, tmp_path)
    name = f"tfds:{TinyVariableCatalog.name}"
    with pytest.raises(ValueError, match=r"has shape \(None,\); actlab needs a fixed"):
        data.load(name, tmp_path)


def test_tfrecord_copy_fails_with_command(tmp_path):
    prepare(TinyBinaryCatalog, tmp_path)
    builder = TinyBinaryCatalog(data_dir=str(tmp_path))
    info_path = builder.data_path / "dataset_info.json"
    info = json.loads(info_path.read_text())
    info["fileFormat"] = "tfrecord"
    info_path.write_text(json.dumps(info))
    with pytest.raises(data.DataNotPreparedError) as error:
        data.load(f"tfds:{TinyBinaryCatalog.name}", tmp_path)
    message = str(error.value)
    assert "is stored as tfrecord, which needs TensorFlow to read" in message
    assert "--file_format=array_record --overwrite`" in message
    args = parse_build_command(message.split("`")[1])
    assert args.debug.overwrite


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tfds:", r"data set 'tfds:' is invalid; expected tfds:NAME"),
        ("tfds:two words", r"'tfds:two words' is invalid; expected tfds:NAME"),
        ("tfds:huggingface:mnist", r"community data sets \(huggingface:\)"),
        ("tfds:mnistt", r"unknown TFDS data set 'mnistt'.*did you mean: mnist"),
    ],
)
def test_invalid_catalog_name_raises(name, message):
    with pytest.raises(ValueError, match=message):
        data.spec(name)


def test_catalog_spec_of_named_config():
    entry = data.spec("tfds:cifar10_corrupted/brightness_1")
    assert entry.catalog == "cifar10_corrupted/brightness_1"
    assert entry.tfds_name == "cifar10_corrupted"
    assert entry.task is None
    assert data.spec("tfds:cifar10_corrupted/brightness_1") is entry
