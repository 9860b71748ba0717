"""Recurrent network (simple, LSTM or GRU cells) for sequence prediction.

The steps run in ``jax.lax.scan`` over Flax's NNX cells rather than through
``nnx.RNN``: ``nnx.RNN`` is built on ``nnx.scan``, which (in flax 0.12)
raises when the model is captured from an outer JAX transform, as in the
training loop's ``jax.lax.map`` over evaluation chunks.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
from flax import nnx

from actlab.models._layers import Activation, ActivationFactory, per_layer
from actlab.models.config import READOUTS

_CELLS = {"simple": nnx.SimpleCell, "lstm": nnx.LSTMCell, "gru": nnx.GRUCell}


def _make_cell(
    kind: str,
    in_features: int,
    hidden_size: int,
    activation: Activation,
    gate_activation: Activation,
    kernel_init: jax.nn.initializers.Initializer,
    rngs: nnx.Rngs,
) -> nnx.Module:
    if kind not in _CELLS:
        raise ValueError(f"cell={kind!r} is invalid; available: {', '.join(_CELLS)}")
    if isinstance(activation, ActivationFactory):
        raise ValueError(
            "the RNN's candidate activation must be a plain function, not an "
            "ActivationFactory; learnable activations apply to MLP and CNN layers"
        )
    options = {"activation_fn": activation, "kernel_init": kernel_init, "rngs": rngs}
    if kind != "simple":
        options["gate_fn"] = gate_activation
    return _CELLS[kind](in_features, hidden_size, **options)


class RecurrentLayer(nnx.Module):
    """One recurrent layer, run forward and, if bidirectional, backward.

    Args:
      kind: ``"simple"``, ``"lstm"`` or ``"gru"``.
      in_features: features per step of the input.
      hidden_size: units of each direction's cell.
      bidirectional: add a cell that runs from the last step to the first.
      activation: the cell's candidate activation.
      gate_activation: the gate activation of LSTM and GRU cells.
      kernel_init: initialiser of the input kernels.
      rngs: random streams for initialisation.
    """

    def __init__(
        self,
        kind: str,
        in_features: int,
        hidden_size: int,
        *,
        bidirectional: bool,
        activation: Activation,
        gate_activation: Activation,
        kernel_init: jax.nn.initializers.Initializer,
        rngs: nnx.Rngs,
    ):
        def make() -> nnx.Module:
            return _make_cell(
                kind,
                in_features,
                hidden_size,
                activation,
                gate_activation,
                kernel_init,
                rngs,
            )

        self.kind = kind
        self.hidden_size = hidden_size
        self.forward = make()
        self.backward = make() if bidirectional else None

    def _zero_carry(self, batch: int, dtype: jnp.dtype):
        h = jnp.zeros((batch, self.hidden_size), dtype)
        if self.kind == "lstm":
            return (h, h)
        return h

    def _run(self, cell: nnx.Module, xs: jax.Array, reverse: bool):
        """Run ``cell`` over time-major ``xs``; return outputs and final state."""

        def step(carry, x):
            return cell(carry, x)

        carry = self._zero_carry(xs.shape[1], xs.dtype)
        carry, outputs = jax.lax.scan(step, carry, xs, reverse=reverse)
        final = carry[1] if self.kind == "lstm" else carry
        return outputs, final

    def __call__(self, xs: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Run the layer over time-major ``xs`` of shape (steps, batch, features).

        Returns:
          The outputs of every step, (steps, batch, units), and the final
          hidden state, (batch, units). ``units`` is ``hidden_size``, or twice
          that when bidirectional: the forward half, then the backward half,
          whose outputs stay aligned with the input steps and whose final
          state is the one after reading the first step.
        """
        outputs, final = self._run(self.forward, xs, reverse=False)
        if self.backward is None:
            return outputs, final
        back_outputs, back_final = self._run(self.backward, xs, reverse=True)
        outputs = jnp.concatenate([outputs, back_outputs], axis=-1)
        return outputs, jnp.concatenate([final, back_final], axis=-1)


