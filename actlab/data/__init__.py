"""Data sets as TFDS builders, loaded into standardised NumPy arrays.

``load(name, data_dir=None)`` prepares the data set as ``array_record`` files
in the TFDS data directory on first use and reads it without TensorFlow.
``available()`` lists the names and ``spec(name)`` returns a registry entry.
The train/test split is fixed by each builder, and the standardisation
statistics come from the train split only.

Example:
  >>> from actlab import data
  >>> digits = data.load("digits")
  >>> digits.x_train.shape, digits.num_outputs
  ((1347, 64), 10)
"""

from actlab.data import _catalog  # noqa: F401  (registers the data sets)
from actlab.data._dataset import TASKS, Dataset
from actlab.data._load import load, load_spec
from actlab.data._prepare import lock_path, prepare
from actlab.data._registry import DatasetSpec, available, register, spec

__all__ = [
    "TASKS",
    "Dataset",
    "DatasetSpec",
    "available",
    "load",
    "load_spec",
    "lock_path",
    "prepare",
    "register",
    "spec",
]
