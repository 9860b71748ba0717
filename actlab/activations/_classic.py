"""Classic activations: binary step, linear, sigmoid, tanh, softmax, ReLU, ELU.

Each function is pure JAX, returns the floating dtype of its input (integer and
boolean input is promoted to the default float dtype) and works under
``jax.jit`` and ``jax.vmap``. The functions do not check their hyperparameters,
because these may be traced values. ``get`` and ``validate`` check them when an
activation is looked up by name.
"""

from __future__ import annotations

import fractions
import functools
import math

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from actlab.activations import _precise, _softmax_rows
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

_STRAIGHT_THROUGH_GRADIENTS = ("identity", "clipped")


def _as_float(x: ArrayLike) -> jax.Array:
    """Convert ``x`` to a JAX array, promoting integers and booleans to float."""
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(jnp.result_type(float))
    return x


def _straight_through_mask(
    x: jax.Array, threshold: jax.Array, gradient: str
) -> jax.Array:
    """Return the surrogate derivative of the step at ``x``: 1 or 0."""
    if gradient == "identity":
        return jnp.ones_like(x)
    # |x - threshold| overflows to inf only when it is far outside the window.
    return (jnp.abs(x - threshold) <= 1).astype(x.dtype)


@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def _step(x: jax.Array, threshold: jax.Array, gradient: str) -> jax.Array:
    fired = (x >= threshold).astype(x.dtype)
    # NaN stays NaN, so that a diverging network is not hidden behind zeros.
    return jnp.where(jnp.isnan(x), x, fired)


@_step.defjvp
def _step_jvp(gradient, primals, tangents):
    x, threshold = primals
    x_dot, threshold_dot = tangents
    mask = _straight_through_mask(x, threshold, gradient)
    return _step(x, threshold, gradient), mask * (x_dot - threshold_dot)


def binary_step(
    x: ArrayLike, threshold: float = 0.0, gradient: str = "identity"
) -> jax.Array:
    r"""Binary step (Heaviside) activation with a straight-through gradient.

    .. math::
      \mathrm{step}(x) = \begin{cases} 1, & x \ge t \\ 0, & x < t \end{cases}

    where :math:`t` is ``threshold``; at :math:`x = t` the output is 1. The
    range is :math:`\{0, 1\}`, and NaN input gives NaN.

    The true derivative is 0 everywhere except at :math:`x = t`, where it does
    not exist. Backpropagation through it would give every weight below it a
    zero gradient, so without the straight-through gradient the network
    cannot learn. Both ``jax.jvp`` and ``jax.grad`` therefore use a
    straight-through estimator in its place (Bengio, Léonard and Courville,
    "Estimating or Propagating Gradients Through Stochastic Neurons for
    Conditional Computation", 2013, https://arxiv.org/abs/1308.3432):

    - ``"identity"``: the derivative is taken as 1, so the incoming gradient
      passes unchanged;
    - ``"clipped"``: the derivative is taken as 1 where :math:`|x - t| \le 1`
      and 0 elsewhere, the derivative of a hard tanh (Hubara et al.,
      "Binarized Neural Networks", NeurIPS 2016,
      https://arxiv.org/abs/1602.02830).

    The derivative with respect to ``threshold`` is the negated estimate. The
    threshold is rounded to the dtype of ``x``. The unit is the threshold
    neuron of McCulloch and Pitts, "A logical calculus of the ideas immanent
    in nervous activity", 1943.

    Args:
      x: input array.
      threshold: the input at and above which the output is 1.
      gradient: the straight-through estimator, ``"identity"`` or ``"clipped"``.

    Returns:
      An array of 0s and 1s with the shape and dtype of ``x``.

    Raises:
      ValueError: if ``gradient`` is neither ``"identity"`` nor ``"clipped"``.

    Example:
      >>> get("binary_step")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0., 1., 1.], dtype=float32)
    """
    if gradient not in _STRAIGHT_THROUGH_GRADIENTS:
        raise ValueError(
            f"binary_step: gradient={gradient!r} is invalid; "
            "expected 'identity' or 'clipped'"
        )
    x = _as_float(x)
    return _step(x, jnp.asarray(threshold, x.dtype), gradient)


