"""Convolutional network for 1-D and 2-D inputs with an activation per layer."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import jax
from flax import nnx

from actlab.models._layers import (
    Activation,
    DenseBlock,
    instantiate,
    make_norm,
    per_layer,
)
from actlab.models.config import parse_padding


def _conv_size(size: int, kernel: int, stride: int, padding: str | int) -> int:
    """Return the length of one spatial axis after a convolution."""
    if padding == "same":
        return math.ceil(size / stride)
    if padding == "valid":
        padding = 0
    # Floor division, as in PyTorch: positions where the kernel would overhang
    # the padded input are dropped. Negative when the kernel does not fit.
    return (size + 2 * padding - kernel) // stride + 1


def _flax_padding(padding: str | int) -> str | int:
    """Return ``padding`` as ``nnx.Conv`` takes it: ``"SAME"``, ``"VALID"`` or int."""
    if isinstance(padding, str):
        return padding.upper()
    return padding


class ConvBlock(nnx.Module):
    """Convolution, optional norm, activation, optional pooling.

    Args:
      in_features: input channels.
      out_features: output channels.
      spatial_dims: 1 for sequences, 2 for images.
      kernel_size: kernel length along every spatial axis.
      stride: convolution stride along every spatial axis.
      padding: ``"same"``, ``"valid"``, or the number of zeros added at both
        ends of every spatial axis.
      norm: ``"none"``, ``"batch"`` or ``"layer"`` over the channels.
      pooling: ``"none"``, ``"max"`` or ``"avg"``.
      pool_size: pooling window and stride along every spatial axis.
      activation: function applied after the norm.
      kernel_init: initialiser of the convolution kernel.
      rngs: random streams for initialisation.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        spatial_dims: int,
        kernel_size: int,
        stride: int,
        padding: str | int,
        norm: str,
        pooling: str,
        pool_size: int,
        activation: Activation,
        kernel_init: jax.nn.initializers.Initializer,
        rngs: nnx.Rngs,
    ):
        self.conv = nnx.Conv(
            in_features,
            out_features,
            (kernel_size,) * spatial_dims,
            (stride,) * spatial_dims,
            padding=_flax_padding(padding),
            use_bias=norm != "batch",
            kernel_init=kernel_init,
            rngs=rngs,
        )
        self.norm = make_norm(norm, out_features, rngs)
        self.activation = instantiate(activation, out_features, rngs)
        self.pooling = pooling
        self.window = (pool_size,) * spatial_dims

    def __call__(self, x: jax.Array) -> jax.Array:
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        x = self.activation(x)
        if self.pooling == "max":
            x = nnx.max_pool(x, self.window, strides=self.window, padding="VALID")
        elif self.pooling == "avg":
            x = nnx.avg_pool(x, self.window, strides=self.window, padding="VALID")
        return x


