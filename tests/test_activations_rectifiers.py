"""Tests of the rectifier, gated and GELU activations beyond the registry-wide ones.

The conventions at the kinks, agreement with jax.nn, the tails where jax.nn
loses the gradient and actlab does not, derivatives by the hyperparameters,
and the constants and series coefficients of the implementations, recomputed
here with mpmath. The error-free transformations are checked under jit,
because XLA may contract or fold the operations they rely on.
"""

from __future__ import annotations

import contextlib
import math
import re
from fractions import Fraction

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
from activation_references import REFERENCES

from actlab import activations
from actlab.activations import _gated, _gelu, _precise, _rectifiers

DIGITS = 60


def _x64(dtype) -> contextlib.AbstractContextManager:
    if np.dtype(dtype) == np.float64:
        return jax.enable_x64(True)
    return contextlib.nullcontext()


def _grad(name: str, x, dtype=np.float32, **hyperparameters) -> np.ndarray:
    """Return the elementwise derivative of ``name`` at ``x`` in ``dtype``."""
    fn = activations.get(name, **hyperparameters)
    with _x64(dtype):
        points = jnp.asarray(x, dtype)
        return np.asarray(jax.vmap(jax.grad(fn))(points))


def _value(name: str, x, dtype=np.float32, **hyperparameters) -> np.ndarray:
    with _x64(dtype):
        return np.asarray(
            activations.get(name, **hyperparameters)(jnp.asarray(x, dtype))
        )


# --- conventions at the kinks -------------------------------------------------


def test_relu6_derivative_is_zero_at_both_kinks():
    np.testing.assert_array_equal(_grad("relu6", [0.0, 6.0]), [0.0, 0.0])
    np.testing.assert_array_equal(_grad("relu6", [1e-3, 5.999]), [1.0, 1.0])
    np.testing.assert_array_equal(_value("relu6", [0.0, 6.0, 7.0]), [0.0, 6.0, 6.0])


def test_leaky_relu_derivative_at_zero_is_slope():
    gradient = _grad("leaky_relu", [0.0, -1.0, 1.0], negative_slope=0.2)
    np.testing.assert_array_equal(gradient, np.float32([0.2, 0.2, 1.0]))


def test_rrelu_uses_mean_slope():
    x = [-2.0, 0.0, 3.0]
    np.testing.assert_allclose(
        _value("rrelu", x, lower=0.1, upper=0.3), [-0.4, 0.0, 3.0], rtol=1e-6
    )
    np.testing.assert_allclose(_grad("rrelu", x), [11 / 48, 11 / 48, 1.0], rtol=1e-6)


def test_rrelu_lower_above_upper_raises():
    with pytest.raises(ValueError, match=r"rrelu: lower=0\.5 and upper=0\.25"):
        activations.get("rrelu", lower=0.5, upper=0.25)
    # upper keeps its default, 1/3.
    with pytest.raises(ValueError, match=r"rrelu: lower=0\.5 and upper=0\.333"):
        activations.validate("rrelu", {"lower": 0.5})
    with pytest.raises(ValueError, match="lower must be at most upper"):
        _rectifiers.rrelu(jnp.zeros(2), lower=0.5, upper=0.25)


def test_rrelu_traced_bounds_are_not_checked():
    lower = jnp.asarray([0.1, 0.2])
    values = jax.vmap(lambda low: _rectifiers.rrelu(-1.0, low, 0.3))(lower)
    np.testing.assert_allclose(values, [-0.2, -0.25], rtol=1e-6)


@pytest.mark.parametrize(("limit", "replacement"), [(0.0, 0.0), (0.5, -1.0)])
def test_threshold_at_and_above_threshold(limit, replacement):
    # XLA on CPU flushes subnormals, so above 0 means at least tiny.
    above = float(np.nextafter(np.float32(limit), np.float32(np.inf)))
    above = max(above, float(np.finfo(np.float32).tiny))
    x = [limit, above]
    np.testing.assert_array_equal(
        _value("threshold", x, threshold=limit, value=replacement),
        np.float32([replacement, above]),
    )
    np.testing.assert_array_equal(
        _grad("threshold", x, threshold=limit, value=replacement), [0.0, 1.0]
    )


def test_threshold_propagates_nan():
    assert np.isnan(_value("threshold", [np.nan])[0])