def linear(x: ArrayLike, slope: float = 1.0) -> jax.Array:
    r"""Linear (identity when ``slope`` is 1) activation.

    .. math::
      \mathrm{linear}(x) = a x

    where :math:`a` is ``slope``. The range is all reals for :math:`a \ne 0`,
    and the derivative is :math:`a` everywhere. A network of linear layers
    computes a linear map, so this activation is the baseline that shows how
    much a nonlinearity adds. It is registered also as ``identity``, the
    same function at its default slope of 1. The output overflows to infinity
    where :math:`|a x|` exceeds the largest finite value of the dtype.

    Args:
      x: input array.
      slope: the factor :math:`a`; it is cast to the dtype of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("linear", slope=0.5)(jnp.array([-2.0, 0.0, 1.0]))
      Array([-1. ,  0. ,  0.5], dtype=float32)
    """
    x = _as_float(x)
    return jnp.asarray(slope, x.dtype) * x


_HALF_PRECISION = (jnp.dtype(jnp.float16), jnp.dtype(jnp.bfloat16))


def _compute_dtype(dtype: jnp.dtype) -> jnp.dtype:
    """Return float32 for float16 and bfloat16, and ``dtype`` otherwise."""
    return jnp.dtype(jnp.float32) if dtype in _HALF_PRECISION else jnp.dtype(dtype)


def _horner(coefficients: tuple[float, ...], z: jax.Array) -> jax.Array:
    """Return sum(c_k * z**k) over ``coefficients`` c_0, c_1, ... by Horner."""
    polynomial = jnp.full_like(z, coefficients[-1])
    for coefficient in reversed(coefficients[:-1]):
        polynomial = polynomial * z + coefficient
    return polynomial


@jax.custom_jvp
def _logistic(x: jax.Array) -> jax.Array:
    return jax.lax.logistic(x)


def _logistic_slope(x: jax.Array) -> jax.Array:
    """Return sigmoid'(x) = e / (1 + e)**2 with e = exp(-|x|)."""
    e = jnp.exp(-jnp.abs(x))
    # The denominator expanded as 1 + e (2 + e) rounds once near 1, where the
    # square of a rounded 1 + e doubles that rounding error.
    return e / (1 + e * (2 + e))


@_logistic.defjvp
def _logistic_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # The textbook form s * (1 - s) is 0 once s rounds to 1 (x above about
    # 16.6 in float32), but e / (1 + e)**2 keeps its relative precision. The
    # slope computes its own exponential, because XLA would store a shared one
    # in an extra array, which costs more time on CPU than a second exp.
    slope = _logistic_slope(x.astype(_compute_dtype(x.dtype))).astype(x.dtype)
    return _logistic(x), slope * x_dot


def sigmoid(x: ArrayLike) -> jax.Array:
    r"""Logistic sigmoid activation.

    .. math::
      \sigma(x) = \frac{1}{1 + e^{-x}}

    The range is :math:`(0, 1)`; in floating point the output rounds to 0 or
    1 for large :math:`|x|`. The derivative is
    :math:`\sigma'(x) = \sigma(x)\,\sigma(-x) = e / (1 + e)^2` with
    :math:`e = e^{-|x|}`, computed in the last form, which keeps its relative
    precision in the saturated tails where :math:`\sigma(x)(1 - \sigma(x))`
    is 0. Value and derivative are finite for every finite input. Against a
    50-digit reference the worst errors measured (jax 0.10.2, x86-64 CPU, 2**22
    float32 points and 20000 float64 points over all magnitudes) were 2.5 ulp
    for the value and 2.4 ulp for the derivative. The logistic unit is the one
    used by Rumelhart, Hinton and Williams, "Learning representations by
    back-propagating errors", Nature 323, 1986.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("sigmoid")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.11920292, 0.5       , 0.7310586 ], dtype=float32)
    """
    return _logistic(_as_float(x))


def _tanh_taylor_coefficients(count: int) -> tuple[float, ...]:
    """Return the Taylor coefficients of tanh for x**3, x**5, ..., ``count`` many.

    They follow exactly, as fractions, from tanh' = 1 - tanh**2: with
    tanh(x) = sum_k a_k x**k, (k + 1) a_(k+1) = -sum_(i+j=k) a_i a_j for k > 0.
    """
    a = [fractions.Fraction(0)] * (2 * count + 2)
    a[1] = fractions.Fraction(1)
    for k in range(1, 2 * count + 1):
        a[k + 1] = -sum(a[i] * a[k - i] for i in range(k + 1)) / (k + 1)
    return tuple(float(a[2 * n + 1]) for n in range(1, count + 1))


