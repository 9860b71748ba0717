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
from actlab.activations._numerics import widen
from actlab.activations._registry import (
    ActivationSpec,
    Hyperparameter,
    Properties,
    is_positive_finite,
    register,
)

# Below this argument log1p(exp(a)) equals exp(a) to within 2**-57.
_SOFTPLUS_TAIL = -40.0


def _softplus_parts(
    x: jax.Array, beta: jax.Array, exact: bool
) -> tuple[jax.Array, ...]:
    """Return beta * x, its rounding error and log1p(exp(-|beta * x|)) / beta."""
    z, z_error = _precise.product_and_error(beta, x, exact)
    exponent = -jnp.abs(z)
    # -|z + e| = -|z| - sign(z) e, and log1p(exp(a + d)) = log1p(exp(a)) +
    # sigmoid(a) d to first order.
    exponent_error = -jnp.sign(z) * z_error
    decay = jnp.exp(exponent)
    central = (_precise.log1p(decay) + exponent_error * decay / (1 + decay)) / beta
    tail = _precise.times_exp((1 + exponent_error) / beta, exponent)
    return z, z_error, jnp.where(exponent < _SOFTPLUS_TAIL, tail, central)


# The last argument is static: whether beta is a power of 2, so that beta * x
# is exact and its rounding error need not be computed.
@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def _softplus(x: jax.Array, beta: jax.Array, exact: bool) -> jax.Array:
    _, _, remainder = _softplus_parts(x, beta, exact)
    return jnp.maximum(x, 0) + remainder


def _softplus_jvp(exact, primals, tangents):
    x, beta = primals
    x_dot, beta_dot = tangents
    z, z_error, remainder = _softplus_parts(x, beta, exact)

    def by_x():
        return _precise.logistic_times(jnp.ones_like(x), z, z_error)

    def by_beta():
        # d/dbeta log1p(exp(beta x)) / beta = (x sigmoid(beta x) - f) / beta,
        # written as a sum of two terms of one sign.
        magnitude = jnp.minimum(jnp.abs(x), jnp.finfo(x.dtype).max)
        gated = _precise.logistic_times(magnitude, -jnp.abs(z))
        return -(gated + remainder) / beta

    value = jnp.maximum(x, 0) + remainder
    return value, _precise.combine_tangents(value, (x_dot, by_x), (beta_dot, by_beta))


_softplus.defjvp(_softplus_jvp, symbolic_zeros=True)


def softplus(x: ArrayLike, beta: float = 1.0) -> jax.Array:
    r"""Softplus, a smooth ReLU, with sharpness ``beta``.

    .. math::
      \mathrm{softplus}(x) = \frac{1}{\beta} \log\left(1 + e^{\beta x}\right)
      = \max(x, 0) + \frac{1}{\beta} \log\left(1 + e^{-|\beta x|}\right)

    The second form is the one computed, because it does not overflow and
    neither of its terms cancels. The range is :math:`(0, \infty)`, and the function
    approaches the ReLU as :math:`\beta \to \infty`. The derivative is the
    sigmoid :math:`\sigma(\beta x)`, computed so that it keeps its relative
    precision in both tails. Unlike ``torch.nn.Softplus`` there is no
    ``threshold`` above which the function returns :math:`x`. Above its
    default threshold of 20 that shortcut errs by about
    :math:`e^{-20} / 20 \approx 10^{-10}` relative, far more than a float64
    ulp, and the exact form needs no shortcut to avoid overflow. The
    rounding error of :math:`\beta x` is recovered exactly, so the tails keep
    their precision for every :math:`\beta`. Source: Dugas, Bengio, Bélisle,
    Nadeau and Garcia, "Incorporating Second-Order Functional Knowledge for
    Better Option Pricing", NIPS 2000.

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


@jax.custom_jvp
def _squareplus(x: jax.Array, b: jax.Array) -> jax.Array:
    root = _precise.sqrt_of_square_plus(x, b)
    # For x < 0 the textbook (x + root) / 2 cancels; (x + root) (root - x) = b
    # gives b / (2 (root - x)) instead. Halving each term first avoids an
    # overflow near the largest finite number.
    return jnp.where(x >= 0, x / 2 + root / 2, (b / 4) / (root / 2 + jnp.abs(x) / 2))


def _squareplus_jvp(primals, tangents):
    x, b = primals
    x_dot, b_dot = tangents
    # The derivatives at +-inf are the limits at the largest finite number.
    biggest = jnp.finfo(x.dtype).max
    finite_x = jnp.clip(x, -biggest, biggest)
    root = _precise.sqrt_of_square_plus(finite_x, b)

    def by_x():
        # (1 + x / root) / 2, and for x < 0 the same as b / (2 root (root - x)).
        positive = (1 + finite_x / root) / 2
        negative = ((b / 4) / root) / (root / 2 + jnp.abs(finite_x) / 2)
        return jnp.where(x >= 0, positive, negative)

    def by_b():
        return 1 / (4 * root)

    value = _squareplus(x, b)
    return value, _precise.combine_tangents(value, (x_dot, by_x), (b_dot, by_b))


_squareplus.defjvp(_squareplus_jvp, symbolic_zeros=True)


def squareplus(x: ArrayLike, b: float = 4.0) -> jax.Array:
    r"""Squareplus, an algebraic softplus.

    .. math::
      \mathrm{squareplus}(x) = \frac{x + \sqrt{x^2 + b}}{2}

    For :math:`x < 0` the sum cancels, so the equal form
    :math:`b / \left(2 (\sqrt{x^2 + b} - x)\right)` is computed there, and
    :math:`\sqrt{x^2 + b}` is formed without rounding :math:`x^2`. The
    textbook form in ``jax.nn.squareplus`` returns 0 for large negative
    inputs. The range is :math:`(0, \infty)`, the value at 0 is
    :math:`\sqrt{b} / 2`, and :math:`b \to 0` gives the ReLU. The derivative
    is :math:`\frac{1}{2}\left(1 + x / \sqrt{x^2 + b}\right)`, which is
    computed for :math:`x < 0` as
    :math:`b / \left(2 \sqrt{x^2 + b}\,(\sqrt{x^2 + b} - x)\right)` to keep
    its precision. Source: Barron, "Squareplus: A Softplus-Like Algebraic
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
    of the softmax of :math:`(x, 0)`. Source: the sparsemax of Martins and
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
    # The clip keeps the unused quadratic finite, so that its zero cotangent
    # does not meet an infinite derivative and give NaN.
    shifted = jnp.clip(x, -1, 1) + 1
    quadratic = shifted * shifted / 4
    return jnp.where(x <= -1, 0, jnp.where(x >= 1, x, quadratic)).astype(dtype)


# Initialiser: "he" (weight variance 2 / fan_in), because these units, like the
# ReLU, pass about half of a zero-mean input and damp the rest.
register(
    ActivationSpec(
        name="softplus",
        fn=softplus,
        hyperparameters=(
            Hyperparameter("beta", 1.0, "in (0, inf)", is_positive_finite),
        ),
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
        hyperparameters=(Hyperparameter("b", 4.0, "in (0, inf)", is_positive_finite),),
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
