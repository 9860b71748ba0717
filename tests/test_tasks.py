"""Losses and metrics of each task kind against NumPy and scikit-learn."""

import jax.numpy as jnp
import numpy as np
import pytest
from sklearn import metrics as sk_metrics

from actlab import tasks


def test_unknown_task_kind_lists_choices():
    with pytest.raises(ValueError, match="unknown task kind 'ranking'; available:"):
        tasks.get("ranking")


@pytest.mark.parametrize("kind", tasks.TASK_KINDS)
def test_every_kind_has_loss_metric_directions(kind):
    task = tasks.get(kind)
    assert set(task.higher_is_better) == {"loss", *task.metrics}
    assert task.higher_is_better["loss"] is False


def test_roc_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, size=500)
    # Rounding makes many tied scores, across both classes.
    scores = np.round(rng.normal(size=500) + labels, 1).astype(np.float32)
    got = tasks.roc_auc(jnp.asarray(scores)[:, None], jnp.asarray(labels))
    expected = sk_metrics.roc_auc_score(labels, scores)
    np.testing.assert_allclose(float(got), expected, rtol=1e-6)


def test_roc_auc_perfect_and_reversed():
    labels = jnp.array([0, 0, 1, 1])
    scores = jnp.array([[-2.0], [-1.0], [1.0], [2.0]])
    assert float(tasks.roc_auc(scores, labels)) == 1.0
    assert float(tasks.roc_auc(-scores, labels)) == 0.0


def test_binary_loss_and_accuracy_match_numpy():
    logits = np.array([[-3.0], [0.5], [2.0], [-0.1]], dtype=np.float32)
    labels = np.array([0, 0, 1, 1])
    task = tasks.get("binary")
    values = tasks.evaluate(task, jnp.asarray(logits), jnp.asarray(labels))
    p = 1 / (1 + np.exp(-logits[:, 0]))
    expected_loss = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    np.testing.assert_allclose(float(values["loss"]), expected_loss, rtol=1e-5)
    assert float(values["accuracy"]) == 0.5


def test_binary_loss_is_finite_for_huge_logits():
    task = tasks.get("binary")
    logits = jnp.array([[1e4], [-1e4]])
    loss = task.loss(logits, jnp.array([0, 1]))
    assert np.isfinite(float(loss))
    np.testing.assert_allclose(float(loss), 1e4, rtol=1e-6)


def test_multiclass_loss_and_accuracy_match_numpy():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(64, 5)).astype(np.float32)
    labels = rng.integers(0, 5, size=64)
    task = tasks.get("multiclass")
    values = tasks.evaluate(task, jnp.asarray(logits), jnp.asarray(labels))
    expected_loss = sk_metrics.log_loss(
        labels, np.exp(logits) / np.exp(logits).sum(1, keepdims=True), labels=range(5)
    )
    np.testing.assert_allclose(float(values["loss"]), expected_loss, rtol=1e-5)
    expected_accuracy = np.mean(logits.argmax(1) == labels)
    np.testing.assert_allclose(float(values["accuracy"]), expected_accuracy)


def test_regression_metrics_match_sklearn():
    rng = np.random.default_rng(2)
    targets = rng.normal(size=(100, 2)).astype(np.float32)
    predictions = (targets + 0.3 * rng.normal(size=(100, 2))).astype(np.float32)
    task = tasks.get("regression")
    values = tasks.evaluate(task, jnp.asarray(predictions), jnp.asarray(targets))
    np.testing.assert_allclose(
        float(values["mse"]),
        sk_metrics.mean_squared_error(targets, predictions),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        float(values["mae"]),
        sk_metrics.mean_absolute_error(targets, predictions),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        float(values["r2"]), sk_metrics.r2_score(targets, predictions), rtol=1e-5
    )
    assert float(values["loss"]) == float(values["mse"])


def test_multilabel_metrics_match_sklearn():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, size=(200, 5))
    logits = (rng.normal(size=(200, 5)) + 1.5 * (labels - 0.5)).astype(np.float32)
    predicted = (logits > 0).astype(int)
    task = tasks.get("multilabel")
    values = tasks.evaluate(task, jnp.asarray(logits), jnp.asarray(labels))
    np.testing.assert_allclose(
        float(values["subset_accuracy"]),
        sk_metrics.accuracy_score(labels, predicted),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        float(values["hamming_loss"]),
        sk_metrics.hamming_loss(labels, predicted),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        float(values["micro_f1"]),
        sk_metrics.f1_score(labels, predicted, average="micro"),
        rtol=1e-6,
    )
    p = 1 / (1 + np.exp(-logits.astype(np.float64)))
    expected_loss = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    np.testing.assert_allclose(float(values["loss"]), expected_loss, rtol=1e-5)


def test_micro_f1_without_positives_is_zero():
    labels = jnp.zeros((4, 3), dtype=jnp.int32)
    logits = -jnp.ones((4, 3))
    assert float(tasks.micro_f1(logits, labels)) == 0.0


@pytest.mark.parametrize("kind", tasks.TASK_KINDS)
def test_resolve_keeps_default_output(kind):
    task = tasks.get(kind)
    assert tasks.resolve(kind) is task
    assert tasks.resolve(kind, task.output_activation) is task


def test_resolve_accepts_log_softmax_for_multiclass():
    assert tasks.resolve("multiclass", "log_softmax") is tasks.get("multiclass")


@pytest.mark.parametrize(
    ("kind", "output", "reason"),
    [
        ("multilabel", "softmax", "would make the labels compete"),
        ("binary", "tanh", "needs a sigmoid output"),
        ("multiclass", "sigmoid", "needs a softmax output"),
    ],
)
def test_resolve_rejects_wrong_classification_output(kind, output, reason):
    with pytest.raises(ValueError, match=f"output_activation='{output}' is invalid"):
        tasks.resolve(kind, output)
    with pytest.raises(ValueError, match=reason):
        tasks.resolve(kind, output)


def test_resolve_rejects_unknown_output():
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'"):
        tasks.resolve("binary", "sigmoidd")


def test_resolve_rejects_bounded_regression_output_outside_targets():
    targets = np.array([[-2.0], [0.5], [3.0]])
    with pytest.raises(ValueError, match=r"span \[-2, 3\]"):
        tasks.resolve("regression", "sigmoid", targets)
    with pytest.raises(ValueError, match="non-negative output cannot reach"):
        tasks.resolve("regression", "relu", targets)


def test_resolve_rejects_softmax_for_regression():
    with pytest.raises(ValueError, match="mixes the outputs"):
        tasks.resolve("regression", "softmax", np.zeros((3, 2)))


def test_resolve_warns_for_unusual_regression_output(caplog):
    targets = np.array([[0.1], [0.5], [0.9]])
    task = tasks.resolve("regression", "sigmoid", targets)
    assert "is unusual" in caplog.text
    assert task.output_activation == "sigmoid"
    logits = jnp.array([[0.0], [0.0], [0.0]])
    expected = np.mean((0.5 - targets) ** 2)
    np.testing.assert_allclose(float(task.loss(logits, targets)), expected, rtol=1e-6)
