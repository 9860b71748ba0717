"""Conventions and vector behaviour of the squashing and normalising activations.

The registry-wide tests in test_activations.py and test_activation_accuracy.py
check values and derivatives against references on grids. The tests here pin
down what a grid does not. They cover the derivative at each kink, the exact
zeros and the Jacobian of sparsemax, and how log_softmax and softmin relate to
softmax. They also compare with jax.nn, including where jax.nn loses a
derivative that actlab keeps.
"""

from __future__ import annotations

import contextlib
import doctest

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from actlab import activations
from actlab.activations import _normalizers, _shrinkers, _softmax_rows, _squashers


def _x64(dtype) -> contextlib.AbstractContextManager:
    if np.dtype(dtype) == np.float64:
        return jax.enable_x64(True)
    return contextlib.nullcontext()


def _value_and_derivative(name, x, **hyperparameters):
    """Return value, jvp with unit tangent and grad of the sum, elementwise."""
    fn = activations.get(name, **hyperparameters)
    x = jnp.asarray(x)
    value, tangent_out = jax.jvp(fn, (x,), (jnp.ones_like(x),))
    gradient = jax.grad(lambda v: jnp.sum(fn(v)))(x)
    return np.asarray(value), np.asarray(tangent_out), np.asarray(gradient)


def test_docstring_examples_run():
    for module in (_squashers, _shrinkers, _normalizers):
        results = doctest.testmod(
            module, extraglobs={"jnp": jnp, "get": activations.get}
        )
        assert results.attempted >= 3, module.__name__
        assert results.failed == 0, module.__name__


# --- shrinkage at +-lambd ------------------------------------------------------


@pytest.mark.parametrize("lambd", [0.5, 1.0, 2.0])
def test_hardshrink_at_threshold(lambd):
    x = np.asarray([-lambd, lambd], np.float32)
    beyond = np.nextafter(x, np.sign(x) * np.inf)
    value, tangent_out, gradient = _value_and_derivative("hardshrink", x, lambd=lambd)
    np.testing.assert_array_equal(value, [0.0, 0.0])
    np.testing.assert_array_equal(tangent_out, [0.0, 0.0])
    np.testing.assert_array_equal(gradient, [0.0, 0.0])
    value, tangent_out, gradient = _value_and_derivative(
        "hardshrink", beyond, lambd=lambd
    )
    np.testing.assert_array_equal(value, beyond)
    np.testing.assert_array_equal(tangent_out, [1.0, 1.0])
    np.testing.assert_array_equal(gradient, [1.0, 1.0])


@pytest.mark.parametrize("lambd", [0.5, 1.0, 2.0])
def test_softshrink_at_threshold(lambd):
    x = np.asarray([-lambd, lambd], np.float32)
    beyond = np.nextafter(x, np.sign(x) * np.inf)
    value, tangent_out, gradient = _value_and_derivative("softshrink", x, lambd=lambd)
    np.testing.assert_array_equal(value, [0.0, 0.0])
    np.testing.assert_array_equal(tangent_out, [0.0, 0.0])
    np.testing.assert_array_equal(gradient, [0.0, 0.0])
    value, tangent_out, gradient = _value_and_derivative(
        "softshrink", beyond, lambd=lambd
    )
    # The output next to the kink is one ulp of lambd, exactly.
    np.testing.assert_array_equal(value, beyond - x)
    np.testing.assert_array_equal(tangent_out, [1.0, 1.0])
    np.testing.assert_array_equal(gradient, [1.0, 1.0])


