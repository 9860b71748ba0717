"""Activation modules: module() for every name, PReLU, swish, rational, RReLU."""

from __future__ import annotations

import functools
import json
import logging
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from actlab import activations, config, models, tasks
from actlab.activations import _rational
from actlab.run import compose, hidden_activation
from actlab.training import OptimizerConfig, TrainerConfig, check_optimizer, fit
from actlab.training.optimizers import activation_labels, make_optimizer

X = jnp.array([[-3.0, -1.0, -0.25, 0.0, 0.5, 2.0], [4.0, -2.0, 1.0, -0.5, 0.0, 3.0]])


def _prelu_factory(**hyperparameters):
    def build(num_features, rngs):
        return activations.module(
            "prelu", num_features=num_features, rngs=rngs, **hyperparameters
        )

    return models.ActivationFactory(build)


@pytest.mark.parametrize("name", activations.available(include_aliases=False))
def test_module_equals_function(name):
    layer = activations.module(name, num_features=X.shape[-1], rngs=nnx.Rngs(0))
    assert isinstance(layer, nnx.Module)
    if name == "rrelu":
        layer.eval()
    expected = activations.get(name)(X)
    np.testing.assert_array_equal(np.asarray(layer(X)), np.asarray(expected))


@pytest.mark.parametrize("name", activations.learnable())
def test_learnable_module_keeps_shape_and_dtype(name):
    layer = activations.module(name, num_features=X.shape[-1])
    for dtype in (jnp.bfloat16, jnp.float16, jnp.float32):
        y = layer(X.astype(dtype))
        assert y.shape == X.shape
        assert y.dtype == dtype
        assert bool(jnp.all(jnp.isfinite(y)))
    params = nnx.state(layer, nnx.Param)
    assert jax.tree.leaves(params), f"{name} has no nnx.Param"


@pytest.mark.parametrize("name", activations.learnable())
def test_get_on_learnable_name_points_to_module(name):
    with pytest.raises(ValueError, match=r"learnable.*module\("):
        activations.get(name)
    with pytest.raises(ValueError, match=r"learnable.*module\("):
        activations.spec(name)


def test_learnable_names_are_not_in_available():
    assert not set(activations.learnable()) & set(activations.available())


@pytest.mark.parametrize(
    ("name", "hyperparameters", "match"),
    [
        ("prelu", {"init_slope": "a"}, "init_slope='a' is invalid"),
        ("prelu", {"init_slope": float("inf")}, "init_slope=inf is invalid"),
        ("prelu", {"slope": 0.1}, "unknown hyperparameter 'slope'"),
        ("learnable_swish", {"shared": 1.0}, "shared=1.0 is invalid"),
        ("rational", {"approximates": "softmax"}, "approximates='softmax'"),
        ("rational", {"approximates": "nope"}, "approximates='nope'"),
        ("rational", {"numerator_degree": 9}, "numerator_degree=9 is invalid"),
        ("rational", {"denominator_degree": -1}, "denominator_degree=-1"),
        ("rrelu", {"lower": 0.5, "upper": 0.25}, "upper=0.25 are invalid"),
        ("prelux", {}, "unknown activation 'prelux'"),
    ],
)
def test_module_rejects_bad_hyperparameters(name, hyperparameters, match):
    with pytest.raises(ValueError, match=match):
        activations.module(name, **hyperparameters)


def test_prelu_per_channel_slopes_and_gradient():
    layer = activations.module("prelu", num_features=6)
    assert layer.slope[...].shape == (6,)
    np.testing.assert_allclose(layer.slope[...], 0.25)
    expected = np.where(X > 0, X, 0.25 * X)
    np.testing.assert_allclose(layer(X), expected)

    def loss(layer):
        return layer(X).sum()

    grads = nnx.grad(loss)(layer)
    # d/da of sum(a_c x) over x <= 0 is the sum of the non-positive inputs.
    expected_grad = np.minimum(np.asarray(X), 0).sum(axis=0)
    np.testing.assert_allclose(grads["slope"][...], expected_grad)


