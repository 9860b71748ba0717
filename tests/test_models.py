"""Model families: shapes, gradients, learning, norm, dropout, config checks."""

import dataclasses
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from actlab import activations, models, tasks
from actlab.models import CNNConfig, MLPConfig, RNNConfig
from actlab.models.rnn import RecurrentLayer
from actlab.training import OptimizerConfig, TrainerConfig, fit, make_optimizer

HE = models.initializer("he_normal")
ELU = activations.get("elu")
ACTIVATIONS = {"relu": jax.nn.relu, "tanh": jnp.tanh, "elu": ELU}

# (config, per-example input shape, activation) for every family and option;
# the activations rotate so that each family meets all three.
CASES = {
    "mlp": (MLPConfig(hidden_sizes=[16, 16]), (6,), "relu"),
    "mlp_residual": (MLPConfig(hidden_sizes=[16, 16], residual=True), (6,), "tanh"),
    "mlp_batch_norm": (MLPConfig(hidden_sizes=[16], norm="batch"), (6,), "elu"),
    "mlp_layer_norm": (MLPConfig(hidden_sizes=[16], norm="layer"), (6,), "relu"),
    "mlp_dropout": (MLPConfig(hidden_sizes=[16], dropout=0.2), (6,), "tanh"),
    "mlp_every_option": (
        MLPConfig(hidden_sizes=[16, 16], residual=True, norm="batch", dropout=0.1),
        (6,),
        "relu",
    ),
    "cnn_1d": (
        CNNConfig(channels=[4, 8], kernel_sizes=[3, 3], strides=[1, 1], norm="batch"),
        (12,),
        "relu",
    ),
    "cnn_1d_channels": (
        CNNConfig(channels=[4], kernel_sizes=[3], strides=[2], padding="valid"),
        (12, 2),
        "tanh",
    ),
    "cnn_2d": (
        CNNConfig(
            channels=[4],
            kernel_sizes=[3],
            strides=[1],
            pooling="avg",
            norm="layer",
            dense_sizes=[8],
            dropout=0.1,
        ),
        (6, 6, 1),
        "elu",
    ),
    "rnn_simple": (RNNConfig(cell="simple", hidden_size=8), (5,), "tanh"),
    "rnn_lstm": (RNNConfig(cell="lstm", hidden_size=8, num_layers=2), (5, 2), "relu"),
    "rnn_gru_bidirectional": (
        RNNConfig(cell="gru", hidden_size=8, bidirectional=True),
        (5, 2),
        "elu",
    ),
}


def _build(name, outputs=3):
    cfg, shape, activation = CASES[name]
    factory = models.build_model(
        cfg, shape, outputs, activation=ACTIVATIONS[activation], kernel_init=HE
    )
    return factory, shape


def _inputs(shape, n=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, *shape)).astype(np.float32)


# Cases trained through ``fit``, with their task kind. ``fit`` marks a replica
# diverged as soon as a loss or gradient is not finite, so a fit that ends
# "ok" has had finite gradients at every step.
LEARNING = {
    "cnn_1d": "multiclass",
    "cnn_2d": "multiclass",
    "rnn_simple": "regression",
    "rnn_lstm": "multiclass",
    "rnn_gru_bidirectional": "multiclass",
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_output_shape(name, mode):
    factory, shape = _build(name)
    x = jnp.asarray(_inputs(shape))

    def forward():
        model = factory(rngs=nnx.Rngs(0))
        getattr(model, mode)()
        return model(x)

    # Shapes only: nothing is compiled or allocated.
    outputs = nnx.eval_shape(forward)
    assert outputs.shape == (4, 3)
    assert outputs.dtype == jnp.float32


@pytest.mark.parametrize(
    "name", sorted(set(CASES) - set(LEARNING) - {"mlp_every_option"})
)
def test_finite_gradients(name):
    factory, shape = _build(name)
    model = factory(rngs=nnx.Rngs(0))
    model.train()
    graphdef, params, rest = nnx.split(model, nnx.Param, ...)
    x = jnp.asarray(_inputs(shape))

    @jax.jit
    def loss_and_grads(params, rest):
        def loss(params):
            outputs = nnx.merge(graphdef, params, rest, copy=True)(x)
            return jnp.mean(outputs**2)

        return jax.value_and_grad(loss)(params)

    loss, grads = loss_and_grads(params, rest)
    assert np.isfinite(float(loss))
    leaves = jax.tree.leaves(grads)
    assert len(leaves) == len(jax.tree.leaves(params))
    assert all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in leaves)
    assert all(bool(jnp.any(leaf != 0)) for leaf in leaves)


