"""A TFDS builder base for data held in memory as arrays, split by scikit-learn.

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


class ArrayBuilder(tfds.core.GeneratorBasedBuilder, skip_registration=True):
    """Base class for builders whose samples are NumPy arrays made in memory.

    A record contains ``"features"``, a float32 array of shape ``FEATURE_SHAPE``,
    and the label or target under ``LABEL_KEY``. Changing the features, the
    labels, ``TEST_FRACTION`` or ``SPLIT_SEED`` changes the prepared data, so it
    needs a new ``VERSION``; otherwise TFDS keeps reading the old files.
    """

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES: ClassVar[dict[str, str]] = {"1.0.0": "Initial release."}
    FEATURE_SHAPE: ClassVar[tuple[int, ...]]
    LABEL_KEY: ClassVar[str] = "label"
    DESCRIPTION: ClassVar[str]
    HOMEPAGE: ClassVar[str] = ""

    @abc.abstractmethod
    def _label_feature(self) -> tfds.features.FeatureConnector:
        """Return the TFDS feature that encodes the label or target."""

    @abc.abstractmethod
    def _load_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Load all samples: features with ``n`` rows, and labels."""

    def _info(self) -> tfds.core.DatasetInfo:
        features = tfds.features.FeaturesDict(
            {
                "features": tfds.features.Tensor(
                    shape=self.FEATURE_SHAPE, dtype=np.float32
                ),
                self.LABEL_KEY: self._label_feature(),
            }
        )
        return tfds.core.DatasetInfo(
            builder=self,
            description=self.DESCRIPTION,
            features=features,
            supervised_keys=("features", self.LABEL_KEY),
            homepage=self.HOMEPAGE or None,
        )

    def _split_generators(self, dl_manager: Any) -> dict[str, Iterator]:
        # Imported here because scikit-learn takes over a second to import
        # and is needed only while preparing.
        from sklearn import model_selection

        del dl_manager  # Nothing downloads.
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
        # The key is the row in the source arrays. TFDS orders the records by a
        # hash of the key, so the order is the same on every machine.
        for index in indices:
            features = x[index].reshape(self.FEATURE_SHAPE).astype(np.float32)
            yield int(index), {"features": features, self.LABEL_KEY: y[index]}