@pytest.mark.parametrize("name", ["hardshrink", "softshrink"])
def test_shrink_threshold_not_rounded_to_float32(name):
    # 0.3 lies between two float32 numbers; only the one above it is outside
    # the band, whichever of them float32(0.3) is.
    low, high = np.float32(0.3), np.float32(0.3)
    low = low if float(low) < 0.3 else np.nextafter(low, np.float32(0))
    high = high if float(high) > 0.3 else np.nextafter(high, np.float32(1))
    value = np.asarray(activations.get(name, lambd=0.3)(jnp.asarray([low, high])))
    assert value[0] == 0.0
    assert value[1] != 0.0
    if name == "softshrink":
        np.testing.assert_allclose(value[1], float(high) - 0.3, rtol=1e-6)


def test_softshrink_lambd_derivative_is_minus_sign():
    x = jnp.asarray([-2.0, -0.25, 0.25, 2.0])
    gradient = jax.grad(lambda lambd: jnp.sum(_shrinkers.softshrink(x, lambd)))(
        jnp.float32(0.5)
    )
    # -1 from x = 2, +1 from x = -2, 0 from the points inside the band.
    assert gradient == 0.0
    gradient = jax.grad(lambda lambd: _shrinkers.softshrink(x, lambd)[3])(
        jnp.float32(0.5)
    )
    assert gradient == -1.0


# --- clipped linear functions at their bounds ----------------------------------


@pytest.mark.parametrize(
    ("name", "hyperparameters", "lower", "upper", "slope"),
    [
        ("hard_tanh", {}, -1.0, 1.0, 1.0),
        ("hard_tanh", {"min_val": -2.0, "max_val": 0.5}, -2.0, 0.5, 1.0),
        ("hard_sigmoid", {}, -3.0, 3.0, 1 / 6),
        ("sparse_sigmoid", {}, -1.0, 1.0, 0.5),
    ],
)
def test_clipped_derivative_zero_at_bounds(name, hyperparameters, lower, upper, slope):
    bounds = np.asarray([lower, upper], np.float32)
    inside = np.asarray(
        [np.nextafter(bounds[0], np.float32(0)), np.nextafter(bounds[1], np.float32(0))]
    )
    outside = np.asarray([lower - 1.0, upper + 1.0], np.float32)
    _, tangent_out, gradient = _value_and_derivative(name, bounds, **hyperparameters)
    np.testing.assert_array_equal(tangent_out, [0.0, 0.0])
    np.testing.assert_array_equal(gradient, [0.0, 0.0])
    _, tangent_out, gradient = _value_and_derivative(name, inside, **hyperparameters)
    np.testing.assert_allclose(tangent_out, [slope, slope], rtol=1e-7)
    np.testing.assert_allclose(gradient, [slope, slope], rtol=1e-7)
    _, tangent_out, _ = _value_and_derivative(name, outside, **hyperparameters)
    np.testing.assert_array_equal(tangent_out, [0.0, 0.0])


def test_hard_tanh_value_at_bounds():
    value = activations.get("hard_tanh", min_val=-2.0, max_val=0.5)(
        jnp.asarray([-3.0, -2.0, 0.25, 0.5, 7.0])
    )
    np.testing.assert_array_equal(value, [-2.0, -2.0, 0.25, 0.5, 0.5])


def test_hard_tanh_bound_derivatives():
    x = jnp.asarray([-3.0, -1.0, 0.0, 1.0, 3.0])
    lower_gradient, upper_gradient = jax.grad(
        lambda lo, hi: jnp.sum(_squashers.hard_tanh(x, lo, hi)), argnums=(0, 1)
    )(jnp.float32(-1.0), jnp.float32(1.0))
    # The output equals min_val at x = -3 and -1, and max_val at x = 1 and 3.
    assert lower_gradient == 2.0
    assert upper_gradient == 2.0


@pytest.mark.parametrize(("min_val", "max_val"), [(1.0, 1.0), (2.0, -2.0)])
def test_hard_tanh_min_not_below_max_raises(min_val, max_val):
    message = f"hard_tanh: min_val={min_val!r} and max_val={max_val!r}"
    with pytest.raises(ValueError, match=message):
        _squashers.hard_tanh(jnp.zeros(3), min_val=min_val, max_val=max_val)
    with pytest.raises(ValueError, match=message):
        activations.get("hard_tanh", min_val=min_val, max_val=max_val)
    with pytest.raises(ValueError, match=message):
        activations.validate("hard_tanh", {"min_val": min_val, "max_val": max_val})