def _synthetic(shape, kind, n=192, seed=0):
    """Inputs of ``shape`` with targets that depend on their mean and first value."""
    x = _inputs(shape, n, seed)
    flat = x.reshape(n, -1)
    score = flat.mean(axis=1) * np.sqrt(flat.shape[1])
    if kind == "regression":
        y = np.stack([score, flat[:, 0]], axis=1).astype(np.float32)
    else:
        y = (score > 0).astype(np.int32) + (flat[:, 0] > 0.5)
    half = n // 2
    return (x[:half], y[:half]), (x[half:], y[half:])


def _fit(name, kind, seeds=(0,), epochs=4):
    factory, shape = _build(name, outputs=2 if kind == "regression" else 3)
    train, test = _synthetic(shape, kind)
    return fit(
        factory,
        tasks.get(kind),
        make_optimizer(OptimizerConfig(lr=1e-2)),
        # Two evaluation chunks of 64 cover the chunked (lax.map) evaluation.
        TrainerConfig(epochs=epochs, batch_size=32, eval_batch_size=64),
        train=train,
        test=test,
        seeds=list(seeds),
    )


@pytest.mark.parametrize(("name", "kind"), sorted(LEARNING.items()))
def test_training_loss_falls(name, kind):
    result = _fit(name, kind)
    history = result.replicas[0].history
    assert result.status == "ok"
    assert history[-1]["train/loss"] < 0.8 * history[0]["train/step_loss"]


def test_mlp_every_option_learns():
    result = _fit("mlp_every_option", "multiclass", seeds=(0, 1))
    for replica in result.replicas:
        assert replica.status == "ok"
        assert replica.final["train/loss"] < 0.8 * replica.history[0]["train/step_loss"]
    means = [
        leaf
        for path, leaf in jax.tree.leaves_with_path(result.state.rest)
        if "mean" in jax.tree_util.keystr(path)
    ]
    assert len(means) == 2
    assert all(mean.shape == (2, 16) for mean in means)
    assert all(float(jnp.abs(mean).min()) > 0 for mean in means)


def _mlp(**options):
    defaults = {"activation": jax.nn.relu, "kernel_init": HE, "rngs": nnx.Rngs(0)}
    return models.MLP(4, [8], 2, **(defaults | options))


def test_batch_norm_statistics_update_in_training():
    model = _mlp(norm="batch")
    block = model.hidden[0]
    x = jnp.asarray(_inputs((4,), n=64)) + 3.0
    features = block.linear(x)
    model.train()
    model(x)
    # One step with momentum 0.9 moves the running statistics from (0, 1) a
    # tenth of the way to the batch statistics.
    np.testing.assert_allclose(block.norm.mean[...], 0.1 * features.mean(0), rtol=1e-5)
    np.testing.assert_allclose(
        block.norm.var[...], 0.9 + 0.1 * features.var(0), rtol=1e-5
    )


