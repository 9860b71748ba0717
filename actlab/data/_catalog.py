"""The data sets actlab ships: each actlab name mapped to its TFDS builder.

The TFDS names start with ``actlab_``, a prefix that no data set in TFDS's own
catalogue uses. Adding a data set takes a builder and one ``register`` call.
"""

from actlab.data import _sklearn_builders
from actlab.data._registry import DatasetSpec, register

register(
    DatasetSpec(
        name="breast_cancer",
        builder=_sklearn_builders.BreastCancer,
        task="binary",
        summary="569 breast masses, 30 features, malignant or benign",
    )
)
register(
    DatasetSpec(
        name="diabetes",
        builder=_sklearn_builders.Diabetes,
        task="regression",
        summary="442 patients, 10 features, disease progression after a year",
    )
)
register(
    DatasetSpec(
        name="digits",
        builder=_sklearn_builders.Digits,
        task="multiclass",
        summary="1,797 handwritten 8x8 digits, 64 features, 10 classes",
    )
)
