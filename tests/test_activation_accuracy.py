"""Accuracy of every activation against a 50-digit mpmath reference.

For each activation whose reference defines ``mp_value`` and ``mp_jvp``, in
float32 and float64, and for the default and each extra hyperparameter setting:

- the value, the derivative by ``jax.jvp`` and the derivative by ``jax.grad``
  of the sum lie within ``ACCURACY_ULP`` units in the last place (ulp) of the
  reference rounded to the dtype. A reference may declare a larger
  ``max_ulp``, with a reason;
- no derivative is 0 or NaN where the reference is a normal number, and no
  value or derivative is NaN or infinite where the reference rounds to a finite
  number.

The grid spans both signs, log-spaced from the smallest normal number to the
largest finite one and again, more densely, from 2**-4 to 2**10, with a linear
stretch over [-10, 10], 0, and the kinks with their neighbours; extra settings
use every other point. An activation that mixes the last axis is evaluated on
rows ``[x, 0.5, -1.5, 2.0]``: the jvp along the first input and the gradient
of the first output are compared, entry by entry. Such an activation is
also evaluated on a fixed sample of random rows of ``RANDOM_ROW_SIZE``
entries (spread rows of mixed magnitude, near-ties and saturated rows), where
the maximum and the entries that the first one is compared with vary, and its
value, jvp along the first input and gradient of the first output must meet
the same bounds.

A result within the smallest normal number of the reference counts as exact,
because XLA on CPU flushes subnormal intermediate results to 0, so such an
absolute error can arise in a sum of tiny terms; the check for flushed
derivatives still catches a normal derivative returned as 0. Where the
reference rounds to infinity, the result must be that infinity. Float
hyperparameters reach the reference rounded to the dtype, because the
activations cast them so.

At +-inf the value must be the limit of the function when one exists, judged
by the reference at +-1e1000 and +-1e1001, and NaN otherwise; for an activation
that mixes the feature axis, NaN is accepted too, because the shift by the row
maximum computes inf - inf. The derivative at +-inf must be its limit or NaN.
A NaN input gives a NaN value. The infinities and the NaN are evaluated in the
same call as the grid, so an error on the grid also shows one that spreads.

Run this file as a script to print the worst error per activation, quantity
and dtype: ``python tests/test_activation_accuracy.py [NAME ...]``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import sys
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
from activation_references import REFERENCES, Reference

from actlab import activations

ACCURACY_ULP = 4.0
DIGITS = 50
DTYPES = (np.float32, np.float64)
QUANTITIES = ("value", "jvp", "grad")
# Keys of Reference.max_ulp: the derivative bound covers both jvp and grad.
MAX_ULP_KEYS = {
    f"{kind}/{np.dtype(dtype).name}"
    for kind in ("value", "derivative")
    for dtype in DTYPES
}
# Numbers of points, keyed by Reference.vector. The log-spaced magnitudes are
# per sign, over the whole range and where the tails of most activations lie.
# The step of the linear stretch [-10, 10] is not a power of 2, so that sums
# and differences of grid points round.
FULL_LOG_POINTS = {False: 500, True: 160}
MIDDLE_LOG_POINTS = {False: 300, True: 120}
MIDDLE = (2.0**-4, 2.0**10)
LINEAR_POINTS = {False: 301, True: 151}
# The other inputs of a row, for an activation that mixes the last axis; only
# the first input runs over the grid.
ROW_REST = (0.5, -1.5, 2.0)
# Random rows of an activation that mixes the last axis: rows per kind
# (spread, near-ties, saturated), entries per row, and the fixed seed.
RANDOM_ROWS_PER_KIND = 64
RANDOM_ROW_SIZE = 4
RANDOM_ROW_SEED = 20261204
# Far points whose references, when they agree, give the limit at infinity.
FAR = (mpmath.mpf("1e1000"), mpmath.mpf("1e1001"))
# Inputs evaluated beside the grid, in this order.
SPECIAL = (np.inf, -np.inf, np.nan)
INF_INDEX = {1: 0, -1: 1}
NAN_INDEX = 2

NAMES = activations.available(include_aliases=False)
MEASURED = tuple(
    name
    for name in NAMES
    if name in REFERENCES and REFERENCES[name].mp_value is not None
)


def _x64(dtype) -> contextlib.AbstractContextManager:
    if np.dtype(dtype) == np.float64:
        return jax.enable_x64(True)
    return contextlib.nullcontext()


def _settings(name: str) -> tuple[dict[str, Any], ...]:
    return ({}, *REFERENCES[name].settings)


def _label(settings: dict[str, Any]) -> str:
    return ",".join(f"{key}={value}" for key, value in settings.items()) or "default"


CASES = [
    pytest.param(name, settings, id=f"{name}-{_label(settings)}")
    for name in MEASURED
    for settings in _settings(name)
]
VECTOR_CASES = [case for case in CASES if REFERENCES[case.values[0]].vector]
DTYPE_PARAMS = [pytest.param(dtype, id=np.dtype(dtype).name) for dtype in DTYPES]


# --- grid ------------------------------------------------------------------


def _grid(reference: Reference, dtype, settings: tuple = ()) -> np.ndarray:
    """Return the sorted finite grid points in ``dtype``.

    An extra hyperparameter setting gets every other point, which halves the
    time spent in mpmath.
    """
    info = np.finfo(dtype)
    exponents = np.linspace(
        np.log2(info.tiny), np.log2(info.max), FULL_LOG_POINTS[reference.vector]
    )
    with np.errstate(over="ignore"):
        magnitudes = np.minimum(np.exp2(exponents), info.max)
    middle = np.geomspace(*MIDDLE, MIDDLE_LOG_POINTS[reference.vector])
    special = [0.0, float(info.tiny), 1.0, float(info.max)]
    for kink in reference.kinks:
        kink = dtype(kink)
        special += [
            kink,
            np.nextafter(kink, dtype(np.inf)),
            np.nextafter(kink, dtype(-np.inf)),
        ]
    linear = np.linspace(-10.0, 10.0, LINEAR_POINTS[reference.vector])
    points = np.concatenate([magnitudes, middle, special, linear]).astype(dtype)
    points = np.concatenate([points, -points])
    # XLA flushes subnormal inputs to 0, so they would test nothing new.
    points = np.unique(points[(points == 0) | (np.abs(points) >= info.tiny)])
    return points[::2] if settings else points


def _rows(reference: Reference, x: np.ndarray) -> np.ndarray:
    """Return the inputs: ``x`` itself, or rows ``[x, *ROW_REST]``."""
    if not reference.vector:
        return x
    rest = np.broadcast_to(np.asarray(ROW_REST, x.dtype), (x.size, len(ROW_REST)))
    return np.concatenate([x[:, None], rest], axis=-1)


def _random_rows(dtype) -> np.ndarray:
    """Return a fixed sample of rows of ``RANDOM_ROW_SIZE`` entries in ``dtype``.

    There are ``RANDOM_ROWS_PER_KIND`` rows of each of three kinds. Spread
    rows have entries of random sign and magnitudes from 2**-24 to 2**8.
    Near-ties are a common value plus offsets of 1 to 2048 of its ulp.
    Saturated rows have entries up to 0.9 times ``-log(tiny)`` below the
    maximum, so that some outputs are close to the smallest normal number.
    """
    rng = np.random.default_rng(RANDOM_ROW_SEED)
    shape = (RANDOM_ROWS_PER_KIND, RANDOM_ROW_SIZE)
    info = np.finfo(dtype)
    signs = rng.choice([-1.0, 1.0], shape)
    spread = signs * np.exp2(rng.uniform(-24, 8, shape))
    centre = rng.normal(0.0, 4.0, (RANDOM_ROWS_PER_KIND, 1))
    ulps = np.exp2(rng.integers(0, 12, shape)) * rng.choice([-1.0, 1.0], shape)
    ties = centre + ulps * np.spacing(np.abs(centre).astype(dtype)).astype(float)
    depth = -np.log(float(info.tiny)) * 0.9
    gaps = rng.uniform(0.0, depth, shape)
    gaps[
        np.arange(RANDOM_ROWS_PER_KIND), rng.integers(0, RANDOM_ROW_SIZE, shape[0])
    ] = 0
    saturated = rng.normal(0.0, 8.0, (RANDOM_ROWS_PER_KIND, 1)) - gaps
    return np.concatenate([spread, ties, saturated]).astype(dtype)


# --- the activation under test ---------------------------------------------


def _split(settings: dict[str, Any]) -> tuple[dict[str, float], tuple]:
    """Split settings into float values, traced, and the rest, static."""
    floats = {k: v for k, v in settings.items() if isinstance(v, float)}
    static = tuple(sorted((k, v) for k, v in settings.items() if k not in floats))
    return floats, static


@functools.cache
def _compiled(name: str, static: tuple, vector: bool) -> Callable:
    """Return jitted ``(x, floats) -> (value, jvp, grad)``.

    Float hyperparameters are arguments, so that every setting of an
    activation shares one compilation per dtype.
    """
    fn = activations.spec(name).fn

    def outputs(x, floats):
        def apply(v):
            return fn(v, **floats, **dict(static))

        if vector:
            tangent = jnp.zeros_like(x).at[..., 0].set(1)
            value, tangent_out = jax.jvp(apply, (x,), (tangent,))
            gradient = jax.grad(lambda v: jnp.sum(apply(v)[..., 0]))(x)
        else:
            value, tangent_out = jax.jvp(apply, (x,), (jnp.ones_like(x),))
            gradient = jax.grad(lambda v: jnp.sum(apply(v)))(x)
        return value, tangent_out, gradient

    return jax.jit(outputs)


def _evaluate(name: str, settings: dict[str, Any], x: np.ndarray) -> tuple:
    """Return value, jvp and grad of ``name`` at ``x``, in the dtype of ``x``."""
    floats, static = _split(settings)
    with _x64(x.dtype):
        floats = {k: jnp.asarray(v, x.dtype) for k, v in floats.items()}
        results = _compiled(name, static, REFERENCES[name].vector)(
            jnp.asarray(x), floats
        )
        return tuple(np.asarray(result) for result in results)


@functools.cache
def _outputs(name: str, settings: tuple, dtype) -> tuple[tuple, tuple]:
    """Return value, jvp and grad on the grid, and at SPECIAL, per quantity.

    Both come from one call, so a NaN or infinite input that spread to other
    elements would show as an error on the grid.
    """
    reference = REFERENCES[name]
    grid = _grid(reference, dtype, settings)
    x = np.concatenate([grid, np.asarray(SPECIAL, dtype)])
    results = _evaluate(name, dict(settings), _rows(reference, x))
    on_grid = tuple(result[: grid.size] for result in results)
    at_special = tuple(result[grid.size :] for result in results)
    return on_grid, at_special


# --- the reference -----------------------------------------------------------


def _mp_settings(settings: dict[str, Any], dtype) -> dict[str, Any]:
    return {
        k: mpmath.mpf(float(dtype(v))) if isinstance(v, float) else v
        for k, v in settings.items()
    }


def _mp_outputs(reference: Reference, settings: dict[str, Any], point: Any) -> tuple:
    """Return the reference value, jvp and grad at one input (mpf or row)."""
    if not reference.vector:
        value = reference.mp_value(point, **settings)
        derivative = reference.mp_jvp(point, mpmath.mpf(1), **settings)
        return value, derivative, derivative
    size = len(point)
    basis = [[mpmath.mpf(int(i == j)) for j in range(size)] for i in range(size)]
    value = reference.mp_value(point, **settings)
    columns = [reference.mp_jvp(point, e, **settings) for e in basis]
    # d out_0 / d x_j for every j: the gradient of output 0.
    gradient = [column[0] for column in columns]
    return value, columns[0], gradient


@dataclasses.dataclass(frozen=True)
class Exact:
    """A reference as a float64 pair ``high + low``, exact to about 106 bits."""

    high: np.ndarray
    low: np.ndarray


def _split_mp(values: list) -> Exact:
    high = np.array([float(v) for v in values])
    with np.errstate(invalid="ignore"):
        low = np.array(
            [
                float(v - h) if math.isfinite(h) else 0.0
                for v, h in zip(values, high, strict=True)
            ]
        )
    return Exact(high, low)


@functools.cache
def _reference_outputs(name: str, settings: tuple, dtype) -> tuple[Exact, ...]:
    """Return the reference value, jvp and grad on the grid, as ``Exact``."""
    reference = REFERENCES[name]
    rows = _rows(reference, _grid(reference, dtype, settings))
    return _mp_columns(reference, rows, settings, dtype)


def _mp_columns(
    reference: Reference, rows: np.ndarray, settings: tuple, dtype
) -> tuple[Exact, ...]:
    """Return the reference value, jvp and grad at each input of ``rows``."""
    mp_settings = _mp_settings(dict(settings), dtype)
    columns: tuple[list, list, list] = ([], [], [])
    with mpmath.workdps(DIGITS):
        for row in rows:
            point = [mpmath.mpf(float(v)) for v in np.atleast_1d(row)]
            if not reference.vector:
                point = point[0]
            for column, output in zip(
                columns, _mp_outputs(reference, mp_settings, point), strict=True
            ):
                column.append(output)
        return tuple(
            _split_mp(np.ravel(np.array(column, dtype=object)).tolist())
            for column in columns
        )


# --- errors in ulp -----------------------------------------------------------


def _ulp_errors(actual: np.ndarray, expected: Exact, dtype) -> np.ndarray:
    """Return |actual - expected| in ulp of the expected value rounded to dtype.

    A result within the smallest normal number of the reference has 0 error.
    Where the reference rounds to infinity, only that infinity has 0 error.
    """
    tiny = float(np.finfo(dtype).tiny)
    actual = np.ravel(actual).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        rounded = expected.high.astype(dtype)
        difference = np.abs((actual - expected.high) - expected.low)
        unit = np.spacing(np.maximum(np.abs(rounded), tiny).astype(dtype)).astype(
            np.float64
        )
        errors = difference / unit
        errors[np.isnan(errors)] = np.inf
        errors[difference <= tiny] = 0.0
        overflow = np.isinf(rounded)
        errors[overflow] = np.where(actual[overflow] == rounded[overflow], 0.0, np.inf)
    return errors


@dataclasses.dataclass(frozen=True)
class Measurement:
    """Errors of one activation, setting and dtype on the grid, per quantity.

    Attributes:
      x: the grid input that produced each output.
      errors: error of each output in ulp.
      flushed: outputs that are 0 or NaN where the reference is normal.
      nonfinite: outputs that are NaN or infinite where the reference rounds
        to a finite number.
    """

    x: dict[str, np.ndarray]
    errors: dict[str, np.ndarray]
    flushed: dict[str, np.ndarray]
    nonfinite: dict[str, np.ndarray]

    def worst(self, quantity: str) -> tuple[float, float]:
        """Return the largest error of ``quantity`` and the x where it occurs."""
        index = int(np.argmax(self.errors[quantity]))
        return float(self.errors[quantity][index]), float(self.x[quantity][index])


@functools.cache
def measure(name: str, settings: tuple, dtype) -> Measurement:
    """Compare ``name`` with its reference on the grid in ``dtype``."""
    x = _grid(REFERENCES[name], dtype, settings)
    actual, _ = _outputs(name, settings, dtype)
    expected = _reference_outputs(name, settings, dtype)
    return _compare(x, actual, expected, dtype)


@functools.cache
def measure_random_rows(name: str, settings: tuple, dtype) -> Measurement:
    """Compare ``name`` with its reference on ``_random_rows(dtype)``.

    ``Measurement.x`` contains the index of the row that produced each output.
    """
    rows = _random_rows(dtype)
    actual = _evaluate(name, dict(settings), rows)
    expected = _mp_columns(REFERENCES[name], rows, settings, dtype)
    return _compare(np.arange(len(rows), dtype=np.float64), actual, expected, dtype)


def _compare(
    x: np.ndarray, actual: tuple, expected: tuple[Exact, ...], dtype
) -> Measurement:
    """Return the errors of ``actual`` against ``expected``, one ``x`` per input."""
    tiny, biggest = float(np.finfo(dtype).tiny), float(np.finfo(dtype).max)
    points, errors, flushed, nonfinite = {}, {}, {}, {}
    for quantity, result, truth in zip(QUANTITIES, actual, expected, strict=True):
        result = np.ravel(result).astype(np.float64)
        points[quantity] = np.repeat(x, result.size // x.size)
        errors[quantity] = _ulp_errors(result, truth, dtype)
        magnitude = np.abs(truth.high)
        normal = (magnitude >= tiny) & (magnitude <= biggest)
        flushed[quantity] = normal & ((result == 0) | np.isnan(result))
        with np.errstate(over="ignore"):
            finite = np.isfinite(truth.high.astype(dtype))
        nonfinite[quantity] = finite & ~np.isfinite(result)
    return Measurement(points, errors, flushed, nonfinite)


def _bound(reference: Reference, quantity: str, dtype) -> float:
    kind = "value" if quantity == "value" else "derivative"
    return reference.max_ulp.get(f"{kind}/{np.dtype(dtype).name}", ACCURACY_ULP)


def _key(settings: dict[str, Any]) -> tuple:
    return tuple(sorted(settings.items()))


# --- tests -------------------------------------------------------------------


def test_every_activation_has_mpmath_reference():
    missing = [
        name
        for name in NAMES
        if name not in REFERENCES
        or REFERENCES[name].mp_value is None
        or REFERENCES[name].mp_jvp is None
    ]
    assert not missing, f"no mp_value and mp_jvp in the reference of {missing}"


@pytest.mark.parametrize("name", MEASURED)
def test_max_ulp_exceptions_are_documented(name):
    reference = REFERENCES[name]
    unknown = set(reference.max_ulp) - MAX_ULP_KEYS
    assert not unknown, (
        f"{name}: max_ulp keys {sorted(unknown)}; use {sorted(MAX_ULP_KEYS)}"
    )
    if reference.max_ulp:
        assert reference.max_ulp_reason, f"{name}: max_ulp without max_ulp_reason"
    for key, bound in reference.max_ulp.items():
        assert bound > ACCURACY_ULP, f"{name}: {key}={bound} is no exception"


def _measurements(name: str, settings: tuple, dtype) -> list[Measurement]:
    """Return the measurement on the grid, and on random rows for a vector."""
    found = [measure(name, settings, dtype)]
    if REFERENCES[name].vector:
        found.append(measure_random_rows(name, settings, dtype))
    return found


@pytest.mark.parametrize("name", [n for n in MEASURED if REFERENCES[n].max_ulp])
def test_max_ulp_exceptions_are_needed(name):
    reference = REFERENCES[name]
    for key in reference.max_ulp:
        kind, dtype_name = key.split("/")
        dtype = np.dtype(dtype_name).type
        quantities = ("value",) if kind == "value" else ("jvp", "grad")
        worst = max(
            measurement.worst(quantity)[0]
            for settings in _settings(name)
            for measurement in _measurements(name, _key(settings), dtype)
            for quantity in quantities
        )
        assert worst > ACCURACY_ULP, (
            f"{name}: {key} measures {worst:.2f} ulp, within {ACCURACY_ULP}; "
            "remove the exception"
        )


@pytest.mark.parametrize("dtype", DTYPE_PARAMS)
@pytest.mark.parametrize(("name", "settings"), CASES)
def test_accuracy_in_ulp(name, settings, dtype):
    measurement = measure(name, _key(settings), dtype)
    reference = REFERENCES[name]
    for quantity in QUANTITIES:
        worst, at = measurement.worst(quantity)
        bound = _bound(reference, quantity, dtype)
        assert worst <= bound, f"{quantity}: {worst:.3g} ulp > {bound} at x={at!r}"


@pytest.mark.parametrize("dtype", DTYPE_PARAMS)
@pytest.mark.parametrize(("name", "settings"), CASES)
def test_derivative_not_flushed(name, settings, dtype):
    measurement = measure(name, _key(settings), dtype)
    for quantity in ("jvp", "grad"):
        where = measurement.x[quantity][measurement.flushed[quantity]]
        assert where.size == 0, f"{quantity} is 0 or NaN at x={where[:5]}"


@pytest.mark.parametrize("dtype", DTYPE_PARAMS)
@pytest.mark.parametrize(("name", "settings"), CASES)
def test_finite_input_gives_finite_output(name, settings, dtype):
    measurement = measure(name, _key(settings), dtype)
    for quantity in QUANTITIES:
        where = measurement.x[quantity][measurement.nonfinite[quantity]]
        assert where.size == 0, f"{quantity} is NaN or inf at x={where[:5]}"


@pytest.mark.parametrize("dtype", DTYPE_PARAMS)
@pytest.mark.parametrize(("name", "settings"), VECTOR_CASES)
def test_random_rows_accuracy_in_ulp(name, settings, dtype):
    measurement = measure_random_rows(name, _key(settings), dtype)
    reference = REFERENCES[name]
    rows = _random_rows(dtype)
    for quantity in QUANTITIES:
        worst, index = measurement.worst(quantity)
        bound = _bound(reference, quantity, dtype)
        assert worst <= bound, (
            f"{quantity}: {worst:.3g} ulp > {bound} on row {rows[int(index)]!r}"
        )


@pytest.mark.parametrize("dtype", DTYPE_PARAMS)
@pytest.mark.parametrize(("name", "settings"), VECTOR_CASES)
def test_random_rows_finite_and_not_flushed(name, settings, dtype):
    measurement = measure_random_rows(name, _key(settings), dtype)
    rows = _random_rows(dtype)
    for quantity in QUANTITIES:
        where = measurement.x[quantity][measurement.nonfinite[quantity]]
        assert where.size == 0, (
            f"{quantity} is NaN or inf on rows {rows[where[:3].astype(int)]}"
        )
    for quantity in ("jvp", "grad"):
        where = measurement.x[quantity][measurement.flushed[quantity]]
        assert where.size == 0, (
            f"{quantity} is 0 or NaN on rows {rows[where[:3].astype(int)]}"
        )


# --- infinities and NaN --------------------------------------------------------


def _mp_point(reference: Reference, x: Any) -> Any:
    if reference.vector:
        return [x, *(mpmath.mpf(v) for v in ROW_REST)]
    return x


def _flat(outputs: Any) -> list:
    return list(outputs) if isinstance(outputs, list) else [outputs]


def _limits(reference: Reference, sign: int, dtype) -> tuple[Exact, ...]:
    """Return the limits of value, jvp and grad as x goes to ``sign`` * inf.

    The reference at infinity gives the limit unless it is NaN, as an
    indeterminate form such as inf * 0 makes it, or raises, as a division by
    infinity may. Then the limit is the reference at FAR, when both far points
    round to the same number, and NaN when they do not: a function such as the
    sine has no limit.
    """
    settings = _mp_settings({}, dtype)
    with mpmath.workdps(DIGITS):
        far = [
            _mp_outputs(reference, settings, _mp_point(reference, sign * point))
            for point in FAR
        ]
        try:
            at_inf = _mp_outputs(
                reference, settings, _mp_point(reference, sign * mpmath.inf)
            )
        except (ArithmeticError, ValueError):
            at_inf = tuple([mpmath.nan] * len(_flat(f)) for f in far[0])
        limits = []
        for index, outputs in enumerate(at_inf):
            outputs = _flat(outputs)
            if not any(mpmath.isnan(v) for v in outputs):
                limits.append(_split_mp(outputs))
                continue
            first, second = (_flat(f[index]) for f in far)
            rounded = [
                np.array([float(v) for v in f]).astype(dtype) for f in (first, second)
            ]
            if np.array_equal(*rounded, equal_nan=True):
                limits.append(_split_mp(first))
            else:
                limits.append(Exact(np.full(len(first), np.nan), np.zeros(len(first))))
        return tuple(limits)


@pytest.mark.parametrize("dtype", DTYPE_PARAMS)
@pytest.mark.parametrize("sign", [1, -1], ids=["+inf", "-inf"])
@pytest.mark.parametrize("name", MEASURED)
def test_infinity_gives_limit(name, sign, dtype):
    reference = REFERENCES[name]
    _, at_special = _outputs(name, (), dtype)
    limits = _limits(reference, sign, dtype)
    for quantity, results, limit in zip(QUANTITIES, at_special, limits, strict=True):
        result = np.ravel(results[INF_INDEX[sign]]).astype(np.float64)
        errors = _ulp_errors(result, limit, dtype)
        limit_is_nan = np.isnan(limit.high)
        errors[limit_is_nan] = np.where(np.isnan(result[limit_is_nan]), 0.0, np.inf)
        may_be_nan = quantity != "value" or reference.vector
        if may_be_nan:
            errors[np.isnan(result)] = 0.0
        assert (errors <= _bound(reference, quantity, dtype)).all(), (
            f"{quantity} at {sign * np.inf}: {result}, limit {limit.high}"
        )


@pytest.mark.parametrize("dtype", DTYPE_PARAMS)
@pytest.mark.parametrize("name", MEASURED)
def test_nan_gives_nan(name, dtype):
    # The grid is evaluated in the same call, so test_accuracy_in_ulp also
    # shows that the NaN does not spread to other elements.
    _, (value, _, _) = _outputs(name, (), dtype)
    at_nan = np.ravel(value[NAN_INDEX])
    assert np.isnan(at_nan[0]), f"value at NaN: {at_nan}"


# --- script --------------------------------------------------------------------


def _print_table(names: list[str]) -> None:
    """Print the worst error per activation, setting, dtype and quantity."""
    header = f"{'activation':28} {'dtype':8}" + "".join(f"{q:>22}" for q in QUANTITIES)
    print(header)
    for name in names:
        for settings in _settings(name):
            for dtype in DTYPES:
                measurement = measure(name, _key(settings), dtype)
                cells = "".join(
                    "{:>9.2f} at {:<+10.3g}".format(*measurement.worst(q))
                    for q in QUANTITIES
                )
                label = f"{name} {_label(settings)}"
                print(f"{label:28} {np.dtype(dtype).name:8}{cells}")
                if not REFERENCES[name].vector:
                    continue
                # The position of a random row's error is its row index.
                rows = measure_random_rows(name, _key(settings), dtype)
                cells = "".join(
                    "{:>9.2f} at row {:<6.0f}".format(*rows.worst(q))
                    for q in QUANTITIES
                )
                label = f"{name} {_label(settings)} random"
                print(f"{label:28} {np.dtype(dtype).name:8}{cells}")


if __name__ == "__main__":
    _print_table(sys.argv[1:] or list(MEASURED))