def test_batch_norm_uses_running_statistics_in_eval():
    model = _mlp(norm="batch")
    x = jnp.asarray(_inputs((4,), n=64)) + 3.0
    model.train()
    model(x)
    model.eval()
    mean_before = np.array(model.hidden[0].norm.mean[...])
    alone = model(x[:1])
    in_batch = model(x)[:1]
    np.testing.assert_allclose(alone, in_batch, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(model.hidden[0].norm.mean[...], mean_before)
    model.train()
    assert not np.allclose(model(x)[:1], in_batch, atol=1e-3)


def test_dropout_active_in_train_and_off_in_eval():
    model = _mlp(dropout=0.5)
    assert isinstance(model.hidden[0].dropout, nnx.Dropout)
    x = jnp.ones((16, 4))
    model.train()
    first, second = model(x), model(x)
    assert not np.allclose(first, second)
    model.eval()
    np.testing.assert_array_equal(model(x), model(x))


def test_alpha_dropout_on_request():
    model = _mlp(dropout=0.1, alpha_dropout=True)
    assert isinstance(model.hidden[0].dropout, models.AlphaDropout)


def test_alpha_dropout_keeps_mean_and_variance():
    layer = models.AlphaDropout(0.2, rngs=nnx.Rngs(1))
    x = jax.random.normal(jax.random.key(0), (200_000,))
    y = np.asarray(layer(x))
    # Klambauer et al. (2017): dropped units become a * alpha' + b.
    keep, saturation = 0.8, -1.0507009873554805 * 1.6732632423543772
    scale = (keep + saturation**2 * keep * (1 - keep)) ** -0.5
    dropped = scale * saturation - scale * (1 - keep) * saturation
    assert abs(np.isclose(y, dropped, atol=1e-6).mean() - 0.2) < 0.01
    assert abs(y.mean()) < 0.01
    assert abs(y.var() - 1.0) < 0.02
    layer.eval()
    np.testing.assert_array_equal(layer(x), x)


def test_alpha_dropout_keeps_selu_output_normalised():
    x = jax.nn.selu(jax.random.normal(jax.random.key(0), (200_000,)))
    y = models.AlphaDropout(0.3, rngs=nnx.Rngs(2))(x)
    np.testing.assert_allclose(float(y.mean()), float(x.mean()), atol=0.01)
    np.testing.assert_allclose(float(y.var()), float(x.var()), atol=0.03)


def test_alpha_dropout_rejects_rate():
    with pytest.raises(ValueError, match=r"rate=1.0 is invalid; it must be in"):
        models.AlphaDropout(1.0, rngs=nnx.Rngs(0))


def test_residual_adds_input_where_widths_match():
    model = models.MLP(
        3,
        [3, 5],
        2,
        activation=jax.nn.relu,
        kernel_init=HE,
        residual=True,
        rngs=nnx.Rngs(0),
    )
    same, wider = model.hidden
    same.linear.kernel[...] = jnp.zeros_like(same.linear.kernel[...])
    wider.linear.kernel[...] = jnp.zeros_like(wider.linear.kernel[...])
    x = jnp.asarray(_inputs((3,)))
    np.testing.assert_array_equal(same(x), x)
    assert wider(x).shape == (4, 5)
    np.testing.assert_array_equal(wider(x), jnp.zeros((4, 5)))


def test_mlp_activation_per_layer():
    model = models.MLP(
        3,
        [4, 4],
        2,
        activation=[jnp.tanh, jax.nn.relu],
        kernel_init=HE,
        rngs=nnx.Rngs(0),
    )
    x = jnp.asarray(_inputs((3,)))
    first, second = model.hidden
    h = jnp.tanh(first.linear(x))
    h = jax.nn.relu(second.linear(h))
    np.testing.assert_allclose(model(x), model.output(h), rtol=1e-6)


def test_cnn_activation_per_layer():
    cfg = CNNConfig(channels=[2, 3], kernel_sizes=[3, 3], strides=[1, 1])
    acts = [jnp.tanh, jax.nn.relu, ELU]
    factory = models.build_model(cfg, (8,), 2, activation=acts, kernel_init=HE)
    model = factory(rngs=nnx.Rngs(0))
    used = [block.activation for block in model.blocks]
    used += [layer.activation for layer in model.head]
    assert used == acts


def test_rnn_activation_per_layer():
    cfg = RNNConfig(cell="gru", hidden_size=4, num_layers=2)
    factory = models.build_model(
        cfg, (5, 2), 2, activation=[jnp.tanh, ELU], kernel_init=HE
    )
    model = factory(rngs=nnx.Rngs(0))
    used = [layer.forward.activation_fn for layer in model.layers]
    assert used == [jnp.tanh, ELU]


@pytest.mark.parametrize(
    ("cfg", "shape", "count", "message"),
    [
        (
            MLPConfig(hidden_sizes=[8, 8]),
            (4,),
            3,
            "3 entries but the model has 2 hidden",
        ),
        (
            CNNConfig(dense_sizes=[8]),
            (16,),
            4,
            "4 entries but the model has 3 convolution blocks and hidden dense",
        ),
        (RNNConfig(num_layers=2), (5,), 1, "1 entries but the model has 2 recurrent"),
    ],
)
def test_activation_list_length_error(cfg, shape, count, message):
    with pytest.raises(ValueError, match=message):
        models.build_model(cfg, shape, 2, activation=[jnp.tanh] * count, kernel_init=HE)


def test_lstm_uses_gate_activation():
    cfg = RNNConfig(cell="lstm", hidden_size=4)
    factory = models.build_model(
        cfg,
        (5, 2),
        3,
        activation=jnp.tanh,
        gate_activation=jnp.zeros_like,
        kernel_init=HE,
    )
    model = factory(rngs=nnx.Rngs(0))
    x = jnp.asarray(_inputs((5, 2)))
    # Closed gates keep the cell state and the output at zero, so the output
    # layer receives only zeros and returns its bias.
    expected = jnp.broadcast_to(model.output.bias[...], (4, 3))
    np.testing.assert_allclose(model(x), expected)
    assert model.layers[0].forward.gate_fn is jnp.zeros_like


def test_gate_activation_defaults_to_sigmoid():
    factory = models.build_model(
        RNNConfig(cell="gru", hidden_size=4),
        (5, 2),
        2,
        activation=jnp.tanh,
        kernel_init=HE,
    )
    assert factory(rngs=nnx.Rngs(0)).layers[0].forward.gate_fn is jax.nn.sigmoid


def test_recurrent_layer_matches_flax_rnn():
    layer = RecurrentLayer(
        "lstm",
        2,
        4,
        bidirectional=False,
        activation=jnp.tanh,
        gate_activation=jax.nn.sigmoid,
        kernel_init=HE,
        rngs=nnx.Rngs(0),
    )
    x = jnp.asarray(_inputs((5, 2)))
    outputs, final = layer(jnp.swapaxes(x, 0, 1))
    reference = nnx.RNN(layer.forward, return_carry=True)
    (_, reference_final), reference_outputs = reference(x)
    np.testing.assert_allclose(
        jnp.swapaxes(outputs, 0, 1), reference_outputs, atol=1e-6
    )
    np.testing.assert_allclose(final, reference_final, atol=1e-6)


def test_bidirectional_backward_reads_reversed():
    layer = RecurrentLayer(
        "gru",
        2,
        4,
        bidirectional=True,
        activation=jnp.tanh,
        gate_activation=jax.nn.sigmoid,
        kernel_init=HE,
        rngs=nnx.Rngs(0),
    )
    xs = jnp.swapaxes(jnp.asarray(_inputs((5, 2))), 0, 1)
    outputs, final = layer(xs)
    assert outputs.shape == (5, 4, 8)
    assert final.shape == (4, 8)
    carry = jnp.zeros((4, 4))
    backward = []
    for x in xs[::-1]:
        carry, y = layer.backward(carry, x)
        backward.append(y)
    backward = jnp.stack(backward[::-1])
    np.testing.assert_allclose(outputs[..., 4:], backward, atol=1e-6)
    np.testing.assert_allclose(final[:, 4:], carry, atol=1e-6)
    np.testing.assert_allclose(final[:, :4], outputs[-1, :, :4], atol=1e-6)


@pytest.mark.parametrize(
    ("cfg", "shape", "message"),
    [
        (
            CASES["cnn_1d"][0],
            (2, 3, 4, 1),
            r"CNN input shape \(2, 3, 4, 1\) is invalid",
        ),
        (
            CNNConfig(channels=[4], kernel_sizes=[5], strides=[1], padding="valid"),
            (3,),
            r"CNN input shape \(3, 1\) is too small: convolution block 1",
        ),
        (RNNConfig(), (2, 3, 4), r"RNN input shape \(2, 3, 4\) is invalid"),
    ],
)
def test_input_shape_errors(cfg, shape, message):
    with pytest.raises(ValueError, match=message):
        models.build_model(cfg, shape, 2, activation=jnp.tanh, kernel_init=HE)


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        (MLPConfig(name="resnet"), "model.name='resnet' is invalid; available: mlp"),
        (MLPConfig(name="cnn"), "model.name='cnn' is invalid for the mlp settings"),
        (MLPConfig(hidden_sizes=[]), r"model.hidden_sizes=\[\] is invalid"),
        (MLPConfig(hidden_sizes=[8, 0]), r"model.hidden_sizes=\[8, 0\] is invalid"),
        (MLPConfig(kernel_init="zeros"), "model.kernel_init='zeros' is invalid"),
        (MLPConfig(norm="group"), "model.norm='group' is invalid; available: none"),
        (MLPConfig(dropout=1.0), r"model.dropout=1.0 is invalid; it must be in \[0"),
        (MLPConfig(dropout=-0.1), "model.dropout=-0.1 is invalid"),
        (CNNConfig(channels=[]), r"model.channels=\[\] is invalid"),
        (CNNConfig(kernel_sizes=[3]), r"model.kernel_sizes=\[3\] is invalid; give"),
        (CNNConfig(kernel_sizes=[3, 0]), r"model.kernel_sizes=\[3, 0\] is invalid"),
        (CNNConfig(strides=[1, 1, 1]), r"model.strides=\[1, 1, 1\] is invalid"),
        (CNNConfig(padding="full"), "model.padding='full' is invalid; give same"),
        (CNNConfig(pooling="sum"), "model.pooling='sum' is invalid; available"),
        (CNNConfig(pool_size=0), "model.pool_size=0 is invalid; it must be >= 1"),
        (CNNConfig(norm="group"), "model.norm='group' is invalid"),
        (CNNConfig(dense_sizes=[0]), r"model.dense_sizes=\[0\] is invalid"),
        (CNNConfig(dropout=1.5), "model.dropout=1.5 is invalid"),
        (CNNConfig(kernel_init="ones"), "model.kernel_init='ones' is invalid"),
        (RNNConfig(cell="transformer"), "model.cell='transformer' is invalid"),
        (RNNConfig(hidden_size=0), "model.hidden_size=0 is invalid; it must be >= 1"),
        (RNNConfig(num_layers=0), "model.num_layers=0 is invalid; it must be >= 1"),
        (RNNConfig(kernel_init="x"), "model.kernel_init='x' is invalid"),
        (RNNConfig(gate_activation=""), "model.gate_activation='' is invalid"),
        (RNNConfig(readout="max"), "model.readout='max' is invalid; available: last"),
    ],
)
def test_check_error_names_field_and_value(cfg, message):
    with pytest.raises(ValueError, match=message):
        models.check(cfg)
    with pytest.raises(ValueError, match=message):
        models.build_model(cfg, (8,), 2, activation=jnp.tanh, kernel_init=HE)


