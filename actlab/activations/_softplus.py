"""Smooth rectifiers that approach the ReLU: softplus, squareplus and sparse plus.

Each function is pure JAX, returns the floating dtype of its input (integer and
boolean input is promoted to the default float dtype) and works under
``jax.jit`` and ``jax.vmap``. float16 and bfloat16 inputs are computed in
float32 and rounded once at the end. The functions do not check their float
hyperparameters, because these may be traced values. ``get`` and ``validate``
check them when an activation is looked up by name.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from actlab.activations import _precise
from actlab.activations._numerics import opaque_one, widen
from actlab.activations._registry import (
    POSITIVE,
    ActivationSpec,
    Hyperparameter,
    Properties,
    is_positive_finite,
    register,
)

# Shift of the exponent y in the tail, where exp(y) is below the smallest normal
# number but log1p(exp(y)) / beta may be normal for beta < 1: exp(y + shift) *
# exp(-shift) is computed there.
_EXP_SHIFT = {jnp.dtype(jnp.float32): 64, jnp.dtype(jnp.float64): 512}


def _scaled_product(
    x: jax.Array, beta: jax.Array, exact: bool
) -> tuple[jax.Array, jax.Array | None]:
    """Return ``z = beta * x`` rounded and its rounding error, or None if exact."""
    if exact:
        return beta * x, None
    return _precise.product_and_error(beta, x)


def _softplus_remainder(x: jax.Array, beta: jax.Array, exact: bool) -> jax.Array:
    """Return ``log1p(exp(-|beta x|)) / beta``, the softplus above ``max(x, 0)``."""
    z, z_error = _scaled_product(x, beta, exact)
    exponent = -jnp.abs(z)
    shift = _EXP_SHIFT[jnp.dtype(x.dtype)]
    tail = exponent < math.log(float(jnp.finfo(x.dtype).tiny)) + 1
    decay = jnp.exp(jnp.where(tail, exponent + shift, exponent))
    # log1p(e) = log(w) + c / w to within the square of the rounding unit,
    # where w = 1 + e rounded and c = e - (w - 1) its exact rounding error.
    # XLA's log1p costs more and errs by up to 2.5 ulp in float32. The opaque
    # 1 keeps XLA from simplifying (1 + e) - 1 to e.
    one = opaque_one(x.dtype)
    total = one + decay
    correction = decay - (total - one)
    if z_error is not None:
        # -|z + d| = -|z| - sign(z) d, and d log1p(exp(y)) / dy = e / (1 + e).
        correction = correction - jnp.sign(z) * z_error * decay
    log1p = jnp.log(total) + correction / total
    # In the tail, e carries the factor exp(shift), 1 + e rounds to 1, and
    # log1p(e) is e.
    unshift = jnp.where(tail, math.exp(-shift), 1.0).astype(x.dtype)
    if exact:
        return (log1p * (1 / beta)) * unshift
    return (log1p / beta) * unshift


def _softplus_slope(x: jax.Array, beta: jax.Array, exact: bool) -> jax.Array:
    """Return the derivative ``sigmoid(beta x)`` from XLA's logistic function.

    XLA's kernel is within 2.4 ulp and stays normal down to the smallest
    normal number. It is a different operation from the exponential in the
    value, so XLA computes the value and the gradient in two fused loops that
    share no exponential, and stores nothing but the two results.
    """
    z, z_error = _scaled_product(x, beta, exact)
    slope = jax.lax.logistic(z)
    if z_error is None:
        return slope
    # sigmoid(z + d) = sigmoid(z) (1 + d sigmoid(-z)) to first order.
    return slope + slope * (z_error * (1 - slope))


# The last argument is static: whether beta is a power of 2, so that beta * x
# is exact and its rounding error need not be computed.
@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def _softplus(x: jax.Array, beta: jax.Array, exact: bool) -> jax.Array:
    return jnp.maximum(x, 0) + _softplus_remainder(x, beta, exact)


def _softplus_jvp(exact, primals, tangents):
    x, beta = primals
    x_dot, beta_dot = tangents
    remainder = _softplus_remainder(x, beta, exact)
    value = jnp.maximum(x, 0) + remainder

    def by_x():
        return _softplus_slope(x, beta, exact)

    def by_beta():
        # d/dbeta log1p(exp(beta x)) / beta = (x sigmoid(beta x) - f) / beta,
        # written as a sum of two terms of one sign.
        z = beta * x
        magnitude = jnp.minimum(jnp.abs(x), jnp.finfo(x.dtype).max)
        gated = _precise.logistic_times(magnitude, -jnp.abs(z))
        return -(gated + remainder) / beta

    return value, _precise.combine_tangents(value, (x_dot, by_x), (beta_dot, by_beta))


_softplus.defjvp(_softplus_jvp, symbolic_zeros=True)


def softplus(x: ArrayLike, beta: float = 1.0) -> jax.Array:
    r"""Softplus, a smooth ReLU, with sharpness ``beta``.

    .. math::
      \mathrm{softplus}(x) = \frac{1}{\beta} \log\left(1 + e^{\beta x}\right)
      = \max(x, 0) + \frac{1}{\beta} \log\left(1 + e^{-|\beta x|}\right)

    The second form is the one computed, because it does not overflow and
    neither of its terms cancels. The range is :math:`(0, \infty)`, and the
    function approaches the ReLU as :math:`\beta \to \infty`. With
    :math:`e = e^{-|\beta x|}` and :math:`w = 1 + e` rounded,
    :math:`\log(1 + e)` is computed as :math:`\log w + c / w`, where :math:`c`
    is the exact rounding error of :math:`w`. The derivative is the sigmoid
    :math:`\sigma(\beta x)`, computed with XLA's logistic function so that it
    keeps its relative precision in both tails. Unlike ``torch.nn.Softplus``
    there is no ``threshold`` above which the function returns :math:`x`.
    Above its default threshold of 20 that shortcut errs by about
    :math:`e^{-20} / 20 \approx 10^{-10}` relative, far more than a float64
    ulp, and the exact form needs no shortcut to avoid overflow. The
    rounding error of :math:`\beta x` is recovered exactly, so the tails keep
    their precision for every :math:`\beta`. The worst errors measured in
    float32 are 2.3 ulp for the value and 2.4 for the derivative at
    :math:`\beta = 1`, and 3.6 and 2.8 ulp at :math:`\beta = 1.75` and
    :math:`0.375`; in float64 they are 2.8 and 2.0 ulp. Source: Dugas, Bengio,
    Bélisle, Nadeau and Garcia, "Incorporating Second-Order Functional
    Knowledge for Better Option Pricing", NIPS 2000.

    Args:
      x: input array.
      beta: the sharpness :math:`\beta > 0`; it is cast to the dtype of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("softplus")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.126928 , 0.6931472, 1.3132616], dtype=float32)
    """
    x, dtype = widen(x)
    exact = _precise.is_power_of_two(beta)
    return _softplus(x, jnp.asarray(beta, x.dtype), exact).astype(dtype)


def _square_scale(x: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``s`` and ``1 / s``, the power of 2 that brings ``m`` into [1, 2).

    ``m = max(|x|, sqrt(b))``, and ``s`` is clamped to the normal numbers. So
    ``(s x)**2 + s**2 b`` lies in [1, 32) and cannot overflow, and where
    ``s**2 b`` underflows it is below ``2**-120`` of the sum. ``s`` is taken
    from the exponent bits of ``m``, a chain of operations on one array that
    XLA fuses into every consumer.
    """
    info = jnp.finfo(x.dtype)
    ints = jnp.int32 if info.bits == 32 else jnp.int64
    mantissa_bits = info.nmant
    top = 2 * info.maxexp - 2
    largest = jnp.maximum(jnp.abs(x), jnp.sqrt(b))
    exponent = jax.lax.bitcast_convert_type(largest, ints) >> mantissa_bits
    # The biased exponent e of m, and top - e of 1 / m, both normal.
    exponent = jnp.clip(exponent, 1, top - 1)
    scale_bits = (top - exponent) << mantissa_bits
    inverse_bits = exponent << mantissa_bits
    return (
        jax.lax.bitcast_convert_type(scale_bits, x.dtype),
        jax.lax.bitcast_convert_type(inverse_bits, x.dtype),
    )


