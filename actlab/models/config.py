"""Typed settings of each model family, and the checks that run before building.

These are plain dataclasses: Hydra stores them as structured configs, and
notebooks and tests build them directly. Error messages name fields as
``model.<field>``, the way Hydra overrides spell them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from actlab.models._init import INITIALIZERS

MODELS = ("mlp", "cnn", "rnn")
NORMS = ("none", "batch", "layer")
POOLINGS = ("none", "max", "avg")
# Named paddings; ``CNNConfig.padding`` also takes an integer >= 0.
PADDINGS = ("same", "valid")
CELLS = ("simple", "lstm", "gru")
READOUTS = ("last", "flatten", "mean")


@dataclasses.dataclass
class MLPConfig:
    """Settings of the multilayer perceptron.

    Attributes:
      name: ``"mlp"``.
      hidden_sizes: width of each hidden layer, each >= 1; at least one layer.
      kernel_init: ``"auto"`` picks the initialiser suited to the activation
        (He for ReLU-like, LeCun normal for SELU, Glorot for tanh- and
        sigmoid-like); or one of ``actlab.models.INITIALIZERS``.
      residual: add each hidden layer's input to its output where the two
        widths match.
      norm: normalisation before each hidden activation: ``"none"``,
        ``"batch"`` (running statistics with momentum 0.9) or ``"layer"``.
      dropout: drop rate after each hidden activation, in [0, 1); 0 disables
        it.
    """

    name: str = "mlp"
    hidden_sizes: list[int] = dataclasses.field(default_factory=lambda: [256, 256])
    kernel_init: str = "auto"
    residual: bool = False
    norm: str = "none"
    dropout: float = 0.0


@dataclasses.dataclass
class CNNConfig:
    """Settings of the convolutional network.

    The input is ``(length, channels)`` per example for 1-D convolutions or
    ``(height, width, channels)`` for 2-D ones. An input of one axis, such as
    a sequence of 40 values, gets a channel axis of size 1.

    Attributes:
      name: ``"cnn"``.
      channels: output channels of each convolution block, each >= 1; at
        least one block.
      kernel_sizes: kernel size of each block (square in 2-D), each >= 1.
      strides: convolution stride of each block, each >= 1.
      padding: ``"same"``, ``"valid"``, or an integer >= 0: that many zeros
        added at both ends of every spatial axis, as in PyTorch's ``Conv1d``
        and ``Conv2d``.
      pooling: pooling after each block's activation: ``"none"``, ``"max"``
        or ``"avg"``.
      pool_size: pooling window and stride, >= 1.
      norm: normalisation between each convolution and its activation:
        ``"none"``, ``"batch"`` or ``"layer"`` (over the channels at each
        position).
      dense_sizes: width of each hidden dense layer of the head, each >= 1;
        may be empty.
      dropout: drop rate after each hidden dense layer, in [0, 1).
      kernel_init: as for the MLP.
    """

    name: str = "cnn"
    channels: list[int] = dataclasses.field(default_factory=lambda: [16, 32])
    kernel_sizes: list[int] = dataclasses.field(default_factory=lambda: [3, 3])
    strides: list[int] = dataclasses.field(default_factory=lambda: [1, 1])
    padding: str | int = "same"
    pooling: str = "max"
    pool_size: int = 2
    norm: str = "none"
    dense_sizes: list[int] = dataclasses.field(default_factory=lambda: [64])
    dropout: float = 0.0
    kernel_init: str = "auto"


@dataclasses.dataclass
class RNNConfig:
    """Settings of the recurrent network.

    The input is ``(steps, features)`` per example; an input of one axis gets
    a feature axis of size 1.

    Attributes:
      name: ``"rnn"``.
      cell: ``"simple"`` (Elman), ``"lstm"`` or ``"gru"``.
      hidden_size: units of each cell and direction, >= 1.
      num_layers: stacked recurrent layers, >= 1.
      bidirectional: run a second cell of each layer from the last step to
        the first and concatenate both directions.
      kernel_init: initialiser of the input kernels, as for the MLP. The
        recurrent kernels stay orthogonal.
      gate_activation: registry name of the gate activation of LSTM and GRU
        cells; the simple cell has no gates.
      readout: what the output layer reads from the last recurrent layer:
        ``"last"``, the final hidden state (both directions' final states
        when bidirectional); ``"flatten"``, the outputs of every step
        concatenated, ``steps * units`` features; ``"mean"``, the outputs
        averaged over the steps.
    """

    name: str = "rnn"
    cell: str = "lstm"
    hidden_size: int = 64
    num_layers: int = 1
    bidirectional: bool = False
    kernel_init: str = "auto"
    gate_activation: str = "sigmoid"
    readout: str = "last"


ModelConfig = MLPConfig | CNNConfig | RNNConfig

_NAMES: dict[type, str] = {MLPConfig: "mlp", CNNConfig: "cnn", RNNConfig: "rnn"}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _check_choice(field: str, value: Any, allowed: Sequence[str]) -> None:
    _require(
        value in allowed,
        f"model.{field}={value!r} is invalid; available: {', '.join(allowed)}",
    )


def _check_sizes(field: str, values: Sequence[int], example: str) -> None:
    """Require one or more integers >= 1."""
    _require(
        len(values) >= 1 and all(value >= 1 for value in values),
        f"model.{field}={list(values)} is invalid; give one or more values, "
        f"each >= 1, for example model.{field}={example}",
    )


def _check_per_block(field: str, values: Sequence[int], num_blocks: int) -> None:
    """Require one integer >= 1 for each convolution block."""
    _require(
        len(values) == num_blocks and all(value >= 1 for value in values),
        f"model.{field}={list(values)} is invalid; give one value >= 1 for each "
        f"of the {num_blocks} entries of model.channels",
    )


def parse_padding(value: str | int, field: str = "padding") -> str | int:
    """Return a CNN padding: ``"same"``, ``"valid"`` or an integer >= 0.

    Hydra passes ``padding: 1`` as the integer 1. Strings of digits, floats and
    booleans are invalid, so a typo cannot turn into a padding silently.

    Raises:
      ValueError: naming ``field`` and the value, for any other value.
    """
    if value in PADDINGS:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError(
        f"{field}={value!r} is invalid; give same, valid or an integer >= 0 "
        f"(zeros added at both ends of each spatial axis), for example {field}=1"
    )


def _check_dropout(rate: float) -> None:
    _require(
        0 <= rate < 1,
        f"model.dropout={rate} is invalid; it must be in [0, 1) (0 disables it)",
    )


def _check_kernel_init(name: str) -> None:
    _check_choice("kernel_init", name, ("auto", *INITIALIZERS))


def check_mlp(cfg: MLPConfig) -> None:
    """Raise ValueError naming the first invalid field of ``cfg``."""
    _check_sizes("hidden_sizes", cfg.hidden_sizes, "[256,256]")
    _check_kernel_init(cfg.kernel_init)
    _check_choice("norm", cfg.norm, NORMS)
    _check_dropout(cfg.dropout)


def check_cnn(cfg: CNNConfig) -> None:
    """Raise ValueError naming the first invalid field of ``cfg``."""
    _check_sizes("channels", cfg.channels, "[16,32]")
    _check_per_block("kernel_sizes", cfg.kernel_sizes, len(cfg.channels))
    _check_per_block("strides", cfg.strides, len(cfg.channels))
    parse_padding(cfg.padding, "model.padding")
    _check_choice("pooling", cfg.pooling, POOLINGS)
    _require(
        cfg.pool_size >= 1,
        f"model.pool_size={cfg.pool_size} is invalid; it must be >= 1",
    )
    _check_choice("norm", cfg.norm, NORMS)
    _require(
        all(size >= 1 for size in cfg.dense_sizes),
        f"model.dense_sizes={list(cfg.dense_sizes)} is invalid; each width must "
        "be >= 1 (an empty list gives no hidden dense layer)",
    )
    _check_dropout(cfg.dropout)
    _check_kernel_init(cfg.kernel_init)


def check_rnn(cfg: RNNConfig) -> None:
    """Raise ValueError naming the first invalid field of ``cfg``.

    ``gate_activation`` is only checked to be a non-empty name, because
    models do not look up activations; the caller resolves it.
    """
    _check_choice("cell", cfg.cell, CELLS)
    for field in ("hidden_size", "num_layers"):
        value = getattr(cfg, field)
        _require(value >= 1, f"model.{field}={value} is invalid; it must be >= 1")
    _check_kernel_init(cfg.kernel_init)
    _check_choice("readout", cfg.readout, READOUTS)
    _require(
        isinstance(cfg.gate_activation, str) and cfg.gate_activation != "",
        f"model.gate_activation={cfg.gate_activation!r} is invalid; give an "
        "activation name, for example model.gate_activation=sigmoid",
    )


_CHECKS = {MLPConfig: check_mlp, CNNConfig: check_cnn, RNNConfig: check_rnn}


def check(cfg: ModelConfig) -> None:
    """Raise ValueError naming the first invalid field of a model config.

    Args:
      cfg: an ``MLPConfig``, ``CNNConfig`` or ``RNNConfig``; its ``name`` must
        match its class.
    """
    _check_choice("name", cfg.name, MODELS)
    expected = _NAMES.get(type(cfg))
    _require(
        expected is not None,
        f"model config {cfg!r} is invalid; expected an MLPConfig, CNNConfig or "
        "RNNConfig",
    )
    _require(
        cfg.name == expected,
        f"model.name={cfg.name!r} is invalid for the {expected} settings; "
        f"choose another model with model={cfg.name} instead of overriding "
        "model.name",
    )
    _CHECKS[type(cfg)](cfg)