def test_check_rejects_other_objects():
    @dataclasses.dataclass
    class Other:
        name: str = "mlp"

    with pytest.raises(ValueError, match="expected an MLPConfig, CNNConfig or"):
        models.check(Other())


@pytest.mark.parametrize(
    ("cfg", "shape"),
    [
        (MLPConfig(), (64,)),
        (CNNConfig(), (40,)),
        (CNNConfig(), (8, 8, 1)),
        (RNNConfig(), (8, 8)),
    ],
)
def test_default_configs_build(cfg, shape):
    models.check(cfg)
    factory = models.build_model(cfg, shape, 10, activation=jnp.tanh, kernel_init=HE)
    outputs = nnx.eval_shape(lambda: factory(rngs=nnx.Rngs(0))(jnp.zeros((2, *shape))))
    assert outputs.shape == (2, 10)


@pytest.mark.parametrize(
    ("padding", "expected"),
    [("same", "same"), ("valid", "valid"), (0, 0), (3, 3)],
)
def test_parse_padding_accepts(padding, expected):
    assert models.parse_padding(padding) == expected


@pytest.mark.parametrize("padding", [-1, "1", "full", 1.5, True, None])
def test_parse_padding_rejects(padding):
    message = f"model.padding={padding!r} is invalid; give same, valid or an integer"
    with pytest.raises(ValueError, match=re.escape(message)):
        models.parse_padding(padding, "model.padding")
    with pytest.raises(ValueError, match=re.escape(message)):
        models.check(CNNConfig(padding=padding))


