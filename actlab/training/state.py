"""Replicated training state: one model per seed, stacked on a vmap axis."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax
from flax import nnx

# Called as ``build_model(rngs=nnx.Rngs(...))``; returns a fresh model.
ModelFactory = Callable[..., nnx.Module]


class TrainState(NamedTuple):
    """State of every replica; each leaf has a leading axis of size num_seeds.

    Attributes:
      params: trainable parameters (``nnx.Param``).
      rest: the model's other state, such as batch statistics.
      opt_state: the optimiser state.
      alive: False once a replica's loss or gradients became NaN or inf; such
        a replica keeps its last finite parameters and stops updating.
      key: random key for batch order, advanced every epoch.
    """

    params: nnx.State
    rest: nnx.State
    opt_state: optax.OptState
    alive: jax.Array
    key: jax.Array


def model_graphdef(build_model: ModelFactory) -> nnx.GraphDef:
    """Return the static structure of the model, without allocating weights."""
    abstract = nnx.eval_shape(lambda: build_model(rngs=nnx.Rngs(0)))
    graphdef, _, _ = nnx.split(abstract, nnx.Param, ...)
    return graphdef


def init_state(
    build_model: ModelFactory,
    optimizer: optax.GradientTransformation,
    seeds: Sequence[int],
) -> TrainState:
    """Initialise one replica per seed with ``jax.vmap``.

    Replica ``i`` draws its weights and its batch order from ``seeds[i]``
    alone, so a seed gives the same run whatever other seeds run beside it.
    """

    def init_one(seed: jax.Array) -> TrainState:
        init_key, data_key = jax.random.split(jax.random.key(seed))
        model = build_model(rngs=nnx.Rngs(init_key))
        _, params, rest = nnx.split(model, nnx.Param, ...)
        return TrainState(
            params=params,
            rest=rest,
            opt_state=optimizer.init(params),
            alive=jnp.array(True),
            key=data_key,
        )

    return jax.jit(jax.vmap(init_one))(jnp.asarray(seeds, dtype=jnp.uint32))
