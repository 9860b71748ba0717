"""Squashing activations: bounded or sigmoid-shaped functions of one input.

hard_sigmoid, sparse_sigmoid, hard_tanh, log_sigmoid, softsign, elliott and
isru. Each function is pure JAX and returns the floating dtype of its input
(integer and boolean input is promoted to the default float dtype). float16 and
bfloat16 input is computed in float32 and rounded back once. The functions
check only what cannot be traced; ``get`` and ``validate`` check the
hyperparameters when an activation is looked up by name.

Accuracy figures in the docstrings are the largest errors measured with jax
0.10.2 on an x86-64 CPU. They come from a 50-digit mpmath reference on the
grids of tests/test_activation_accuracy.py and on ten times denser ones, in
float32 and float64, and from a float64 reference on 8 million random float32
inputs. The accuracy tests enforce 4 ulp.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from actlab.activations import _numerics
from actlab.activations._classic import _logistic
from actlab.activations._numerics import widen
from actlab.activations._registry import (
    FINITE,
    POSITIVE,
    ActivationSpec,
    Hyperparameter,
    Properties,
    is_finite,
    is_positive_finite,
    register,
)


@jax.custom_jvp
def _clip(x: jax.Array, lower: jax.Array, upper: jax.Array) -> jax.Array:
    # XLA's max and min propagate NaN, so NaN input gives NaN.
    return jnp.minimum(jnp.maximum(x, lower), upper)


@_clip.defjvp
def _clip_jvp(primals, tangents):
    x, lower, upper = primals
    x_dot, lower_dot, upper_dot = tangents
    # At x == lower or x == upper the output follows the bound, so the
    # derivative with respect to x is 0 there (min and max would split it).
    tangent = jnp.where(x <= lower, lower_dot, jnp.where(x >= upper, upper_dot, x_dot))
    return _clip(x, lower, upper), tangent


def _clip_constant(x: jax.Array, lower: float, upper: float) -> jax.Array:
    return _clip(x, jnp.asarray(lower, x.dtype), jnp.asarray(upper, x.dtype))


def hard_sigmoid(x: ArrayLike) -> jax.Array:
    r"""Hard sigmoid: the piecewise linear sigmoid :math:`\mathrm{relu6}(x + 3) / 6`.

    .. math::
      \mathrm{hard\_sigmoid}(x) = \begin{cases} 0, & x \le -3 \\
      (x + 3) / 6, & -3 < x < 3 \\ 1, & x \ge 3 \end{cases}

    This is the definition of ``jax.nn.hard_sigmoid``,
    ``torch.nn.Hardsigmoid`` and ``keras.activations.hard_sigmoid`` in Keras 3,
    and the one the field uses today. Keras before version 3 used
    :math:`\mathrm{clip}(0.2 x + 0.5, 0, 1)` instead, which saturates at
    :math:`\pm 2.5` and has slope 0.2; results of models trained with that
    older function are not reproduced by this one.

    The range is :math:`[0, 1]`. The derivative is :math:`1/6` for
    :math:`-3 < x < 3` and 0 elsewhere; at the kinks :math:`x = \pm 3` this
    function returns 0, as ``jax.nn.hard_sigmoid`` does. The value is
    computed as :math:`(\mathrm{clip}(x, -3, 3) + 3) / 6`, within 1.5 ulp,
    because :math:`x + 3` is exact near :math:`x = -3` where the output is
    small. NaN input gives NaN.
    Source: Howard et al., "Searching for MobileNetV3", ICCV 2019,
    https://arxiv.org/abs/1905.02244, where it gates the hard swish.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("hard_sigmoid")(jnp.array([-4.0, -1.5, 0.0, 1.5, 4.0]))
      Array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    x, dtype = widen(x)
    return ((_clip_constant(x, -3.0, 3.0) + 3) / 6).astype(dtype)