def test_hard_silu_derivative_at_kinks_is_outer_piece():
    np.testing.assert_array_equal(_grad("hard_silu", [-3.0, 3.0]), [0.0, 1.0])
    np.testing.assert_array_equal(_grad("hard_silu", [-1.5]), [0.0])
    np.testing.assert_array_equal(_value("hard_silu", [-3.0, 3.0]), [0.0, 3.0])
    np.testing.assert_allclose(_value("hard_silu", [-1.5]), [-0.375], rtol=1e-7)


def test_selu_derivative_at_zero_is_left_derivative():
    scale_alpha = float(_rectifiers._SELU_SCALE_ALPHA)
    np.testing.assert_allclose(_grad("selu", [0.0], np.float64), [scale_alpha])
    np.testing.assert_allclose(
        _grad("selu", [1e-300], np.float64), [float(_rectifiers._SELU_SCALE)]
    )


@pytest.mark.parametrize("alpha", [0.5, 1.0, 1.75])
def test_celu_derivative_continuous_at_zero(alpha):
    gradient = _grad("celu", [-1e-12, 0.0, 1e-12], np.float64, alpha=alpha)
    np.testing.assert_allclose(gradient, [1.0, 1.0, 1.0], rtol=1e-11)


def test_sparse_plus_derivative_continuous_at_ends():
    np.testing.assert_array_equal(_grad("sparse_plus", [-1.0, 0.0, 1.0]), [0, 0.5, 1])
    np.testing.assert_array_equal(_value("sparse_plus", [-1.0, 1.0]), [0.0, 1.0])


def test_glu_halves_last_axis():
    x = jnp.arange(12.0).reshape(2, 6) - 6
    np.testing.assert_allclose(
        activations.get("glu")(x), jax.nn.glu(x, axis=-1), rtol=1e-6
    )
    assert activations.get("glu")(x).shape == (2, 3)


@pytest.mark.parametrize("shape", [(3,), (2, 5), ()])
def test_glu_odd_or_empty_axis_raises(shape):
    with pytest.raises(ValueError, match="glu: the last axis has size"):
        activations.get("glu")(jnp.zeros(shape))


def test_gelu_default_is_exact_form():
    x = np.linspace(-4.0, 4.0, 33)
    exact = _value("gelu", x, np.float64)
    np.testing.assert_allclose(exact, _value("gelu", x, np.float64, approximate=False))
    approximate = _value("gelu", x, np.float64, approximate=True)
    assert 1e-5 < np.max(np.abs(exact - approximate)) < 1e-3


# --- agreement with jax.nn ----------------------------------------------------

