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

from actlab.activations._registry import (
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


@jax.custom_jvp
def _logistic(x: jax.Array) -> jax.Array:
    return jax.lax.logistic(x)


@_logistic.defjvp
def _logistic_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # sigmoid(x) * sigmoid(-x) keeps full relative precision, but the textbook
    # form s * (1 - s) is 0 once s rounds to 1 (x above about 16.6 in float32).
    y = _logistic(x)
    return y, y * _logistic(-x) * x_dot


def sigmoid(x: ArrayLike) -> jax.Array:
    r"""Logistic sigmoid activation.

    .. math::
      \sigma(x) = \frac{1}{1 + e^{-x}}

    The range is :math:`(0, 1)`; in floating point the output rounds to 0 or
    1 for large :math:`|x|`. The derivative is
    :math:`\sigma'(x) = \sigma(x)\,\sigma(-x)`, computed in that form so that
    it keeps its relative precision in the saturated tails. Value and
    derivative are finite for every finite input. Against a 50-digit reference
    the worst errors measured (jax 0.10.2, x86-64 CPU) were 2.3 ulp for the
    value and 3.5 ulp for the derivative. The logistic unit is the one
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


# XLA's tanh on CPU is up to 4.1 ulp from the correctly rounded result in
# float32 and 6.5 in float64. Below |x| = 0.55 a Taylor series is used instead,
# truncated where the first omitted term is below 2**-32 (float32) or 2**-60
# (float64) of the result; above it 1 - 2 / (exp(2|x|) + 1), which does not
# cancel there.
_TANH_SERIES_END = 0.55
_TANH_SERIES = {
    jnp.dtype(jnp.float64): _tanh_taylor_coefficients(20),
    jnp.dtype(jnp.float32): _tanh_taylor_coefficients(10),
}
# Above this |x|, sech(x)**2 = 4 exp(-2|x|) to within float64 rounding.
_SECH_SQUARED_TAIL = 20.0


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


@_tanh.defjvp
def _tanh_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # 1 - tanh(x)**2 is 0 once tanh rounds to +-1 (|x| above about 8 in
    # float32), but 4 * sigmoid(2x) * sigmoid(-2x) keeps its precision. In the
    # tail sigmoid(-2|x|) underflows before the derivative does (|x| above
    # about 44 in float32), so there (2 exp(-|x|))**2 replaces it.
    magnitude = jnp.abs(x)
    central = 4 * _logistic(2 * x) * _logistic(-2 * x)
    tail = jnp.square(2 * jnp.exp(-magnitude))
    derivative = jnp.where(magnitude < _SECH_SQUARED_TAIL, central, tail)
    return _tanh(x), derivative * x_dot


def tanh(x: ArrayLike) -> jax.Array:
    r"""Hyperbolic tangent activation.

    .. math::
      \tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1

    The range is :math:`(-1, 1)`; in floating point the output rounds to
    :math:`\pm 1` for large :math:`|x|`. The derivative is
    :math:`1 - \tanh^2(x) = 4\,\sigma(2x)\,\sigma(-2x)`, computed in the second
    form (and as :math:`(2 e^{-|x|})^2` beyond :math:`|x| = 20`) so that it
    keeps its relative precision in the saturated tails. The value comes from
    a Taylor series below :math:`|x| = 0.55` and from
    :math:`1 - 2 / (e^{2|x|} + 1)` above, because XLA's own tanh is up to 6.5
    ulp off in float64. Against a 50-digit reference, the worst errors measured
    (jax 0.10.2, x86-64 CPU) were 1.3 ulp for the value and 3.5 ulp for the
    derivative, in float32 and float64. Kalman and Kwasny, "Why tanh:
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
    return _tanh(_as_float(x))


@jax.custom_jvp
def _softmax(x: jax.Array) -> jax.Array:
    top = jnp.max(x, axis=-1, keepdims=True)
    # x - top rounds, and exp turns that absolute error into a relative error
    # of |x - top| times the rounding unit. Knuth's TwoSum gives the rounding
    # error exactly, and exp(shifted + error) = exp(shifted) * (1 + error).
    # XLA keeps the order of these operations. The error is NaN for an
    # infinite input, where it is not needed.
    shifted = x - top
    top_virtual = x - shifted
    x_virtual = shifted + top_virtual
    error = (x - x_virtual) - (top - top_virtual)
    error = jnp.where(jnp.isfinite(error), error, 0)
    exponential = jnp.exp(shifted)
    unnormalized = exponential + exponential * error
    return unnormalized / jnp.sum(unnormalized, axis=-1, keepdims=True)


@_softmax.defjvp
def _softmax_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    s = _softmax(x)
    # The textbook s * (t - sum(s * t)) is 0 once s_k rounds to 1, although
    # the derivative s_k * (1 - s_k) is then a normal number, and reverse mode
    # transposes the same cancellation. With k the index of the largest input,
    # o = s with o_k = 0 and r = sum(o) = 1 - s_k, the Jacobian
    # diag(s) - s s^T is
    #   diag(o) - o o^T - s_k (o e_k^T + e_k o^T) + s_k r e_k e_k^T,
    # whose entries are products of outputs, so no term cancels. The form is
    # symmetric term by term, so its transpose, which reverse mode computes,
    # keeps that accuracy.
    top = jax.nn.one_hot(jnp.argmax(x, axis=-1), x.shape[-1], dtype=x.dtype)
    others = jnp.where(top > 0, 0, s)
    s_top = jnp.sum(top * s, axis=-1, keepdims=True)
    rest = jnp.sum(others, axis=-1, keepdims=True)
    t_top = jnp.sum(top * x_dot, axis=-1, keepdims=True)
    o_dot_t = jnp.sum(others * x_dot, axis=-1, keepdims=True)
    off_top = others * (x_dot - o_dot_t - s_top * t_top)
    at_top = top * (s_top * (rest * t_top - o_dot_t))
    return s, off_top + at_top


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
    with :math:`1 - s_k` replaced by the sum of the other outputs of the row's
    largest entry :math:`k`, so that the derivative of a saturated output stays
    a normal number instead of rounding to 0, in forward and reverse mode.
    The rounding error of :math:`x - m` is recovered exactly and applied to the
    exponential. On rows of 4 entries the worst errors measured against a
    50-digit reference (jax 0.10.2, x86-64 CPU) were 3.4 ulp for the value and
    5.8 ulp for the derivative, whose entries are products of two outputs.
    An infinite entry makes its row NaN. The name and its use as the
    output of a classifier come from Bridle, "Probabilistic interpretation of
    feedforward classification network outputs, with relationships to
    statistical pattern recognition", 1990.

    Args:
      x: input array; the last axis contains the features of one example.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("softmax")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.03511902, 0.25949645, 0.7053845 ], dtype=float32)
    """
    return _softmax(_as_float(x))


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


@jax.custom_jvp
def _expm1(x: jax.Array) -> jax.Array:
    # XLA's expm1 is up to 4.9 ulp from exp(x) - 1 in float32 for |x| < log 2.
    # There Kahan's form (u - 1) * x / log(u) with u = exp(x) is at most 3.2
    # ulp, because the rounding error of u cancels between u - 1 (exact by
    # Sterbenz's lemma) and log(u). Elsewhere exp(x) - 1 cancels little.
    u = jnp.exp(x)
    central = u != 1
    safe_u = jnp.where(central, u, 2)
    kahan = jnp.where(central, (u - 1) * x / jnp.log(safe_u), x)
    return jnp.where(jnp.abs(x) < math.log(2), kahan, u - 1)


@_expm1.defjvp
def _expm1_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # JAX differentiates expm1 as expm1(x) + 1, which is 0 once expm1(x) rounds
    # to -1 (x below about -17.3 in float32), but exp(x) keeps its precision.
    return _expm1(x), jnp.exp(x) * x_dot


def _scaled_exp(x: jax.Array, scale: jax.Array) -> jax.Array:
    """Return ``scale * exp(x)`` where it is normal though ``exp(x)`` is not.

    Below the logarithm of the smallest normal number, exp(x) underflows (XLA
    on CPU flushes subnormal results to 0), so exp(x / 2) is used twice.
    """
    half = jnp.exp(x / 2)
    underflows = x < math.log(jnp.finfo(x.dtype).tiny)
    return jnp.where(underflows, (scale * half) * half, scale * jnp.exp(x))


@jax.custom_jvp
def _elu(x: jax.Array, alpha: jax.Array) -> jax.Array:
    positive = x > 0
    # The exponential receives 0 rather than a positive x, so the branch that
    # where() discards cannot overflow.
    return jnp.where(positive, x, alpha * _expm1(jnp.where(positive, 0, x)))


@_elu.defjvp
def _elu_jvp(primals, tangents):
    (x, alpha), (x_dot, alpha_dot) = primals, tangents
    positive = x > 0
    negative = jnp.where(positive, 0, x)
    # alpha * exp(x) stays a normal number below x = log(tiny) when alpha > 1.
    slope = jnp.where(positive, 1, _scaled_exp(negative, alpha))
    alpha_slope = jnp.where(positive, 0, _expm1(negative))
    return _elu(x, alpha), slope * x_dot + alpha_slope * alpha_dot


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
    :math:`e^x - 1` uses Kahan's form near 0, because XLA's expm1 is up to 4.9
    ulp off in float32 there, and :math:`\alpha e^x` stays a normal number for
    :math:`\alpha > 1` where :math:`e^x` alone underflows. The derivative by
    ``alpha`` is :math:`e^x - 1` for :math:`x \le 0` and 0 otherwise. Against a
    50-digit reference the worst errors measured (jax 0.10.2, x86-64 CPU) were
    2.5 ulp for the value and 1.4 ulp for the derivative.
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
    return _elu(x, jnp.asarray(alpha, x.dtype))


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
            Hyperparameter("threshold", 0.0, "in (-inf, inf)", is_finite),
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
        hyperparameters=(Hyperparameter("slope", 1.0, "in (-inf, inf)", is_finite),),
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
        hyperparameters=(
            Hyperparameter("alpha", 1.0, "in (0, inf)", is_positive_finite),
        ),
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