def _squareplus_value(x: jax.Array, b: jax.Array) -> jax.Array:
    scale, inverse = _square_scale(x, b)
    scaled_x = x * scale
    scaled_root = jnp.sqrt(scaled_x * scaled_x + (b * scale) * scale)
    half_root = scaled_root * (inverse / 2)
    # For x < 0 the textbook (x + root) / 2 cancels; (x + root) (root - x) = b
    # gives b / (2 (root - x)) instead, halved here to stay finite.
    negative = (b / 4) / (half_root + jnp.abs(x) / 2)
    return jnp.where(x >= 0, x / 2 + half_root, negative)


def _squareplus_slope(x: jax.Array, b: jax.Array) -> jax.Array:
    """Return the derivative ``(1 + x / root) / 2`` with ``root = sqrt(x**2 + b)``.

    For ``x < 0`` it is computed as ``b / (2 (x**2 + b + |x| root))``, equal
    because ``root**2 = x**2 + b``, in which nothing cancels.
    """
    scale, _ = _square_scale(x, b)
    # The square is of s |x|, not of s x as in the value, so that XLA does not
    # merge the two square roots. Then the gradient does not read the value
    # and can run beside it. The clamp gives the limits at +-inf.
    magnitude = jnp.minimum(jnp.abs(x), jnp.finfo(x.dtype).max) * scale
    scaled_b = (b * scale) * scale
    square_plus = magnitude * magnitude + scaled_b
    scaled_root = jnp.sqrt(square_plus)
    positive = x >= 0
    # Each quotient and root is used once, so that XLA fuses them into their
    # consumers: (1 + |x| / root) / 2 for x >= 0, else b / 2 over the sum.
    numerator = jnp.where(positive, magnitude, scaled_b)
    denominator = jnp.where(positive, 1.0, magnitude) * scaled_root + jnp.where(
        positive, 0.0, square_plus
    )
    return jnp.where(positive, 0.5, 0.0) + 0.5 * (numerator / denominator)


