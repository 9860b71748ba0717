"""TFDS builders for data sets that ship with scikit-learn, so nothing downloads.

Each builder writes the fixed train/test split that ``ArrayBuilder`` describes:
25% of the samples go to the test split, stratified by class for
classification, with split seed 0.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import tensorflow_datasets as tfds

from actlab.data._array_builder import ArrayBuilder

_HOMEPAGE = "https://scikit-learn.org/stable/datasets/toy_dataset.html"


class SklearnBuilder(ArrayBuilder, skip_registration=True):
    """Base class for builders that wrap a data set bundled with scikit-learn."""

    HOMEPAGE: ClassVar[str] = _HOMEPAGE


class Digits(SklearnBuilder):
    name = "actlab_digits"
    FEATURE_SHAPE = (64,)
    DESCRIPTION = (
        "1,797 handwritten digits as 8x8 images of pixel counts 0-16, flattened "
        "to 64 features, 10 classes. Source: UCI Optical Recognition of "
        "Handwritten Digits test set, as bundled with scikit-learn."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.ClassLabel(names=[str(digit) for digit in range(10)])

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        bunch = datasets.load_digits()
        return bunch.data, bunch.target


class DigitsImages(Digits):
    """The digits as ``(8, 8, 1)`` images, in the same split as ``Digits``.

    The split depends only on the labels and the seed, so each image is in the
    same split as its flattened copy in ``Digits``, under the same key.
    """

    name = "actlab_digits_images"
    FEATURE_SHAPE = (8, 8, 1)
    DESCRIPTION = (
        "1,797 handwritten digits as 8x8 single-channel images of pixel counts "
        "0-16, 10 classes. Source: UCI Optical Recognition of Handwritten "
        "Digits test set, as bundled with scikit-learn."
    )


class DigitsSequence(Digits):
    """The digits as sequences of 8 rows of 8 pixels, in the split of ``Digits``."""

    name = "actlab_digits_sequence"
    FEATURE_SHAPE = (8, 8)
    DESCRIPTION = (
        "1,797 handwritten digits as sequences of 8 steps, one per image row "
        "from top to bottom, each with the row's 8 pixel counts 0-16 as "
        "features, 10 classes. Source: UCI Optical Recognition of Handwritten "
        "Digits test set, as bundled with scikit-learn."
    )


class BreastCancer(SklearnBuilder):
    name = "actlab_breast_cancer"
    FEATURE_SHAPE = (30,)
    DESCRIPTION = (
        "569 breast masses described by 30 features of cell nuclei, labelled "
        "malignant (0) or benign (1) as in scikit-learn. Source: UCI Breast "
        "Cancer Wisconsin (Diagnostic), as bundled with scikit-learn."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        # Same label order as scikit-learn's target_names.
        return tfds.features.ClassLabel(names=["malignant", "benign"])

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        bunch = datasets.load_breast_cancer()
        return bunch.data, bunch.target


class Diabetes(SklearnBuilder):
    name = "actlab_diabetes"
    FEATURE_SHAPE = (10,)
    LABEL_KEY = "target"
    DESCRIPTION = (
        "442 diabetes patients with 10 baseline features (age, sex, body mass "
        "index, blood pressure, six blood serum measurements) and one target, "
        "a measure of disease progression one year later. The features are the "
        "raw values, not scikit-learn's scaled ones. Source: Efron et al., "
        "Least Angle Regression (2004), as bundled with scikit-learn."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.Tensor(shape=(1,), dtype=np.float32)

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        # scaled=False returns the raw features. The default scales them with
        # statistics of all 442 samples, which would leak the test split.
        bunch = datasets.load_diabetes(scaled=False)
        return bunch.data, bunch.target.astype(np.float32).reshape(-1, 1)


class Linnerud(SklearnBuilder):
    name = "actlab_linnerud"
    FEATURE_SHAPE = (3,)
    LABEL_KEY = "target"
    DESCRIPTION = (
        "20 middle-aged men with 3 exercise features (chin-ups, sit-ups, "
        "jumps) and 3 physiological targets (weight, waist, pulse), a "
        "multi-output regression problem. Source: Tenenhaus, La regression "
        "PLS (1998), as bundled with scikit-learn."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.Tensor(shape=(3,), dtype=np.float32)

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        bunch = datasets.load_linnerud()
        return bunch.data, bunch.target.astype(np.float32)


class Wine(SklearnBuilder):
    name = "actlab_wine"
    FEATURE_SHAPE = (13,)
    DESCRIPTION = (
        "178 wines from three cultivars, described by 13 results of a chemical "
        "analysis (alcohol, malic acid, ash, ...), 3 classes. Source: UCI Wine "
        "Recognition, as bundled with scikit-learn."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        # Same label order and names as scikit-learn's target_names.
        return tfds.features.ClassLabel(names=["class_0", "class_1", "class_2"])

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        bunch = datasets.load_wine()
        return bunch.data, bunch.target


class Iris(SklearnBuilder):
    name = "actlab_iris"
    FEATURE_SHAPE = (4,)
    DESCRIPTION = (
        "150 iris flowers described by sepal and petal length and width in cm, "
        "3 species. Source: Fisher's Iris data (1936), as bundled with "
        "scikit-learn."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        # Same label order and names as scikit-learn's target_names.
        return tfds.features.ClassLabel(names=["setosa", "versicolor", "virginica"])

    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        from sklearn import datasets

        bunch = datasets.load_iris()
        return bunch.data, bunch.target
