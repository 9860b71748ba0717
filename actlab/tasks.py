"""Task kinds: the output activation, loss and metrics each one implies.

The model always returns logits (pre-activation outputs). For classification
the loss is computed from the logits in a numerically stable form, and the
output activation only turns logits into predictions for the metrics. For
regression the output activation (linear unless the config overrides it) is
applied to the logits before the loss.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from actlab import activations

log = logging.getLogger(__name__)

TASK_KINDS = ("binary", "multiclass", "multilabel", "regression")

Metric = Callable[[jax.Array, jax.Array], jax.Array]


@dataclasses.dataclass(frozen=True)
class Task:
    """Output activation, loss and metrics of one task kind.

    Attributes:
      kind: one of ``TASK_KINDS``.
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


def _multilabel_cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Binary cross-entropy of each label, averaged over labels and examples."""
    return optax.sigmoid_binary_cross_entropy(
        logits, labels.astype(logits.dtype)
    ).mean()


def _multilabel_counts(logits: jax.Array, labels: jax.Array):
    predicted = logits > 0
    actual = labels == 1
    return predicted, actual


def subset_accuracy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Fraction of examples whose every label is predicted right."""
    predicted, actual = _multilabel_counts(logits, labels)
    return jnp.all(predicted == actual, axis=-1).mean()


def hamming_loss(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Fraction of (example, label) pairs predicted wrong."""
    predicted, actual = _multilabel_counts(logits, labels)
    return (predicted != actual).mean()


def micro_f1(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """F1 score over all (example, label) pairs pooled together.

    ``2 TP / (2 TP + FP + FN)``; 0 when there are no positive labels and no
    positive predictions, as scikit-learn's ``f1_score`` with
    ``average="micro"`` and ``zero_division=0``.
    """
    predicted, actual = _multilabel_counts(logits, labels)
    true_positive = jnp.sum(predicted & actual)
    false_positive = jnp.sum(predicted & ~actual)
    false_negative = jnp.sum(~predicted & actual)
    denominator = 2 * true_positive + false_positive + false_negative
    return jnp.where(
        denominator > 0, 2 * true_positive / jnp.maximum(denominator, 1), 0.0
    )


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
    "multilabel": Task(
        kind="multilabel",
        output_activation="sigmoid",
        loss=_multilabel_cross_entropy,
        metrics={
            "subset_accuracy": subset_accuracy,
            "hamming_loss": hamming_loss,
            "micro_f1": micro_f1,
        },
        higher_is_better={
            "loss": False,
            "subset_accuracy": True,
            "hamming_loss": False,
            "micro_f1": True,
        },
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


# Output activations that are the same model as the default one: log_softmax
# has the same argmax and the same cross-entropy as softmax.
_EQUIVALENT_OUTPUTS = {"multiclass": ("log_softmax",)}

_CLASSIFICATION_REASONS = {
    "binary": "its loss is binary cross-entropy on one probability, which "
    "needs a sigmoid output",
    "multiclass": "its loss is cross-entropy over a distribution of classes, "
    "which needs a softmax output",
    "multilabel": "each label is an independent yes/no, which needs one "
    "sigmoid per label; a softmax would make the labels compete for one unit "
    "of probability",
}


def _with_regression_output(name: str) -> Task:
    """Return the regression task with ``name`` applied to the logits."""
    function = activations.get(name)
    base = _TASKS["regression"]

    def wrap(metric):
        return lambda logits, targets: metric(function(logits), targets)

    return dataclasses.replace(
        base,
        output_activation=name,
        loss=wrap(base.loss),
        metrics={key: wrap(metric) for key, metric in base.metrics.items()},
    )


def _check_regression_output(name: str, train_targets: np.ndarray | None) -> None:
    """Reject an output whose range cannot reach the targets; warn if unusual."""
    properties = activations.spec(name).properties
    if properties is not None and properties.derivative_at_0 is None:
        raise ValueError(
            f"output_activation={name!r} is invalid for a regression task: it "
            "mixes the outputs (like softmax), but regression targets are "
            "independent numbers; use linear"
        )
    if properties is not None and train_targets is not None:
        lower, upper = properties.range
        low, high = float(np.min(train_targets)), float(np.max(train_targets))
        if low < lower or high > upper:
            kind = "non-negative" if lower == 0 and math.isinf(upper) else "bounded"
            raise ValueError(
                f"output_activation={name!r} is invalid for these targets: its "
                f"output lies in [{lower:g}, {upper:g}], but the standardised "
                f"train targets span [{low:.3g}, {high:.3g}], which a {kind} "
                "output cannot reach; use linear, or an output whose range "
                "covers the targets"
            )
    log.warning(
        "output_activation=%r on a regression task is unusual; a linear output "
        "is the usual choice",
        name,
    )


def resolve(
    kind: str,
    output_activation: str | None = None,
    train_targets: np.ndarray | None = None,
) -> Task:
    """Return the task for ``kind`` with an optional output activation override.

    Classification kinds accept only their own output activation (or an
    equivalent one), because their losses assume it. Regression accepts any
    elementwise activation whose range covers the train targets, with a
    warning, since a linear output is the usual choice.

    Args:
      kind: one of ``TASK_KINDS``.
      output_activation: registry name of the output activation; None keeps
        the task's own.
      train_targets: the train split's targets, to check a regression output's
        range against.

    Raises:
      ValueError: for an unknown kind or activation, or an output activation
        that is wrong for the task, with the reason.
    """
    task = get(kind)
    if output_activation is None or output_activation == task.output_activation:
        return task
    activations.spec(output_activation)
    if output_activation in _EQUIVALENT_OUTPUTS.get(kind, ()):
        return task
    if kind != "regression":
        raise ValueError(
            f"output_activation={output_activation!r} is invalid for a {kind} "
            f"task: {_CLASSIFICATION_REASONS[kind]}; remove the override or "
            f"set output_activation={task.output_activation}"
        )
    _check_regression_output(output_activation, train_targets)
    return _with_regression_output(output_activation)
