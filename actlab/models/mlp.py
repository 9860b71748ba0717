"""Multilayer perceptron with one hidden activation for every layer."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import jax
from flax import nnx


class MLP(nnx.Module):
    """Dense layers with ``activation`` after each hidden layer.

    The output layer is linear and returns logits; the task decides the
    output activation and the loss.

    Args:
      in_features: size of the flattened input.
      hidden_sizes: width of each hidden layer; its length is the depth.
      out_features: number of output units.
      activation: function applied after every hidden layer.
      kernel_init: initialiser for the hidden layers' kernels. The output
        layer uses LeCun normal, since no activation follows it.
      rngs: random streams for initialisation.
    """

    def __init__(
        self,
        in_features: int,
        hidden_sizes: Sequence[int],
        out_features: int,
        *,
        activation: Callable[[jax.Array], jax.Array],
        kernel_init: jax.nn.initializers.Initializer,
        rngs: nnx.Rngs,
    ):
        self.activation = activation
        sizes = [in_features, *hidden_sizes]
        self.hidden = nnx.List(
            [
                nnx.Linear(fan_in, fan_out, kernel_init=kernel_init, rngs=rngs)
                for fan_in, fan_out in itertools.pairwise(sizes)
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
        for layer in self.hidden:
            x = self.activation(layer(x))
        return self.output(x)