@jax.custom_jvp
def _squareplus(x: jax.Array, b: jax.Array) -> jax.Array:
    return _squareplus_value(x, b)


def _squareplus_jvp(primals, tangents):
    x, b = primals
    x_dot, b_dot = tangents
    value = _squareplus_value(x, b)

    def by_x():
        return _squareplus_slope(x, b)

    def by_b():
        # 1 / (4 root) with root = 2 value - x; its limit at +inf is 0.
        return jnp.where(x == jnp.inf, 0, 0.125 / (value - x / 2))

    return value, _precise.combine_tangents(value, (x_dot, by_x), (b_dot, by_b))


_squareplus.defjvp(_squareplus_jvp, symbolic_zeros=True)


def squareplus(x: ArrayLike, b: float = 4.0) -> jax.Array:
    r"""Squareplus, an algebraic softplus.

    .. math::
      \mathrm{squareplus}(x) = \frac{x + \sqrt{x^2 + b}}{2}

    For :math:`x < 0` the sum cancels, so the equal form
    :math:`b / \left(2 (\sqrt{x^2 + b} - x)\right)` is computed there. The
    textbook form in ``jax.nn.squareplus`` returns 0 for large negative
    inputs. :math:`x` and :math:`b` are scaled by a power of 2 and its square
    before the square root, so that :math:`x^2 + b` neither overflows nor
    underflows. The range is :math:`(0, \infty)`, the value at 0 is
    :math:`\sqrt{b} / 2`, and :math:`b \to 0` gives the ReLU. The derivative
    is :math:`\frac{1}{2}\left(1 + x / \sqrt{x^2 + b}\right)`, which is
    computed for :math:`x < 0` as
    :math:`b / \left(2 (x^2 + b + |x| \sqrt{x^2 + b})\right)`, equal and free
    of cancellation. The worst errors measured are 2.8 ulp for the value and
    2.6 for the derivative in float32, and 2.7 and 2.2 ulp in float64.
    Source: Barron, "Squareplus: A Softplus-Like Algebraic
    Rectifier", 2021, https://arxiv.org/abs/2112.11687.

    Args:
      x: input array.
      b: the curvature :math:`b > 0` near 0; it is cast to the dtype of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("squareplus")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.41421354, 1.        , 1.618034  ], dtype=float32)
    """
    x, dtype = widen(x)
    return _squareplus(x, jnp.asarray(b, x.dtype)).astype(dtype)


