"""TFDS builders for long-range sequence tasks whose length is a parameter.

Each sequence length is a TFDS BuilderConfig named ``length_N``, prepared in
its own directory ``<data_dir>/<builder name>/length_N/<version>``. A builder
draws ``NUM_TRAIN + NUM_TEST`` sequences from NumPy's default generator seeded
with ``DATA_SEED``; the first ``NUM_TRAIN`` are the train split and the rest
the test split. Changing a size, the seed or the generation needs a new
``VERSION``.
"""

from __future__ import annotations

import abc
import dataclasses
import functools
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import tensorflow_datasets as tfds

NUM_TRAIN = 5_000
NUM_TEST = 1_000
DATA_SEED = 0

_CONFIG_NAME = re.compile(r"length_([0-9]+)")


@dataclasses.dataclass(eq=False)
class SequenceLengthConfig(tfds.core.BuilderConfig):
    """A BuilderConfig that sets the number of steps of every sequence."""

    sequence_length: int = 0


@functools.cache
def length_config(sequence_length: int) -> SequenceLengthConfig:
    """Return the one config object for ``sequence_length``."""
    return SequenceLengthConfig(
        name=f"length_{sequence_length}",
        description=f"Sequences of {sequence_length} steps.",
        sequence_length=sequence_length,
    )


class SequenceTaskBuilder(tfds.core.GeneratorBasedBuilder, skip_registration=True):
    """Base class for tasks on sequences of shape ``(sequence_length, features)``.

    ``BUILDER_CONFIGS`` lists only the default length; ``get_builder_config``
    accepts ``length_N`` for any N of at least ``MIN_SEQUENCE_LENGTH``.
    """

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES: ClassVar[dict[str, str]] = {"1.0.0": "Initial release."}
    MIN_SEQUENCE_LENGTH: ClassVar[int]
    NUM_FEATURES: ClassVar[int]
    DESCRIPTION: ClassVar[str]

    @classmethod
    def default_sequence_length(cls) -> int:
        """Return the length of the default config, the first in the list."""
        return cls.BUILDER_CONFIGS[0].sequence_length

    @classmethod
    def config_name(cls, sequence_length: Any) -> str:
        """Return the config name for ``sequence_length``, after checking it.

        Raises:
          ValueError: unless ``sequence_length`` is an int of at least
            ``MIN_SEQUENCE_LENGTH``.
        """
        is_int = isinstance(sequence_length, int | np.integer) and not isinstance(
            sequence_length, bool
        )
        if not is_int or sequence_length < cls.MIN_SEQUENCE_LENGTH:
            raise ValueError(
                f"sequence_length={sequence_length!r} is invalid; it must be "
                f"an integer >= {cls.MIN_SEQUENCE_LENGTH}"
            )
        return length_config(int(sequence_length)).name

    @classmethod
    def get_builder_config(
        cls, name: str, version: Any = None
    ) -> SequenceLengthConfig | None:
        del version  # Every length has the builder's VERSION.
        match = _CONFIG_NAME.fullmatch(name)
        if match is None or int(match[1]) < cls.MIN_SEQUENCE_LENGTH:
            return None
        return length_config(int(match[1]))

    @abc.abstractmethod
    def _label_feature(self) -> tfds.features.FeatureConnector:
        """Return the TFDS feature that encodes the label or target."""

    @abc.abstractmethod
    def _generate_arrays(
        self, rng: np.random.Generator, num_sequences: int, sequence_length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``(num_sequences, sequence_length, NUM_FEATURES)`` inputs and labels."""

    def _info(self) -> tfds.core.DatasetInfo:
        shape = (self.builder_config.sequence_length, self.NUM_FEATURES)
        features = tfds.features.FeaturesDict(
            {
                "sequence": tfds.features.Tensor(shape=shape, dtype=np.float32),
                "label": self._label_feature(),
            }
        )
        return tfds.core.DatasetInfo(
            builder=self,
            description=self.DESCRIPTION,
            features=features,
            supervised_keys=("sequence", "label"),
        )

    def _split_generators(self, dl_manager: Any) -> dict[str, Iterator]:
        del dl_manager  # Generated, never downloaded.
        rng = np.random.default_rng(DATA_SEED)
        x, y = self._generate_arrays(
            rng, NUM_TRAIN + NUM_TEST, self.builder_config.sequence_length
        )
        return {
            "train": self._generate_examples(x, y, range(NUM_TRAIN)),
            "test": self._generate_examples(x, y, range(NUM_TRAIN, len(x))),
        }

    def _generate_examples(
        self, x: np.ndarray, y: np.ndarray, indices: range
    ) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
        for index in indices:
            yield index, {"sequence": x[index], "label": y[index]}


class AddingProblem(SequenceTaskBuilder):
    """The adding problem, a standard long-range regression for recurrent networks.

    Each step has two features: a value uniform on [0, 1) and a marker, 0 or 1.
    Exactly two steps are marked, one drawn uniformly from the first half of
    the sequence (the first ``length // 2`` steps) and one from the rest. The
    target is the sum of the two marked values, so the model has to carry the
    first one across up to ``length - 1`` steps.
    """

    name = "actlab_adding"
    BUILDER_CONFIGS: ClassVar[list[SequenceLengthConfig]] = [length_config(50)]
    MIN_SEQUENCE_LENGTH = 2
    NUM_FEATURES = 2
    DESCRIPTION = (
        "The adding problem: sequences of (value, marker) pairs with values "
        "uniform on [0, 1) and exactly two markers, one in each half; the "
        f"target is the sum of the two marked values. {NUM_TRAIN:,} train and "
        f"{NUM_TEST:,} test sequences, NumPy seed {DATA_SEED}."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.Tensor(shape=(1,), dtype=np.float32)

    def _generate_arrays(
        self, rng: np.random.Generator, num_sequences: int, sequence_length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        values = rng.random((num_sequences, sequence_length), dtype=np.float32)
        half = sequence_length // 2
        first = rng.integers(0, half, size=num_sequences)
        second = rng.integers(half, sequence_length, size=num_sequences)
        rows = np.arange(num_sequences)
        markers = np.zeros_like(values)
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        targets = values[rows, first] + values[rows, second]
        return np.stack([values, markers], axis=-1), targets.reshape(-1, 1)


class Parity(SequenceTaskBuilder):
    """The parity of a bit sequence, a binary classification.

    Each step has one feature, a bit drawn uniformly from {0, 1}. The label is
    the number of ones modulo 2, so it changes with every single bit and no
    step can be ignored.
    """

    name = "actlab_parity"
    BUILDER_CONFIGS: ClassVar[list[SequenceLengthConfig]] = [length_config(20)]
    MIN_SEQUENCE_LENGTH = 1
    NUM_FEATURES = 1
    DESCRIPTION = (
        "Parity: sequences of uniformly random bits, labelled even (0) or odd "
        f"(1) by their number of ones. {NUM_TRAIN:,} train and {NUM_TEST:,} "
        f"test sequences, NumPy seed {DATA_SEED}; for short lengths the splits "
        "share sequences, as there are only 2**length of them."
    )

    def _label_feature(self) -> tfds.features.FeatureConnector:
        return tfds.features.ClassLabel(names=["even", "odd"])

    def _generate_arrays(
        self, rng: np.random.Generator, num_sequences: int, sequence_length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        bits = rng.integers(0, 2, size=(num_sequences, sequence_length))
        labels = bits.sum(axis=1) % 2
        return bits.astype(np.float32)[..., None], labels