# XLA's tanh on CPU is up to 4.3 ulp from the correctly rounded result in
# float32 and 6.5 in float64. Below |x| = 0.55 a Taylor series is used instead,
# truncated where the first omitted term is below 2**-32 (float32) or 2**-60
# (float64) of the result; above it 1 - 2 / (exp(2|x|) + 1), which does not
# cancel there.
_TANH_SERIES_END = 0.55
_TANH_SERIES = {
    jnp.dtype(jnp.float64): _tanh_taylor_coefficients(20),
    jnp.dtype(jnp.float32): _tanh_taylor_coefficients(10),
}


def _tanh_series(x: jax.Array) -> jax.Array:
    """Return tanh(x) for |x| < 0.55 as x + x * (x**2 * P(x**2)) by Horner."""
    coefficients = _TANH_SERIES.get(x.dtype, _TANH_SERIES[jnp.dtype(jnp.float32)])
    square = x * x
    polynomial = jnp.zeros_like(x)
    for coefficient in reversed(coefficients):
        polynomial = polynomial * square + coefficient
    return x + x * (square * polynomial)


@jax.custom_jvp
def _tanh(x: jax.Array) -> jax.Array:
    magnitude = jnp.abs(x)
    near_zero = magnitude < _TANH_SERIES_END
    series = _tanh_series(jnp.where(near_zero, magnitude, 0))
    # exp overflows to inf for large |x|, which gives exactly 1.
    saturating = 1 - 2 / (jnp.exp(2 * magnitude) + 1)
    # tanh is odd, so the sign of x, -0.0 included, is the sign of the result.
    return jnp.copysign(jnp.where(near_zero, series, saturating), x)


def _sech_squared(x: jax.Array) -> jax.Array:
    """Return sech(x)**2 = 4 e / (1 + e)**2 with e = exp(-2|x|)."""
    argument = -2 * jnp.abs(x)
    # Where e underflows (|x| above about 43.7 in float32), sech(x)**2 is still
    # normal up to |x| = 44.4. There the exponential takes half the argument
    # and is used twice, and the denominator rounds to 1. The select between
    # the factors keeps XLA from turning exp(a) * exp(a) into exp(2 a).
    underflows = argument < math.log(jnp.finfo(x.dtype).tiny)
    e = jnp.exp(jnp.where(underflows, argument / 2, argument))
    # As for the logistic, the denominator 1 + e (2 + e) rounds once near 1.
    return (4 * e) * jnp.where(underflows, e, 1) / (1 + e * (2 + e))


@_tanh.defjvp
def _tanh_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # 1 - tanh(x)**2 is 0 once tanh rounds to +-1 (|x| above about 9 in
    # float32), but 4 e / (1 + e)**2 keeps its relative precision. The slope
    # computes its own exponential for the same reason as the logistic's.
    return _tanh(x), _sech_squared(x) * x_dot


def tanh(x: ArrayLike) -> jax.Array:
    r"""Hyperbolic tangent activation.

    .. math::
      \tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1

    The range is :math:`(-1, 1)`; in floating point the output rounds to
    :math:`\pm 1` for large :math:`|x|`. The derivative is
    :math:`1 - \tanh^2(x) = 4 e / (1 + e)^2` with :math:`e = e^{-2|x|}`,
    computed in the second form (and as :math:`(2 e^{-|x|})^2` where
    :math:`e` underflows) so that it keeps its relative precision in the
    saturated tails. The value comes from a Taylor series below
    :math:`|x| = 0.55` and from :math:`1 - 2 / (e^{2|x|} + 1)` above, because
    XLA's own tanh is up to 4.3 ulp off in float32 and 6.5 ulp in float64.
    float16 and bfloat16 are computed in float32. Against a 50-digit reference
    the worst errors measured (jax 0.10.2, x86-64 CPU, 2**22 float32 points
    and 20000 float64 points over all magnitudes) were 1.4 ulp for the value
    and 2.3 ulp for the derivative, and 3.0 ulp for the float64 derivative
    between :math:`|x| = 354.2` and 354.9, where it is computed as a square.
    Kalman and Kwasny, "Why tanh:
    choosing a sigmoidal function", IJCNN 1992, argue for it over the logistic
    sigmoid because it is zero-centred.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("tanh")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.9640276,  0.       ,  0.7615942], dtype=float32)
    """
    x = _as_float(x)
    return _tanh(x.astype(_compute_dtype(x.dtype))).astype(x.dtype)


