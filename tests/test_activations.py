"""Tests of the activation catalogue, parameterized over the registry.

Every registered activation is checked against a float64 NumPy reference in
``activation_references.REFERENCES`` (one module per family), so an activation
added to the registry is tested for values, derivatives, dtypes, edge points
and transformations once it has an entry.
"""

from __future__ import annotations

import contextlib
import doctest
import functools
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from activation_references import REFERENCES, Reference
from jax.test_util import check_grads

from actlab import activations
from actlab.activations import _classic

# Canonical names only, so that an alias is not tested a second time.
NAMES = activations.available(include_aliases=False)
FLOAT_DTYPES = (jnp.float16, jnp.bfloat16, jnp.float32, jnp.float64)
# The other inputs of each row of the grid, besides the grid point.
ROW_REST = (0.5, -1.5, 2.0)
# Relative tolerance against the float64 reference, per tested dtype.
RTOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-12}


def _reference(name: str) -> Reference:
    if name not in REFERENCES:
        pytest.fail(
            f"activation {name!r} has no float64 reference; add an entry for it "
            f"to REFERENCES in a module of tests/activation_references"
        )
    return REFERENCES[name]


def _settings(name: str) -> tuple[dict[str, Any], ...]:
    """Return the hyperparameter sets to test: the defaults, then the extras."""
    return ({}, *_reference(name).settings)


def _reference_vjp(reference: Reference, x, cotangent, hyperparameters):
    """Return J(x)^T c per row, with J built column by column from ``jvp``."""
    features = x.shape[-1]
    columns = []
    for j in range(features):
        basis = np.zeros_like(x)
        basis[..., j] = 1.0
        columns.append(reference.jvp(x, basis, **hyperparameters))
    jacobian = np.stack(columns, axis=-1)  # [..., i, j] = d out_i / d x_j
    return np.einsum("...i,...ij->...j", cotangent, jacobian)


# --- inputs ----------------------------------------------------------------


def _grid(dtype) -> np.ndarray:
    """Return edge and ordinary points, as an array of shape [points, 4].

    Column 0 contains 0, +-tiny, +-1, +-100, +-1000, +-1e30, +-max and more.
    Columns 1 to 3 contain 0.5, -1.5 and 2.0, so that a function of the whole
    last axis (softmax) receives every grid point beside ordinary values, and
    one that halves it (glu) receives an even number of features.
    """
    info = np.finfo(dtype)
    magnitudes = [info.tiny, 1e-3, 0.5, 1.0, 1.5, 2.0, 10.0, 20.0]
    magnitudes += [100.0, 1000.0, 1e30, float(info.max)]
    points = [0.0] + [sign * m for m in magnitudes for sign in (1.0, -1.0)]
    column = np.asarray(points, dtype=dtype)
    return _with_row_rest(column)


def _with_row_rest(column: np.ndarray) -> np.ndarray:
    rest = [np.full_like(column, value) for value in ROW_REST]
    return np.stack([column, *rest], axis=-1)


def _pattern(shape, values, dtype) -> np.ndarray:
    return np.resize(np.asarray(values, dtype), shape)


def _tangent(shape, dtype) -> np.ndarray:
    return _pattern(shape, [1.0, -0.5, 0.25, 2.0], dtype)


def _cotangent(shape, dtype) -> np.ndarray:
    return _pattern(shape, [0.75, 1.0, -2.0], dtype)


def _x64(dtype) -> contextlib.AbstractContextManager:
    """Enable 64-bit types inside the block only when ``dtype`` is float64."""
    if np.dtype(dtype) == np.float64:
        return jax.enable_x64(True)
    return contextlib.nullcontext()


@pytest.fixture(autouse=True)
def _x64_does_not_leak() -> Iterator[None]:
    before = jax.config.read("jax_enable_x64")
    yield
    assert jax.config.read("jax_enable_x64") == before, "jax_enable_x64 leaked"


def _function(name: str, hyperparameters: dict[str, Any]) -> Callable:
    return functools.partial(activations.spec(name).fn, **hyperparameters)