# (name, hyperparameters, jax.nn function) for every activation jax.nn offers.
JAX_NN = [
    ("relu6", {}, jax.nn.relu6),
    ("leaky_relu", {}, jax.nn.leaky_relu),
    ("celu", {"alpha": 1.75}, lambda x: jax.nn.celu(x, alpha=1.75)),
    ("selu", {}, jax.nn.selu),
    ("gelu", {}, lambda x: jax.nn.gelu(x, approximate=False)),
    ("gelu", {"approximate": True}, lambda x: jax.nn.gelu(x, approximate=True)),
    ("silu", {}, jax.nn.silu),
    ("hard_silu", {}, jax.nn.hard_silu),
    ("mish", {}, jax.nn.mish),
    ("softplus", {}, jax.nn.softplus),
    ("squareplus", {"b": 4.0}, jax.nn.squareplus),
    ("sparse_plus", {}, jax.nn.sparse_plus),
    ("glu", {}, jax.nn.glu),
]
# Ordinary inputs, off the kinks at 0, +-1, +-3 and 6; a moderate range, where
# jax.nn's formulas lose little precision.
ORDINARY = np.linspace(-8.0, 8.0, 160) + 1 / 3
AGREEMENT_RTOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-12}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("name", "hyperparameters", "reference"),
    JAX_NN,
    ids=[f"{n}-{h}" if h else n for n, h, _ in JAX_NN],
)
def test_agrees_with_jax_nn(name, hyperparameters, reference, dtype):
    fn = activations.spec(name).fn
    rtol = AGREEMENT_RTOL[np.dtype(dtype)]

    @jax.jit
    def outputs(x):
        def ours(v):
            return fn(v, **hyperparameters)

        values = (ours(x), reference(x))
        gradients = tuple(
            jax.grad(lambda v, f=f: jnp.sum(f(v)))(x) for f in (ours, reference)
        )
        return values, gradients

    with _x64(dtype):
        values, gradients = outputs(jnp.asarray(ORDINARY, dtype))
    np.testing.assert_allclose(*values, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(*gradients, rtol=rtol, atol=rtol)


# (name, hyperparameters, jax.nn function, x, dtype, jax.nn's relative error at
# least): float64 tails where jax.nn's gradient is 0 (celu, selu: expm1's
# derivative taken as expm1(x) + 1; silu, mish: exp(x) flushed to 0 before the
# product with x; the tanh GELU: 1 + tanh(u) cancels to 0) or loses many digits
# (the exact GELU, squareplus: cancellation).
JAX_NN_TAILS = [
    ("celu", {}, jax.nn.celu, -40.0, np.float64, 0.5),
    ("selu", {}, jax.nn.selu, -40.0, np.float64, 0.5),
    ("silu", {}, jax.nn.silu, -710.0, np.float64, 0.5),
    ("mish", {}, jax.nn.mish, -710.0, np.float64, 0.5),
    ("gelu", {}, lambda x: jax.nn.gelu(x, approximate=False), -30.0, np.float64, 1e-14),
    ("squareplus", {}, jax.nn.squareplus, -1e4, np.float64, 1e-10),
    (
        "gelu",
        {"approximate": True},
        lambda x: jax.nn.gelu(x, approximate=True),
        -8.0,
        np.float64,
        0.5,
    ),
    ("silu", {}, jax.nn.silu, -88.0, np.float32, 0.5),
    ("mish", {}, jax.nn.mish, -88.0, np.float32, 0.5),
    ("celu", {}, jax.nn.celu, -20.0, np.float32, 0.5),
]


@pytest.mark.parametrize(
    ("name", "hyperparameters", "reference", "point", "dtype", "lost"),
    JAX_NN_TAILS,
    ids=[f"{n}-{x}-{np.dtype(d).name}" for n, _, _, x, d, _ in JAX_NN_TAILS],
)
def test_gradient_kept_where_jax_nn_loses_it(
    name, hyperparameters, reference, point, dtype, lost
):
    with mpmath.workdps(50):
        exact = REFERENCES[name].mp_jvp(
            mpmath.mpf(point), mpmath.mpf(1), **hyperparameters
        )
    assert abs(exact) >= np.finfo(dtype).tiny, "the true derivative is not normal"
    ours = _grad(name, [point], dtype, **hyperparameters)[0]
    with _x64(dtype):
        theirs = np.asarray(jax.grad(reference)(jnp.asarray(point, dtype)))

    def relative_error(value):
        return abs(float((mpmath.mpf(float(value)) - exact) / exact))

    assert relative_error(ours) < 4 * np.finfo(dtype).eps, f"actlab {name}'({point})"
    assert relative_error(theirs) > lost, (
        f"jax.nn's {name}'({point}) is now accurate; update the docstring that "
        "says it is not"
    )


def test_squareplus_negative_tail_value_kept():
    # jax.nn's (x + sqrt(x**2 + b)) / 2 cancels to 0 here.
    value = _value("squareplus", [-1e4])[0]
    np.testing.assert_allclose(value, 1e-4, rtol=1e-6)
    assert jax.nn.squareplus(jnp.float32(-1e4)) == 0


# --- half precision --------------------------------------------------------------

HALF_PRECISION = [jnp.float16, jnp.bfloat16]
# Where the true value exceeds the largest finite number, infinity is the
# correctly rounded result, so these skip the large positive inputs.
OVERFLOWING = {"exponential", "selu"}


@pytest.mark.parametrize("dtype", HALF_PRECISION, ids=["f16", "bf16"])
@pytest.mark.parametrize(
    "name", sorted({name for name, *_ in JAX_NN} | {"lisht", "sine", "exponential"})
)
def test_half_precision_finite_at_extremes(name, dtype):
    biggest = float(jnp.finfo(dtype).max)
    points = [-biggest, -1e3, -1.0, 0.0, 1.0, 1e3, biggest]
    if name in OVERFLOWING:
        points = [p for p in points if p <= 1.0]
    x = jnp.asarray(points * 2, dtype)
    value = activations.get(name)(x)
    gradient = jax.grad(lambda v: jnp.sum(activations.get(name)(v)))(x)
    assert value.dtype == dtype
    assert gradient.dtype == dtype
    assert np.isfinite(np.asarray(value, np.float32)).all()
    assert np.isfinite(np.asarray(gradient, np.float32)).all()


# --- hyperparameters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("threshold", "threshold", float("nan")),
        ("threshold", "value", float("inf")),
        ("leaky_relu", "negative_slope", -0.1),
        ("rrelu", "lower", -0.1),
        ("rrelu", "upper", float("inf")),
        ("celu", "alpha", 0.0),
        ("softplus", "beta", -1.0),
        ("softplus", "beta", 0),
        ("silu", "beta", float("nan")),
        ("swish", "beta", 0.0),
        ("squareplus", "b", 0.0),
        ("gelu", "approximate", "tanh"),
        ("gelu", "approximate", 1),
    ],
)
def test_bad_hyperparameter_raises(name, key, value):
    with pytest.raises(ValueError, match=re.escape(f"{name}: {key}={value!r}")):
        activations.get(name, **{key: value})


