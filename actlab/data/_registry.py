"""The data set registry: actlab names mapped to TFDS builders and task kinds."""

from __future__ import annotations

from actlab.data import _tfds_catalog
from actlab.data._dataset import TASKS
from actlab.data._spec import DatasetSpec
from actlab.data._standardize import STANDARDIZATIONS

_REGISTRY: dict[str, DatasetSpec] = {}


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add ``spec`` to the registry; a name can be registered only once."""
    if spec.name in _REGISTRY:
        raise ValueError(
            f"data set {spec.name!r} is already registered; choose another name"
        )
    if spec.name.startswith(_tfds_catalog.PREFIX):
        raise ValueError(
            f"data set name {spec.name!r} is invalid; the prefix "
            f"{_tfds_catalog.PREFIX!r} is reserved for TFDS catalog names"
        )
    # A TFDS catalog data set may leave both to be read from its features.
    is_catalog = spec.catalog is not None
    if spec.task not in TASKS and not (is_catalog and spec.task is None):
        raise ValueError(
            f"task={spec.task!r} of data set {spec.name!r} is invalid; "
            f"expected one of: {', '.join(TASKS)}"
        )
    if spec.standardization not in STANDARDIZATIONS and not (
        is_catalog and spec.standardization is None
    ):
        raise ValueError(
            f"standardization={spec.standardization!r} of data set "
            f"{spec.name!r} is invalid; expected one of: "
            f"{', '.join(STANDARDIZATIONS)}"
        )
    _REGISTRY[spec.name] = spec
    return spec


def available() -> tuple[str, ...]:
    """Return the registered data set names, sorted.

    Any data set in TFDS's catalog also loads as ``"tfds:NAME"``; those names
    are not listed.
    """
    return tuple(sorted(_REGISTRY))


def spec(name: str) -> DatasetSpec:
    """Return the registry entry for ``name``.

    ``name`` is a registered name, or ``"tfds:"`` and a name from TFDS's
    catalog, such as ``"tfds:kmnist"`` or ``"tfds:cifar10_corrupted/brightness_1"``.

    Raises:
      ValueError: if ``name`` is neither; the message lists the names.
    """
    if name.startswith(_tfds_catalog.PREFIX):
        return _tfds_catalog.catalog_spec(name)
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown data set {name!r}; available: {', '.join(available())}, "
            f"or {_tfds_catalog.PREFIX}NAME for a data set of TFDS's catalog"
        ) from None