@functools.cache
def _compiled_outputs(name: str, settings: tuple[tuple[str, Any], ...]) -> Callable:
    """Return a jitted ``(x, t, c) -> (value, jvp, vjp, grad of sum)``.

    One compilation per activation, settings and dtype keeps the module fast;
    ``test_jit_and_vmap_match_plain_call`` checks that jit changes no value.
    """
    fn = _function(name, dict(settings))

    def outputs(x, t, c):
        value, tangent_out = jax.jvp(fn, (x,), (t,))
        _, vjp = jax.vjp(fn, x)
        (cotangent_out,) = vjp(c)
        gradient = jax.grad(lambda v: jnp.sum(fn(v)))(x)
        return value, tangent_out, cotangent_out, gradient

    return jax.jit(outputs)


def _outputs(name, hyperparameters, x, t, c) -> tuple[np.ndarray, ...]:
    """Return value, jvp, vjp and grad of sum at ``x``, computed in its dtype."""
    settings = tuple(sorted(hyperparameters.items()))
    with _x64(x.dtype):
        outputs = _compiled_outputs(name, settings)(
            jnp.asarray(x), jnp.asarray(t), jnp.asarray(c)
        )
        return tuple(np.asarray(output) for output in outputs)


def _output_shape(name: str, shape: tuple[int, ...], dtype) -> tuple[int, ...]:
    """Return the output shape for inputs of ``shape``; glu halves the last axis."""
    with _x64(dtype):
        output = jax.eval_shape(
            activations.spec(name).fn, jax.ShapeDtypeStruct(shape, dtype)
        )
    return output.shape


def _overflowed(expected, dtype) -> np.ndarray:
    """Return ``expected`` with the values that round to +-inf in ``dtype`` so.

    A function such as exp overflows exactly where its true value is beyond
    the largest finite number of the dtype.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.asarray(expected).astype(dtype).astype(np.float64)
    return np.where(np.isinf(rounded), rounded, expected)


def _assert_close(actual, expected, dtype, atol=0.0, err_msg=""):
    """Compare with the dtype's RTOL; ``tiny`` absorbs flushed subnormals."""
    np.testing.assert_allclose(
        np.asarray(actual, np.float64),
        _overflowed(expected, dtype),
        rtol=RTOL[np.dtype(dtype)],
        atol=max(atol, float(np.finfo(dtype).tiny)),
        err_msg=err_msg,
    )


# --- registry completeness -------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_activation_has_reference(name):
    assert name in REFERENCES, (
        f"activation {name!r} has no float64 reference; add an entry for it to "
        "REFERENCES in a module of tests/activation_references"
    )


@pytest.mark.parametrize("name", NAMES)
def test_reference_settings_are_valid(name):
    for hyperparameters in _settings(name):
        activations.validate(name, hyperparameters)


@pytest.mark.parametrize("name", NAMES)
def test_docstring_has_formula_and_example(name):
    entry = activations.spec(name)
    doc = entry.fn.__doc__ or ""
    assert ".. math::" in doc, f"{name}: docstring has no formula"
    assert ">>>" in doc, f"{name}: docstring has no example"
    assert entry.summary, f"{name}: registered without a summary"


def test_docstring_examples_run():
    # Every module that defines a registered activation, each tested once.
    modules = {sys.modules[activations.spec(name).fn.__module__] for name in NAMES}
    attempted = 0
    for module in sorted(modules, key=lambda module: module.__name__):
        results = doctest.testmod(
            module, extraglobs={"jnp": jnp, "get": activations.get}
        )
        assert results.failed == 0, module.__name__
        attempted += results.attempted
    assert attempted >= len(NAMES)


