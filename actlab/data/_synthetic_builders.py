"""TFDS builders for synthetic tabular data, generated with a fixed seed.

Each data set has ``NUM_SAMPLES`` samples drawn with ``DATA_SEED`` and the
fixed train/test split that ``ArrayBuilder`` describes: 25% of the samples go
to the test split, stratified by class for binary labels, with split seed 0.
Changing a size, a noise level or a seed needs a new ``VERSION``.
"""

from __future__ import annotations

import numpy as np
import tensorflow_datasets as tfds

from actlab.data._array_builder import ArrayBuilder

NUM_SAMPLES = 2000
DATA_SEED = 0

_SKLEARN_API = "https://scikit-learn.org/stable/modules/generated/sklearn.datasets."


class Moons(ArrayBuilder):
    """Two interleaving half circles (scikit-learn's ``make_moons``).

    Label 0 is the upper half circle of radius 1 around (0, 0), label 1 the
    lower one around (1, 0.5). Gaussian noise of std ``NOISE`` is added to
    each coordinate.
    """

    name = "actlab_moons"
    FEATURE_SHAPE = (2,)
    NOISE = 0.2
    HOMEPAGE = _SKLEARN_API + "make_moons.html"
    DESCRIPTION = (
        f"{NUM_SAMPLES:,} points in 2-D on two interleaving half circles with "
        f"Gaussian noise of std {NOISE}, 2 classes (scikit-learn's make_moons, "
        f"random_state={DATA_SEED})."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.ClassLabel(names=["upper", "lower"])

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        return datasets.make_moons(
            n_samples=NUM_SAMPLES, noise=self.NOISE, random_state=DATA_SEED
        )


def make_spirals(
    num_samples: int, turns: float, noise: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return points on two interleaved Archimedean spirals and their labels.

    A point of class ``k`` (0 or 1) at position ``t ~ U(0, 1)`` along its arm
    is ``t * (cos(a), sin(a))`` with angle ``a = 2 * pi * turns * t + k * pi``,
    plus Gaussian noise of std ``noise`` on each coordinate. The arms are
    rotated by half a turn against each other, so neighbouring arms of the two
    classes are ``1 / (2 * turns)`` apart in radius.

    Args:
      num_samples: even number of points, half of them in each class.
      turns: turns of each arm around the origin.
      noise: std of the noise, in units of the outer radius 1.
      seed: seed of NumPy's default generator.
    """
    rng = np.random.default_rng(seed)
    labels = np.repeat([0, 1], num_samples // 2)
    position = rng.uniform(0.0, 1.0, size=len(labels))
    angle = 2 * np.pi * turns * position + np.pi * labels
    points = position[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    points += rng.normal(0.0, noise, size=points.shape)
    return points, labels


class Spirals(ArrayBuilder):
    """Two interleaved spirals, a classic hard case for a non-linear boundary.

    See ``make_spirals``: ``TURNS`` turns per arm and Gaussian noise of std
    ``NOISE``, small against the ``1 / (2 * TURNS)`` gap between the arms.
    """

    name = "actlab_spirals"
    FEATURE_SHAPE = (2,)
    TURNS = 2.0
    NOISE = 0.05
    DESCRIPTION = (
        f"{NUM_SAMPLES:,} points in 2-D on two interleaved Archimedean spirals "
        f"of {TURNS:g} turns and outer radius 1, with Gaussian noise of std "
        f"{NOISE}, 2 classes, one per spiral (NumPy seed {DATA_SEED})."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.ClassLabel(names=["first", "second"])

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return make_spirals(NUM_SAMPLES, self.TURNS, self.NOISE, DATA_SEED)


class Friedman1(ArrayBuilder):
    """Friedman's regression problem #1 (scikit-learn's ``make_friedman1``).

    ``y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4`` plus Gaussian
    noise of std ``NOISE``, with 10 features uniform on [0, 1], of which the
    last 5 do not affect ``y``.
    """

    name = "actlab_friedman1"
    FEATURE_SHAPE = (10,)
    LABEL_KEY = "target"
    NOISE = 1.0
    HOMEPAGE = _SKLEARN_API + "make_friedman1.html"
    DESCRIPTION = (
        f"{NUM_SAMPLES:,} samples of Friedman's regression problem #1: 10 "
        "features uniform on [0, 1], of which 5 enter the target "
        "10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4, plus Gaussian noise "
        f"of std {NOISE} (scikit-learn's make_friedman1, "
        f"random_state={DATA_SEED}). Source: Friedman, Multivariate Adaptive "
        "Regression Splines (1991)."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.Tensor(shape=(1,), dtype=np.float32)

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        x, y = datasets.make_friedman1(
            n_samples=NUM_SAMPLES,
            n_features=self.FEATURE_SHAPE[0],
            noise=self.NOISE,
            random_state=DATA_SEED,
        )
        return x, y.astype(np.float32).reshape(-1, 1)


class Multilabel(ArrayBuilder):
    """Documents on several topics, from ``make_multilabel_classification``.

    Each sample has ``NUM_LABELS`` 0/1 labels, on average ``MEAN_LABELS`` of
    them 1 and possibly none, and 20 features that are word counts drawn from
    the topics that are 1.
    """

    name = "actlab_multilabel"
    FEATURE_SHAPE = (20,)
    NUM_LABELS = 5
    MEAN_LABELS = 2
    HOMEPAGE = _SKLEARN_API + "make_multilabel_classification.html"
    DESCRIPTION = (
        f"{NUM_SAMPLES:,} samples with 20 word-count features and {NUM_LABELS} "
        f"0/1 labels, {MEAN_LABELS} of them 1 on average (scikit-learn's "
        f"make_multilabel_classification, random_state={DATA_SEED})."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.Tensor(shape=(self.NUM_LABELS,), dtype=np.int64)

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        return datasets.make_multilabel_classification(
            n_samples=NUM_SAMPLES,
            n_features=self.FEATURE_SHAPE[0],
            n_classes=self.NUM_LABELS,
            n_labels=self.MEAN_LABELS,
            random_state=DATA_SEED,
        )
