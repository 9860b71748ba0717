"""A registry entry: an actlab data set name, its TFDS builder and its task."""

from __future__ import annotations

import dataclasses

import tensorflow_datasets as tfds


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """A registered data set.

    Attributes:
      name: registry key, as written in configs.
      builder: TFDS builder class that provides a ``"train"`` and a ``"test"``
        split. Its ``info.supervised_keys`` name the input and label features.
      task: ``"binary"``, ``"multiclass"``, ``"multilabel"`` or
        ``"regression"``. None only for a TFDS catalog data set, whose task
        then follows from its label feature when it is loaded.
      summary: one-line description for listings.
      standardization: how the inputs are standardised, one of
        ``"per_feature"``, ``"per_channel"`` or ``"global"`` (see
        ``actlab.data._standardize``). None only for a TFDS catalog data set:
        ``"per_channel"`` if its input is an image, else ``"per_feature"``.
      catalog: for a data set from TFDS's catalog, its TFDS name
        (``"mnist"``, or ``"name/config:version"``). actlab never prepares such
        a data set; it reads what TFDS prepared in the data directory. None for
        the data sets that actlab's own builders generate.
    """

    name: str
    builder: type[tfds.core.DatasetBuilder]
    task: str | None
    summary: str = ""
    standardization: str | None = "per_feature"
    catalog: str | None = None

    @property
    def tfds_name(self) -> str:
        """The name the builder has in TFDS's registry and data directory."""
        return self.builder.name
