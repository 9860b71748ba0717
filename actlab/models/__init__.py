"""Flax NNX models that take their hidden activations as callables.

``build_model(cfg, input_shape, num_outputs, activation=..., kernel_init=...)``
returns the factory the training loop calls as ``factory(rngs=nnx.Rngs(...))``.
Models never look up activation names; the caller passes functions.
"""

from actlab.models._init import INITIALIZERS, initializer, resolve_initializer
from actlab.models._layers import ActivationFactory
from actlab.models.build import ModelFactory, build_model
from actlab.models.cnn import CNN
from actlab.models.config import (
    CELLS,
    MODELS,
    NORMS,
    PADDINGS,
    POOLINGS,
    READOUTS,
    CNNConfig,
    MLPConfig,
    ModelConfig,
    RNNConfig,
    check,
    check_cnn,
    check_mlp,
    check_rnn,
    parse_padding,
)
from actlab.models.dropout import AlphaDropout
from actlab.models.mlp import MLP
from actlab.models.rnn import RNN

__all__ = [
    "CELLS",
    "CNN",
    "INITIALIZERS",
    "MLP",
    "MODELS",
    "NORMS",
    "PADDINGS",
    "POOLINGS",
    "READOUTS",
    "RNN",
    "ActivationFactory",
    "AlphaDropout",
    "CNNConfig",
    "MLPConfig",
    "ModelConfig",
    "ModelFactory",
    "RNNConfig",
    "build_model",
    "check",
    "check_cnn",
    "check_mlp",
    "check_rnn",
    "initializer",
    "parse_padding",
    "resolve_initializer",
]