@jax.custom_jvp
def _softmax(x: jax.Array) -> jax.Array:
    return _softmax_rows.probabilities(_softmax_rows.softmax_rows(x))


@_softmax.defjvp
def _softmax_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    rows = _softmax_rows.softmax_rows(x)
    s = _softmax_rows.probabilities(rows)
    return s, _softmax_rows.softmax_tangent(rows, s, x_dot)


def softmax(x: ArrayLike) -> jax.Array:
    r"""Softmax over the last (feature) axis.

    .. math::
      \mathrm{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}},
      \quad m = \max_j x_j

    Subtracting the maximum leaves the result unchanged and keeps every
    exponent at most 0, so no finite input overflows. Each output lies in
    :math:`[0, 1]` (:math:`(0, 1)` in exact arithmetic), and every row sums
    to 1. The Jacobian is
    :math:`\partial s_i / \partial x_j = s_i (\delta_{ij} - s_j)`, computed
    with :math:`1 - s_k` at a maximum :math:`k` taken from the sum of the
    other exponentials, so that the derivative of a saturated output stays a
    normal number instead of rounding to 0, in forward and reverse mode.
    The rounding error of :math:`x - m` is recovered exactly and applied to the
    exponential, which is summed at a scale of :math:`2^{64}` (float32) or
    :math:`2^{512}` (float64) so that terms below the smallest normal number
    still count where their sum does. The exponential is a Taylor polynomial
    after reduction by :math:`n \ln 2`, within about 1 ulp, and the row sum
    and its reciprocal are carried as pairs of working precision numbers, so
    that each probability rounds once after its exponential. float16 and
    bfloat16 are computed in float32. On the accuracy grid of rows of 4
    entries the worst errors against a 50-digit reference (jax 0.10.2, x86-64
    CPU) were 1.2 ulp for the value and 2.1 ulp for Jacobian entries in
    float32, and 1.2 and 2.5 ulp in float64; on 7,200 random rows of 4 they
    were 1.5 and 2.8 ulp in either dtype. On 2**20 random float32 rows of 4,
    compared with the float64 result, the worst errors were 2.0 ulp for
    values and 3.5 ulp for Jacobian entries, each a product of two outputs.
    A row whose maximum is +inf puts
    all its mass on its +inf entries, -inf entries get 0, and a row of -inf
    only is uniform. The name and its use as the output of a classifier come
    from Bridle, "Probabilistic interpretation of feedforward classification
    network outputs, with relationships to statistical pattern recognition",
    1990.

    Args:
      x: input array with at least one axis; the last axis contains the
        features of one example.

    Returns:
      An array with the shape and dtype of ``x``.

    Raises:
      ValueError: if ``x`` is a scalar.

    Example:
      >>> get("softmax")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.03511903, 0.25949648, 0.7053845 ], dtype=float32)
    """
    x = _as_float(x)
    if x.ndim == 0:
        raise ValueError(
            "softmax: x has shape (), which has no feature axis; expected an "
            "array with at least one axis"
        )
    if x.dtype in (jnp.float16, jnp.bfloat16):
        return _softmax(x.astype(jnp.float32)).astype(x.dtype)
    return _softmax(x)


@jax.custom_jvp
def _relu(x: jax.Array) -> jax.Array:
    return jnp.maximum(x, 0)


@_relu.defjvp
def _relu_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # jnp.maximum splits the derivative at a tie, giving 0.5 at x == 0.
    return _relu(x), jnp.where(x > 0, x_dot, jnp.zeros_like(x_dot))


def relu(x: ArrayLike) -> jax.Array:
    r"""Rectified linear unit.

    .. math::
      \mathrm{relu}(x) = \max(x, 0)

    The range is :math:`[0, \infty)`. The derivative is 1 for :math:`x > 0`
    and 0 for :math:`x < 0`; at the kink :math:`x = 0` this function returns
    0, as ``jax.nn.relu`` does. NaN input gives NaN. Source: Nair and
    Hinton, "Rectified Linear Units Improve Restricted Boltzmann Machines",
    ICML 2010.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("relu")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0., 0., 1.], dtype=float32)
    """
    return _relu(_as_float(x))


def _expm1_series_coefficients(count: int) -> tuple[float, ...]:
    """Return the first ``count`` coefficients 1/2!, 1/3!, ... of P.

    P is the series in expm1(x) = x + x**2 * P(x).
    """
    return tuple(1 / math.factorial(k) for k in range(2, count + 2))