def test_prelu_shared_slope_is_scalar():
    for layer in (
        activations.module("prelu", init_slope=0.1),
        activations.module("prelu", num_features=6, shared=True, init_slope=0.1),
    ):
        assert layer.slope[...].shape == ()
        np.testing.assert_allclose(layer(X), np.where(X > 0, X, 0.1 * X), rtol=1e-6)
        grads = nnx.grad(lambda layer: layer(X).sum())(layer)
        np.testing.assert_allclose(grads["slope"][...], np.minimum(X, 0).sum())


def test_prelu_rejects_wrong_width():
    layer = activations.module("prelu", num_features=5)
    with pytest.raises(ValueError, match="num_features=5"):
        layer(X)


def test_learnable_swish_starts_as_silu():
    layer = activations.module("learnable_swish")
    np.testing.assert_allclose(layer(X), jax.nn.silu(X), rtol=1e-6)


def test_learnable_swish_beta_gets_gradient_and_moves():
    layer = activations.module("learnable_swish")
    x = jnp.linspace(-4.0, 4.0, 64)
    target = x * jax.nn.sigmoid(2.0 * x)

    def loss(layer):
        return jnp.mean((layer(x) - target) ** 2)

    grads = nnx.grad(loss)(layer)
    assert float(grads["beta"][...]) < 0  # a larger beta lowers the loss
    optimizer = nnx.Optimizer(layer, optax.adam(0.05), wrt=nnx.Param)

    @nnx.jit
    def step(layer, optimizer):
        optimizer.update(layer, nnx.grad(loss)(layer))

    for _ in range(100):
        step(layer, optimizer)
    assert abs(float(layer.beta[...]) - 2.0) < 0.1


def test_learnable_swish_per_channel_beta():
    layer = activations.module("learnable_swish", num_features=6, shared=False)
    assert layer.beta[...].shape == (6,)


# Maximum error on the fitting grid that each start must reach. The measured
# errors of the 5/4 fit on 801 points of [-4, 4] are about 0.045 (leaky_relu),
# 2.5e-5 (tanh) and 2.4e-3 (gelu).
_FIT_BOUNDS = {"leaky_relu": 0.05, "tanh": 1e-4, "gelu": 5e-3}


@pytest.mark.parametrize(("name", "bound"), sorted(_FIT_BOUNDS.items()))
def test_rational_approximates_its_start(name, bound):
    layer = activations.module("rational", approximates=name)
    assert layer.fit_max_error <= bound
    grid = jnp.linspace(-_rational.FIT_RANGE, _rational.FIT_RANGE, _rational.FIT_POINTS)
    error = jnp.max(jnp.abs(layer(grid) - activations.get(name)(grid)))
    # float32 coefficients and arithmetic add a little to the float64 fit.
    assert float(error) <= bound * 1.01 + 1e-5


def test_rational_is_finite_for_large_inputs():
    layer = activations.module("rational", approximates="gelu")
    x = jnp.concatenate([-jnp.logspace(0, 4, 41), jnp.logspace(0, 4, 41)])

    @nnx.jit
    def value_and_grads(layer, x):
        def total(layer, x):
            return layer(x).sum()

        return layer(x), nnx.grad(total, argnums=(0, 1))(layer, x)

    y, (param_grads, input_grad) = value_and_grads(layer, x)
    assert bool(jnp.all(jnp.isfinite(y)))
    assert bool(jnp.all(jnp.isfinite(input_grad)))
    for leaf in jax.tree.leaves(param_grads):
        assert bool(jnp.all(jnp.isfinite(leaf)))


def test_rational_matches_direct_formula():
    rng = np.random.default_rng(0)
    numerator = rng.normal(size=6)
    denominator = rng.normal(size=4)
    x = np.linspace(-50.0, 50.0, 1001)
    b = np.polynomial.polynomial.polyval(x, np.concatenate([[0.0], denominator]))
    expected = np.polynomial.polynomial.polyval(x, numerator) / (1 + np.abs(b))
    with jax.enable_x64():
        actual = _rational.rational(
            jnp.asarray(x), jnp.asarray(numerator), jnp.asarray(denominator)
        )
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("numerator", "denominator"), [(3, 0), (2, 4), (0, 1)])
def test_rational_other_degrees(numerator, denominator):
    layer = activations.module(
        "rational",
        approximates="tanh",
        numerator_degree=numerator,
        denominator_degree=denominator,
    )
    assert layer.numerator[...].shape == (numerator + 1,)
    assert layer.denominator[...].shape == (denominator,)
    assert bool(jnp.all(jnp.isfinite(layer(jnp.array([-1e4, 0.0, 1e4])))))