def test_integer_padding_pads_both_ends():
    cfg = CNNConfig(
        channels=[3],
        kernel_sizes=[5],
        strides=[2],
        padding=2,
        pooling="none",
        dense_sizes=[],
    )
    model = models.build_model(cfg, (9,), 2, activation=jnp.tanh, kernel_init=HE)(
        rngs=nnx.Rngs(0)
    )
    conv = model.blocks[0].conv
    x = jnp.asarray(_inputs((9, 1)))
    padded = jnp.pad(x, ((0, 0), (2, 2), (0, 0)))
    expected = jax.lax.conv_general_dilated(
        padded, conv.kernel[...], (2,), "VALID", dimension_numbers=("NWC", "WIO", "NWC")
    )
    expected = expected + conv.bias[...]
    np.testing.assert_allclose(conv(x), expected, rtol=1e-5, atol=1e-6)
    # PyTorch's length: floor((9 + 2 * 2 - 5) / 2) + 1 = 5.
    assert conv(x).shape == (4, 5, 3)
    assert model.output.in_features == 5 * 3


def test_integer_padding_too_small_input():
    cfg = CNNConfig(channels=[2], kernel_sizes=[7], strides=[1], padding=1)
    with pytest.raises(ValueError, match=r"input shape \(4, 1\) is too small"):
        models.build_model(cfg, (4,), 2, activation=jnp.tanh, kernel_init=HE)