def _mp_logistic(z):
    return 1 / (1 + mpmath.exp(-z))


def _mp_silu_by_beta(x, beta):
    z = beta * x
    return x * x * _mp_logistic(z) * _mp_logistic(-z)


def _mp_softplus_by_beta(x, beta):
    z = beta * x
    softplus = REFERENCES["softplus"].mp_value(x, beta=beta)
    return (x * _mp_logistic(z) - softplus) / beta


def _mp_celu_by_alpha(x, alpha):
    if x > 0:
        return mpmath.mpf(0)
    q = x / alpha
    return mpmath.expm1(q) - q * mpmath.exp(q)


def _mp_squareplus_by_b(x, b):
    return 1 / (4 * mpmath.sqrt(x * x + b))


# (name, hyperparameter, its value, points, exact derivative by it): the
# derivative by a float hyperparameter, which learnable activations train.
HYPERPARAMETER_DERIVATIVES = [
    ("silu", "beta", 1.75, [-30.0, -1.3, 0.0, 0.7, 12.0], _mp_silu_by_beta),
    ("softplus", "beta", 0.375, [-200.0, -2.0, 0.0, 3.0, 90.0], _mp_softplus_by_beta),
    ("celu", "alpha", 1.75, [-40.0, -0.5, 0.0, 2.0], _mp_celu_by_alpha),
    ("squareplus", "b", 0.5, [-1e3, -1.0, 0.0, 4.0], _mp_squareplus_by_b),
]


@pytest.mark.parametrize(
    ("name", "key", "setting", "points", "exact"),
    HYPERPARAMETER_DERIVATIVES,
    ids=[row[0] for row in HYPERPARAMETER_DERIVATIVES],
)
def test_hyperparameter_derivative(name, key, setting, points, exact):
    fn = activations.spec(name).fn
    with jax.enable_x64(True):
        x = jnp.asarray(points, jnp.float64)
        by_hyperparameter = jax.vmap(
            jax.grad(lambda h, v: fn(v, **{key: h})), in_axes=(None, 0)
        )
        derivative = jax.jit(by_hyperparameter)(jnp.float64(setting), x)
        derivative = np.asarray(derivative)
    with mpmath.workdps(40):
        expected = [
            float(exact(mpmath.mpf(point), mpmath.mpf(setting))) for point in points
        ]
    # Near x = 0 the celu and softplus derivatives are differences of nearly
    # equal terms; the absolute tolerance covers their rounding.
    np.testing.assert_allclose(derivative, expected, rtol=1e-13, atol=1e-15)


# --- constants and coefficients, recomputed with mpmath ---------------------------


def _digits(text: str) -> mpmath.mpf:
    return mpmath.mpf(text)


def _assert_digits(text: str, exact, digits: int = 38):
    assert abs(_digits(text) - exact) <= abs(exact) * mpmath.mpf(10) ** -digits, text


def test_selu_constants_match_closed_forms():
    with mpmath.workdps(DIGITS):
        e, tail = mpmath.e, mpmath.erfc(1 / mpmath.sqrt(2))
        alpha = -mpmath.sqrt(2 / mpmath.pi) / (tail * mpmath.sqrt(e) - 1)
        scale = (
            (1 - tail * mpmath.sqrt(e))
            * mpmath.sqrt(2 * mpmath.pi)
            / mpmath.sqrt(
                2 * mpmath.erfc(mpmath.sqrt(2)) * e**2
                + mpmath.pi * tail**2 * e
                - 2 * (2 + mpmath.pi) * tail * mpmath.sqrt(e)
                + mpmath.pi
                + 2
            )
        )
        _assert_digits(_rectifiers._SELU_ALPHA, alpha, 48)
        _assert_digits(_rectifiers._SELU_SCALE, scale, 48)
        _assert_digits(_rectifiers._SELU_SCALE_ALPHA, alpha * scale, 48)
    # The values that Klambauer et al. publish to 31 decimals.
    assert _rectifiers._SELU_ALPHA.startswith("1.673263242354377284817042991671")
    assert _rectifiers._SELU_SCALE.startswith("1.050700987355480493419334985294")


