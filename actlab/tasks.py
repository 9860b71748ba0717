"""Task kinds: the output activation, loss and metrics each one implies.

The model always returns logits (pre-activation outputs). The loss is computed
from the logits in a numerically stable form, and the output activation is
applied only to turn logits into predictions for the metrics.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

TASK_KINDS = ("binary", "multiclass", "regression")

Metric = Callable[[jax.Array, jax.Array], jax.Array]


@dataclasses.dataclass(frozen=True)
class Task:
    """What a task kind implies for the network's output.

    Attributes:
      kind: ``"binary"``, ``"multiclass"`` or ``"regression"``.
      output_activation: name of the function applied to the logits to get
        predictions (``"sigmoid"``, ``"softmax"`` or ``"linear"``).
      loss: ``loss(logits, targets)`` averaged over examples.
      metrics: name to ``metric(logits, targets)``, each a scalar computed
        over the whole split; the loss is always reported as ``loss``.
      higher_is_better: for each metric, whether larger values are better.
    """

    kind: str
    output_activation: str
    loss: Callable[[jax.Array, jax.Array], jax.Array]
    metrics: dict[str, Metric]
    higher_is_better: dict[str, bool]


def _binary_logits(logits: jax.Array) -> jax.Array:
    return logits[..., 0]


def _binary_cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    return optax.sigmoid_binary_cross_entropy(
        _binary_logits(logits), labels.astype(logits.dtype)
    ).mean()


def _binary_accuracy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    predicted = _binary_logits(logits) > 0
    return (predicted == (labels == 1)).mean()


def roc_auc(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Area under the ROC curve of binary scores, with ties counted as half.

    Computed as the Mann-Whitney statistic: for each positive example, the
    number of negatives scored below it plus half of those scored equal,
    divided by ``num_positive * num_negative``. Runs in O(n log n) on the
    device. Returns NaN when the split has only one class.
    """
    scores = _binary_logits(logits)
    positive = labels == 1
    # Positives become +inf, so searchsorted over the sorted array counts
    # negatives only, as long as the query scores are finite.
    negative_scores = jnp.sort(jnp.where(positive, jnp.inf, scores))
    below = jnp.searchsorted(negative_scores, scores, side="left")
    below_or_equal = jnp.searchsorted(negative_scores, scores, side="right")
    wins = jnp.where(positive, (below + below_or_equal) / 2.0, 0.0).sum()
    num_positive = positive.sum()
    num_negative = labels.shape[0] - num_positive
    return wins / (num_positive * num_negative)


def _cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


def _accuracy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    return (jnp.argmax(logits, axis=-1) == labels).mean()


def _mse(predictions: jax.Array, targets: jax.Array) -> jax.Array:
    return jnp.mean((predictions - targets) ** 2)


def _mae(predictions: jax.Array, targets: jax.Array) -> jax.Array:
    return jnp.mean(jnp.abs(predictions - targets))


def r2_score(predictions: jax.Array, targets: jax.Array) -> jax.Array:
    """Coefficient of determination, averaged uniformly over the outputs.

    ``1 - SS_res / SS_tot`` per output column, as scikit-learn's ``r2_score``
    with ``multioutput="uniform_average"``.
    """
    residual = jnp.sum((targets - predictions) ** 2, axis=0)
    total = jnp.sum((targets - targets.mean(axis=0)) ** 2, axis=0)
    return jnp.mean(1.0 - residual / total)


_TASKS = {
    "binary": Task(
        kind="binary",
        output_activation="sigmoid",
        loss=_binary_cross_entropy,
        metrics={"accuracy": _binary_accuracy, "roc_auc": roc_auc},
        higher_is_better={"loss": False, "accuracy": True, "roc_auc": True},
    ),
    "multiclass": Task(
        kind="multiclass",
        output_activation="softmax",
        loss=_cross_entropy,
        metrics={"accuracy": _accuracy},
        higher_is_better={"loss": False, "accuracy": True},
    ),
    "regression": Task(
        kind="regression",
        output_activation="linear",
        loss=_mse,
        metrics={"mse": _mse, "mae": _mae, "r2": r2_score},
        higher_is_better={"loss": False, "mse": False, "mae": False, "r2": True},
    ),
}


def get(kind: str) -> Task:
    """Return the task for ``kind``.

    Raises:
      ValueError: if ``kind`` is not one of ``TASK_KINDS``.
    """
    try:
        return _TASKS[kind]
    except KeyError:
        raise ValueError(
            f"unknown task kind {kind!r}; available: {', '.join(TASK_KINDS)}"
        ) from None


def evaluate(task: Task, logits: jax.Array, targets: jax.Array) -> dict[str, jax.Array]:
    """Compute the loss and every metric of ``task`` over one whole split."""
    values = {"loss": task.loss(logits, targets)}
    for name, metric in task.metrics.items():
        values[name] = metric(logits, targets)
    return values
