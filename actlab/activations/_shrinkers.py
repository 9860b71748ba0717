"""Shrinkage activations: tanhshrink, hardshrink and softshrink.

Each maps a band around 0 to (nearly) 0 and passes large inputs nearly
unchanged. Each function is pure JAX and returns the floating dtype of its
input; float16 and bfloat16 input is computed in float32 and rounded back once.
``get`` and ``validate`` check the hyperparameters when an activation is looked
up by name.

Accuracy figures in the docstrings are the largest errors measured with jax
0.10.2 on an x86-64 CPU. They come from a 50-digit mpmath reference on the
grids of tests/test_activation_accuracy.py and on ten times denser ones, in
float32 and float64, and from a float64 reference on 8 million random float32
inputs. The accuracy tests enforce 4 ulp.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from actlab.activations import _numerics
from actlab.activations._numerics import widen
from actlab.activations._registry import (
    NONNEGATIVE,
    ActivationSpec,
    Hyperparameter,
    Properties,
    is_nonnegative_finite,
    register,
)

# Below |x| = 1, tanhshrink(x) = (x**3 / 3) (1 - y D(y) / C(y)) with y = x**2,
# C(y) = cosh(x) = sum of y**j / (2j)! and D(y) = sum of
# (1 / (2j + 2)! - 6 (j + 2) / (2j + 5)!) y**j. The identity follows from
# x cosh x - sinh x = sum of 2j x**(2j + 1) / (2j + 1)!. Every coefficient is
# positive, so neither series cancels, and y D / C is at most 0.29. For y <= 1
# the omitted terms are below 2**-70 of the sums.
_SERIES_LIMIT = 1.0
_C = tuple(1 / math.factorial(2 * j) for j in range(12))
_D = tuple(
    1 / math.factorial(2 * j + 2) - 6 * (j + 2) / math.factorial(2 * j + 5)
    for j in range(12)
)


def _polynomial(coefficients: tuple[float, ...], y: jax.Array) -> jax.Array:
    """Evaluate the sum of ``coefficients[j] * y**j`` by Horner's rule."""
    total = jnp.full_like(y, coefficients[-1])
    for coefficient in reversed(coefficients[:-1]):
        total = total * y + coefficient
    return total


class _Shrunk(NamedTuple):
    """tanhshrink(x) and tanh(x), each as a double word ``high + low``."""

    shrunk: jax.Array
    shrunk_low: jax.Array
    tanh: jax.Array
    tanh_low: jax.Array


def _near_zero(x: jax.Array) -> _Shrunk:
    """Return tanhshrink and tanh for |x| <= 1 from the series."""
    y, y_low = _numerics.two_product(x, x)
    cube, cube_error = _numerics.two_product(x, y)
    cube_low = cube_error + x * y_low
    # x**3 / 3 as third + third_low: cube - 3 * third is exact.
    third = cube / 3
    triple, triple_error = _numerics.two_product(third, jnp.full_like(x, 3))
    third_low = (((cube - triple) - triple_error) + cube_low) / 3
    damping = y * (_polynomial(_D, y) / _polynomial(_C, y))
    shrunk, shrunk_error = _numerics.two_sum(third, third_low - third * damping)
    # tanh(x) = x - tanhshrink(x), exact up to the error of tanhshrink.
    tanh, tanh_error = _numerics.two_sum(x, -shrunk)
    return _Shrunk(shrunk, shrunk_error, tanh, tanh_error - shrunk_error)


def _saturating(x: jax.Array) -> _Shrunk:
    """Return tanhshrink and tanh for |x| >= 1 from q = 1 - tanh|x|."""
    magnitude = jnp.abs(x)
    # q = 1 - tanh|x| = 2 / (exp(2|x|) + 1), the logistic sigmoid at -2|x|.
    q = 2 * jax.lax.logistic(-2 * magnitude)
    # (|x| - 1) + q adds two non-negative terms; |x| - 1 is exact below 2**24
    # (float32) and beyond that q does not matter.
    shrunk, shrunk_error = _numerics.two_sum(magnitude - 1, q)
    tanh, tanh_error = _numerics.two_sum(_numerics.opaque_one(x.dtype), -q)
    sign = jnp.sign(x)
    return _Shrunk(sign * shrunk, sign * shrunk_error, sign * tanh, sign * tanh_error)


