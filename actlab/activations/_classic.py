"""Classic activations: binary step, linear, sigmoid, tanh, softmax, ReLU, ELU.

Each function is pure JAX, returns the floating dtype of its input (integer and
boolean input is promoted to the default float dtype) and works under
``jax.jit`` and ``jax.vmap``. The functions do not check their hyperparameters,
because these may be traced values. ``get`` and ``validate`` check them when an
activation is looked up by name.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from actlab.activations._registry import ActivationSpec, Hyperparameter, register

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
    much a nonlinearity adds. The output overflows to infinity where
    :math:`|a x|` exceeds the largest finite value of the dtype.

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
    derivative are finite for every finite input. The logistic unit is the one
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


@jax.custom_jvp
def _tanh(x: jax.Array) -> jax.Array:
    return jnp.tanh(x)


@_tanh.defjvp
def _tanh_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # 1 - tanh(x)**2 is 0 once tanh rounds to +-1 (|x| above about 8 in
    # float32), but 4 * sigmoid(2x) * sigmoid(-2x) keeps its precision.
    derivative = 4 * _logistic(2 * x) * _logistic(-2 * x)
    return _tanh(x), derivative * x_dot


def tanh(x: ArrayLike) -> jax.Array:
    r"""Hyperbolic tangent activation.

    .. math::
      \tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1

    The range is :math:`(-1, 1)`; in floating point the output rounds to
    :math:`\pm 1` for large :math:`|x|`. The derivative is
    :math:`1 - \tanh^2(x) = 4\,\sigma(2x)\,\sigma(-2x)`, computed in the second
    form so that it keeps its relative precision in the saturated tails.
    Kalman and Kwasny, "Why tanh: choosing a sigmoidal function", IJCNN 1992,
    argue for it over the logistic sigmoid because it is zero-centred.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("tanh")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.9640276,  0.       ,  0.7615942], dtype=float32)
    """
    return _tanh(_as_float(x))


def softmax(x: ArrayLike) -> jax.Array:
    r"""Softmax over the last (feature) axis.

    .. math::
      \mathrm{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}},
      \quad m = \max_j x_j

    Subtracting the maximum leaves the result unchanged and keeps every
    exponent at most 0, so no finite input overflows. Each output lies in
    :math:`[0, 1]` (:math:`(0, 1)` in exact arithmetic), and every row sums
    to 1. The Jacobian is
    :math:`\partial s_i / \partial x_j = s_i (\delta_{ij} - s_j)`; the maximum
    is held constant under differentiation, which is exact because softmax is
    invariant to adding a constant to a row. The name and its use as the
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
    x = _as_float(x)
    shift = jax.lax.stop_gradient(jnp.max(x, axis=-1, keepdims=True))
    unnormalized = jnp.exp(x - shift)
    return unnormalized / jnp.sum(unnormalized, axis=-1, keepdims=True)


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
    return jnp.expm1(x)


@_expm1.defjvp
def _expm1_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # JAX differentiates expm1 as expm1(x) + 1, which is 0 once expm1(x) rounds
    # to -1 (x below about -17.3 in float32), but exp(x) keeps its precision.
    return _expm1(x), jnp.exp(x) * x_dot


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
    positive = x > 0
    # jnp.where(positive, 0, x) rather than jnp.minimum(x, 0): minimum splits
    # the derivative at x == 0, which would make elu'(0) = alpha / 2.
    negative_part = jnp.asarray(alpha, x.dtype) * _expm1(jnp.where(positive, 0, x))
    return jnp.where(positive, x, negative_part)


def _is_finite(value: float) -> bool:
    return math.isfinite(value)


def _is_positive_finite(value: float) -> bool:
    return 0 < value < math.inf


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
            Hyperparameter("threshold", 0.0, "in (-inf, inf)", _is_finite),
            Hyperparameter(
                "gradient",
                "identity",
                "'identity' or 'clipped'",
                lambda value: value in _STRAIGHT_THROUGH_GRADIENTS,
            ),
        ),
        initializer="he",
        summary="1 where x >= threshold, else 0; straight-through gradient",
    )
)
register(
    ActivationSpec(
        name="linear",
        fn=linear,
        hyperparameters=(Hyperparameter("slope", 1.0, "in (-inf, inf)", _is_finite),),
        initializer="lecun",
        summary="slope * x",
    )
)
register(
    ActivationSpec(
        name="sigmoid",
        fn=sigmoid,
        initializer="glorot",
        summary="logistic sigmoid 1 / (1 + exp(-x))",
    )
)
register(
    ActivationSpec(
        name="tanh",
        fn=tanh,
        initializer="glorot",
        summary="hyperbolic tangent",
    )
)
register(
    ActivationSpec(
        name="softmax",
        fn=softmax,
        initializer="glorot",
        summary="exp(x) normalised to sum to 1 over the last axis",
    )
)
register(
    ActivationSpec(
        name="relu",
        fn=relu,
        initializer="he",
        summary="rectified linear unit max(x, 0)",
    )
)
register(
    ActivationSpec(
        name="elu",
        fn=elu,
        hyperparameters=(
            Hyperparameter("alpha", 1.0, "in (0, inf)", _is_positive_finite),
        ),
        initializer="he",
        summary="exponential linear unit: x if x > 0 else alpha * (exp(x) - 1)",
    )
)