# --- values and derivatives against the reference ----------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_values_match_reference(name, dtype):
    reference = _reference(name)
    x = _grid(dtype)
    t = _tangent(x.shape, dtype)
    c = _cotangent(_output_shape(name, x.shape, dtype), dtype)
    for hyperparameters in _settings(name):
        expected = reference.value(x.astype(np.float64), **hyperparameters)
        value, _, _, _ = _outputs(name, hyperparameters, x, t, c)
        _assert_close(value, expected, dtype, err_msg=f"{name} {hyperparameters}")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_jvp_matches_reference(name, dtype):
    reference = _reference(name)
    x = _grid(dtype)
    t = _tangent(x.shape, dtype)
    c = _cotangent(_output_shape(name, x.shape, dtype), dtype)
    atol = reference.jvp_atol * float(np.finfo(dtype).eps) * float(np.abs(t).max())
    for hyperparameters in _settings(name):
        expected = reference.jvp(
            x.astype(np.float64), t.astype(np.float64), **hyperparameters
        )
        _, tangent_out, _, _ = _outputs(name, hyperparameters, x, t, c)
        _assert_close(
            tangent_out, expected, dtype, atol, err_msg=f"{name} {hyperparameters}"
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_vjp_matches_reference(name, dtype):
    reference = _reference(name)
    x = _grid(dtype)
    t = _tangent(x.shape, dtype)
    c = _cotangent(_output_shape(name, x.shape, dtype), dtype)
    atol = reference.jvp_atol * float(np.finfo(dtype).eps) * float(np.abs(c).max())
    for hyperparameters in _settings(name):
        expected = _reference_vjp(
            reference, x.astype(np.float64), c.astype(np.float64), hyperparameters
        )
        _, _, cotangent_out, _ = _outputs(name, hyperparameters, x, t, c)
        _assert_close(
            cotangent_out, expected, dtype, atol, err_msg=f"{name} {hyperparameters}"
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_finite_on_grid(name, dtype):
    # Finite wherever the reference rounds to a finite number in the dtype.
    reference = _reference(name)
    x = _grid(dtype)
    t = _tangent(x.shape, dtype)
    c = _cotangent(_output_shape(name, x.shape, dtype), dtype)
    x64, t64, c64 = (v.astype(np.float64) for v in (x, t, c))
    for hyperparameters in _settings(name):
        outputs = _outputs(name, hyperparameters, x, t, c)
        with np.errstate(over="ignore", invalid="ignore"):
            expected = (
                reference.value(x64, **hyperparameters),
                reference.jvp(x64, t64, **hyperparameters),
                _reference_vjp(reference, x64, c64, hyperparameters),
                _reference_vjp(reference, x64, np.ones_like(c64), hyperparameters),
            )
        label = f"{name} {hyperparameters}"
        kinds = ("value", "jvp", "vjp", "grad")
        for kind, actual, truth in zip(kinds, outputs, expected, strict=True):
            representable = np.isfinite(_overflowed(truth, dtype))
            assert np.isfinite(actual[representable]).all(), f"{label}: {kind}"


# --- gradient checks by finite differences -----------------------------------

# Points far from the kinks at 0 compared with the finite-difference step of
# check_grads (1e-4).
GRADIENT_POINTS = np.array([[-2.3, -0.7, 0.4, 1.3], [1.9, 3.1, -4.2, -0.6]])


@pytest.mark.parametrize("name", NAMES)
def test_check_grads(name):
    reference = _reference(name)
    with jax.enable_x64(True):
        x = jnp.asarray(GRADIENT_POINTS, jnp.float64)
        for hyperparameters in _settings(name):
            fn = _function(name, hyperparameters)
            if reference.finite_differences:
                check_grads(fn, (x,), order=2, modes=("fwd", "rev"))
                continue
            # A surrogate derivative has no finite-difference counterpart, so
            # check that reverse mode is the transpose of forward mode.
            t = jnp.asarray(_tangent(x.shape, np.float64))
            c = jnp.asarray(
                _cotangent(_output_shape(name, x.shape, np.float64), np.float64)
            )
            _, tangent_out = jax.jvp(fn, (x,), (t,))
            _, vjp = jax.vjp(fn, x)
            (cotangent_out,) = vjp(c)
            np.testing.assert_allclose(
                jnp.vdot(c, tangent_out), jnp.vdot(cotangent_out, t), rtol=1e-12
            )


# --- dtypes and transformations ------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", NAMES)
def test_dtype_is_kept(name, dtype):
    # JAX fixes dtypes when it traces, so eval_shape returns them uncompiled.
    x = jax.ShapeDtypeStruct((2, 4), dtype)
    c = jax.ShapeDtypeStruct(_output_shape(name, x.shape, dtype), dtype)
    for hyperparameters in _settings(name):
        settings = tuple(sorted(hyperparameters.items()))
        with _x64(dtype):
            outputs = jax.eval_shape(_compiled_outputs(name, settings), x, x, c)
        label = f"{name} {hyperparameters}"
        for kind, output in zip(("value", "jvp", "vjp", "grad"), outputs, strict=True):
            assert output.dtype == dtype, f"{label}: {kind}"


# Ordinary points that float16 represents (it overflows above 65504).
LOW_PRECISION_POINTS = [-30.0, -5.0, -1.0, -0.25, 0.0, 0.25, 1.0, 5.0, 30.0]
# About 4 units in the last place of each format's 11 and 8 significand bits.
LOW_PRECISION_RTOL = {np.dtype(jnp.float16): 2e-3, np.dtype(jnp.bfloat16): 2e-2}


@pytest.mark.parametrize("dtype", [jnp.float16, jnp.bfloat16], ids=["f16", "bf16"])
@pytest.mark.parametrize("name", NAMES)
def test_low_precision_values(name, dtype):
    reference = _reference(name)
    column = np.asarray(LOW_PRECISION_POINTS, dtype)
    x = _with_row_rest(column)
    t = _tangent(x.shape, dtype)
    c = _cotangent(_output_shape(name, x.shape, dtype), dtype)
    value, _, _, _ = _outputs(name, {}, x, t, c)
    assert value.dtype == dtype
    np.testing.assert_allclose(
        value.astype(np.float64),
        _overflowed(reference.value(x.astype(np.float64)), dtype),
        rtol=LOW_PRECISION_RTOL[np.dtype(dtype)],
        atol=float(np.finfo(dtype).tiny),
    )


@pytest.mark.parametrize("name", NAMES)
def test_jit_and_vmap_match_plain_call(name):
    x = jnp.asarray(_grid(np.float32))
    for hyperparameters in _settings(name):
        fn = _function(name, hyperparameters)
        expected = np.asarray(fn(x), np.float64)
        label = f"{name} {hyperparameters}"
        transformed = {
            "jit": jax.jit(fn)(x),
            "vmap": jax.vmap(fn)(x),
            "get": activations.get(name, **hyperparameters)(x),
        }
        for kind, actual in transformed.items():
            _assert_close(actual, expected, np.float32, err_msg=f"{label} {kind}")


@pytest.mark.parametrize("name", NAMES)
def test_float_hyperparameters_can_be_traced(name):
    x = jnp.asarray(_grid(np.float32)[:8])
    for hp in activations.spec(name).hyperparameters:
        if not isinstance(hp.default, float):
            continue
        values = [hp.default]
        values += [s[hp.name] for s in _settings(name) if hp.name in s]
        fn = activations.spec(name).fn
        batched = jax.vmap(lambda v, fn=fn, key=hp.name: fn(x, **{key: v}))(
            jnp.asarray(values, jnp.float32)
        )
        for row, value in zip(batched, values, strict=True):
            expected = np.asarray(fn(x, **{hp.name: value}), np.float64)
            _assert_close(row, expected, np.float32, err_msg=f"{hp.name}={value}")


@pytest.mark.parametrize("name", NAMES)
def test_integer_input_becomes_float(name):
    value = activations.get(name)(jnp.arange(-3, 3))
    assert value.dtype == jnp.float32


# --- errors ----------------------------------------------------------------


def test_get_unknown_name_lists_available():
    with pytest.raises(ValueError, match="'elux'") as info:
        activations.get("elux")
    for name in NAMES:
        assert name in str(info.value)


@pytest.mark.parametrize("name", NAMES)
def test_get_unknown_hyperparameter_raises(name):
    with pytest.raises(ValueError, match=f"{name}: .*'no_such_option'"):
        activations.get(name, no_such_option=1.0)


@pytest.mark.parametrize("name", NAMES)
def test_get_string_for_float_raises(name):
    for hp in activations.spec(name).hyperparameters:
        if not isinstance(hp.default, float):
            continue
        with pytest.raises(ValueError, match=f"{hp.name}='abc'"):
            activations.get(name, **{hp.name: "abc"})


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("elu", "alpha", 0),
        ("elu", "alpha", -1),
        ("elu", "alpha", float("inf")),
        ("elu", "alpha", float("nan")),
        ("elu", "alpha", "1.0"),
        ("elu", "alpha", True),
        ("elu", "alpha", 10**400),
        ("linear", "slope", float("-inf")),
        ("linear", "slope", float("nan")),
        ("binary_step", "threshold", float("inf")),
        ("binary_step", "gradient", "foo"),
        ("binary_step", "gradient", 1),
    ],
)
def test_get_bad_hyperparameter_raises(name, key, value):
    with pytest.raises(ValueError, match=re.escape(f"{name}: {key}={value!r}")):
        activations.get(name, **{key: value})


