"""Data sets as TFDS builders, loaded into standardised NumPy arrays.

``load(name, data_dir=None)`` prepares the data set as ``array_record`` files
in the TFDS data directory on first use and reads it without TensorFlow.
``available()`` lists the names and ``spec(name)`` returns a registry entry.
The train/test split is fixed by each builder, and the standardisation
statistics come from the train split only.

Data sets from TFDS's catalog (``mnist``, ``cifar10``, or any other as
``"tfds:NAME"``) need a network and TensorFlow to prepare, so actlab only
reads them from the data directory. Where one is missing, ``load`` raises
``DataNotPreparedError`` with the command that prepares it.

Example:
  >>> from actlab import data
  >>> digits = data.load("digits")
  >>> digits.x_train.shape, digits.num_outputs
  ((1347, 64), 10)
  >>> data.load("adding", sequence_length=100).x_train.shape
  (5000, 100, 2)
"""

from actlab.data import _catalog  # noqa: F401  (registers the data sets)
from actlab.data._dataset import TASKS, Dataset
from actlab.data._load import load, load_spec, takes_sequence_length, validate
from actlab.data._prepare import lock_path, prepare
from actlab.data._registry import available, register, spec
from actlab.data._spec import DatasetSpec
from actlab.data._standardize import STANDARDIZATIONS
from actlab.data._tfds_catalog import DataNotPreparedError

__all__ = [
    "STANDARDIZATIONS",
    "TASKS",
    "DataNotPreparedError",
    "Dataset",
    "DatasetSpec",
    "available",
    "load",
    "load_spec",
    "lock_path",
    "prepare",
    "register",
    "spec",
    "takes_sequence_length",
    "validate",
]
