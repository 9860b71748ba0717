"""Pieces the model families share: activations per layer, norm, dropout."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import jax
from flax import nnx

from actlab.models.dropout import AlphaDropout

Activation = Callable[[jax.Array], jax.Array]


@dataclasses.dataclass(frozen=True)
class ActivationFactory:
    """Builds a fresh activation module for each layer that uses it.

    Models call ``factory(num_features, rngs)`` once per layer, with the
    width of that layer's output, so each layer owns its parameters, for
    example ``ActivationFactory(lambda n, rngs: module("prelu",
    num_features=n, rngs=rngs))``.

    Attributes:
      build: ``build(num_features, rngs)`` returns an ``nnx.Module`` that
        maps an array with ``num_features`` on its last axis to an array of
        the same shape.
    """

    build: Callable[[int, nnx.Rngs], nnx.Module]

    def __call__(self, num_features: int, rngs: nnx.Rngs) -> nnx.Module:
        return self.build(num_features, rngs)


LayerActivation = Activation | ActivationFactory


def instantiate(
    activation: LayerActivation, num_features: int, rngs: nnx.Rngs
) -> Activation:
    """Return ``activation`` itself, or the module a factory builds for the layer."""
    if isinstance(activation, ActivationFactory):
        return activation(num_features, rngs)
    return activation


def per_layer(
    activation: LayerActivation | Sequence[LayerActivation], count: int, layers: str
) -> list[LayerActivation]:
    """Return one activation for each of ``count`` layers.

    Args:
      activation: one callable or ``ActivationFactory`` used everywhere, or
        a sequence of ``count``.
      count: number of layers that take an activation.
      layers: what those layers are, for the error message.

    Raises:
      ValueError: if a sequence has a length other than ``count``.
    """
    if callable(activation):
        return [activation] * count
    activations = list(activation)
    if len(activations) != count:
        raise ValueError(
            f"activation has {len(activations)} entries but the model has "
            f"{count} {layers}; give one callable, or one per layer"
        )
    return activations


def make_norm(kind: str, features: int, rngs: nnx.Rngs) -> nnx.Module | None:
    """Return a normalisation layer over the last axis, or None for ``"none"``.

    Batch norm keeps running statistics with momentum 0.9.

    Raises:
      ValueError: for a kind other than ``"none"``, ``"batch"`` or ``"layer"``.
    """
    if kind == "none":
        return None
    if kind == "batch":
        # Flax's default momentum of 0.99 averages over ~100 steps, more than
        # the small data sets here run in several epochs (digits: 10 steps of
        # 128), so evaluation would use statistics still near their initial
        # values. 0.9 (PyTorch's default) averages over ~10 steps.
        return nnx.BatchNorm(features, momentum=0.9, rngs=rngs)
    if kind == "layer":
        return nnx.LayerNorm(features, rngs=rngs)
    raise ValueError(f"norm={kind!r} is invalid; available: none, batch, layer")


def make_dropout(rate: float, alpha: bool, rngs: nnx.Rngs) -> nnx.Module | None:
    """Return dropout (or alpha dropout) with drop rate ``rate``, None for 0."""
    if rate == 0:
        return None
    if alpha:
        return AlphaDropout(rate, rngs=rngs)
    return nnx.Dropout(rate, rngs=rngs)


class DenseBlock(nnx.Module):
    """Dense layer, optional norm, activation, optional dropout.

    With ``residual``, the block returns ``x + block(x)`` when its input and
    output widths match, and ``block(x)`` otherwise.

    Args:
      in_features: width of the input.
      out_features: width of the output.
      activation: function applied after the norm, or a factory that
        builds this block's activation module with ``out_features``.
      kernel_init: initialiser of the dense kernel.
      norm: ``"none"``, ``"batch"`` or ``"layer"``.
      dropout: drop rate after the activation, in [0, 1).
      alpha_dropout: use alpha dropout (for SELU) instead of dropout.
      residual: add the input to the output where the widths match.
      rngs: random streams for initialisation and dropout.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        activation: LayerActivation,
        kernel_init: jax.nn.initializers.Initializer,
        norm: str = "none",
        dropout: float = 0.0,
        alpha_dropout: bool = False,
        residual: bool = False,
        rngs: nnx.Rngs,
    ):
        # Batch norm subtracts the batch mean, so a bias before it has no
        # effect; its own shift takes that role.
        self.linear = nnx.Linear(
            in_features,
            out_features,
            use_bias=norm != "batch",
            kernel_init=kernel_init,
            rngs=rngs,
        )
        self.norm = make_norm(norm, out_features, rngs)
        self.activation = instantiate(activation, out_features, rngs)
        self.dropout = make_dropout(dropout, alpha_dropout, rngs)
        self.residual = residual and in_features == out_features

    def __call__(self, x: jax.Array) -> jax.Array:
        y = self.linear(x)
        if self.norm is not None:
            y = self.norm(y)
        y = self.activation(y)
        if self.dropout is not None:
            y = self.dropout(y)
        if self.residual:
            return x + y
        return y