def test_binary_step_direct_call_bad_gradient_raises():
    with pytest.raises(ValueError, match="gradient='foo'"):
        _classic.binary_step(jnp.zeros(3), gradient="foo")


# --- activation-specific properties ------------------------------------------


def test_relu_derivative_at_zero_is_zero():
    relu = activations.get("relu")
    assert jax.grad(relu)(0.0) == 0.0
    assert jax.jvp(relu, (0.0,), (1.0,))[1] == 0.0


@pytest.mark.parametrize("threshold", [0.0, 0.5, -1.25])
def test_binary_step_is_one_at_threshold(threshold):
    step = activations.get("binary_step", threshold=threshold)
    # XLA on CPU flushes subnormals to zero, so below 0 means below -tiny.
    below = np.nextafter(np.float32(threshold), np.float32(-np.inf))
    if threshold == 0.0:
        below = -np.finfo(np.float32).tiny
    x = jnp.asarray([below, threshold], jnp.float32)
    np.testing.assert_array_equal(step(x), [0.0, 1.0])


def test_binary_step_propagates_nan():
    assert np.isnan(activations.get("binary_step")(jnp.nan))


@pytest.mark.parametrize("threshold", [0.0, 0.5])
def test_binary_step_identity_gradient_is_one(threshold):
    step = activations.get("binary_step", threshold=threshold, gradient="identity")
    x = jnp.linspace(-5.0, 5.0, 41) + threshold
    gradient = jax.grad(lambda v: jnp.sum(step(v)))(x)
    _, tangent_out = jax.jvp(step, (x,), (jnp.ones_like(x),))
    np.testing.assert_array_equal(gradient, np.ones(x.shape))
    np.testing.assert_array_equal(tangent_out, np.ones(x.shape))


