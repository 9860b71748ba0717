"""Multilayer perceptron with an activation for each hidden layer."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import jax
from flax import nnx

from actlab.models._layers import DenseBlock, LayerActivation, per_layer


class MLP(nnx.Module):
    """Dense hidden layers, each followed by its activation, then a linear output.

    The output layer returns logits; the task decides the output activation
    and the loss. Inputs of any shape are flattened per example.

    Args:
      in_features: size of the flattened input.
      hidden_sizes: width of each hidden layer; its length is the depth.
      out_features: number of output units.
      activation: function applied after every hidden layer, or a sequence
        with one function per hidden layer. An ``ActivationFactory`` in
        place of a function builds a separate module for each layer.
      kernel_init: initialiser for the hidden layers' kernels. The output
        layer uses LeCun normal, since no activation follows it.
      residual: add each hidden layer's input to its output where the widths
        match.
      norm: ``"none"``, ``"batch"`` or ``"layer"`` normalisation between each
        hidden layer and its activation.
      dropout: drop rate after each hidden activation, in [0, 1).
      alpha_dropout: use alpha dropout instead of dropout; the caller sets it
        for SELU.
      rngs: random streams for initialisation and dropout.

    Raises:
      ValueError: if ``activation`` is a sequence whose length differs from
        ``len(hidden_sizes)``.
    """

    def __init__(
        self,
        in_features: int,
        hidden_sizes: Sequence[int],
        out_features: int,
        *,
        activation: LayerActivation | Sequence[LayerActivation],
        kernel_init: jax.nn.initializers.Initializer,
        residual: bool = False,
        norm: str = "none",
        dropout: float = 0.0,
        alpha_dropout: bool = False,
        rngs: nnx.Rngs,
    ):
        activations = per_layer(activation, len(hidden_sizes), "hidden layers")
        sizes = [in_features, *hidden_sizes]
        self.hidden = nnx.List(
            [
                DenseBlock(
                    fan_in,
                    fan_out,
                    activation=layer_activation,
                    kernel_init=kernel_init,
                    norm=norm,
                    dropout=dropout,
                    alpha_dropout=alpha_dropout,
                    residual=residual,
                    rngs=rngs,
                )
                for (fan_in, fan_out), layer_activation in zip(
                    itertools.pairwise(sizes), activations, strict=True
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
        x = x.reshape(x.shape[0], -1)
        for block in self.hidden:
            x = block(x)
        return self.output(x)
