"""The data set registry: actlab names mapped to TFDS builders and task kinds."""

from __future__ import annotations

import dataclasses

import tensorflow_datasets as tfds

from actlab.data._dataset import TASKS


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """A registered data set.

    Attributes:
      name: registry key, as written in configs.
      builder: TFDS builder class that provides a ``"train"`` and a ``"test"``
        split. Its ``info.supervised_keys`` name the input and label features.
      task: ``"binary"``, ``"multiclass"``, ``"multilabel"`` or
        ``"regression"``.
      summary: one-line description for listings.
    """

    name: str
    builder: type[tfds.core.DatasetBuilder]
    task: str
    summary: str = ""

    @property
    def tfds_name(self) -> str:
        """The name the builder has in TFDS's registry and data directory."""
        return self.builder.name


_REGISTRY: dict[str, DatasetSpec] = {}


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add ``spec`` to the registry; a name can be registered only once."""
    if spec.name in _REGISTRY:
        raise ValueError(
            f"data set {spec.name!r} is already registered; choose another name"
        )
    if spec.task not in TASKS:
        raise ValueError(
            f"task={spec.task!r} of data set {spec.name!r} is invalid; "
            f"expected one of: {', '.join(TASKS)}"
        )
    _REGISTRY[spec.name] = spec
    return spec


def available() -> tuple[str, ...]:
    """Return the registered data set names, sorted."""
    return tuple(sorted(_REGISTRY))


def spec(name: str) -> DatasetSpec:
    """Return the registry entry for ``name``.

    Raises:
      ValueError: if ``name`` is not registered; the message lists the names.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown data set {name!r}; available: {', '.join(available())}"
        ) from None