def test_silu_minimum_constants():
    with mpmath.workdps(DIGITS):
        w = mpmath.lambertw(mpmath.exp(-1)).real
        _assert_digits(_gated._SILU_ROOT, -1 - w, 48)
        _assert_digits(_gated._SILU_ROOT_EXP, w, 48)


def test_mish_minimum_constants():
    with mpmath.workdps(DIGITS):

        def numerator(x):
            e = mpmath.exp(x)
            return e**3 + 4 * e**2 + (6 + 4 * x) * e + 4 * (1 + x)

        root = mpmath.findroot(numerator, -1.19)
        _assert_digits(_gated._MISH_ROOT, root, 48)
        e = mpmath.exp(root)
        # The coefficients of u**3, u**2 and u in the expansion of the
        # exponential terms of the numerator, with exp(x) = E (1 + u).
        _assert_digits(_gated._MISH_CUBIC, e**3)
        _assert_digits(_gated._MISH_QUADRATIC, 3 * e**3 + 4 * e**2)
        _assert_digits(_gated._MISH_LINEAR, 3 * e**3 + 8 * e**2 + (6 + 4 * root) * e)
        # The derivative of the definition vanishes there.
        assert abs(REFERENCES["mish"].mp_jvp(root, mpmath.mpf(1))) < 1e-40


def _gelu_root() -> mpmath.mpf:
    return mpmath.findroot(lambda x: mpmath.ncdf(x) + x * mpmath.npdf(x), -0.75)


def test_gelu_taylor_coefficients():
    with mpmath.workdps(DIGITS):
        root = _gelu_root()
        _assert_digits(_gelu._GELU_ROOT, root, 48)
        # G' = 2 - x**2 + x G for G(x) = M(-x) + x, expanded at the root.
        g = [mpmath.mpf(0), 2 - root**2]
        g.append((-2 * root + root * g[1]) / 2)
        g.append((-1 + root * g[2] + g[1]) / 3)
        for k in range(3, len(_gelu._GELU_TAYLOR)):
            g.append((root * g[k] + g[k - 1]) / (k + 1))
        np.testing.assert_allclose(
            _gelu._GELU_TAYLOR, [float(v) for v in g[1:]], rtol=1e-15
        )


def test_gelu_mills_coefficients():
    count = len(_gelu._MILLS_COEFFICIENTS)
    nodes = 64
    scale = _gelu._MILLS_SCALE
    with mpmath.workdps(DIGITS):

        def normalised(u):
            if u == -1:
                return mpmath.sqrt(2 / mpmath.pi)
            t = scale * (1 - u) / (1 + u)
            bound = t + mpmath.sqrt(t * t + 8 / mpmath.pi)
            return mpmath.exp(t * t / 2) * mpmath.erfc(t / mpmath.sqrt(2)) / 2 * bound

        angles = [mpmath.pi * (k + mpmath.mpf(1) / 2) / nodes for k in range(nodes)]
        values = [normalised(mpmath.cos(angle)) for angle in angles]
        coefficients = [
            2
            / mpmath.mpf(nodes)
            * mpmath.fsum(
                v * mpmath.cos(j * a) for v, a in zip(values, angles, strict=True)
            )
            for j in range(count)
        ]
        coefficients[0] /= 2
    np.testing.assert_allclose(
        _gelu._MILLS_COEFFICIENTS,
        [float(c) for c in coefficients],
        rtol=1e-14,
        atol=1e-18,
    )


def test_gelu_tanh_constants():
    with mpmath.workdps(DIGITS):
        c1 = mpmath.sqrt(2 / mpmath.pi)
        a = mpmath.mpf("0.044715")
        _assert_digits(_gelu._TANH_C1, c1, 48)
        _assert_digits(_gelu._TANH_C2, a * c1, 48)

        def numerator(x):
            return (
                1
                + 2 * x * c1 * (1 + 3 * a * x * x)
                + mpmath.exp(2 * c1 * (x + a * x**3))
            )

        root = mpmath.findroot(numerator, -0.75)
        _assert_digits(_gelu._TANH_ROOT, root, 48)
        _assert_digits(_gelu._TANH_ROOT_EXP, mpmath.exp(2 * c1 * (root + a * root**3)))
        expected_p = (2 * c1 + 18 * a * c1 * root**2, 18 * a * c1 * root, 6 * a * c1)
        expected_q = (2 * c1 * (1 + 3 * a * root**2), 6 * a * c1 * root, 2 * a * c1)
        for text, exact in zip(
            _gelu._TANH_P + _gelu._TANH_Q, expected_p + expected_q, strict=True
        ):
            _assert_digits(text, exact)
        _assert_digits(_gelu._INV_SQRT_TWO_PI, 1 / mpmath.sqrt(2 * mpmath.pi), 48)
        _assert_digits(_gelu._EIGHT_OVER_PI, 8 / mpmath.pi, 48)