@pytest.mark.parametrize(
    "name", ["hard_sigmoid", "sparse_sigmoid", "hard_tanh", "hardshrink", "softshrink"]
)
def test_piecewise_propagates_nan(name):
    value = activations.get(name)(jnp.asarray([jnp.nan, 0.0]))
    assert np.isnan(value[0])


# --- smooth squashers ----------------------------------------------------------


def test_elliott_is_rescaled_softsign():
    x = jnp.asarray(np.linspace(-50.0, 50.0, 201), jnp.float32)
    e_value, e_tangent, _ = _value_and_derivative("elliott", x)
    s_value, s_tangent, _ = _value_and_derivative("softsign", x)
    np.testing.assert_allclose(e_value, (s_value + 1) / 2, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(e_tangent, s_tangent / 2, rtol=1e-6)


def test_elliott_lower_tail_keeps_precision():
    with jax.enable_x64(True):
        value = activations.get("elliott")(jnp.asarray([-1e300], jnp.float64))
    np.testing.assert_allclose(value, [0.5e-300], rtol=1e-15)


def test_isru_alpha_derivative():
    x = np.asarray([-1e3, -2.0, -0.3, 0.0, 0.7, 5.0, 1e20])
    with jax.enable_x64(True):
        gradient = jax.vmap(jax.grad(_squashers.isru, argnums=1), (0, None))(
            jnp.asarray(x), jnp.float64(0.5)
        )
    expected = -0.5 * x**3 * (1 + 0.5 * x**2) ** -1.5
    np.testing.assert_allclose(gradient, expected, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("dtype", [jnp.float16, jnp.bfloat16], ids=["f16", "bf16"])
@pytest.mark.parametrize("name", ["isru", "softsign", "elliott", "tanhshrink"])
def test_half_precision_extremes_finite(name, dtype):
    biggest = float(jnp.finfo(dtype).max)
    x = jnp.asarray([-biggest, -300.0, 300.0, biggest], dtype)
    value, tangent_out, gradient = _value_and_derivative(name, x)
    assert value.dtype == dtype
    assert np.isfinite(value.astype(np.float32)).all()
    assert np.isfinite(tangent_out.astype(np.float32)).all()
    assert np.isfinite(gradient.astype(np.float32)).all()


def test_tanhshrink_small_input_has_no_cancellation():
    x = np.asarray([1e-30, 1e-6, 1e-2, 0.3, 1.0, 1.9, 2.1], np.float64)
    with jax.enable_x64(True):
        value, tangent_out, _ = _value_and_derivative("tanhshrink", x)
    # x**3 / 3 - 2 x**5 / 15 is exact to float64 below 1e-2.
    small = x < 1e-2
    np.testing.assert_allclose(
        value[small], x[small] ** 3 / 3 - 2 * x[small] ** 5 / 15, rtol=1e-15
    )
    np.testing.assert_allclose(tangent_out, np.tanh(x) ** 2, rtol=1e-15)


# --- sparsemax -----------------------------------------------------------------


def _random_rows(seed: int, shape=(64, 6), scale=2.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(scale=scale, size=shape)


def test_sparsemax_rows_sum_to_one_with_exact_zeros():
    x = _random_rows(0)
    with jax.enable_x64(True):
        probs = np.asarray(activations.get("sparsemax")(jnp.asarray(x)))
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-14)
    assert (probs >= 0).all()
    assert (probs == 0).any(axis=-1).all(), "every row should have exact zeros"


def test_sparsemax_is_projection_onto_simplex():
    # Optimality of argmin ||p - x||**2 over the simplex: x_i - p_i is one
    # threshold tau on the support, and x_i <= tau off it.
    x = _random_rows(1)
    with jax.enable_x64(True):
        probs = np.asarray(activations.get("sparsemax")(jnp.asarray(x)))
    for row, p in zip(x, probs, strict=True):
        support = p > 0
        tau = row[support] - p[support]
        np.testing.assert_allclose(tau, tau[0], atol=1e-14)
        assert (row[~support] <= tau[0] + 1e-14).all()


def test_sparsemax_jacobian_matches_paper():
    # J = diag(s) - s s^T / |S| with s the support indicator.
    x = _random_rows(2, shape=(16, 5))
    fn = activations.get("sparsemax")
    with jax.enable_x64(True):
        probs = np.asarray(fn(jnp.asarray(x)))
        forward = np.asarray(jax.vmap(jax.jacfwd(fn))(jnp.asarray(x)))
        reverse = np.asarray(jax.vmap(jax.jacrev(fn))(jnp.asarray(x)))
    for p, jac_fwd, jac_rev in zip(probs, forward, reverse, strict=True):
        s = (p > 0).astype(np.float64)
        expected = np.diag(s) - np.outer(s, s) / s.sum()
        np.testing.assert_allclose(jac_fwd, expected, atol=1e-15)
        np.testing.assert_allclose(jac_rev, expected, atol=1e-15)


def test_sparsemax_entry_at_threshold_is_outside_support():
    # In [-0.5, 0.5, -1.5] the threshold is -0.5, so entry 0 sits on it.
    fn = activations.get("sparsemax")
    x = jnp.asarray([-0.5, 0.5, -1.5])
    np.testing.assert_array_equal(fn(x), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(jax.jacfwd(fn)(x), np.zeros((3, 3)))
    np.testing.assert_array_equal(jax.jacrev(fn)(x), np.zeros((3, 3)))


def test_sparsemax_of_two_is_sparse_sigmoid():
    t = np.linspace(-3.0, 3.0, 61, dtype=np.float32)
    pairs = jnp.asarray(np.stack([t, np.zeros_like(t)], axis=-1))
    first = activations.get("sparsemax")(pairs)[:, 0]
    np.testing.assert_allclose(
        first, activations.get("sparse_sigmoid")(jnp.asarray(t)), atol=1e-7
    )


@pytest.mark.parametrize("constant", [-1e4, -3.0, 7.5, 1e4])
def test_sparsemax_invariant_to_constant(constant):
    x = _random_rows(3, shape=(8, 5))
    fn = activations.get("sparsemax")
    with jax.enable_x64(True):
        shifted = np.asarray(fn(jnp.asarray(x + constant)))
        plain = np.asarray(fn(jnp.asarray(x)))
    np.testing.assert_allclose(shifted, plain, atol=1e-11)


# --- log_softmax and softmin ---------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_is_log_of_softmax(dtype):
    x = _random_rows(4, scale=5.0).astype(dtype)
    with _x64(dtype):
        log_probs = np.asarray(activations.get("log_softmax")(jnp.asarray(x)))
        probs = np.asarray(activations.get("softmax")(jnp.asarray(x)))
    rtol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(np.exp(log_probs), probs, rtol=rtol)
    np.testing.assert_allclose(np.exp(log_probs).sum(axis=-1), 1.0, rtol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_finite_where_softmax_underflows(dtype):
    x = np.asarray([[0.0, -1000.0, 5.0], [1e30, 0.0, -1e30]], dtype)
    with _x64(dtype):
        log_probs = np.asarray(activations.get("log_softmax")(jnp.asarray(x)))
        probs = np.asarray(activations.get("softmax")(jnp.asarray(x)))
    assert (probs == 0).any(), "the rows must make softmax underflow"
    assert np.isfinite(log_probs).all()
    # x - logsumexp(x), with logsumexp(x) = 5 + log(1 + exp(-5) + exp(-1005)).
    np.testing.assert_allclose(
        log_probs[0], -5.0 - np.log1p(np.exp(-5.0)) + x[0], rtol=1e-6
    )
    np.testing.assert_allclose(log_probs[1], [0.0, -1e30, -2e30], rtol=1e-6)


def test_log_softmax_with_positive_infinity():
    fn = activations.get("log_softmax")
    np.testing.assert_array_equal(
        fn(jnp.asarray([jnp.inf, 0.0, 1.0])), [0.0, -jnp.inf, -jnp.inf]
    )
    np.testing.assert_allclose(
        fn(jnp.asarray([jnp.inf, 0.0, jnp.inf])), [-np.log(2), -np.inf, -np.log(2)]
    )


@pytest.mark.parametrize("name", ["log_softmax", "softmin", "sparsemax"])
def test_nan_makes_only_its_row_nan(name):
    x = jnp.asarray([[jnp.nan, 0.0, 1.0], [0.5, 0.0, 1.0]])
    value = np.asarray(activations.get(name)(x))
    assert np.isnan(value[0]).all()
    assert np.isfinite(value[1]).all()


@pytest.mark.parametrize("name", ["log_softmax", "softmin", "sparsemax"])
def test_scalar_input_raises(name):
    with pytest.raises(ValueError, match=f"{name}: x has shape \\(\\)"):
        activations.spec(name).fn(jnp.float32(1.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmin_is_softmax_of_negation(dtype):
    x = _random_rows(5, scale=5.0).astype(dtype)
    t = _random_rows(6).astype(dtype)
    softmin = activations.get("softmin")
    softmax = activations.get("softmax")
    with _x64(dtype):
        value, tangent_out = jax.jvp(softmin, (jnp.asarray(x),), (jnp.asarray(t),))
        expected, expected_tangent = jax.jvp(
            softmax, (jnp.asarray(-x),), (jnp.asarray(-t),)
        )
        by_jax = jax.nn.softmax(jnp.asarray(-x))
    rtol = 1e-5 if dtype == np.float32 else 1e-13
    atol = 1e-6 if dtype == np.float32 else 1e-15
    np.testing.assert_allclose(value, expected, rtol=rtol)
    np.testing.assert_allclose(value, by_jax, rtol=rtol)
    np.testing.assert_allclose(tangent_out, expected_tangent, rtol=rtol, atol=atol)


def test_softmin_largest_for_smallest_input():
    probs = activations.get("softmin")(jnp.asarray([[3.0, -1.0, 0.0], [5.0, 4.0, 6.0]]))
    np.testing.assert_array_equal(np.argmax(probs, axis=-1), [1, 1])


# --- agreement with jax.nn -----------------------------------------------------

JAX_NN = {
    "hard_sigmoid": jax.nn.hard_sigmoid,
    "log_sigmoid": jax.nn.log_sigmoid,
    "hard_tanh": jax.nn.hard_tanh,
    "softsign": jax.nn.soft_sign,
    "sparse_sigmoid": jax.nn.sparse_sigmoid,
    "log_softmax": jax.nn.log_softmax,
    "softmin": lambda x: jax.nn.softmax(-x),
}
# Away from every kink (+-1, +-3) and from where jax.nn loses precision.
ORDINARY = np.concatenate(
    [np.linspace(-30.0, 30.0, 121) + 0.01, [-1e-3, 1e-3, -2.5, 2.5]]
).reshape(-1, 5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(JAX_NN))
def test_agrees_with_jax_nn(name, dtype):
    x = ORDINARY.astype(dtype)
    t = np.resize(np.asarray([1.0, -0.5, 0.25, 2.0], dtype), x.shape)
    ours = activations.get(name)
    theirs = JAX_NN[name]
    with _x64(dtype):
        value, tangent_out = jax.jvp(ours, (jnp.asarray(x),), (jnp.asarray(t),))
        expected, expected_tangent = jax.jvp(
            theirs, (jnp.asarray(x),), (jnp.asarray(t),)
        )
    # jax.nn.log_softmax rounds log(1 + small) to an absolute error of about
    # eps, hence the absolute tolerance.
    rtol = 2e-6 if dtype == np.float32 else 1e-14
    atol = 1e-7 if dtype == np.float32 else 1e-15
    np.testing.assert_allclose(value, expected, rtol=rtol, atol=atol)
    np.testing.assert_allclose(tangent_out, expected_tangent, rtol=rtol, atol=atol)


def test_softsign_keeps_derivative_jax_nn_flushes():
    expected = 1 / (1 + np.asarray([1e17, 1e100, 1e150])) ** 2
    with jax.enable_x64(True):
        x = jnp.asarray([1e17, 1e100, 1e150], jnp.float64)
        ours = jax.vmap(jax.grad(activations.get("softsign")))(x)
        theirs = jax.vmap(jax.grad(jax.nn.soft_sign))(x)
    np.testing.assert_allclose(ours, expected, rtol=1e-15)
    np.testing.assert_array_equal(theirs, 0.0)


def test_log_softmax_keeps_jacobian_jax_nn_flushes():
    true_corner = np.exp(-700.0) / (1 + np.exp(-700.0))  # 1 - p_0, normal
    with jax.enable_x64(True):
        x = jnp.asarray([0.0, -700.0], jnp.float64)
        ours = np.asarray(jax.jacrev(activations.get("log_softmax"))(x))
        theirs = np.asarray(jax.jacrev(jax.nn.log_softmax)(x))
    np.testing.assert_allclose(ours[0, 0], true_corner, rtol=1e-14)
    assert theirs[0, 0] == 0.0


def test_log_softmax_keeps_value_jax_nn_rounds():
    true_first = -np.log1p(np.exp(-40.0))
    with jax.enable_x64(True):
        x = jnp.asarray([0.0, -40.0], jnp.float64)
        ours = np.asarray(activations.get("log_softmax")(x))
        theirs = np.asarray(jax.nn.log_softmax(x))
    np.testing.assert_allclose(ours[0], true_first, rtol=1e-15)
    assert theirs[0] == 0.0


def test_sparse_sigmoid_kink_differs_from_jax_nn():
    x = jnp.asarray([-1.0, 1.0])
    ours = jax.vmap(jax.grad(activations.get("sparse_sigmoid")))(x)
    theirs = jax.vmap(jax.grad(jax.nn.sparse_sigmoid))(x)
    np.testing.assert_array_equal(ours, [0.0, 0.0])
    np.testing.assert_array_equal(theirs, [0.25, 0.25])


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_large_array_row_sum_agrees(name, monkeypatch):
    # Above _YNNPACK_SUM_LIMIT elements the row sums take another code path;
    # a limit of -1 sends this small array down it too.
    rows = np.random.default_rng(7).standard_normal((64, 16)) * 8
    rows[:8, 1] = rows[:8, 0]  # ties at the maximum
    x = jnp.asarray(rows, jnp.float32)
    cotangent = jnp.asarray(np.linspace(-1, 1, x.size).reshape(x.shape), x.dtype)

    def value_and_gradient():
        fn = activations.get(name)
        value, pullback = jax.vjp(fn, x)
        return value, pullback(cotangent)[0]

    usual = value_and_gradient()
    monkeypatch.setattr(_softmax_rows, "_YNNPACK_SUM_LIMIT", -1)
    counted = value_and_gradient()
    for expected, actual in zip(usual, counted, strict=True):
        np.testing.assert_allclose(actual, expected, rtol=4e-7, atol=1e-12)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin", "sparsemax"])
def test_row_activation_on_scalar_raises(name):
    with pytest.raises(ValueError, match=f"{name}: x has shape \\(\\), which has no"):
        activations.get(name)(jnp.float32(1.0))
