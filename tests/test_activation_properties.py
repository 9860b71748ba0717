"""Tests that each activation's declared Properties agree with its function.

Every check evaluates the function in float64 on a grid, at its default
hyperparameters. An activation that mixes the feature axis is evaluated on rows
``[x, 0.5, -1.5, 2.0]`` and judged by output 0, as ``Properties`` defines.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from activation_references import REFERENCES

from actlab import activations

NAMES = activations.available(include_aliases=False)
# The other two inputs of each row for an activation that mixes the last axis.
ROW_REST = (0.5, -1.5, 2.0)
# Wide grid for the range: both signs, log-spaced out to 1e10, and 0.
_TAILS = np.logspace(-8.0, 10.0, 181)
WIDE = np.sort(np.concatenate([-_TAILS, [0.0], _TAILS, np.linspace(-10, 10, 2001)]))
# Fine grid for monotonicity and smoothness. The offset keeps grid points off
# round numbers, where kinks such as 0, +-1 or +-3 lie.
STEP = 1e-3
FINE = np.arange(-8.0, 8.0, STEP) + STEP / 3
# The end of an unbounded range must be passed within WIDE, and a bounded end
# approached to within this distance.
UNBOUNDED_BEYOND = 1e6
BOUND_DISTANCE = 1e-6


def _properties(name: str) -> activations.Properties:
    properties = activations.spec(name).properties
    if properties is None:
        pytest.fail(f"activation {name!r} has no Properties; pass properties=")
    return properties


def _is_vector(name: str) -> bool:
    return name in REFERENCES and REFERENCES[name].vector


def _rows(name: str, x: np.ndarray) -> np.ndarray:
    """Return the input rows whose output 0 is the activation at ``x``."""
    if not _is_vector(name):
        return x[:, None]
    rest = np.broadcast_to(np.asarray(ROW_REST), (x.size, len(ROW_REST)))
    return np.concatenate([x[:, None], rest], axis=-1)


def _value_and_derivative(name: str, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return output 0 and its derivative by input 0, in float64, at ``x``."""
    fn = activations.spec(name).fn
    rows = _rows(name, np.asarray(x, np.float64))
    tangent = np.zeros_like(rows)
    tangent[:, 0] = 1.0
    with jax.enable_x64(True):
        value, derivative = jax.jvp(fn, (jnp.asarray(rows),), (jnp.asarray(tangent),))
        return np.asarray(value)[:, 0], np.asarray(derivative)[:, 0]


def _jumps(samples: np.ndarray, floor: float) -> np.ndarray:
    """Return the indices where ``samples`` jumps between neighbours.

    A step counts as a jump when it exceeds ``floor`` and four times both
    steps beside it, which a continuous function sampled finely enough does
    not do.
    """
    steps = np.abs(np.diff(samples))
    beside = np.maximum(steps[:-2], steps[2:])
    middle = steps[1:-1]
    return np.flatnonzero((middle > floor) & (middle > 4 * beside)) + 1


@pytest.mark.parametrize("name", NAMES)
def test_every_activation_has_properties(name):
    properties = _properties(name)
    lower, upper = properties.range
    assert lower < upper, f"{name}: range {properties.range}"
    assert properties.source, f"{name}: empty source"
    is_vector = _is_vector(name)
    if is_vector:
        assert properties.derivative_at_0 is None, f"{name}: mixes the last axis"
    else:
        assert properties.derivative_at_0 is not None, f"{name}: elementwise"


@pytest.mark.parametrize("name", NAMES)
def test_outputs_lie_in_range(name):
    lower, upper = _properties(name).range
    value, _ = _value_and_derivative(name, WIDE)
    assert not np.isnan(value).any(), f"{name}: NaN at x={WIDE[np.isnan(value)]}"
    assert value.min() >= lower, f"{name}: {value.min()} below {lower}"
    assert value.max() <= upper, f"{name}: {value.max()} above {upper}"


