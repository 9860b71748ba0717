"""Build a model factory from a model config, the way the training loop uses it."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import jax
from flax import nnx

from actlab.models._layers import Activation
from actlab.models.cnn import CNN
from actlab.models.config import CNNConfig, MLPConfig, ModelConfig, RNNConfig, check
from actlab.models.mlp import MLP
from actlab.models.rnn import RNN

# Called as ``factory(rngs=nnx.Rngs(...))``; returns a fresh model.
ModelFactory = Callable[..., nnx.Module]


def build_model(
    cfg: ModelConfig,
    input_shape: Sequence[int],
    num_outputs: int,
    *,
    activation: Activation | Sequence[Activation],
    gate_activation: Activation | None = None,
    kernel_init: jax.nn.initializers.Initializer,
    alpha_dropout: bool = False,
) -> ModelFactory:
    """Return a factory that builds the model ``cfg`` describes.

    Args:
      cfg: an ``MLPConfig``, ``CNNConfig`` or ``RNNConfig``.
      input_shape: shape of one example, without the batch axis.
      num_outputs: number of output units (logits).
      activation: the hidden activation, one callable or one per layer.
      gate_activation: the gate activation of LSTM and GRU cells; None means
        ``jax.nn.sigmoid``. Only the RNN uses it.
      kernel_init: initialiser of the hidden kernels, for example
        ``actlab.models.initializer(name, family)``. ``cfg.kernel_init`` is
        not read here, so the caller resolves it and can log its choice.
      alpha_dropout: use alpha dropout instead of dropout; set it for SELU.
        The RNN has no dropout and ignores it.

    Returns:
      ``factory(rngs=nnx.Rngs(...))``, which returns a fresh model.

    Raises:
      ValueError: if ``cfg`` is invalid, the input shape does not suit the
        model, or ``activation`` has the wrong number of entries.
    """
    check(cfg)
    factory = _factory(
        cfg,
        tuple(int(size) for size in input_shape),
        num_outputs,
        activation=activation,
        gate_activation=gate_activation,
        kernel_init=kernel_init,
        alpha_dropout=alpha_dropout,
    )
    # Building once without allocating weights raises the shape and length
    # errors here rather than inside the training loop's initialisation.
    nnx.eval_shape(lambda: factory(rngs=nnx.Rngs(0)))
    return factory


def _factory(
    cfg: ModelConfig,
    input_shape: tuple[int, ...],
    num_outputs: int,
    *,
    activation: Activation | Sequence[Activation],
    gate_activation: Activation | None,
    kernel_init: jax.nn.initializers.Initializer,
    alpha_dropout: bool,
) -> ModelFactory:
    if isinstance(cfg, MLPConfig):
        return functools.partial(
            MLP,
            math.prod(input_shape),
            list(cfg.hidden_sizes),
            num_outputs,
            activation=activation,
            kernel_init=kernel_init,
            residual=cfg.residual,
            norm=cfg.norm,
            dropout=cfg.dropout,
            alpha_dropout=alpha_dropout,
        )
    if isinstance(cfg, CNNConfig):
        return functools.partial(
            CNN,
            input_shape,
            num_outputs,
            channels=list(cfg.channels),
            kernel_sizes=list(cfg.kernel_sizes),
            strides=list(cfg.strides),
            padding=cfg.padding,
            pooling=cfg.pooling,
            pool_size=cfg.pool_size,
            norm=cfg.norm,
            dense_sizes=list(cfg.dense_sizes),
            dropout=cfg.dropout,
            activation=activation,
            kernel_init=kernel_init,
            alpha_dropout=alpha_dropout,
        )
    assert isinstance(cfg, RNNConfig)  # check() accepts only the three classes
    return functools.partial(
        RNN,
        input_shape,
        num_outputs,
        cell=cfg.cell,
        hidden_size=cfg.hidden_size,
        num_layers=cfg.num_layers,
        bidirectional=cfg.bidirectional,
        activation=activation,
        gate_activation=gate_activation,
        kernel_init=kernel_init,
        readout=cfg.readout,
    )
