"""Tests of single actlab data sets: their sources, labels and parameters.

The checks that hold for every data set are in test_data.py.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import numpy as np
import pytest
from omegaconf import OmegaConf
from sklearn import datasets as sklearn_datasets

from actlab import data
from actlab.config import DataConfig
from actlab.data import _mnist1d_builder, _sequence_builders, _synthetic_builders

CONF_DATA = Path(__file__).resolve().parent.parent / "conf" / "data"
SEQUENCE_TASKS = ("adding", "parity")

# The raw data as scikit-learn bundles or generates it, with the documented
# sizes, noise levels and seeds, to check what the builders wrote.
SKLEARN_SOURCES = {
    "breast_cancer": lambda: _arrays(sklearn_datasets.load_breast_cancer()),
    "diabetes": lambda: _arrays(sklearn_datasets.load_diabetes(scaled=False)),
    "digits": lambda: _arrays(sklearn_datasets.load_digits()),
    "digits_images": lambda: _arrays(sklearn_datasets.load_digits()),
    "digits_sequence": lambda: _arrays(sklearn_datasets.load_digits()),
    "friedman1": lambda: sklearn_datasets.make_friedman1(
        n_samples=2000, n_features=10, noise=1.0, random_state=0
    ),
    "iris": lambda: _arrays(sklearn_datasets.load_iris()),
    "moons": lambda: sklearn_datasets.make_moons(
        n_samples=2000, noise=0.2, random_state=0
    ),
    "multilabel": lambda: sklearn_datasets.make_multilabel_classification(
        n_samples=2000, n_features=20, n_classes=5, n_labels=2, random_state=0
    ),
    "wine": lambda: _arrays(sklearn_datasets.load_wine()),
}


def _arrays(bunch):
    return bunch.data, bunch.target


@pytest.fixture(scope="session")
def load_cached(data_dir):
    """Return a function that loads each data set from ``data_dir`` once."""
    cache = {}

    def load(name):
        if name not in cache:
            cache[name] = data.load(name, data_dir)
        return cache[name]

    return load


def read_raw_splits(name, data_dir, sequence_length=None):
    """Return the raw (x, y) of each split as stored, keyed by split name."""
    config = None
    if sequence_length is not None:
        config = f"length_{sequence_length}"
    builder = data.spec(name).builder(data_dir=os.fspath(data_dir), config=config)
    x_key, y_key = builder.info.supervised_keys
    splits = {}
    for split, source in builder.as_data_source().items():
        records = source.__getitems__(range(len(source)))
        x = np.stack([record[x_key] for record in records])
        y = np.stack([np.asarray(record[y_key]) for record in records])
        splits[split] = (x, y)
    return splits


def sort_rows(matrix):
    """Sort the rows of a 2-D array lexicographically, to compare multisets."""
    return matrix[np.lexsort(matrix.T[::-1])]


def rows_with_labels(x, y):
    """Return each sample as one float64 row: its flattened inputs, its labels."""
    return np.column_stack(
        [x.reshape(len(x), -1), np.asarray(y).reshape(len(x), -1)]
    ).astype(np.float64)


@pytest.mark.parametrize("name", sorted(SKLEARN_SOURCES))
def test_splits_partition_sklearn_data(name, data_dir, load_cached):
    load_cached(name)
    x, y = SKLEARN_SOURCES[name]()
    written = np.concatenate(
        [rows_with_labels(x, y) for x, y in read_raw_splits(name, data_dir).values()]
    )
    # The builders store float32 features and float32 regression targets.
    expected = rows_with_labels(x.astype(np.float32), y.astype(np.float32))
    np.testing.assert_array_equal(sort_rows(written), sort_rows(expected))


def test_spirals_follow_make_spirals(data_dir, load_cached):
    load_cached("spirals")
    x, y = _synthetic_builders.make_spirals(2000, turns=2.0, noise=0.05, seed=0)
    written = np.concatenate(
        [
            rows_with_labels(x, y)
            for x, y in read_raw_splits("spirals", data_dir).values()
        ]
    )
    expected = rows_with_labels(x.astype(np.float32), y)
    np.testing.assert_array_equal(sort_rows(written), sort_rows(expected))
    assert np.bincount(y).tolist() == [1000, 1000]


def test_make_spirals_points_lie_on_two_arms():
    turns = 1.5
    points, labels = _synthetic_builders.make_spirals(
        400, turns=turns, noise=0.0, seed=3
    )
    radius = np.hypot(points[:, 0], points[:, 1])
    angle = np.arctan2(points[:, 1], points[:, 0])
    expected = 2 * np.pi * turns * radius + np.pi * labels
    # Equal angles modulo a full turn.
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-9)
    assert radius.max() <= 1.0


def test_digits_images_and_sequence_share_the_digits_split(data_dir, load_cached):
    digits = read_raw_splits("digits", data_dir)
    for name, shape in (("digits_images", (8, 8, 1)), ("digits_sequence", (8, 8))):
        load_cached(name)
        for split, (x, y) in read_raw_splits(name, data_dir).items():
            digits_x, digits_y = digits[split]
            assert x.shape == (len(digits_x), *shape)
            # The same records in the same order: TFDS orders by the key, which
            # is the row in scikit-learn's arrays.
            np.testing.assert_array_equal(x.reshape(len(x), 64), digits_x)
            np.testing.assert_array_equal(y, digits_y)


def test_digits_images_use_one_mean_for_all_pixels(load_cached):
    images = load_cached("digits_images")
    sequence = load_cached("digits_sequence")
    digits = load_cached("digits")
    raw_train = digits.x_train * digits.feature_std + digits.feature_mean
    np.testing.assert_allclose(images.feature_mean, [raw_train.mean()], rtol=1e-5)
    np.testing.assert_allclose(images.feature_std, [raw_train.std()], rtol=1e-5)
    # Same statistics, so the same standardised values in another shape.
    np.testing.assert_allclose(images.feature_mean, sequence.feature_mean)
    np.testing.assert_array_equal(
        images.x_train.reshape(sequence.x_train.shape), sequence.x_train
    )
    np.testing.assert_array_equal(images.y_test, digits.y_test)


def test_mnist1d_keeps_package_split(tmp_path, load_cached, monkeypatch):
    """Preparing in a fresh directory writes what mnist1d generates, again.

    test_data.py leaves mnist1d out of its fresh-directory check, because
    generating it takes seconds; this test covers it.
    """
    first = load_cached("mnist1d")
    random.seed(7)
    np.random.seed(7)
    expected_draws = (random.random(), np.random.random())
    generated, draws_after = [], []

    def recording_generate():
        random.seed(7)
        np.random.seed(7)
        generated.append(real_generate())
        draws_after.append((random.random(), np.random.random()))
        return generated[-1]

    real_generate = _mnist1d_builder.generate
    monkeypatch.setattr(_mnist1d_builder, "generate", recording_generate)
    fresh = data.load("mnist1d", tmp_path)
    # Generating restores the global random states that make_dataset reseeds.
    assert draws_after == [expected_draws]

    assert len(generated) == 1
    assert fresh.x_train.shape == (4000, 40)
    assert fresh.x_test.shape == (1000, 40)
    assert fresh.num_outputs == 10
    assert fresh.feature_mean.shape == ()
    for field in ("x_train", "y_train", "x_test", "y_test", "feature_mean"):
        np.testing.assert_array_equal(getattr(fresh, field), getattr(first, field))

    splits = read_raw_splits("mnist1d", tmp_path)
    package_splits = {"train": ("x", "y"), "test": ("x_test", "y_test")}
    for split, (x_key, y_key) in package_splits.items():
        x, y = splits[split]
        expected_x = generated[0][x_key].astype(np.float32)
        np.testing.assert_array_equal(
            sort_rows(rows_with_labels(x, y)),
            sort_rows(rows_with_labels(expected_x, generated[0][y_key])),
        )


def test_multilabel_indicators(load_cached):
    dataset = load_cached("multilabel")
    for y in (dataset.y_train, dataset.y_test):
        assert y.dtype == np.int32
        assert y.shape == (len(y), 5)
        assert set(np.unique(y)) == {0, 1}
    assert dataset.num_outputs == 5
    assert dataset.num_classes is None
    assert dataset.class_names is None
    # make_multilabel_classification draws about 2 labels per sample.
    assert 1.5 < dataset.y_train.sum(axis=1).mean() < 2.5


def check_adding_records(x, y, sequence_length):
    """Assert that ``x`` and ``y`` are raw adding-problem records."""
    values, markers = x[..., 0], x[..., 1]
    assert x.shape[1:] == (sequence_length, 2)
    assert values.min() >= 0.0
    assert values.max() < 1.0
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    half = sequence_length // 2
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1.0)
    marked_sum = (values * markers).sum(axis=1, dtype=np.float32)
    np.testing.assert_array_equal(y.reshape(-1), marked_sum)


def test_adding_target_is_sum_of_marked_values(data_dir, load_cached):
    dataset = load_cached("adding")
    for x, y in read_raw_splits("adding", data_dir).values():
        check_adding_records(x, y, 50)
    # Restored from the standardised arrays, the relation still holds.
    raw_x = dataset.x_test * dataset.feature_std + dataset.feature_mean
    raw_y = dataset.y_test * dataset.target_std + dataset.target_mean
    marked = np.round(raw_x[..., 1]) == 1
    np.testing.assert_allclose(
        raw_y[:, 0], (raw_x[..., 0] * marked).sum(axis=1), rtol=1e-4
    )


def check_parity_records(x, y, sequence_length):
    """Assert that ``x`` and ``y`` are raw parity records."""
    assert x.shape[1:] == (sequence_length, 1)
    assert set(np.unique(x)) <= {0.0, 1.0}
    np.testing.assert_array_equal(y, x.sum(axis=(1, 2)).astype(int) % 2)


def test_parity_label_is_bit_parity(data_dir, load_cached):
    dataset = load_cached("parity")
    for x, y in read_raw_splits("parity", data_dir).values():
        check_parity_records(x, y, 20)
    assert dataset.class_names == ("even", "odd")
    # Half of random bit sequences are odd.
    assert 0.45 < dataset.y_train.mean() < 0.55


@pytest.mark.parametrize(
    ("name", "sequence_length", "check"),
    [("adding", 7, check_adding_records), ("parity", 5, check_parity_records)],
)
def test_sequence_length_sets_shape(name, sequence_length, check, data_dir):
    dataset = data.load(name, data_dir, sequence_length=sequence_length)
    num_features = 2 if name == "adding" else 1
    assert dataset.x_train.shape == (5_000, sequence_length, num_features)
    assert dataset.x_test.shape == (1_000, sequence_length, num_features)
    splits = read_raw_splits(name, data_dir, sequence_length)
    for x, y in splits.values():
        check(x, y, sequence_length)
    tfds_name = data.spec(name).tfds_name
    assert (Path(data_dir) / tfds_name / f"length_{sequence_length}").is_dir()


def test_sequence_length_default_is_the_default_config(data_dir, load_cached):
    default = load_cached("parity")
    explicit = data.load("parity", data_dir, sequence_length=20)
    np.testing.assert_array_equal(explicit.x_train, default.x_train)


@pytest.mark.parametrize(
    ("name", "sequence_length", "message"),
    [
        ("adding", 1, "sequence_length=1 is invalid; it must be an integer >= 2"),
        ("adding", -5, "sequence_length=-5 is invalid; it must be an integer >= 2"),
        ("parity", 0, "sequence_length=0 is invalid; it must be an integer >= 1"),
        ("parity", 2.5, "sequence_length=2.5 is invalid; it must be an integer"),
        ("parity", True, "sequence_length=True is invalid; it must be an integer"),
        ("adding", "50", "sequence_length='50' is invalid; it must be an integer"),
    ],
)
def test_invalid_sequence_length_raises(name, sequence_length, message, tmp_path):
    expected = f"data set {name!r}: {message}"
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}"):
        data.validate(name, sequence_length=sequence_length)
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}"):
        data.load(name, tmp_path, sequence_length=sequence_length)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["digits", "mnist1d", "mnist", "tfds:kmnist"])
def test_sequence_length_rejected_for_fixed_shapes(name, tmp_path):
    expected = (
        f"data set {name!r} has a fixed shape, so sequence_length=30 does not "
        "apply; it applies to: adding, parity"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        data.validate(name, sequence_length=30)
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        data.load(name, tmp_path, sequence_length=30)


def test_sequence_tasks_are_the_ones_with_a_length():
    names = [
        name for name in data.available() if data.takes_sequence_length(data.spec(name))
    ]
    assert names == list(SEQUENCE_TASKS)


def test_builder_configs_are_created_per_length():
    builder_cls = _sequence_builders.AddingProblem
    config = builder_cls.get_builder_config("length_123")
    assert config.sequence_length == 123
    assert builder_cls.get_builder_config("length_123") is config
    assert builder_cls.get_builder_config("length_1") is None
    assert builder_cls.get_builder_config("width_5") is None
    assert builder_cls.default_sequence_length() == 50
    assert _sequence_builders.Parity.default_sequence_length() == 20


@pytest.mark.parametrize("path", sorted(CONF_DATA.glob("*.yaml")), ids=lambda p: p.stem)
def test_data_option_matches_registry(path):
    values = OmegaConf.load(path)
    cfg = OmegaConf.merge(OmegaConf.structured(DataConfig), values)
    assert cfg.name == path.stem
    assert cfg.data_dir is None
    data.validate(cfg.name, sequence_length=cfg.sequence_length)
    entry = data.spec(cfg.name)
    if data.takes_sequence_length(entry):
        # The option spells out the builder's default length.
        assert cfg.sequence_length == entry.builder.default_sequence_length()
    else:
        assert "sequence_length" not in values
    assert path.read_text().startswith("# ")