def _shrunk_parts(x: jax.Array) -> _Shrunk:
    small = jnp.abs(x) < _SERIES_LIMIT
    # Each branch gets inputs in its own domain, so neither overflows.
    near_zero = _near_zero(jnp.where(small, x, 0))
    saturating = _saturating(jnp.where(small, _SERIES_LIMIT, x))
    return _Shrunk(
        *(jnp.where(small, a, b) for a, b in zip(near_zero, saturating, strict=True))
    )


@jax.custom_jvp
def _tanhshrink(x: jax.Array) -> jax.Array:
    return _shrunk_parts(x).shrunk


@_tanhshrink.defjvp
def _tanhshrink_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    parts = _shrunk_parts(x)
    # 1 - sech(x)**2 = tanh(x)**2, squared as a double word so that only the
    # final addition rounds.
    square, square_low = _numerics.square(parts.tanh, parts.tanh_low)
    return parts.shrunk, (square + square_low) * x_dot


def tanhshrink(x: ArrayLike) -> jax.Array:
    r"""Tanhshrink: the input minus its hyperbolic tangent.

    .. math::
      \mathrm{tanhshrink}(x) = x - \tanh(x)

    The range is all reals; the function is odd, behaves like :math:`x^3/3`
    near 0 and like :math:`x - \mathrm{sign}(x)` for large :math:`|x|`. The
    derivative is :math:`1 - \mathrm{sech}^2 x = \tanh^2 x`, 0 at
    :math:`x = 0`.

    The formula above cancels for small :math:`|x|`. Below :math:`|x| = 1` the
    value is computed as :math:`(x^3/3)(1 - y D(y)/C(y))` with :math:`y = x^2`,
    :math:`C(y) = \cosh x` and :math:`D` a series, both with positive
    coefficients only, and :math:`x^3/3` carried to twice the working
    precision. From :math:`|x| = 1` on it is
    :math:`\mathrm{sign}(x)\,((|x| - 1) + 2\sigma(-2|x|))`, a sum of two
    non-negative terms. The derivative squares :math:`\tanh x`, obtained from
    the same quantities to twice the working precision, rather than
    subtracting :math:`\mathrm{sech}^2 x` from 1. XLA's ``tanh`` is avoided,
    because it is up to 7 ulp off. The value is within 2.3 ulp and the
    derivative within 1.2 ulp. The function comes from PyTorch
    (``torch.nn.Tanhshrink``); no paper introduces it.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("tanhshrink")(jnp.array([-2.0, 0.001, 1.0]))
      Array([-1.0359725e+00,  3.3333325e-10,  2.3840584e-01], dtype=float32)
    """
    x, dtype = widen(x)
    return _tanhshrink(x).astype(dtype)


def _split(value: float | jax.Array, dtype) -> tuple[jax.Array, jax.Array]:
    """Return ``(high, low)``: ``value`` rounded to ``dtype`` and the remainder.

    ``high + low`` equals a Python float ``value`` to about twice the precision
    of ``dtype``, so that a float32 input is compared with and shifted by the
    float64 threshold it was configured with. A traced ``value`` has no more
    precision than its own dtype and gets a zero ``low``.
    """
    if isinstance(value, int | float):
        high = np.asarray(value, dtype)
        low = np.asarray(value - float(high), dtype)
        # As constants, XLA would fold (|x| - high) - low into |x| - fl(value).
        return jax.lax.optimization_barrier((jnp.asarray(high), jnp.asarray(low)))
    value = jnp.asarray(value)
    high = value.astype(dtype)
    low = (value - high.astype(value.dtype)).astype(dtype)
    return high, low


def _within(magnitude: jax.Array, high: jax.Array, low: jax.Array) -> jax.Array:
    """Return ``magnitude <= high + low`` evaluated exactly.

    ``high`` is the float nearest to ``high + low``, so a float below ``high``
    is below the sum, and one above ``high`` is above it.
    """
    return (magnitude < high) | ((magnitude == high) & (low >= 0))