@pytest.mark.parametrize("name", NAMES)
def test_range_ends_are_reached(name):
    lower, upper = _properties(name).range
    value, _ = _value_and_derivative(name, WIDE)
    if math.isinf(lower):
        assert value.min() < -UNBOUNDED_BEYOND, f"{name}: bounded below"
    else:
        assert value.min() - lower <= BOUND_DISTANCE, f"{name}: lower {lower}"
    if math.isinf(upper):
        assert value.max() > UNBOUNDED_BEYOND, f"{name}: bounded above"
    else:
        assert upper - value.max() <= BOUND_DISTANCE, f"{name}: upper {upper}"


@pytest.mark.parametrize("name", NAMES)
def test_monotonic_matches_grid(name):
    grid = np.sort(np.concatenate([FINE, WIDE]))
    value, _ = _value_and_derivative(name, grid)
    # Where the value overflows to inf (exponential), inf - inf is NaN, and a
    # NaN difference counts as no decrease.
    with np.errstate(invalid="ignore"):
        steps = np.diff(value)
    # A few ulp of rounding may make a flat stretch wobble.
    tolerance = 4 * np.spacing(np.abs(value[1:]))
    decreases = np.flatnonzero(steps < -tolerance)
    if _properties(name).monotonic:
        assert decreases.size == 0, f"{name}: decreases after x={grid[decreases]}"
    else:
        assert decreases.size > 0, f"{name}: non-decreasing on the grid"


@pytest.mark.parametrize("name", NAMES)
def test_derivative_at_zero(name):
    expected = _properties(name).derivative_at_0
    if expected is None:
        pytest.skip(f"{name} mixes the last axis; its derivative is a Jacobian")
    fn = activations.spec(name).fn
    with jax.enable_x64(True):
        zeros = jnp.zeros((2, 3), jnp.float64)
        gradient = jax.grad(lambda v: jnp.sum(fn(v)))(zeros)
        _, tangent_out = jax.jvp(fn, (zeros,), (jnp.ones_like(zeros),))
    np.testing.assert_allclose(gradient, expected, rtol=1e-12, err_msg="grad")
    np.testing.assert_allclose(tangent_out, expected, rtol=1e-12, err_msg="jvp")


@pytest.mark.parametrize("name", NAMES)
def test_zero_centred_matches_function(name):
    fn = activations.spec(name).fn
    with jax.enable_x64(True):
        at_zero = np.asarray(fn(jnp.zeros((1, 1 + len(ROW_REST)), jnp.float64)))
    value, _ = _value_and_derivative(name, WIDE)
    zero_at_zero = bool((at_zero == 0).all())
    both_signs = bool((value < 0).any() and (value > 0).any())
    declared = _properties(name).zero_centred
    assert declared == (zero_at_zero and both_signs), (
        f"{name}: zero_centred={declared}, but f(0)={at_zero.ravel()} and "
        f"both signs occur: {both_signs}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_smooth_matches_function(name):
    value, derivative = _value_and_derivative(name, FINE)
    value_jumps = _jumps(value, floor=10 * STEP)
    derivative_jumps = _jumps(derivative, floor=1e-6)
    jumps_at = FINE[np.concatenate([value_jumps, derivative_jumps])]
    if _properties(name).smooth:
        assert jumps_at.size == 0, f"{name}: value or derivative jumps at {jumps_at}"
    else:
        assert jumps_at.size > 0, f"{name}: no jump in value or derivative found"


def test_jump_detector_finds_kink_and_not_curve():
    assert _jumps(np.abs(FINE - 0.1234), floor=1e-6).size == 0
    assert _jumps(np.sign(FINE - 0.1234), floor=1e-6).size == 1
    assert _jumps(np.tanh(FINE), floor=1e-6).size == 0
    assert _jumps(np.exp(FINE), floor=1e-6).size == 0
