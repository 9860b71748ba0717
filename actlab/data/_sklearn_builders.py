"""TFDS builders for data sets that ship with scikit-learn, so nothing downloads.

Each builder writes a fixed train/test split. ``TEST_FRACTION`` of the samples
go to the test split, chosen by scikit-learn's ``train_test_split`` with
``random_state=SPLIT_SEED`` and stratified by class for classification. The
split is part of the prepared data, so every run and every seed of an
experiment trains and evaluates on the same samples.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import tensorflow_datasets as tfds

TEST_FRACTION = 0.25
SPLIT_SEED = 0

_HOMEPAGE = "https://scikit-learn.org/stable/datasets/toy_dataset.html"


class SklearnBuilder(tfds.core.GeneratorBasedBuilder, skip_registration=True):
    """Base class for builders that wrap a data set bundled with scikit-learn.

    A record contains ``"features"``, a float32 vector of ``NUM_FEATURES``
    values, and the label or target under ``LABEL_KEY``. Changing the features,
    the labels, ``TEST_FRACTION`` or ``SPLIT_SEED`` changes the prepared data,
    so it needs a new ``VERSION``; otherwise TFDS keeps reading the old files.
    """

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES: ClassVar[dict[str, str]] = {"1.0.0": "Initial release."}
    NUM_FEATURES: ClassVar[int]
    LABEL_KEY: ClassVar[str] = "label"
    DESCRIPTION: ClassVar[str]

    @abc.abstractmethod
    def _label_feature(self) -> tfds.features.FeatureConnector:
        """Return the TFDS feature that encodes the label or target."""

    @abc.abstractmethod
    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Load all samples: features ``(n, NUM_FEATURES)`` and labels."""

    def _info(self) -> tfds.core.DatasetInfo:
        features = tfds.features.FeaturesDict(
            {
                "features": tfds.features.Tensor(
                    shape=(self.NUM_FEATURES,), dtype=np.float32
                ),
                self.LABEL_KEY: self._label_feature(),
            }
        )
        return tfds.core.DatasetInfo(
            builder=self,
            description=self.DESCRIPTION,
            features=features,
            supervised_keys=("features", self.LABEL_KEY),
            homepage=_HOMEPAGE,
        )

    def _split_generators(self, dl_manager: Any) -> dict[str, Iterator]:
        # Imported here because scikit-learn takes over a second to import
        # and is needed only while preparing.
        from sklearn import model_selection

        del dl_manager  # The data ships with scikit-learn.
        x, y = self._load_arrays()
        label_feature = self.info.features[self.LABEL_KEY]
        is_classification = isinstance(label_feature, tfds.features.ClassLabel)
        train, test = model_selection.train_test_split(
            np.arange(len(x)),
            test_size=TEST_FRACTION,
            random_state=SPLIT_SEED,
            stratify=y if is_classification else None,
        )
        return {
            "train": self._generate_examples(x, y, train),
            "test": self._generate_examples(x, y, test),
        }

    def _generate_examples(
        self, x: np.ndarray, y: np.ndarray, indices: np.ndarray
    ) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
        # The key is the row in scikit-learn's arrays. TFDS orders the records
        # by a hash of the key, so the order is the same on every machine.
        for index in indices:
            record = {"features": x[index].astype(np.float32), self.LABEL_KEY: y[index]}
            yield int(index), record


class Digits(SklearnBuilder):
    name = "actlab_digits"
    NUM_FEATURES = 64
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


class BreastCancer(SklearnBuilder):
    name = "actlab_breast_cancer"
    NUM_FEATURES = 30
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
    NUM_FEATURES = 10
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