def hardshrink(x: ArrayLike, lambd: float = 0.5) -> jax.Array:
    r"""Hard shrinkage: zero inside ``[-lambd, lambd]``, the identity outside.

    .. math::
      \mathrm{hardshrink}(x) = \begin{cases} x, & |x| > \lambda \\
      0, & |x| \le \lambda \end{cases}

    where :math:`\lambda \ge 0` is ``lambd``. The function jumps from 0 to
    :math:`\pm\lambda` at :math:`x = \pm\lambda`, where its value is 0. The
    derivative is 1 for :math:`|x| > \lambda` and 0 for :math:`|x| \le \lambda`,
    so it is 0 at the jumps, as in ``torch.nn.Hardshrink``. The derivative
    with respect to ``lambd`` is 0. The comparison with :math:`\lambda` is
    exact, also when :math:`\lambda` has no exact representation in the dtype
    of ``x``. NaN input gives NaN. Source: hard thresholding in Donoho and
    Johnstone, "Ideal spatial adaptation by wavelet shrinkage", Biometrika 81,
    1994.

    Args:
      x: input array.
      lambd: the half-width :math:`\lambda` of the band set to 0, at least 0.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("hardshrink")(jnp.array([-1.0, -0.5, 0.25, 0.75]))
      Array([-1.  ,  0.  ,  0.  ,  0.75], dtype=float32)
    """
    x, dtype = widen(x)
    high, low = _split(lambd, x.dtype)
    inside = _within(jnp.abs(x), high, low)
    return jnp.where(inside, jnp.zeros_like(x), x).astype(dtype)


def softshrink(x: ArrayLike, lambd: float = 0.5) -> jax.Array:
    r"""Soft shrinkage: zero inside ``[-lambd, lambd]``, shifted toward 0 outside.

    .. math::
      \mathrm{softshrink}(x) = \begin{cases} x - \lambda, & x > \lambda \\
      0, & |x| \le \lambda \\ x + \lambda, & x < -\lambda \end{cases}

    where :math:`\lambda \ge 0` is ``lambd``. The function is continuous and
    its range is all reals. The derivative is 1 for :math:`|x| > \lambda` and 0
    for :math:`|x| \le \lambda`, so at the kinks :math:`x = \pm\lambda` it is 0,
    as in ``torch.nn.Softshrink``. The derivative with respect to ``lambd`` is
    :math:`-\mathrm{sign}(x)` outside the band. :math:`x \mp \lambda` is
    computed with :math:`\lambda` carried to twice the precision of the dtype
    of ``x``, so the value is within 1 ulp even next to the kinks, where the
    output is much smaller than :math:`\lambda`. NaN input gives NaN. Source:
    Donoho, "De-noising by soft-thresholding", IEEE Transactions on
    Information Theory 41, 1995.

    Args:
      x: input array.
      lambd: the half-width :math:`\lambda` of the band set to 0, at least 0.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("softshrink")(jnp.array([-1.0, -0.5, 0.25, 0.75]))
      Array([-0.5 ,  0.  ,  0.  ,  0.25], dtype=float32)
    """
    x, dtype = widen(x)
    high, low = _split(lambd, x.dtype)
    magnitude = jnp.abs(x)
    inside = _within(magnitude, high, low)
    # |x| - high is exact near the threshold, so only the last step rounds.
    shrunk = jnp.sign(x) * ((magnitude - high) - low)
    return jnp.where(inside, jnp.zeros_like(x), shrunk).astype(dtype)


# Initialiser choice: each of these functions is 0 (or, for tanhshrink, of
# order x**3) on a band around 0 and linear outside it. Like a ReLU it passes
# less than the variance of a zero-mean input, and "he" makes up for that.
register(
    ActivationSpec(
        name="tanhshrink",
        fn=tanhshrink,
        initializer="he",
        summary="x - tanh(x)",
        properties=Properties(
            range=(-math.inf, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=0.0,
            source="PyTorch torch.nn.Tanhshrink (no paper)",
        ),
    )
)
register(
    ActivationSpec(
        name="hardshrink",
        fn=hardshrink,
        hyperparameters=(
            Hyperparameter("lambd", 0.5, NONNEGATIVE, is_nonnegative_finite),
        ),
        initializer="he",
        summary="x where |x| > lambd, else 0",
        properties=Properties(
            range=(-math.inf, math.inf),
            monotonic=True,
            smooth=False,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=0.0,
            source="Donoho and Johnstone 1994, Ideal spatial adaptation by "
            "wavelet shrinkage",
        ),
    )
)
register(
    ActivationSpec(
        name="softshrink",
        fn=softshrink,
        hyperparameters=(
            Hyperparameter("lambd", 0.5, NONNEGATIVE, is_nonnegative_finite),
        ),
        initializer="he",
        summary="x - sign(x) * lambd where |x| > lambd, else 0",
        properties=Properties(
            range=(-math.inf, math.inf),
            monotonic=True,
            smooth=False,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=0.0,
            source="Donoho 1995, De-noising by soft-thresholding",
        ),
    )
)