# The MNIST-1D reference models of Greydanus (2020), "Scaling down deep
# learning", with the parameter counts of their PyTorch definitions.
MNIST1D_MLP = MLPConfig(hidden_sizes=[100, 100], residual=True)
MNIST1D_CNN = CNNConfig(
    channels=[25, 25, 25],
    kernel_sizes=[5, 3, 3],
    strides=[2, 2, 2],
    padding=1,
    pooling="none",
    dense_sizes=[],
)
MNIST1D_GRU = RNNConfig(
    cell="gru", hidden_size=6, bidirectional=True, readout="flatten"
)


def _count_params(model):
    return sum(leaf.size for leaf in jax.tree.leaves(nnx.state(model, nnx.Param)))


def test_mnist1d_cnn_matches_reference_shapes():
    model = models.build_model(
        MNIST1D_CNN, (40,), 10, activation=jax.nn.relu, kernel_init=HE
    )(rngs=nnx.Rngs(0))
    h = jnp.zeros((2, 40, 1))
    lengths = []
    for block in model.blocks:
        h = block(h)
        lengths.append(h.shape[1])
    # PyTorch: Conv1d(k5, s2, p1) 40 -> 19, then Conv1d(k3, s2, p1) -> 10 -> 5.
    assert lengths == [19, 10, 5]
    assert len(model.head) == 0
    assert model.output.in_features == 125
    # conv1 150 + conv2 1,900 + conv3 1,900 + linear 1,260, as in PyTorch.
    assert _count_params(model) == 5210