@jax.custom_jvp
def _sparse_plus(x: jax.Array) -> jax.Array:
    shifted = jnp.clip(x, -1, 1) + 1
    return jnp.where(x <= -1, 0, jnp.where(x >= 1, x, shifted * shifted / 4))


@_sparse_plus.defjvp
def _sparse_plus_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # The sparse sigmoid, one clip and no division. Autodiff of the clip and
    # the selects would split the derivative at the ties +-1 by dividing.
    slope = (jnp.clip(x, -1, 1) + 1) / 2
    return _sparse_plus(x), slope * x_dot


def sparse_plus(x: ArrayLike) -> jax.Array:
    r"""Sparse plus, a softplus that is exactly 0 below -1 and linear above 1.

    .. math::
      \mathrm{sparse\_plus}(x) = \begin{cases} 0, & x \le -1 \\
      \frac{1}{4}(x + 1)^2, & -1 < x < 1 \\ x, & x \ge 1 \end{cases}

    The range is :math:`[0, \infty)`. The derivative is 0, :math:`(x + 1) / 2`
    and 1 on the three pieces, continuous at :math:`\pm 1`, so the function is
    continuously differentiable and needs no convention there. NaN input
    gives NaN. Its derivative is the sparse sigmoid
    :math:`\mathrm{clip}((x + 1) / 2, 0, 1)`, the first output of the sparsemax
    of :math:`(x, 0)`, just as the softplus is the integral of the first output
    of the softmax of :math:`(x, 0)`. The worst errors measured are 1.9 ulp
    for the value and 0.5 ulp for the derivative. Source: the sparsemax of Martins and
    Astudillo, "From Softmax to Sparsemax: A Sparse Model of Attention and
    Multi-Label Classification", ICML 2016; the function is
    ``jax.nn.sparse_plus``.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("sparse_plus")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.  , 0.25, 1.  ], dtype=float32)
    """
    x, dtype = widen(x)
    return _sparse_plus(x).astype(dtype)


# Initialiser: "he" (weight variance 2 / fan_in), because these units, like the
# ReLU, pass about half of a zero-mean input and damp the rest.
register(
    ActivationSpec(
        name="softplus",
        fn=softplus,
        hyperparameters=(Hyperparameter("beta", 1.0, POSITIVE, is_positive_finite),),
        initializer="he",
        summary="log(1 + exp(beta * x)) / beta",
        properties=Properties(
            range=(0.0, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.5,
            source="Dugas, Bengio, Bélisle, Nadeau and Garcia 2000, "
            "'Incorporating Second-Order Functional Knowledge for Better Option "
            "Pricing'",
        ),
    )
)
register(
    ActivationSpec(
        name="squareplus",
        fn=squareplus,
        hyperparameters=(Hyperparameter("b", 4.0, POSITIVE, is_positive_finite),),
        initializer="he",
        summary="(x + sqrt(x**2 + b)) / 2",
        properties=Properties(
            range=(0.0, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.5,
            source="Barron 2021, 'Squareplus: A Softplus-Like Algebraic Rectifier'",
        ),
    )
)
register(
    ActivationSpec(
        name="sparse_plus",
        fn=sparse_plus,
        initializer="he",
        summary="0 below -1, (x + 1)**2 / 4 on [-1, 1], x above 1",
        properties=Properties(
            range=(0.0, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.5,
            source="integral of the two-class sparsemax of Martins and Astudillo "
            "2016, 'From Softmax to Sparsemax: A Sparse Model of Attention and "
            "Multi-Label Classification'",
        ),
    )
)