# XLA's expm1 is up to 4.9 ulp from exp(x) - 1 in float32 for |x| < log 2. On
# [-log 2, 0] a Taylor series is used instead, truncated where the first
# omitted term is below 2**-32 (float32) or 2**-60 (float64) of the result;
# below it exp(x) - 1 is at most -1/2 and cancels little.
_EXPM1_SERIES_END = -math.log(2)
_EXPM1_SERIES = {
    jnp.dtype(jnp.float64): _expm1_series_coefficients(16),
    jnp.dtype(jnp.float32): _expm1_series_coefficients(10),
}


def _expm1(x: jax.Array) -> jax.Array:
    """Return exp(x) - 1 for x <= 0 (measured within 1 ulp in both float dtypes)."""
    near_zero = x > _EXPM1_SERIES_END
    z = jnp.where(near_zero, x, 0)
    series = z + (z * z) * _horner(_EXPM1_SERIES[x.dtype], z)
    return jnp.where(near_zero, series, jnp.exp(x) - 1)


def _scaled_exp(x: jax.Array, scale: jax.Array) -> jax.Array:
    """Return ``scale * exp(x)`` where it is normal though ``exp(x)`` is not.

    Below the logarithm of the smallest normal number, exp(x) underflows (XLA
    on CPU flushes subnormal results to 0), so exp(x / 2) is used twice. The
    argument is selected before the one exponential. A select sits between
    the two factors, because XLA rewrites exp(a) * exp(a) as exp(2 a), a second
    exponential that underflows.
    """
    underflows = x < math.log(jnp.finfo(x.dtype).tiny)
    exponential = jnp.exp(jnp.where(underflows, x / 2, x))
    return (scale * exponential) * jnp.where(underflows, exponential, 1)


@jax.custom_jvp
def _elu(x: jax.Array, alpha: jax.Array) -> jax.Array:
    positive = x > 0
    # The exponential receives 0 rather than a positive x, so the branch that
    # where() discards cannot overflow.
    return jnp.where(positive, x, alpha * _expm1(jnp.where(positive, 0, x)))


def _elu_jvp(primals, tangents):
    (x, alpha), (x_dot, alpha_dot) = primals, tangents
    positive = x > 0
    negative = jnp.where(positive, 0, x)
    value = _elu(x, alpha)

    # The slope computes its own exponential, with another argument than the
    # value's, because XLA would store a shared one in an extra array, which
    # costs more time on CPU than a second exp.
    def by_x():
        return jnp.where(positive, 1, _scaled_exp(negative, alpha))

    def by_alpha():
        return jnp.where(positive, 0, _expm1(negative))

    return value, _precise.combine_tangents(value, (x_dot, by_x), (alpha_dot, by_alpha))


_elu.defjvp(_elu_jvp, symbolic_zeros=True)


def elu(x: ArrayLike, alpha: float = 1.0) -> jax.Array:
    r"""Exponential linear unit.

    .. math::
      \mathrm{elu}(x) = \begin{cases} x, & x > 0 \\
      \alpha (e^x - 1), & x \le 0 \end{cases}

    The range is :math:`(-\alpha, \infty)`. The derivative is 1 for
    :math:`x > 0` and :math:`\alpha e^x` for :math:`x \le 0`, so at
    :math:`x = 0` this function returns :math:`\alpha` (the left derivative,
    continuous for :math:`\alpha = 1`). Value and derivative are finite for
    every finite input: the exponential only receives :math:`\min(x, 0)`, so the
    branch that ``where`` discards cannot overflow and poison the gradient.
    :math:`e^x - 1` comes from a Taylor series on :math:`[-\log 2, 0]`,
    because XLA's expm1 is up to 4.9 ulp off in float32 there, and
    :math:`\alpha e^x` stays a normal number for :math:`\alpha > 1` where
    :math:`e^x` alone underflows. The derivative by ``alpha`` is
    :math:`e^x - 1` for :math:`x \le 0` and 0 otherwise. float16 and bfloat16
    are computed in float32. Against a 50-digit reference the worst errors
    measured (jax 0.10.2, x86-64 CPU, 2**22 float32 points and 20000 float64
    points over all magnitudes, :math:`\alpha` = 0.5, 1 and 2) were 1.0 ulp for
    the value and 1.5 ulp for the derivative, and 2.0 ulp for the float64
    derivative at :math:`\alpha = 2` just below :math:`x = -708.4`.
    Source: Clevert, Unterthiner and Hochreiter, "Fast and Accurate Deep
    Network Learning by Exponential Linear Units (ELUs)", ICLR 2016,
    https://arxiv.org/abs/1511.07289.

    Args:
      x: input array.
      alpha: the magnitude of the value :math:`-\alpha` that the output
        approaches as :math:`x \to -\infty`, greater than 0; it is cast to the
        dtype of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("elu", alpha=0.5)(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.43233237,  0.        ,  1.        ], dtype=float32)
    """
    x = _as_float(x)
    wide = x.astype(_compute_dtype(x.dtype))
    return _elu(wide, jnp.asarray(alpha, wide.dtype)).astype(x.dtype)


