"""The compiled epoch: one ``lax.scan`` over batches, then evaluation.

Every replica (seed) runs in the same compiled program through ``jax.vmap``.
The data stay on the device; each step gathers its batch by index.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from actlab.tasks import Task, evaluate
from actlab.training.state import TrainState

Arrays = tuple[jax.Array, jax.Array]


@dataclasses.dataclass(frozen=True)
class EpochPlan:
    """Static shape of one epoch.

    Attributes:
      steps: optimiser steps per epoch.
      batch_size: examples per step.
      eval_batch_size: examples per forward pass in evaluation.
    """

    steps: int
    batch_size: int
    eval_batch_size: int


def _all_finite(tree) -> jax.Array:
    leaves = jax.tree.leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(leaf)) for leaf in leaves]))


def _select(condition: jax.Array, new, old):
    return jax.tree.map(lambda a, b: jnp.where(condition, a, b), new, old)


def _predict(
    graphdef: nnx.GraphDef,
    params: nnx.State,
    rest: nnx.State,
    x: jax.Array,
    chunk: int,
) -> jax.Array:
    """Return the model's outputs on ``x`` in evaluation mode, chunk by chunk."""
    model = nnx.merge(graphdef, params, rest)
    model.eval()
    n = x.shape[0]
    if n <= chunk:
        return model(x)
    num_chunks = -(-n // chunk)
    padding = num_chunks * chunk - n
    padded = jnp.concatenate([x, jnp.zeros((padding, *x.shape[1:]), x.dtype)])
    outputs = jax.lax.map(model, padded.reshape(num_chunks, chunk, *x.shape[1:]))
    return outputs.reshape(num_chunks * chunk, *outputs.shape[2:])[:n]


def make_epoch_fn(
    graphdef: nnx.GraphDef,
    task: Task,
    optimizer: optax.GradientTransformation,
    plan: EpochPlan,
) -> Callable:
    """Build ``epoch(state, train, test) -> (state, metrics)`` for all replicas.

    ``metrics`` maps slash names (``train/loss``, ``test/accuracy``, and
    ``train/step_loss``, the mean loss of the epoch's steps) to arrays with
    one value per replica. The returned function is not jitted, so the
    caller can lower and compile it ahead of time.
    """

    def loss_fn(params, rest, x, y):
        # Batch norm and dropout write to ``rest`` in train mode. Flax rejects
        # writes to Variables made outside this trace, so merge fresh copies.
        model = nnx.merge(graphdef, params, rest, copy=True)
        model.train()
        loss = task.loss(model(x), y)
        _, _, new_rest = nnx.split(model, nnx.Param, ...)
        return loss, new_rest

    def train_step(state: TrainState, indices: jax.Array, train: Arrays):
        x, y = train
        (loss, rest), grads = jax.value_and_grad(loss_fn, has_aux=True)(
            state.params, state.rest, x[indices], y[indices]
        )
        updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
        params = optax.apply_updates(state.params, updates)
        keep = state.alive & jnp.isfinite(loss) & _all_finite(grads)
        params, rest, opt_state = _select(
            keep,
            (params, rest, opt_state),
            (state.params, state.rest, state.opt_state),
        )
        state = state._replace(
            params=params, rest=rest, opt_state=opt_state, alive=keep
        )
        return state, loss

    def one_replica(state: TrainState, train: Arrays, test: Arrays):
        key, permutation_key = jax.random.split(state.key)
        n = train[0].shape[0]
        order = jax.random.permutation(permutation_key, n)
        batches = order[: plan.steps * plan.batch_size].reshape(
            plan.steps, plan.batch_size
        )
        state, step_losses = jax.lax.scan(
            functools.partial(train_step, train=train), state, batches
        )
        state = state._replace(key=key)
        metrics = {"train/step_loss": step_losses.mean()}
        for split, (x, y) in (("train", train), ("test", test)):
            outputs = _predict(
                graphdef, state.params, state.rest, x, plan.eval_batch_size
            )
            for name, value in evaluate(task, outputs, y).items():
                metrics[f"{split}/{name}"] = value
        return state, metrics

    return jax.vmap(one_replica, in_axes=(0, None, None))