def test_mnist1d_mlp_matches_reference():
    model = models.build_model(
        MNIST1D_MLP, (40,), 10, activation=jax.nn.relu, kernel_init=HE
    )(rngs=nnx.Rngs(0))
    first, second = model.hidden
    assert not first.residual
    assert second.residual
    # 40 * 100 + 100, 100 * 100 + 100, 100 * 10 + 10, as in PyTorch.
    assert _count_params(model) == 15210


def test_residual_adds_activated_layer():
    model = models.MLP(
        4,
        [5, 5],
        2,
        activation=jax.nn.relu,
        kernel_init=HE,
        residual=True,
        rngs=nnx.Rngs(0),
    )
    second = model.hidden[1].linear
    second.bias[...] = jnp.linspace(-1.0, 1.0, 5)
    x = jnp.asarray(_inputs((4,)))
    h = jax.nn.relu(model.hidden[0].linear(x))
    h = h + jax.nn.relu(h @ second.kernel[...] + second.bias[...])
    np.testing.assert_allclose(model(x), model.output(h), rtol=1e-6, atol=1e-6)


def _gru(readout, num_layers=1):
    cfg = dataclasses.replace(MNIST1D_GRU, readout=readout, num_layers=num_layers)
    factory = models.build_model(cfg, (7,), 3, activation=jnp.tanh, kernel_init=HE)
    return factory(rngs=nnx.Rngs(0))


@pytest.mark.parametrize("num_layers", [1, 2])
def test_rnn_readout_flatten_reads_every_step(num_layers):
    model = _gru("flatten", num_layers)
    x = jnp.asarray(_inputs((7,)))
    xs = jnp.swapaxes(x[..., None], 0, 1)
    for layer in model.layers:
        xs, _ = layer(xs)
    assert xs.shape == (7, 4, 12)
    features = jnp.concatenate(list(xs), axis=-1)
    assert model.output.in_features == 7 * 12
    np.testing.assert_allclose(model(x), model.output(features), atol=1e-6)


def test_rnn_readout_mean_averages_steps():
    model = _gru("mean")
    x = jnp.asarray(_inputs((7,)))
    outputs, _ = model.layers[0](jnp.swapaxes(x[..., None], 0, 1))
    assert model.output.in_features == 12
    np.testing.assert_allclose(model(x), model.output(outputs.mean(axis=0)), atol=1e-6)


def test_rnn_readout_last_is_final_state():
    model = _gru("last")
    x = jnp.asarray(_inputs((7,)))
    _, final = model.layers[0](jnp.swapaxes(x[..., None], 0, 1))
    np.testing.assert_allclose(model(x), model.output(final), atol=1e-6)
    assert RNNConfig().readout == "last"


def test_mnist1d_gru_params():
    # The output layer reads 40 steps * 2 directions * 6 units = 480 values.
    model = models.build_model(
        MNIST1D_GRU, (40,), 10, activation=jnp.tanh, kernel_init=HE
    )(rngs=nnx.Rngs(0))
    assert model.output.in_features == 480
    # Flax's GRUCell has 144 parameters per direction: PyTorch's GRU has 162,
    # with a second bias on each gate's recurrent term.
    assert _count_params(model) == 480 * 10 + 10 + 2 * 144


def test_rnn_rejects_unknown_readout():
    with pytest.raises(ValueError, match="readout='max' is invalid; available: last"):
        models.RNN(
            (5,),
            2,
            hidden_size=4,
            readout="max",
            activation=jnp.tanh,
            kernel_init=HE,
            rngs=nnx.Rngs(0),
        )


def test_pytorch_default_initializer_bounds():
    init = models.initializer("pytorch_default")
    # A Conv1d kernel (width 5, 4 input channels): fan_in 20.
    kernel = np.asarray(init(jax.random.key(0), (5, 4, 300)))
    bound = 1 / np.sqrt(20)
    assert np.abs(kernel).max() <= bound
    assert np.abs(kernel).max() > 0.99 * bound
    np.testing.assert_allclose(kernel.var(), bound**2 / 3, rtol=0.05)