def test_rrelu_random_in_train_mode():
    layer = activations.module("rrelu", rngs=nnx.Rngs(0))
    x = -jnp.ones(1000)
    first, second = layer(x), layer(x)
    assert not np.array_equal(first, second)
    slopes = -np.asarray(first)
    assert slopes.min() >= 1 / 8
    assert slopes.max() <= 1 / 3
    assert slopes.std() > 0.03
    positive = jnp.arange(1.0, 5.0)
    np.testing.assert_array_equal(layer(positive), positive)


def test_rrelu_eval_mode_uses_mean_slope():
    layer = activations.module("rrelu", lower=0.1, upper=0.3, rngs=nnx.Rngs(0))
    layer.eval()
    x = -jnp.ones(8)
    np.testing.assert_allclose(layer(x), -0.2 * np.ones(8), rtol=1e-6)
    np.testing.assert_array_equal(layer(x), layer(x))
    layer.train()
    assert not np.allclose(layer(x), -0.2)


def test_rrelu_without_rngs_needs_eval_mode():
    layer = activations.module("rrelu")
    with pytest.raises(ValueError, match="random streams"):
        layer(X)
    layer.eval()
    np.testing.assert_array_equal(layer(X), activations.get("rrelu")(X))


def test_factory_builds_one_module_per_layer():
    mlp = nnx.eval_shape(
        lambda: models.MLP(
            6,
            [5, 7],
            3,
            activation=_prelu_factory(),
            kernel_init=models.initializer("he_normal"),
            rngs=nnx.Rngs(0),
        )
    )
    shapes = [block.activation.slope.shape for block in mlp.hidden]
    assert shapes == [(5,), (7,)]
    assert mlp.hidden[0].activation is not mlp.hidden[1].activation


def test_cnn_takes_factory_per_channel():
    cnn = nnx.eval_shape(
        lambda: models.CNN(
            (8, 8, 1),
            3,
            channels=[4],
            kernel_sizes=[3],
            strides=[1],
            dense_sizes=[6],
            activation=_prelu_factory(),
            kernel_init=models.initializer("he_normal"),
            rngs=nnx.Rngs(0),
        )
    )
    assert cnn.blocks[0].activation.slope.shape == (4,)
    assert cnn.head[0].activation.slope.shape == (6,)


def test_rnn_rejects_factory():
    with pytest.raises(ValueError, match="plain function"):
        models.RNN(
            (5, 2),
            3,
            hidden_size=4,
            activation=_prelu_factory(),
            kernel_init=models.initializer("glorot_uniform"),
            rngs=nnx.Rngs(0),
        )


