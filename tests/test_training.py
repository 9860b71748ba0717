"""The training loop on small synthetic data: learning, seeds, divergence."""

import functools

import jax
import numpy as np
import pytest

from actlab import models, tasks
from actlab.training import (
    OPTIMIZERS,
    OptimizerConfig,
    TrainerConfig,
    check_optimizer,
    check_trainer,
    fit,
    make_optimizer,
    summarize,
)


def _blobs(n=256, features=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(classes, features))
    y = rng.integers(0, classes, size=n)
    x = centres[y] + rng.normal(size=(n, features))
    x = x.astype(np.float32)
    y = y.astype(np.int32)
    return (x[: n // 2], y[: n // 2]), (x[n // 2 :], y[n // 2 :])


def _build(features=8, outputs=3, activation=jax.nn.relu):
    return functools.partial(
        models.MLP,
        features,
        [32],
        outputs,
        activation=activation,
        kernel_init=models.initializer("he_normal"),
    )


def _fit(seeds=(0,), epochs=5, optimizer=None, batch_size=32, activation=jax.nn.relu):
    train, test = _blobs()
    return fit(
        _build(activation=activation),
        tasks.get("multiclass"),
        make_optimizer(optimizer or OptimizerConfig(lr=1e-2)),
        TrainerConfig(epochs=epochs, batch_size=batch_size),
        train=train,
        test=test,
        seeds=list(seeds),
    )


def test_loss_falls_and_accuracy_rises():
    result = _fit(epochs=8)
    history = result.replicas[0].history
    assert history[-1]["train/loss"] < 0.5 * history[0]["train/step_loss"]
    assert history[-1]["test/accuracy"] > 0.9
    assert result.status == "ok"
    assert result.epochs_run == 8
    assert result.steps_per_epoch == 4
    assert result.compile_seconds > 0
    assert result.steps_per_second > 0


def test_metrics_have_slash_names_for_both_splits():
    final = _fit(epochs=1).replicas[0].final
    assert set(final) == {
        "train/step_loss",
        "train/loss",
        "train/accuracy",
        "test/loss",
        "test/accuracy",
    }


def test_seed_result_does_not_depend_on_other_replicas():
    together = _fit(seeds=(0, 1), epochs=3)
    alone = _fit(seeds=(1,), epochs=3)
    for name, value in alone.replicas[0].final.items():
        np.testing.assert_allclose(
            together.replicas[1].final[name], value, rtol=1e-5, err_msg=name
        )


def test_different_seeds_give_different_runs():
    result = _fit(seeds=(0, 1), epochs=1)
    first, second = (replica.final["train/loss"] for replica in result.replicas)
    assert first != second


def test_same_seed_reproduces_exactly():
    first = _fit(seeds=(3,), epochs=2).replicas[0].history
    second = _fit(seeds=(3,), epochs=2).replicas[0].history
    assert first == second


def test_divergence_stops_replica_and_keeps_finite_params():
    huge = OptimizerConfig(name="sgd", lr=1e30)
    result = _fit(seeds=(0, 1), epochs=4, optimizer=huge, activation=lambda x: x)
    assert result.status == "diverged"
    for replica in result.replicas:
        assert replica.status == "diverged"
        assert replica.diverged_epoch == 1
    for leaf in jax.tree.leaves(result.state.params):
        assert np.all(np.isfinite(leaf))
    # Every replica diverged, so training stopped after that epoch.
    assert result.epochs_run == 1
    assert all(np.isnan(value) for value in summarize(result.replicas).values())


def test_batch_size_above_train_size_is_lowered():
    result = _fit(epochs=1, batch_size=10_000)
    assert result.batch_size == 128
    assert result.steps_per_epoch == 1


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_trains(name):
    lr = {"sgd": 0.1, "momentum": 0.05}.get(name, 1e-2)
    result = _fit(epochs=6, optimizer=OptimizerConfig(name=name, lr=lr))
    history = result.replicas[0].history
    assert history[-1]["train/loss"] < history[0]["train/loss"]


def test_gradient_clipping_trains():
    config = OptimizerConfig(lr=1e-2, grad_clip_norm=1.0)
    result = _fit(epochs=4, optimizer=config)
    assert result.replicas[0].final["test/accuracy"] > 0.8


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "lion", "optimizer.name='lion' is invalid; available: adam"),
        ("lr", -1.0, "optimizer.lr=-1.0 is invalid"),
        ("lr", 0.0, "optimizer.lr=0.0 is invalid"),
        ("lr", float("nan"), "optimizer.lr=nan is invalid"),
        ("momentum", 1.0, r"optimizer.momentum=1.0 is invalid; it must be in \[0, 1\)"),
        ("b2", -0.1, "optimizer.b2=-0.1 is invalid"),
        ("eps", 0.0, "optimizer.eps=0.0 is invalid"),
        ("weight_decay", -1.0, "optimizer.weight_decay=-1.0 is invalid"),
        ("grad_clip_norm", -1.0, "optimizer.grad_clip_norm=-1.0 is invalid"),
    ],
)
def test_invalid_optimizer_config_names_field(field, value, message):
    config = OptimizerConfig(**{field: value})
    with pytest.raises(ValueError, match=message):
        check_optimizer(config)


@pytest.mark.parametrize("field", ["epochs", "batch_size", "eval_batch_size"])
def test_invalid_trainer_config_names_field(field):
    with pytest.raises(ValueError, match=f"trainer.{field}=0 is invalid"):
        check_trainer(TrainerConfig(**{field: 0}))


def test_empty_seeds_rejected():
    with pytest.raises(ValueError, match="seeds is empty"):
        _fit(seeds=())


def test_chunked_evaluation_matches_single_pass():
    train, test = _blobs()
    common = dict(
        task=tasks.get("multiclass"),
        optimizer=make_optimizer(OptimizerConfig(lr=1e-2)),
        train=train,
        test=test,
        seeds=[0],
    )
    whole = fit(_build(), trainer=TrainerConfig(epochs=2), **common)
    chunked = fit(
        _build(), trainer=TrainerConfig(epochs=2, eval_batch_size=7), **common
    )
    for name, value in whole.replicas[0].final.items():
        np.testing.assert_allclose(
            chunked.replicas[0].final[name], value, rtol=1e-5, err_msg=name
        )