@pytest.mark.parametrize("threshold", [0.0, 0.5])
def test_binary_step_clipped_gradient_window(threshold):
    step = activations.get("binary_step", threshold=threshold, gradient="clipped")
    offsets = np.array([-3.0, -1.5, -1.0, -0.25, 0.0, 0.25, 1.0, 1.5, 3.0])
    x = jnp.asarray(offsets + threshold, jnp.float32)
    expected = (np.abs(offsets) <= 1).astype(np.float32)
    gradient = jax.grad(lambda v: jnp.sum(step(v)))(x)
    _, tangent_out = jax.jvp(step, (x,), (jnp.ones_like(x),))
    np.testing.assert_array_equal(gradient, expected)
    np.testing.assert_array_equal(tangent_out, expected)


def test_binary_step_threshold_gradient_is_negated():
    x = jnp.asarray([-3.0, -0.5, 0.0, 0.5, 3.0])
    for gradient, expected in [("identity", -5.0), ("clipped", -3.0)]:

        def total(threshold, gradient=gradient):
            return jnp.sum(_classic.binary_step(x, threshold, gradient))

        assert jax.grad(total)(0.0) == expected, gradient


def test_softmax_rows_sum_to_one():
    softmax = activations.get("softmax")
    x = jnp.asarray(_grid(np.float32))
    np.testing.assert_allclose(jnp.sum(softmax(x), axis=-1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("constant", [-1000.0, -3.0, 7.5, 1e3])
def test_softmax_invariant_to_constant(constant):
    softmax = activations.get("softmax")
    x = jnp.asarray([[-2.0, 0.0, 1.0, 4.0], [0.5, 0.5, -0.5, 10.0]])
    np.testing.assert_allclose(softmax(x + constant), softmax(x), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("point", "expected_gradient"),
    [(100.0, 1.0), (-1000.0, 0.0), (1e30, 1.0), ("max", 1.0)],
)
def test_elu_finite_at_extremes(point, expected_gradient, dtype):
    with _x64(dtype):
        x = jnp.asarray(np.finfo(dtype).max if point == "max" else point, dtype)
        value, gradient = jax.value_and_grad(activations.get("elu"))(x)
        value, gradient = np.asarray(value), np.asarray(gradient)
    assert np.isfinite(value), f"elu({point}) = {value}"
    assert np.isfinite(gradient), f"elu'({point}) = {gradient}"
    assert gradient == expected_gradient


def test_elu_derivative_at_zero_is_alpha():
    elu = activations.get("elu", alpha=0.5)
    assert jax.grad(elu)(0.0) == 0.5
