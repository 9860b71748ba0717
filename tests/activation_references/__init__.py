"""Per-family reference tables of the activation tests, merged into one.

Each module in this package defines ``REFERENCES``, a dict from registry name
to ``Reference``; add a module for a new family and list it in ``_FAMILIES``.
"""

from __future__ import annotations

import importlib

from activation_references._reference import Reference

_FAMILIES = ("classic", "squashers", "rectifiers")

REFERENCES: dict[str, Reference] = {}
for _family in _FAMILIES:
    _module = importlib.import_module(f"activation_references.{_family}")
    _duplicates = set(REFERENCES) & set(_module.REFERENCES)
    if _duplicates:
        raise ValueError(
            f"activation_references.{_family} redefines {sorted(_duplicates)}"
        )
    REFERENCES.update(_module.REFERENCES)

__all__ = ["REFERENCES", "Reference"]