class RNN(nnx.Module):
    """Stacked recurrent layers, then a linear output layer on a readout.

    With ``readout="last"`` the output layer reads the last layer's hidden
    state after the last step, or, when bidirectional, the forward state after
    the last step concatenated with the backward state after the first step.
    ``"flatten"`` reads the last layer's outputs at every step, concatenated
    in step order, and ``"mean"`` their average over the steps. The output
    layer returns logits, for sequence classification or regression.

    Args:
      input_shape: shape of one example, ``(steps, features)``; a ``(steps,)``
        input gets a feature axis of size 1.
      out_features: number of output units.
      cell: ``"simple"`` (Elman), ``"lstm"`` or ``"gru"``.
      hidden_size: units of each cell and direction.
      num_layers: stacked recurrent layers; each layer after the first reads
        the previous layer's outputs at every step.
      bidirectional: run each layer in both directions.
      activation: the candidate activation (``tanh`` in the classic cells),
        one for all layers or a sequence with one per layer. It must be a
        function, not an ``ActivationFactory``, so learnable activations do
        not apply to the cells.
      gate_activation: the gate activation of LSTM and GRU cells; None means
        ``jax.nn.sigmoid``. The simple cell has no gates and ignores it.
      kernel_init: initialiser of the input kernels. The recurrent kernels
        keep Flax's orthogonal initialisers; the output layer uses LeCun
        normal.
      readout: ``"last"``, ``"flatten"`` or ``"mean"``, as above. With
        ``"flatten"`` the output layer has ``steps * units`` inputs, where
        ``units`` is ``hidden_size`` times the number of directions, so the
        model accepts only sequences of ``input_shape[0]`` steps.
      rngs: random streams for initialisation.

    Raises:
      ValueError: for an input of rank 0 or above 2, an unknown cell or
        readout, ``num_layers`` below 1, or an activation sequence of the
        wrong length.
    """

    def __init__(
        self,
        input_shape: Sequence[int],
        out_features: int,
        *,
        cell: str = "lstm",
        hidden_size: int,
        num_layers: int = 1,
        bidirectional: bool = False,
        activation: Activation | Sequence[Activation],
        gate_activation: Activation | None = None,
        kernel_init: jax.nn.initializers.Initializer,
        readout: str = "last",
        rngs: nnx.Rngs,
    ):
        input_shape = tuple(input_shape)
        if len(input_shape) not in (1, 2):
            raise ValueError(
                f"RNN input shape {input_shape} is invalid; give (steps,) or "
                "(steps, features) per example"
            )
        if num_layers < 1:
            raise ValueError(f"num_layers={num_layers} is invalid; it must be >= 1")
        if readout not in READOUTS:
            raise ValueError(
                f"readout={readout!r} is invalid; available: {', '.join(READOUTS)}"
            )
        self.add_feature_axis = len(input_shape) == 1
        in_features = 1 if self.add_feature_axis else input_shape[1]
        activations = per_layer(activation, num_layers, "recurrent layers")
        if gate_activation is None:
            gate_activation = jax.nn.sigmoid
        directions = 2 if bidirectional else 1

        layers = []
        for layer_activation in activations:
            layers.append(
                RecurrentLayer(
                    cell,
                    in_features,
                    hidden_size,
                    bidirectional=bidirectional,
                    activation=layer_activation,
                    gate_activation=gate_activation,
                    kernel_init=kernel_init,
                    rngs=rngs,
                )
            )
            in_features = directions * hidden_size
        self.layers = nnx.List(layers)
        self.readout = readout
        readout_features = directions * hidden_size
        if readout == "flatten":
            readout_features *= input_shape[0]
        self.output = nnx.Linear(
            readout_features,
            out_features,
            kernel_init=nnx.initializers.lecun_normal(),
            rngs=rngs,
        )

    def __call__(self, x: jax.Array) -> jax.Array:
        if self.add_feature_axis:
            x = x[..., None]
        xs = jnp.swapaxes(x, 0, 1)
        final = None
        for layer in self.layers:
            xs, final = layer(xs)
        if self.readout == "flatten":
            # (steps, batch, units) -> (batch, steps * units), step by step.
            features = jnp.swapaxes(xs, 0, 1).reshape(xs.shape[1], -1)
        elif self.readout == "mean":
            features = jnp.mean(xs, axis=0)
        else:
            features = final
        return self.output(features)
