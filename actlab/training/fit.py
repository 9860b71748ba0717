"""Train replicas of a model, one per seed, and record what happened."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from actlab.tasks import Task
from actlab.training.config import TrainerConfig, check_trainer
from actlab.training.loop import EpochPlan, make_epoch_fn
from actlab.training.state import (
    ModelFactory,
    TrainState,
    init_state,
    model_graphdef,
)

log = logging.getLogger(__name__)


@dataclasses.dataclass
class ReplicaResult:
    """Outcome of one seed.

    Attributes:
      seed: the replica's seed.
      status: ``"ok"``, or ``"diverged"`` once its loss or gradients became
        NaN or inf.
      diverged_epoch: the 1-based epoch in which that happened, else None.
      history: one dict per epoch run, mapping slash metric names to values.
        A diverged replica keeps its last finite parameters, so its later
        epochs repeat the metrics of those parameters.
    """

    seed: int
    status: str = "ok"
    diverged_epoch: int | None = None
    history: list[dict[str, float]] = dataclasses.field(default_factory=list)

    @property
    def final(self) -> dict[str, float]:
        return self.history[-1] if self.history else {}


@dataclasses.dataclass
class FitResult:
    """Everything a run measured.

    Attributes:
      replicas: one result per seed, in the order of the seeds.
      epochs_run: epochs completed; fewer than requested when every replica
        diverged.
      steps_per_epoch: optimiser steps per epoch and replica.
      batch_size: the batch size used, after lowering it to the train size.
      init_seconds: time to compile and run the replicated initialisation.
      compile_seconds: time to lower and compile the epoch program.
      train_seconds: wall time of all epochs, evaluation included.
      params_per_replica: number of trainable parameters of one model.
      state: the final state of every replica, stacked on the first axis.
      graphdef: the model structure; ``nnx.merge(graphdef, params, rest)``
        with one replica's slice of ``state`` rebuilds that model.
    """

    replicas: list[ReplicaResult]
    epochs_run: int
    steps_per_epoch: int
    batch_size: int
    init_seconds: float
    compile_seconds: float
    train_seconds: float
    params_per_replica: int
    state: TrainState
    graphdef: nnx.GraphDef

    @property
    def status(self) -> str:
        if any(replica.status == "diverged" for replica in self.replicas):
            return "diverged"
        return "ok"

    @property
    def steps_per_second(self) -> float:
        steps = self.epochs_run * self.steps_per_epoch
        return steps / self.train_seconds if self.train_seconds > 0 else math.nan


def _plan(trainer: TrainerConfig, num_train: int) -> EpochPlan:
    batch_size = trainer.batch_size
    if batch_size > num_train:
        log.info(
            "trainer.batch_size=%d exceeds the %d train examples; using %d",
            batch_size,
            num_train,
            num_train,
        )
        batch_size = num_train
    return EpochPlan(
        steps=num_train // batch_size,
        batch_size=batch_size,
        eval_batch_size=trainer.eval_batch_size,
    )


def _format_metrics(metrics: dict[str, float]) -> str:
    return " ".join(f"{name}={value:.4g}" for name, value in sorted(metrics.items()))


def fit(
    build_model: ModelFactory,
    task: Task,
    optimizer: optax.GradientTransformation,
    trainer: TrainerConfig,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    seeds: Sequence[int],
) -> FitResult:
    """Train one replica of ``build_model`` per seed and evaluate every epoch.

    Args:
      build_model: called as ``build_model(rngs=...)``, returns a fresh model.
      task: the task kind's loss and metrics.
      optimizer: the optax transformation applied to the parameters.
      trainer: epochs and batch sizes.
      train: ``(inputs, targets)`` of the train split.
      test: ``(inputs, targets)`` of the test split.
      seeds: one seed per replica; all replicas train in one vmapped program.

    Returns:
      The per-replica histories, statuses and timings.

    Raises:
      ValueError: if ``trainer`` is invalid or ``seeds`` is empty.
    """
    check_trainer(trainer)
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed")
    plan = _plan(trainer, len(train[0]))
    train_arrays = tuple(jnp.asarray(a) for a in train)
    test_arrays = tuple(jnp.asarray(a) for a in test)

    start = time.perf_counter()
    graphdef = model_graphdef(build_model)
    state = jax.block_until_ready(init_state(build_model, optimizer, seeds))
    init_seconds = time.perf_counter() - start
    params_per_replica = sum(
        int(np.prod(leaf.shape[1:])) for leaf in jax.tree.leaves(state.params)
    )
    epoch_fn = jax.jit(make_epoch_fn(graphdef, task, optimizer, plan), donate_argnums=0)

    start = time.perf_counter()
    compiled = epoch_fn.lower(state, train_arrays, test_arrays).compile()
    compile_seconds = time.perf_counter() - start
    log.info(
        "compiled the epoch program in %.2f s (%d replicas, %d steps of %d)",
        compile_seconds,
        len(seeds),
        plan.steps,
        plan.batch_size,
    )

    replicas = [ReplicaResult(seed=int(seed)) for seed in seeds]
    epochs_run = 0
    start = time.perf_counter()
    for epoch in range(1, trainer.epochs + 1):
        state, metrics = compiled(state, train_arrays, test_arrays)
        metrics, alive = jax.device_get((metrics, state.alive))
        epochs_run = epoch
        for index, replica in enumerate(replicas):
            replica.history.append(
                {name: float(values[index]) for name, values in metrics.items()}
            )
            if replica.status == "ok" and not alive[index]:
                replica.status = "diverged"
                replica.diverged_epoch = epoch
                log.warning(
                    "seed %d diverged in epoch %d: loss or gradients became NaN "
                    "or inf; it keeps its last finite parameters",
                    replica.seed,
                    epoch,
                )
        log.info(
            "epoch %d/%d %s",
            epoch,
            trainer.epochs,
            _format_metrics(_mean_over_ok(replicas)),
        )
        if not alive.any():
            log.warning("every replica diverged; stopping after epoch %d", epoch)
            break
    train_seconds = time.perf_counter() - start

    return FitResult(
        replicas=replicas,
        epochs_run=epochs_run,
        steps_per_epoch=plan.steps,
        batch_size=plan.batch_size,
        init_seconds=init_seconds,
        compile_seconds=compile_seconds,
        train_seconds=train_seconds,
        params_per_replica=params_per_replica,
        state=state,
        graphdef=graphdef,
    )


def _mean_over_ok(replicas: Sequence[ReplicaResult]) -> dict[str, float]:
    """Average the latest metrics over replicas that have not diverged."""
    ok = [replica.final for replica in replicas if replica.status == "ok"]
    if not ok:
        ok = [replica.final for replica in replicas]
    return {name: float(np.mean([m[name] for m in ok])) for name in ok[0]}


def summarize(replicas: Sequence[ReplicaResult]) -> dict[str, float]:
    """Return the final metrics averaged over replicas that did not diverge.

    Values are NaN when every replica diverged.
    """
    ok = [replica.final for replica in replicas if replica.status == "ok"]
    names = replicas[0].final.keys()
    if not ok:
        return {name: math.nan for name in names}
    return {name: float(np.mean([m[name] for m in ok])) for name in names}