# Initialiser families. "he" (weight variance 2 / fan_in) makes up for units
# that are zero or nearly constant for about half of a zero-mean input (ReLU,
# ELU, the step). "glorot" balances forward and backward variance for units
# that are close to linear around 0 and saturate (tanh, sigmoid, softmax).
# "lecun" (1 / fan_in) keeps the forward variance of an identity-like unit.
register(
    ActivationSpec(
        name="binary_step",
        fn=binary_step,
        hyperparameters=(
            Hyperparameter("threshold", 0.0, FINITE, is_finite),
            Hyperparameter(
                "gradient",
                "identity",
                "'identity' or 'clipped'",
                lambda value: value in _STRAIGHT_THROUGH_GRADIENTS,
            ),
        ),
        initializer="he",
        summary="1 where x >= threshold, else 0; straight-through gradient",
        properties=Properties(
            range=(0.0, 1.0),
            monotonic=True,
            smooth=False,
            zero_centred=False,
            self_gated=False,
            # The straight-through estimate, not the true derivative.
            derivative_at_0=1.0,
            source="McCulloch and Pitts 1943, 'A logical calculus of the ideas "
            "immanent in nervous activity'",
        ),
    )
)
register(
    ActivationSpec(
        name="linear",
        fn=linear,
        hyperparameters=(Hyperparameter("slope", 1.0, FINITE, is_finite),),
        initializer="lecun",
        summary="slope * x",
        properties=Properties(
            range=(-math.inf, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="classical",
        ),
        # The identity is the linear activation at its default slope of 1, so
        # the two names share one implementation.
        aliases=("identity",),
    )
)
register(
    ActivationSpec(
        name="sigmoid",
        fn=sigmoid,
        initializer="glorot",
        summary="logistic sigmoid 1 / (1 + exp(-x))",
        properties=Properties(
            range=(0.0, 1.0),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.25,
            source="Rumelhart, Hinton and Williams 1986, 'Learning "
            "representations by back-propagating errors'",
        ),
    )
)
register(
    ActivationSpec(
        name="tanh",
        fn=tanh,
        initializer="glorot",
        summary="hyperbolic tangent",
        properties=Properties(
            range=(-1.0, 1.0),
            monotonic=True,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="classical",
        ),
    )
)
register(
    ActivationSpec(
        name="softmax",
        fn=softmax,
        initializer="glorot",
        summary="exp(x) normalised to sum to 1 over the last axis",
        properties=Properties(
            range=(0.0, 1.0),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=None,
            source="Bridle 1990, 'Probabilistic interpretation of feedforward "
            "classification network outputs, with relationships to "
            "statistical pattern recognition'",
        ),
    )
)
register(
    ActivationSpec(
        name="relu",
        fn=relu,
        initializer="he",
        summary="rectified linear unit max(x, 0)",
        properties=Properties(
            range=(0.0, math.inf),
            monotonic=True,
            smooth=False,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.0,
            source="Nair and Hinton 2010, 'Rectified Linear Units Improve "
            "Restricted Boltzmann Machines'",
        ),
    )
)
register(
    ActivationSpec(
        name="elu",
        fn=elu,
        hyperparameters=(Hyperparameter("alpha", 1.0, POSITIVE, is_positive_finite),),
        initializer="he",
        summary="exponential linear unit: x if x > 0 else alpha * (exp(x) - 1)",
        properties=Properties(
            range=(-1.0, math.inf),
            monotonic=True,
            # Continuously differentiable only at alpha == 1, the default.
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="Clevert, Unterthiner and Hochreiter 2016, 'Fast and "
            "Accurate Deep Network Learning by Exponential Linear Units "
            "(ELUs)'",
        ),
    )
)