def _blobs(n=256, features=8, classes=3):
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=3.0, size=(classes, features))
    y = rng.integers(0, classes, size=n).astype(np.int32)
    x = (centres[y] + rng.normal(size=(n, features))).astype(np.float32)
    return (x[: n // 2], y[: n // 2]), (x[n // 2 :], y[n // 2 :])


def test_mlp_with_prelu_trains_and_slopes_change():
    train, test = _blobs()
    build = functools.partial(
        models.MLP,
        8,
        [8],
        3,
        activation=_prelu_factory(),
        kernel_init=models.initializer("he_normal"),
    )
    result = fit(
        build,
        tasks.get("multiclass"),
        make_optimizer(OptimizerConfig(lr=1e-2)),
        TrainerConfig(epochs=3, batch_size=32),
        train=train,
        test=test,
        seeds=[0],
    )
    history = result.replicas[0].history
    assert history[-1]["train/loss"] < history[0]["train/loss"]
    slopes = np.asarray(result.state.params["hidden"][0]["activation"]["slope"][...])
    assert slopes.shape == (1, 8)
    assert np.abs(slopes - 0.25).max() > 1e-3


def _prelu_params():
    mlp = models.MLP(
        4,
        [5],
        3,
        activation=_prelu_factory(),
        kernel_init=models.initializer("he_normal"),
        rngs=nnx.Rngs(0),
    )
    return nnx.split(mlp, nnx.Param, ...)[1]


def test_activation_labels_follow_paths():
    labels = activation_labels(_prelu_params())
    flat = {
        jax.tree_util.keystr(path): label
        for path, label in jax.tree_util.tree_leaves_with_path(labels)
    }
    activation_paths = [path for path, label in flat.items() if label == "activation"]
    assert activation_paths == ["['hidden'][0]['activation']['slope'].value"]
    assert sum(label == "model" for label in flat.values()) == 4


def _updates(optimizer_config):
    params = _prelu_params()
    optimizer = make_optimizer(optimizer_config)
    grads = jax.tree.map(jnp.ones_like, params)
    updates, _ = optimizer.update(grads, optimizer.init(params), params)
    slope = updates["hidden"][0]["activation"]["slope"][...]
    kernel = updates["hidden"][0]["linear"]["kernel"][...]
    return np.asarray(slope), np.asarray(kernel)


def test_activation_lr_scales_activation_updates_only():
    slope, kernel = _updates(OptimizerConfig(name="sgd", lr=0.1, activation_lr=1.0))
    np.testing.assert_allclose(slope, -1.0)
    np.testing.assert_allclose(kernel, -0.1)


def test_activation_optimizer_defaults_to_main_one():
    slope, kernel = _updates(OptimizerConfig(name="sgd", lr=0.1))
    np.testing.assert_allclose(slope, -0.1)
    np.testing.assert_allclose(kernel, -0.1)


def test_activation_weight_decay_applies_to_activations_only():
    slope, kernel = _updates(
        OptimizerConfig(name="adamw", lr=0.1, weight_decay=0.0, activation_lr=0.1)
    )
    decayed, _ = _updates(
        OptimizerConfig(
            name="adamw", lr=0.1, weight_decay=0.0, activation_weight_decay=1.0
        )
    )
    # Decoupled decay subtracts lr * decay * param = 0.1 * 1.0 * 0.25.
    np.testing.assert_allclose(decayed - slope, -0.025, rtol=1e-5)
    assert kernel.shape == (4, 5)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("activation_lr", 0.0),
        ("activation_lr", float("nan")),
        ("activation_weight_decay", -1.0),
    ],
)
def test_check_optimizer_rejects_activation_fields(field, value):
    with pytest.raises(ValueError, match=f"optimizer.{field}="):
        check_optimizer(OptimizerConfig(**{field: value}))


def test_config_offers_learnable_activations():
    cfg = compose(["activation=rational", "activation.approximates=tanh"])
    config.check(cfg)
    assert cfg.activation.numerator_degree == 5
    assert config.activation_hyperparameters(cfg)["approximates"] == "tanh"
    bad = compose(["activation=rational", "activation.approximates=softmax"])
    with pytest.raises(config.ConfigError, match="approximates='softmax'"):
        config.check(bad)


def test_hidden_activation_choices():
    assert isinstance(hidden_activation("prelu", {}, "mlp"), models.ActivationFactory)
    assert isinstance(hidden_activation("rrelu", {}, "cnn"), models.ActivationFactory)
    assert not isinstance(hidden_activation("rrelu", {}, "rnn"), nnx.Module)
    assert not isinstance(
        hidden_activation("relu", {}, "mlp"), models.ActivationFactory
    )
    with pytest.raises(config.ConfigError, match="model=rnn"):
        hidden_activation("prelu", {}, "rnn")


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin", "sparsemax"])
def test_hidden_activation_warns_when_it_mixes_features(name, caplog):
    with caplog.at_level(logging.WARNING, logger="actlab.run"):
        hidden_activation(name, {}, "mlp")
    assert f"activation={name} mixes the features of each hidden layer" in caplog.text


def test_hidden_activation_elementwise_does_not_warn(caplog):
    with caplog.at_level(logging.WARNING, logger="actlab.run"):
        hidden_activation("elu", {}, "mlp")
        hidden_activation("prelu", {}, "cnn")
    assert caplog.text == ""


@pytest.mark.slow
def test_train_command_with_prelu(cli_env, tmp_path):
    run_dir = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "actlab.train",
            "activation=prelu",
            "trainer.epochs=1",
            f"hydra.run.dir={run_dir}",
        ],
        cwd=tmp_path,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((run_dir / "results.json").read_text())
    assert results["status"] == "ok"
    assert results["activation"] == "prelu"
    assert results["activation_params"] == {"init_slope": 0.25, "shared": False}