# --- the error-free transformations under jit ------------------------------------


def _exact(value) -> Fraction:
    return Fraction(float(value))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_two_prod_is_exact_under_jit(dtype):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(300) * 30).astype(dtype)
    constant = dtype(1.702)
    with _x64(dtype):
        variable = jax.jit(_precise.two_prod)(jnp.asarray(a), jnp.asarray(a[::-1]))
        with_constant = jax.jit(lambda v: _precise.two_prod(jnp.asarray(constant), v))(
            jnp.asarray(a)
        )
    for (product, error), other in [(variable, a[::-1]), (with_constant, None)]:
        for i in range(a.size):
            b = other[i] if other is not None else constant
            assert _exact(product[i]) + _exact(error[i]) == _exact(a[i]) * _exact(b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_two_sum_with_constant_is_exact_under_jit(dtype):
    # XLA folds (u + c) - c to u and contracts products into sums, which the
    # rounded() fences in two_sum prevent.
    rng = np.random.default_rng(1)
    u = np.abs(rng.standard_normal(300)).astype(dtype) * dtype(1e-3)
    with _x64(dtype):
        total, error = jax.jit(lambda v: _precise.two_sum(jnp.ones_like(v), v * v))(
            jnp.asarray(u)
        )
    square = (u * u).astype(dtype)
    for i in range(u.size):
        assert _exact(total[i]) + _exact(error[i]) == 1 + _exact(square[i])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_offset_from_keeps_low_part_under_jit(dtype):
    high, low = _precise.split_constant(_gated._SILU_ROOT, dtype)
    with _x64(dtype):
        offset = jax.jit(lambda v: _precise.offset_from(v, _gated._SILU_ROOT))(
            jnp.asarray([high], dtype)
        )
        offset = np.asarray(offset)
    assert offset[0] == -low
    assert low != 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("piece", "exact", "points"),
    [
        (_precise.expm1, mpmath.expm1, np.linspace(-40.0, 40.0, 321)),
        (_precise.log1p, mpmath.log1p, np.geomspace(1e-30, 1.0, 200)),
        (_precise.tanh_of_magnitude, mpmath.tanh, np.geomspace(1e-30, 30.0, 200)),
    ],
    ids=["expm1", "log1p", "tanh"],
)
def test_precise_pieces_within_two_ulp(piece, exact, points, dtype):
    x = points.astype(dtype)
    with _x64(dtype):
        actual = np.asarray(jax.jit(piece)(jnp.asarray(x)))
    with mpmath.workdps(40):
        for point, value in zip(x, actual, strict=True):
            truth = exact(mpmath.mpf(float(point)))
            ulp = float(np.spacing(np.abs(dtype(float(truth)))))
            error = abs(float(mpmath.mpf(float(value)) - truth)) / ulp
            assert error <= 2.0, f"{piece.__name__}({point}) is {error:.2f} ulp off"


def test_rounded_blocks_multiply_add_contraction():
    rng = np.random.default_rng(2)
    a, b, c = (rng.standard_normal(10_000).astype(np.float32) for _ in range(3))
    fused = np.asarray(jax.jit(lambda a, b, c: _precise.rounded(a * b) + c)(a, b, c))
    np.testing.assert_array_equal(fused, (a * b).astype(np.float32) + c)


def test_rounded_propagates_nan():
    assert np.isnan(_precise.rounded(jnp.float32(np.nan)))
    assert _precise.rounded(jnp.float32(2.5)) == 2.5


def test_split_constant_sums_to_text():
    high, low = _precise.split_constant(_gated._SILU_ROOT, np.float32)
    assert high.dtype == np.float32
    assert low.dtype == np.float32
    total = mpmath.mpf(float(high)) + mpmath.mpf(float(low))
    assert abs(total - _digits(_gated._SILU_ROOT)) < 2.0**-46
    assert math.isclose(float(high), -1.2784645, rel_tol=1e-7)