def sparse_sigmoid(x: ArrayLike) -> jax.Array:
    r"""Sparse sigmoid: a piecewise linear sigmoid, exactly 0 or 1 outside (-1, 1).

    .. math::
      \mathrm{sparse\_sigmoid}(x) = \begin{cases} 0, & x \le -1 \\
      (x + 1) / 2, & -1 < x < 1 \\ 1, & x \ge 1 \end{cases}

    The range is :math:`[0, 1]`. It is the derivative of ``sparse_plus`` and
    the sigmoid that the sparse (Gini) entropy regulariser induces, the
    two-class case of sparsemax: Blondel, Martins and Niculae, "Learning
    with Fenchel-Young Losses", JMLR 21, 2020, section 6.2,
    https://arxiv.org/abs/1901.02324. The same function is the "hard sigmoid"
    of Courbariaux, Bengio and David, "BinaryConnect", NeurIPS 2015,
    https://arxiv.org/abs/1511.00363.

    The derivative is :math:`1/2` for :math:`-1 < x < 1` and 0 elsewhere, and
    at the kinks :math:`x = \pm 1` this function returns 0.
    ``jax.nn.sparse_sigmoid`` returns :math:`1/4` there, because it
    differentiates ``jnp.clip``, which splits the derivative at a tie. The
    value is within 0.5 ulp. NaN input gives NaN.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("sparse_sigmoid")(jnp.array([-2.0, -0.5, 0.0, 0.5, 2.0]))
      Array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    x, dtype = widen(x)
    return ((_clip_constant(x, -1.0, 1.0) + 1) / 2).astype(dtype)


def _check_bounds(min_val, max_val) -> None:
    """Raise ValueError unless ``min_val < max_val``; traced bounds pass."""
    concrete = (int, float)
    both_concrete = isinstance(min_val, concrete) and isinstance(max_val, concrete)
    if both_concrete and not min_val < max_val:
        raise ValueError(
            f"hard_tanh: min_val={min_val!r} and max_val={max_val!r} are "
            "invalid; min_val must be less than max_val"
        )


def hard_tanh(x: ArrayLike, min_val: float = -1.0, max_val: float = 1.0) -> jax.Array:
    r"""Hard tanh: the identity clipped to ``[min_val, max_val]``.

    .. math::
      \mathrm{hard\_tanh}(x) = \begin{cases} a, & x \le a \\
      x, & a < x < b \\ b, & x \ge b \end{cases}

    where :math:`a` is ``min_val`` and :math:`b` is ``max_val``, :math:`a < b`.
    The range is :math:`[a, b]`, :math:`[-1, 1]` by default. The value is exact
    (the bounds are rounded to the dtype of ``x``), and NaN input gives NaN.

    The derivative is 1 for :math:`a < x < b` and 0 elsewhere. At the kinks
    :math:`x = a` and :math:`x = b` this function returns 0, as
    ``torch.nn.Hardtanh`` does, so that the derivative is 1 exactly where the
    output follows the input. ``jax.nn.hard_tanh`` returns 1 there. The
    derivative with respect to ``min_val`` is 1 where :math:`x \le a`, and with
    respect to ``max_val`` 1 where :math:`x \ge b`. Source: Collobert et al.,
    "Natural Language Processing (Almost) from Scratch", JMLR 12, 2011,
    https://arxiv.org/abs/1103.0398.

    Args:
      x: input array.
      min_val: the lower bound :math:`a`, finite.
      max_val: the upper bound :math:`b`, finite and greater than ``min_val``.

    Returns:
      An array with the shape and dtype of ``x``.

    Raises:
      ValueError: if ``min_val`` and ``max_val`` are numbers and
        ``min_val >= max_val``; ``get`` and ``validate`` raise it too.

    Example:
      >>> get("hard_tanh")(jnp.array([-2.0, -0.5, 0.0, 0.5, 2.0]))
      Array([-1. , -0.5,  0. ,  0.5,  1. ], dtype=float32)
    """
    _check_bounds(min_val, max_val)
    x, dtype = widen(x)
    lower = jnp.asarray(min_val, x.dtype)
    upper = jnp.asarray(max_val, x.dtype)
    return _clip(x, lower, upper).astype(dtype)


@jax.custom_jvp
def _log_sigmoid(x: jax.Array) -> jax.Array:
    # exp(-|x|) is at most 1, so nothing overflows, and for x < 0 the two
    # terms have the same sign, so nothing cancels.
    return jnp.minimum(x, 0) - _numerics.log1p(jnp.exp(-jnp.abs(x)))


@_log_sigmoid.defjvp
def _log_sigmoid_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # sigmoid(-x) keeps its relative precision for large x, where the
    # derivative exp(-x) is small but normal; minimum would split it at 0.
    return _log_sigmoid(x), _logistic(-x) * x_dot


def log_sigmoid(x: ArrayLike) -> jax.Array:
    r"""Logarithm of the logistic sigmoid.

    .. math::
      \log\sigma(x) = -\log(1 + e^{-x}) = \min(x, 0) - \log(1 + e^{-|x|})

    The range is :math:`(-\infty, 0)`. The second form is the one computed:
    it cannot overflow, and for :math:`x < 0` it adds two negative terms, so
    the value is within 2.3 ulp (``log1p`` keeps the digits of a small
    :math:`e^{-|x|}`). The derivative is
    :math:`\sigma(-x) = 1 / (1 + e^{x})`, computed in that form so that it
    keeps its relative precision in the right tail, where it is
    :math:`e^{-x}`, and within 2.4 ulp. Value and derivative are finite for
    every finite input.
    The function is the log-likelihood of the logistic model, and its
    negation is the logistic loss; it is classical rather than from one paper.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("log_sigmoid")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-2.126928  , -0.6931472 , -0.31326166], dtype=float32)
    """
    x, dtype = widen(x)
    return _log_sigmoid(x).astype(dtype)


@jax.custom_jvp
def _softsign(x: jax.Array) -> jax.Array:
    # x / (1 + |x|) is NaN at +-inf, where the limit is sign(x). At the largest
    # finite number it rounds to sign(x), so the clamp gives the limit.
    biggest = jnp.finfo(x.dtype).max
    x = jnp.clip(x, -biggest, biggest)
    return x / (1 + jnp.abs(x))


@jax.custom_jvp
def _reciprocal_square_of_shifted(x: jax.Array) -> jax.Array:
    """Return ``1 / (1 + |x|)**2`` within 2 ulp."""
    # 1 + |x| and its square carried as double words, so that only the final
    # Newton step of the reciprocal rounds. Far from 0, 1 / x**2 differs from
    # it by a relative 2 / |x|, below a quarter ulp, and cannot overflow.
    magnitude = jnp.abs(x)
    far = magnitude > 2.0 ** (jnp.finfo(x.dtype).nmant + 4)
    near = jnp.where(far, 0, magnitude)
    shifted = _numerics.two_sum(_numerics.opaque_one(x.dtype), near)
    high, low = _numerics.reciprocal(*_numerics.square(*shifted))
    return jnp.where(far, 1 / magnitude / magnitude, high + low)


@_reciprocal_square_of_shifted.defjvp
def _reciprocal_square_of_shifted_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    square = _reciprocal_square_of_shifted(x)
    return square, _shifted_square_derivative(x, square) * x_dot


def _shifted_square_derivative(x: jax.Array, square: jax.Array) -> jax.Array:
    """Return the derivative of ``square = 1 / (1 + |x|)**2``.

    It is -2 sign(x) / (1 + |x|)**3, 0 at 0 between the one-sided limits -+2.
    The clamp keeps 1 + |x| finite, so that its reciprocal is 0 at inf, and
    the selects and double words of the slope are not differentiated.
    """
    shifted = 1 + jnp.minimum(jnp.abs(x), jnp.finfo(x.dtype).max)
    return -2 * jnp.sign(x) * square / shifted


@jax.custom_jvp
def _softsign_slope(x: jax.Array) -> jax.Array:
    """Return ``1 / (1 + |x|)**2`` within 1.5 ulp, with one division."""
    # With s = 1 + |x| rounded and c its exact rounding error (Fast2Sum of
    # max(|x|, 1) and min(|x|, 1)), (s + c)**2 = s**2 + 2 s c + c**2, and c**2
    # is below the rounding unit of s**2. The clamp keeps s finite at inf, so
    # that the square overflows to inf and the slope is 0 there.
    magnitude = jnp.minimum(jnp.abs(x), jnp.finfo(x.dtype).max)
    one = _numerics.opaque_one(x.dtype)
    shifted = one + magnitude
    error = (jnp.maximum(magnitude, one) - shifted) + jnp.minimum(magnitude, one)
    return 1 / (shifted * shifted + 2 * shifted * error)


@_softsign_slope.defjvp
def _softsign_slope_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    square = _softsign_slope(x)
    return square, _shifted_square_derivative(x, square) * x_dot


@_softsign.defjvp
def _softsign_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # Differentiating the quotient gives ((1 + |x|) - |x|) / (1 + |x|)**2,
    # which is 0 once 1 + |x| rounds to |x|.
    return _softsign(x), _softsign_slope(x) * x_dot


def softsign(x: ArrayLike) -> jax.Array:
    r"""Softsign: a sigmoid that approaches its bounds polynomially.

    .. math::
      \mathrm{softsign}(x) = \frac{x}{1 + |x|}

    The range is :math:`(-1, 1)`; in floating point the output rounds to
    :math:`\pm 1` for large :math:`|x|`. The derivative is
    :math:`1 / (1 + |x|)^2`, 1 at :math:`x = 0`, computed in that form:
    ``jax.grad(jax.nn.soft_sign)`` differentiates the quotient and returns 0
    once :math:`1 + |x|` rounds to :math:`|x|` (above :math:`2^{53}` in
    float64) where the true derivative is a normal number. Here the rounded
    sum :math:`s = 1 + |x|` and its exact rounding error :math:`c` give the
    derivative as :math:`1 / (s^2 + 2 s c)`, with one division. Value and
    derivative are within 1.5 ulp. The function is Elliott's squash (see
    ``elliott``); Glorot and Bengio, "Understanding the difficulty of
    training deep feedforward neural networks", AISTATS 2010, studied it as
    an alternative to tanh in deep networks.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("softsign")(jnp.array([-3.0, 0.0, 1.0]))
      Array([-0.75,  0.  ,  0.5 ], dtype=float32)
    """
    x, dtype = widen(x)
    return _softsign(x).astype(dtype)


@jax.custom_jvp
def _elliott(x: jax.Array) -> jax.Array:
    # 1/2 - |x| / (2 (1 + |x|)) cancels for large negative x; its exact value
    # 1 / (2 (1 + |x|)) is computed directly instead.
    lower_tail = 0.5 / (1 + jnp.abs(x))
    return jnp.where(x < 0, lower_tail, 1 - lower_tail)


@_elliott.defjvp
def _elliott_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return _elliott(x), 0.5 * _reciprocal_square_of_shifted(x) * x_dot


def elliott(x: ArrayLike) -> jax.Array:
    r"""Elliott sigmoid: softsign rescaled to the range (0, 1).

    .. math::
      \mathrm{elliott}(x) = \frac{1}{2}\,\frac{x}{1 + |x|} + \frac{1}{2}

    Elliott, "A Better Activation Function for Artificial Neural Networks",
    ISR Technical Report TR 93-8, University of Maryland, 1993, proposed a
    squash that needs no exponential and satisfies a differential equation
    generalising the logistic one, for outputs in :math:`(-1, 1)` or in
    :math:`(0, 1)`. Libraries that attribute it to Elliott (FANN, mlpack,
    MATLAB's ``elliotsig``) implement it as :math:`f(u) = u / (1 + |u|)`, for which
    :math:`f' = (1 - |f|)^2`. This is the :math:`(0, 1)` form with unit
    steepness, :math:`(f + 1) / 2`, which FANN calls ``FANN_ELLIOT``:
    ``((x*s) / 2) / (1 + |x*s|) + 0.5`` at steepness ``s = 1``. The symmetric
    form :math:`u / (1 + |u|)` is ``softsign``.

    The range is :math:`(0, 1)`, with ``elliott(0) = 1/2``. The derivative is
    :math:`1 / (2 (1 + |x|)^2)`, :math:`1/2` at :math:`x = 0`. For
    :math:`x < 0` the value is computed as :math:`1 / (2 (1 + |x|))`, which
    keeps its relative precision in the lower tail where the formula above
    cancels. Value and derivative are within 2 ulp and finite for every
    input other than NaN.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("elliott")(jnp.array([-3.0, 0.0, 1.0]))
      Array([0.125, 0.5  , 0.75 ], dtype=float32)
    """
    x, dtype = widen(x)
    return _elliott(x).astype(dtype)


@jax.custom_jvp
def _isru(x: jax.Array, alpha: jax.Array) -> jax.Array:
    square = alpha * x * x
    saturated = square > 1
    # 1 + alpha x**2 overflows for large |x|; dividing through by |x| gives
    # sign(x) / sqrt(alpha + 1 / x**2), in which 1 / x**2 only underflows.
    inner = jnp.where(saturated, 0, x)
    outer = jnp.where(saturated, x, 1)
    near_zero = inner / jnp.sqrt(1 + alpha * inner * inner)
    saturating = jnp.sign(outer) / jnp.sqrt(alpha + 1 / (outer * outer))
    return jnp.where(saturated, saturating, near_zero)


@jax.custom_jvp
def _isru_slope(x: jax.Array, alpha: jax.Array) -> jax.Array:
    """Return ``(1 + alpha x**2)**-1.5`` within 2.5 ulp."""
    # Where alpha x**2 exceeds 2**(2/3 of the exponent range), the slope is
    # below the smallest normal number and the plain formula is exact enough.
    # Elsewhere s = 1 + alpha x**2, 1 / s and 1 / sqrt(s) are carried as
    # double words, so that only their final product rounds.
    # Above 2**(far_exponent / 2), the low words would fall below the smallest
    # normal number and be flushed to 0. There x is scaled by 2**-k, with
    # s**-1.5 = 2**(-3k) * (2**(-2k) + alpha (x 2**-k)**2)**-1.5, so every
    # intermediate result stays normal. Scaling by a power of 2 is exact.
    far_exponent = -jnp.finfo(x.dtype).minexp * 2 // 3 + 1
    k = far_exponent * 3 // 8
    plain_scale = 1 + alpha * x * x
    far = plain_scale > 2.0**far_exponent
    plain = 1 / (plain_scale * jnp.sqrt(plain_scale))
    large = plain_scale > 2.0 ** (far_exponent // 2)
    x = jnp.where(far, 0, x) * jnp.where(large, 2.0**-k, 1.0)
    one = jnp.where(large, 2.0 ** (-2 * k), _numerics.opaque_one(x.dtype))
    alpha_x, alpha_x_error = _numerics.two_product(jnp.broadcast_to(alpha, x.shape), x)
    square, square_error = _numerics.two_product(alpha_x, x)
    scale, scale_error = _numerics.two_sum(one, square)
    scale = (scale, scale_error + (square_error + alpha_x_error * x))
    inverse = _numerics.reciprocal(*scale)
    inverse_root = _numerics.reciprocal(*_numerics.sqrt(*scale))
    high, low = _numerics.multiply(inverse, inverse_root)
    slope = (high + low) * jnp.where(large, 2.0 ** (-3 * k), 1.0)
    return jnp.where(far, plain, slope)


def _over_scale(x: jax.Array, alpha: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``x / s`` and ``x**2 / s`` for ``s = 1 + alpha x**2``.

    Each branch of the selects gets an input on which it is finite, and so
    does its derivative: x**2 (and 2 x in the derivative of 1 / x**2) would
    overflow for large |x|, and there the quotients are written with 1 / x
    and its square instead. The clamp keeps them finite at inf.
    """
    finite_x = jnp.clip(x, jnp.finfo(x.dtype).min, jnp.finfo(x.dtype).max)
    saturated = alpha * finite_x * finite_x > 1
    inner = jnp.where(saturated, 1, finite_x)
    outer = jnp.where(saturated, finite_x, 1)
    reciprocal = 1 / outer
    x_over_scale = jnp.where(
        saturated,
        1 / (alpha * outer + reciprocal),
        inner / (1 + alpha * inner * inner),
    )
    square_over_scale = jnp.where(
        saturated, 1 / (alpha + reciprocal * reciprocal), x_over_scale * inner
    )
    return x_over_scale, square_over_scale


@_isru_slope.defjvp
def _isru_slope_jvp(primals, tangents):
    x, alpha = primals
    x_dot, alpha_dot = tangents
    slope = _isru_slope(x, alpha)
    # With s = 1 + alpha x**2, d(s**-1.5) = -1.5 s**-1.5 (2 alpha x dx + x**2
    # dalpha) / s.
    x_over_scale, square_over_scale = _over_scale(x, alpha)
    derivative = -1.5 * slope * (2 * alpha * x_over_scale * x_dot)
    return slope, derivative - 1.5 * slope * square_over_scale * alpha_dot


@_isru.defjvp
def _isru_jvp(primals, tangents):
    x, alpha = primals
    x_dot, alpha_dot = tangents
    value = _isru(x, alpha)
    # d/dalpha = -x**3 (1 + alpha x**2)**-1.5 / 2 = -value * x**2 / (2 scale).
    _, square_over_scale = _over_scale(x, alpha)
    alpha_derivative = -0.5 * value * square_over_scale
    return value, _isru_slope(x, alpha) * x_dot + alpha_derivative * alpha_dot


def isru(x: ArrayLike, alpha: float = 1.0) -> jax.Array:
    r"""Inverse square root unit.

    .. math::
      \mathrm{isru}(x) = \frac{x}{\sqrt{1 + \alpha x^2}}

    The range is :math:`(-1/\sqrt{\alpha}, 1/\sqrt{\alpha})`, :math:`(-1, 1)`
    by default. The derivative is :math:`(1 + \alpha x^2)^{-3/2}`, 1 at
    :math:`x = 0`. Where :math:`\alpha x^2 > 1` the value is computed as
    :math:`\mathrm{sign}(x) / \sqrt{\alpha + 1/x^2}`, which cannot overflow, so
    value and derivative are finite for every finite input. Value and
    derivative are within 2.5 ulp. Source: Carlile et al., "Improving Deep
    Learning by Inverse Square Root Linear Units (ISRLUs)", 2017,
    https://arxiv.org/abs/1710.09967, which introduces it as the sigmoid-like
    counterpart of the ISRLU.

    Args:
      x: input array.
      alpha: the scale :math:`\alpha` of :math:`x^2`, greater than 0; it is
        cast to the dtype of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("isru", alpha=3.0)(jnp.array([-1.0, 0.0, 2.0]))
      Array([-0.5      ,  0.       ,  0.5547002], dtype=float32)
    """
    x, dtype = widen(x)
    return _isru(x, jnp.asarray(alpha, x.dtype)).astype(dtype)


_SIGMOID_SHAPED = "glorot"
# Initialiser choice: every function here is bounded on at least one side and
# close to linear around 0 (or, for log_sigmoid, a mirrored rectifier that is
# nearly flat for x > 0). "glorot" balances forward and backward variance for
# the bounded, saturating ones. log_sigmoid passes the gradient of about half
# of a zero-mean input, like a ReLU, so it gets "he".
register(
    ActivationSpec(
        name="hard_sigmoid",
        fn=hard_sigmoid,
        initializer=_SIGMOID_SHAPED,
        summary="piecewise linear sigmoid relu6(x + 3) / 6",
        properties=Properties(
            range=(0.0, 1.0),
            monotonic=True,
            smooth=False,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=1 / 6,
            source="Howard et al. 2019, Searching for MobileNetV3",
        ),
    )
)
register(
    ActivationSpec(
        name="sparse_sigmoid",
        fn=sparse_sigmoid,
        initializer=_SIGMOID_SHAPED,
        summary="piecewise linear sigmoid clip((x + 1) / 2, 0, 1)",
        properties=Properties(
            range=(0.0, 1.0),
            monotonic=True,
            smooth=False,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.5,
            source="Blondel, Martins and Niculae 2020, Learning with "
            "Fenchel-Young Losses",
        ),
    )
)
register(
    ActivationSpec(
        name="hard_tanh",
        fn=hard_tanh,
        hyperparameters=(
            Hyperparameter("min_val", -1.0, FINITE, is_finite),
            Hyperparameter("max_val", 1.0, FINITE, is_finite),
        ),
        initializer=_SIGMOID_SHAPED,
        summary="x clipped to [min_val, max_val]",
        joint_check=_check_bounds,
        properties=Properties(
            range=(-1.0, 1.0),
            monotonic=True,
            smooth=False,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="Collobert et al. 2011, Natural Language Processing "
            "(Almost) from Scratch",
        ),
    )
)
register(
    ActivationSpec(
        name="log_sigmoid",
        fn=log_sigmoid,
        initializer="he",
        summary="log of the logistic sigmoid, -log(1 + exp(-x))",
        properties=Properties(
            range=(-float("inf"), 0.0),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.5,
            source="classical",
        ),
    )
)
register(
    ActivationSpec(
        name="softsign",
        fn=softsign,
        initializer=_SIGMOID_SHAPED,
        summary="x / (1 + |x|)",
        properties=Properties(
            range=(-1.0, 1.0),
            monotonic=True,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="Glorot and Bengio 2010, Understanding the difficulty of "
            "training deep feedforward neural networks",
        ),
    )
)
register(
    ActivationSpec(
        name="elliott",
        fn=elliott,
        initializer=_SIGMOID_SHAPED,
        summary="Elliott sigmoid x / (2 (1 + |x|)) + 1/2",
        properties=Properties(
            range=(0.0, 1.0),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.5,
            source="Elliott 1993, A Better Activation Function for Artificial "
            "Neural Networks",
        ),
    )
)
register(
    ActivationSpec(
        name="isru",
        fn=isru,
        hyperparameters=(Hyperparameter("alpha", 1.0, POSITIVE, is_positive_finite),),
        initializer=_SIGMOID_SHAPED,
        summary="inverse square root unit x / sqrt(1 + alpha x**2)",
        properties=Properties(
            range=(-1.0, 1.0),
            monotonic=True,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="Carlile et al. 2017, Improving Deep Learning by Inverse "
            "Square Root Linear Units (ISRLUs)",
        ),
    )
)