class CNN(nnx.Module):
    """Convolution blocks, then a dense head, then a linear output layer.

    Each convolution block is convolution, optional norm, activation and
    optional pooling. The head flattens the last block's output and applies
    dense layers, each followed by its activation and optional dropout. The
    output layer returns logits.

    Args:
      input_shape: shape of one example: ``(length,)`` or ``(length,
        channels)`` for 1-D convolutions, ``(height, width, channels)`` for
        2-D convolutions. A ``(length,)`` input gets a channel axis of size 1.
      out_features: number of output units.
      channels: output channels of each convolution block.
      kernel_sizes: kernel size of each block.
      strides: stride of each block.
      padding: ``"same"``, ``"valid"``, or an integer >= 0: that many zeros
        at both ends of every spatial axis, as PyTorch's ``padding``.
      pooling: ``"none"``, ``"max"`` or ``"avg"`` after each block.
      pool_size: pooling window and stride.
      norm: normalisation in each convolution block.
      dense_sizes: width of each hidden dense layer of the head; empty for
        none, so the output layer reads the flattened last block.
      dropout: drop rate after each hidden dense layer, in [0, 1).
      activation: one function for every layer, or a sequence with one per
        convolution block followed by one per hidden dense layer. An
        ``ActivationFactory`` builds a separate module for each layer.
      kernel_init: initialiser of the convolution and hidden dense kernels.
        The output layer uses LeCun normal.
      alpha_dropout: use alpha dropout instead of dropout (for SELU).
      rngs: random streams for initialisation and dropout.

    Raises:
      ValueError: for an input of rank 0 or above 3, an invalid padding or
        pooling, an input that the blocks shrink to nothing, lists of
        different lengths, or an activation sequence of the wrong length.
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        out_features: int,
        *,
        channels: Sequence[int],
        kernel_sizes: Sequence[int],
        strides: Sequence[int],
        padding: str | int = "same",
        pooling: str = "max",
        pool_size: int = 2,
        norm: str = "none",
        dense_sizes: Sequence[int] = (),
        dropout: float = 0.0,
        activation: Activation | Sequence[Activation],
        kernel_init: jax.nn.initializers.Initializer,
        alpha_dropout: bool = False,
        rngs: nnx.Rngs,
    ):
        input_shape = tuple(input_shape)
        if not 1 <= len(input_shape) <= 3:
            raise ValueError(
                f"CNN input shape {input_shape} is invalid; give (length,), "
                "(length, channels) or (height, width, channels) per example"
            )
        padding = parse_padding(padding)
        if pooling not in ("none", "max", "avg"):
            raise ValueError(
                f"pooling={pooling!r} is invalid; available: none, max, avg"
            )
        if not len(channels) == len(kernel_sizes) == len(strides):
            raise ValueError(
                f"channels, kernel_sizes and strides have {len(channels)}, "
                f"{len(kernel_sizes)} and {len(strides)} entries; give one of each "
                "per convolution block"
            )
        self.add_channel_axis = len(input_shape) == 1
        if self.add_channel_axis:
            input_shape = (*input_shape, 1)
        spatial = list(input_shape[:-1])
        activations = per_layer(
            activation,
            len(channels) + len(dense_sizes),
            "convolution blocks and hidden dense layers",
        )

        blocks = []
        in_channels = input_shape[-1]
        for index, (out_channels, kernel, stride) in enumerate(
            zip(channels, kernel_sizes, strides, strict=True)
        ):
            spatial = [_conv_size(size, kernel, stride, padding) for size in spatial]
            if pooling != "none":
                spatial = [size // pool_size for size in spatial]
            if min(spatial) < 1:
                raise ValueError(
                    f"CNN input shape {input_shape} is too small: convolution block "
                    f"{index + 1} leaves spatial shape {tuple(spatial)}; use fewer "
                    "blocks, smaller kernels, strides or pool_size, or more padding"
                )
            blocks.append(
                ConvBlock(
                    in_channels,
                    out_channels,
                    spatial_dims=len(spatial),
                    kernel_size=kernel,
                    stride=stride,
                    padding=padding,
                    norm=norm,
                    pooling=pooling,
                    pool_size=pool_size,
                    activation=activations[index],
                    kernel_init=kernel_init,
                    rngs=rngs,
                )
            )
            in_channels = out_channels
        self.blocks = nnx.List(blocks)

        sizes = [math.prod(spatial) * in_channels, *dense_sizes]
        self.head = nnx.List(
            [
                DenseBlock(
                    fan_in,
                    fan_out,
                    activation=layer_activation,
                    kernel_init=kernel_init,
                    dropout=dropout,
                    alpha_dropout=alpha_dropout,
                    rngs=rngs,
                )
                for (fan_in, fan_out), layer_activation in zip(
                    itertools.pairwise(sizes), activations[len(channels) :], strict=True
                )
            ]
        )
        self.output = nnx.Linear(
            sizes[-1],
            out_features,
            kernel_init=nnx.initializers.lecun_normal(),
            rngs=rngs,
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        if self.add_channel_axis:
            x = x[..., None]
        for block in self.blocks:
            x = block(x)
        x = x.reshape(x.shape[0], -1)
        for layer in self.head:
            x = layer(x)
        return self.output(x)
