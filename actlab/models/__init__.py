"""Flax NNX models that take their hidden activation as a callable."""

from actlab.models._init import INITIALIZERS, initializer, resolve_initializer
from actlab.models.mlp import MLP

__all__ = ["INITIALIZERS", "MLP", "initializer", "resolve_initializer"]
