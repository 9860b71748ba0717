"""Precise building blocks of the rectifier, gated and GELU activations.

The composite activations stay within 4 ulp of the exact result only if their
pieces round little. This module provides Dekker's error-free product and
constants split into a sum of two floats. It also provides an ``expm1``, a
``log1p`` and a ``tanh`` that are more accurate than XLA's CPU kernels, an
accurate ``sqrt(x**2 + b)``, and products with ``exp(y)`` or the logistic
sigmoid that do not underflow before the product does.

Error-free transformations assume that each operation rounds once, in the
order written. XLA does not guarantee that. On CPU it contracts a product and
a sum into a fused multiply-add, and it may compute one value twice in two
fused kernels, once contracted and once not. Its algebraic simplifier also
rewrites ``(x + c) - c`` to ``x`` and ``(x - c1) - c2`` to ``x - (c1 + c2)``
for constants. ``rounded`` marks the values whose rounding the transformations rely
on; tests/test_activations_rectifiers.py checks that it still works.

The error bounds stated below were measured against mpmath on log-spaced grids
over the whole float range, with jax 0.10.2 on x86-64.
"""

from __future__ import annotations

import decimal
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

_FLOAT32 = np.dtype(np.float32)


@functools.cache
def _split_text(text: str, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    with decimal.localcontext() as context:
        context.prec = 60
        exact = decimal.Decimal(text)
        high = np.asarray(float(exact), dtype)
        low = np.asarray(float(exact - decimal.Decimal(float(high))), dtype)
    return high, low


def split_constant(text: str, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(high, low)`` in ``dtype`` whose sum is the decimal ``text``.

    ``high`` is the constant rounded to the dtype, and ``low`` the rounded
    remainder, so the pair carries about twice the dtype's precision.
    """
    return _split_text(text, np.dtype(dtype))


def constant(text: str, dtype) -> np.ndarray:
    """Return the decimal ``text`` rounded to ``dtype``."""
    return _split_text(text, np.dtype(dtype))[0]


def rounded(x: jax.Array) -> jax.Array:
    """Return ``x``, computed so that XLA can neither contract nor fold it.

    The select between ``x`` and ``x + 1`` (taken only for NaN) separates the
    operation that produced ``x`` from its consumers. So no consumer fuses into
    a multiply-add with it, and the algebraic simplifier finds no sum or
    difference to reassociate. An optimization barrier stops the
    simplifier but not the contraction, because XLA removes barriers before it
    fuses operations.
    """
    return jnp.where(jnp.isnan(x), x + 1, x)


def offset_from(x: jax.Array, text: str) -> jax.Array:
    """Return ``x - c`` for the decimal constant ``c = text``, to within 1 ulp.

    With ``c = high + low``, ``x - high`` is exact near ``c`` (Sterbenz), so
    the result keeps its relative precision even at the float nearest ``c``.
    XLA would fold ``(x - high) - low`` into ``x - (high + low)``, which drops
    ``low``, unless the first difference is ``rounded``.
    """
    high, low = split_constant(text, x.dtype)
    return rounded(rounded(x) - high) - low


def offset_pair_from(x: jax.Array, text: str) -> tuple[jax.Array, jax.Array]:
    """Return ``(d, e)`` with ``d + e = x - c`` to twice the working precision.

    ``c`` is the decimal constant ``text``, and ``d`` is ``x - c`` rounded, so a
    sum whose leading term is a multiple of ``x - c`` can take that term from
    ``d`` exactly and add the small ``e`` with the other terms.
    """
    high, low = split_constant(text, x.dtype)
    difference, error = two_sum(x, jnp.asarray(-high, x.dtype))
    return difference, error - low


def two_prod(a: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(p, e)`` with ``p = fl(a * b)`` and ``a * b = p + e`` exactly.

    This is Dekker's product with Veltkamp's split into halves of half the
    bits. It is exact for finite inputs whose magnitudes stay below the largest
    finite number divided by ``2**13`` (float32) or ``2**28`` (float64), and
    whose product error does not underflow. Callers clamp their inputs to such
    a range. The product and the scaled inputs are ``rounded``, so that a
    consumer of ``p`` gets the rounded product and the split stays exact.
    """
    splitter = 4097.0 if a.dtype == _FLOAT32 else 134217729.0
    a, b = rounded(a), rounded(b)
    product = rounded(a * b)
    scaled_a, scaled_b = rounded(splitter * a), rounded(splitter * b)
    a_high = scaled_a - (scaled_a - a)
    b_high = scaled_b - (scaled_b - b)
    a_low, b_low = a - a_high, b - b_high
    error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + (
        a_low * b_low
    )
    return product, error


def two_sum(a: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(s, e)`` with ``s = fl(a + b)`` and ``a + b = s + e`` exactly.

    This is Knuth's TwoSum, exact for finite inputs that do not overflow. The
    operands and the sum are ``rounded``.
    """
    a, b = rounded(a), rounded(b)
    s = rounded(a + b)
    b_virtual = s - a
    a_virtual = s - b_virtual
    return s, (a - a_virtual) + (b - b_virtual)


def log1p(u: jax.Array) -> jax.Array:
    """Return ``log(1 + u)`` for ``u >= 0`` within 1.3 ulp.

    With ``1 + u = w + e`` exactly, ``log(1 + u) = log(w) + e / w`` to within
    the rounding unit squared, so only log and the division round. XLA's
    float32 log1p errs by up to 1.5 ulp.
    """
    w, error = two_sum(jnp.ones_like(u), u)
    return jnp.log(w) + error / w


def finite_or_zero(x: jax.Array) -> jax.Array:
    """Return ``x`` where it is finite and 0 elsewhere."""
    return jnp.where(jnp.isfinite(x), x, 0)


# expm1(x) = x + x**2 * sum_k x**k / (k + 2)! for |x| <= _EXPM1_SMALL. The
# series is truncated after x**9 / 9! in float32 and x**14 / 14! in float64,
# where the next term is below 1e-10 and 1e-18 of the result.
_EXPM1_SMALL = 0.35
_EXPM1_DEGREE = {np.dtype(np.float32): 9, np.dtype(np.float64): 14}


def _expm1_series(x: jax.Array) -> jax.Array:
    degree = _EXPM1_DEGREE[np.dtype(x.dtype)]
    tail = jnp.full_like(x, 1 / math.factorial(degree))
    for k in range(degree - 1, 1, -1):
        tail = tail * x + 1 / math.factorial(k)
    return x + (x * x) * tail


@jax.custom_jvp
def expm1(x: jax.Array) -> jax.Array:
    """Return ``exp(x) - 1`` for float32 or float64 ``x`` within 1.4 ulp.

    XLA's CPU kernel errs by up to 3.6 ulp in float32 and 2.7 in float64 near
    0. Here a Taylor series covers ``|x| <= 0.35``. Between 0.35 and 0.7,
    ``expm1(x) = y * (y + 2)`` with ``y = expm1(x / 2)`` from the same series.
    Elsewhere ``exp(x) - 1`` amplifies exp's relative error at most 2.4
    times, because ``exp(x)`` is then below 0.71 or above 2.
    """
    small = jnp.abs(x) <= _EXPM1_SMALL
    doubling = (x > _EXPM1_SMALL) & (x <= 2 * _EXPM1_SMALL)
    series = _expm1_series(jnp.where(small, x, jnp.where(doubling, x / 2, 0)))
    direct = jnp.exp(x) - 1
    return jnp.where(small, series, jnp.where(doubling, series * (series + 2), direct))


@expm1.defjvp
def _expm1_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return expm1(x), jnp.exp(x) * x_dot


# Above this magnitude tanh(x) rounds to +-1 in float32 and float64.
_TANH_SATURATION = 20.0


def tanh_of_magnitude(magnitude: jax.Array) -> jax.Array:
    """Return ``tanh(m)`` for ``m >= 0`` within 1.8 ulp.

    ``tanh(m) = E / (E + 2)`` with ``E = expm1(2m)``, which is free of
    cancellation. XLA's float32 tanh errs by up to 3.8 ulp near 0, which
    leaves no room for a product such as ``x * tanh(x)``.
    """
    saturated = magnitude > _TANH_SATURATION
    grown = expm1(2 * jnp.where(saturated, 0, magnitude))
    return jnp.where(saturated, 1, grown / (grown + 2))


# Below log(smallest normal) + 1, exp(y) is computed as exp(y + shift) times
# the constant exp(-shift). y + shift is exact there, because y is then below
# -shift and so is a multiple of a power of 2 at least as coarse as the ulp of
# y + shift.
_EXP_SHIFT = {np.dtype(np.float32): 64, np.dtype(np.float64): 512}


def _shifted_exp(y: jax.Array) -> tuple[jax.Array, jax.Array, np.ndarray]:
    """Return ``(e, tail, scale)`` with ``exp(y) = e * scale`` where ``tail``.

    Elsewhere ``exp(y) = e``. One exponential serves both cases.
    """
    shift = _EXP_SHIFT[np.dtype(y.dtype)]
    tail = y < math.log(float(jnp.finfo(y.dtype).tiny)) + 1
    scale = np.asarray(math.exp(-shift), y.dtype)
    return jnp.exp(jnp.where(tail, y + shift, y)), tail, scale


def _times_shifted(q, e, tail, scale) -> jax.Array:
    return jnp.where(tail, (q * e) * scale, q * e)


def times_exp(q: jax.Array, y: jax.Array) -> jax.Array:
    """Return ``q * exp(y)`` for ``y <= 0`` without an early underflow.

    XLA on CPU flushes subnormal results to 0, so ``exp(y)`` is 0 once it is
    below the smallest normal number, although ``q * exp(y)`` may still be
    normal when ``|q| > 1``. There the product is taken as
    ``(q * exp(y + s)) * exp(-s)`` with ``s`` 64 (float32) or 512 (float64).
    NOTE: in float32 a product below ``exp(-151)`` still flushes to 0, which
    loses a normal result only where ``|q| > 8e27``.
    """
    e, tail, scale = _shifted_exp(y)
    return _times_shifted(q, e, tail, scale)


def _times_one_plus(q: jax.Array, delta: jax.Array) -> jax.Array:
    """Return ``q * (1 + delta)`` for a small ``delta``, rounded once."""
    # inf + inf * delta is NaN for delta < 0, so an infinite q is scaled.
    return jnp.where(jnp.isinf(q), q * (1 + delta), q + q * delta)


def logistic_times(q: jax.Array, h: jax.Array, h_error=None) -> jax.Array:
    """Return ``q * sigmoid(h + h_error)`` for a small correction ``h_error``.

    ``sigmoid(h + d) = sigmoid(h) (1 + d sigmoid(-h))`` to first order, so an
    argument known as an unevaluated sum keeps its full precision: in the tail
    a rounding error ``d`` of ``h`` would otherwise be a relative error
    ``|h| * d`` of the result. With ``e = exp(-|h|)``, the result is
    ``q (1 + delta) exp(min(h, 0))``; where ``e < 1/4``, ``delta`` is small and
    ``q + q * delta`` rounds once where ``q / (1 + e)`` and the correction
    would round twice. One exponential gives both ``e`` and ``exp(min(h, 0))``.
    """
    exponential, tail, scale = _shifted_exp(-jnp.abs(h))
    # In the tail e is below the smallest normal number, so 1 + e rounds to 1.
    decay = jnp.where(tail, 0, exponential)
    denominator = 1 + decay
    if h_error is None:
        direct = q / denominator
        delta = -decay / denominator
    else:
        complement = jnp.where(h >= 0, decay, 1) / denominator
        direct = q * (1 + h_error * complement) / denominator
        delta = (h_error * complement - decay) / denominator
    factor = jnp.where(decay < 0.25, _times_one_plus(q, delta), direct)
    return jnp.where(h >= 0, factor, _times_shifted(factor, exponential, tail, scale))


def logistic_slope_times(q: jax.Array, h: jax.Array, h_error=None) -> jax.Array:
    """Return ``q * sigmoid(h') * sigmoid(-h')`` with ``h' = h + h_error``.

    ``sigmoid(h) * sigmoid(-h) = e / (1 + e)**2`` with ``e = exp(-|h|)``, and
    its logarithmic derivative ``sigmoid(-h) - sigmoid(h)`` gives the
    first-order correction for ``h_error``. As in ``logistic_times``, the
    factor ``1 / (1 + e)**2`` is applied as ``q + q * delta`` where ``e < 1/5``.
    """
    exponential, tail, scale = _shifted_exp(-jnp.abs(h))
    decay = jnp.where(tail, 0, exponential)
    # (1 + e)**2 - 1, rounded once where it is small.
    growth = decay * (2 + decay)
    if h_error is None:
        direct = q / (1 + growth)
        delta = -growth / (1 + growth)
    else:
        slope = -jnp.sign(h) * (1 - decay) / (1 + decay)
        direct = q * (1 + h_error * slope) / (1 + growth)
        delta = (h_error * slope - growth) / (1 + growth)
    factor = jnp.where(decay < 0.2, _times_one_plus(q, delta), direct)
    return _times_shifted(factor, exponential, tail, scale)


def sqrt_of_square_plus(x: jax.Array, b: jax.Array) -> jax.Array:
    """Return ``sqrt(x**2 + b)`` for ``b > 0`` within 0.51 ulp.

    ``x**2 + b`` is formed exactly as an unevaluated sum, and one Newton step
    on the rounded square root corrects it. Inputs beyond the range where
    ``x**2`` overflows or underflows are scaled by a power of 2 first, which
    is exact.
    """
    info = jnp.finfo(x.dtype)
    half_range = info.maxexp // 2
    magnitude = jnp.maximum(jnp.abs(x), jnp.sqrt(b))
    large = magnitude > 2.0 ** (half_range - 2)
    small = magnitude < 2.0 ** (2 - half_range)
    step = jnp.where(large, 2.0 ** -(half_range + 2), 1)
    step = jnp.where(small, 2.0 ** (half_range + 2), step).astype(x.dtype)
    scaled_x = x * step
    scaled_b = (b * step) * step
    square, square_error = two_prod(scaled_x, scaled_x)
    total, total_error = two_sum(square, scaled_b)
    root = jnp.sqrt(total)
    root_square, root_square_error = two_prod(root, root)
    residual = ((total - root_square) - root_square_error) + (
        total_error + square_error
    )
    root = root + residual / (2 * root)
    # Dekker's product gives NaN for an infinite x, whose root is infinite.
    return jnp.where(jnp.isinf(x), jnp.inf, root / step)


def product_and_error(
    a: jax.Array, x: jax.Array, exact: bool = False, bound: float = 4096.0
) -> tuple[jax.Array, jax.Array]:
    """Return ``a * x`` and its rounding error where ``|a * x| < bound``.

    Beyond ``bound`` the error is returned as 0, because every activation
    here has saturated there. The error is 0 also where an input is so large
    that Dekker's product cannot represent it. With ``exact``, for a factor
    ``a`` known to be a power of 2, the error is 0 and not computed.
    """
    product = rounded(a * x)
    if exact:
        return product, jnp.zeros_like(product)
    moderate = jnp.abs(product) < bound
    _, error = two_prod(a, jnp.where(moderate, x, 0))
    return product, jnp.where(moderate, finite_or_zero(error), 0)


def is_power_of_two(value) -> bool:
    """Return whether ``value`` is a Python number equal to a power of 2.

    Traced values give False, because their value is unknown at trace time.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return value > 0 and math.isfinite(value) and math.frexp(value)[0] == 0.5


def is_zero_tangent(tangent) -> bool:
    """Return whether ``tangent`` is a symbolic zero in a custom JVP rule."""
    return type(tangent) is jax.custom_derivatives.SymbolicZero


def combine_tangents(output: jax.Array, *terms) -> jax.Array:
    """Return ``sum(partial(*args) * tangent)`` over the nonzero tangents.

    Each term is ``(tangent, partial, *args)``. ``partial`` is called only
    for a tangent that is not a symbolic zero, so a hyperparameter that is not
    differentiated costs nothing and cannot turn an infinite partial
    derivative into NaN.
    """
    total = jnp.zeros_like(output)
    for tangent, partial, *args in terms:
        if not is_zero_tangent(tangent):
            total = total + partial(*args) * tangent
    return total
