"""Piecewise rectifiers: threshold, ReLU6, leaky and randomized ReLU, CELU and SELU.

Each function is pure JAX, returns the floating dtype of its input (integer and
boolean input is promoted to the default float dtype) and works under
``jax.jit`` and ``jax.vmap``. float16 and bfloat16 inputs are computed in
float32 and rounded once at the end. The functions do not check their float
hyperparameters, because these may be traced values. ``get`` and ``validate``
check them when an activation is looked up by name.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from actlab.activations import _precise
from actlab.activations._numerics import widen
from actlab.activations._registry import (
    FINITE,
    NONNEGATIVE,
    POSITIVE,
    ActivationSpec,
    Hyperparameter,
    Properties,
    is_finite,
    is_nonnegative_finite,
    is_positive_finite,
    register,
)


def threshold(x: ArrayLike, threshold: float = 0.0, value: float = 0.0) -> jax.Array:
    r"""Threshold activation: the input above a threshold, a constant elsewhere.

    .. math::
      \mathrm{threshold}(x) = \begin{cases} x, & x > t \\ v, & x \le t
      \end{cases}

    where :math:`t` is ``threshold`` and :math:`v` is ``value``, as in
    ``torch.nn.Threshold``. At the defaults :math:`t = v = 0` it is the ReLU.
    The range is :math:`\{v\} \cup (t, \infty)`. The derivative is 1 for
    :math:`x > t` and 0 for :math:`x \le t`, so at :math:`x = t` it is 0,
    the derivative of the constant piece. NaN input gives NaN. The threshold
    unit is classical; this two-parameter form is PyTorch's.

    Args:
      x: input array.
      threshold: the input above which the output is ``x``; it is cast to the
        dtype of ``x``.
      value: the output at and below the threshold; it is cast to the dtype
        of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("threshold", threshold=0.5, value=-1.0)(jnp.array([-2.0, 0.5, 1.0]))
      Array([-1., -1.,  1.], dtype=float32)
    """
    x, dtype = widen(x)
    limit = jnp.asarray(threshold, x.dtype)
    replacement = jnp.asarray(value, x.dtype)
    return jnp.where(x <= limit, replacement, x).astype(dtype)


@jax.custom_jvp
def _relu6(x: jax.Array) -> jax.Array:
    return jnp.minimum(jnp.maximum(x, 0), 6)


@_relu6.defjvp
def _relu6_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # jnp.maximum and jnp.minimum split the derivative at a tie, which gives 0.5
    # at x == 0 and x == 6. The convention here is 0 at both kinks.
    inside = (x > 0) & (x < 6)
    return _relu6(x), jnp.where(inside, x_dot, jnp.zeros_like(x_dot))


def relu6(x: ArrayLike) -> jax.Array:
    r"""Rectified linear unit capped at 6.

    .. math::
      \mathrm{relu6}(x) = \min(\max(x, 0), 6)

    The range is :math:`[0, 6]`. The derivative is 1 for :math:`0 < x < 6`
    and 0 elsewhere; at the kinks :math:`x = 0` and :math:`x = 6` this
    function returns 0, as ``jax.nn.relu6`` does. NaN input gives NaN.
    Source: Krizhevsky, "Convolutional Deep Belief Networks on CIFAR-10",
    2010, which caps the ReLU at 6 so that the unit learns sparse features
    sooner.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("relu6")(jnp.array([-2.0, 0.5, 7.0]))
      Array([0. , 0.5, 6. ], dtype=float32)
    """
    x, dtype = widen(x)
    return _relu6(x).astype(dtype)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> jax.Array:
    r"""Leaky rectified linear unit.

    .. math::
      \mathrm{leaky\_relu}(x) = \begin{cases} x, & x > 0 \\ a x, & x \le 0
      \end{cases}

    where :math:`a` is ``negative_slope``. The range is all reals for
    :math:`a > 0`. The derivative is 1 for :math:`x > 0` and :math:`a` for
    :math:`x \le 0`; at the kink :math:`x = 0` this function returns
    :math:`a`, the left derivative, as ``relu`` (0) and ``elu``
    (:math:`\alpha`) do here and as PyTorch does. ``jax.nn.leaky_relu``
    returns 1 there. NaN input gives NaN. Source: Maas, Hannun and Ng,
    "Rectifier Nonlinearities Improve Neural Network Acoustic Models", ICML
    2013 workshop, with :math:`a = 0.01`.

    Args:
      x: input array.
      negative_slope: the slope :math:`a \ge 0` for negative inputs; it is
        cast to the dtype of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("leaky_relu", negative_slope=0.1)(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.2,  0. ,  1. ], dtype=float32)
    """
    x, dtype = widen(x)
    slope = jnp.asarray(negative_slope, x.dtype)
    return jnp.where(x > 0, x, slope * x).astype(dtype)


def rrelu(x: ArrayLike, lower: float = 1 / 8, upper: float = 1 / 3) -> jax.Array:
    r"""Randomized leaky ReLU, at its evaluation behaviour.

    .. math::
      \mathrm{rrelu}(x) = \begin{cases} x, & x > 0 \\ a x, & x \le 0
      \end{cases}, \quad a = \frac{l + u}{2}

    where :math:`l` is ``lower`` and :math:`u` is ``upper``. While training,
    the randomized ReLU draws the slope of each negative input uniformly from
    :math:`[l, u]`; at evaluation it uses the mean slope :math:`a`, which is
    what this pure function computes. The random slope needs a key and a
    training flag, so it comes from the module that ``module("rrelu")``
    returns, not from a function looked up with ``get``.

    The defaults :math:`l = 1/8` and :math:`u = 1/3` are PyTorch's, which give
    :math:`a = 11/48`. The source draws a divisor from :math:`U(3, 8)` instead
    and divides by the mean divisor at test time, a slope of :math:`2/11`.
    The range is all reals, the derivative is 1 for :math:`x > 0` and
    :math:`a` for :math:`x \le 0` (the left derivative at the kink, as for
    ``leaky_relu``). Source: Xu, Wang, Chen and Li, "Empirical Evaluation of
    Rectified Activations in Convolutional Network", 2015,
    https://arxiv.org/abs/1505.00853.

    Args:
      x: input array.
      lower: the smallest random slope, at least 0.
      upper: the largest random slope, at least ``lower``.

    Returns:
      An array with the shape and dtype of ``x``.

    Raises:
      ValueError: if ``lower`` and ``upper`` are numbers with ``lower >
        upper``; traced values are not checked.

    Example:
      >>> get("rrelu", lower=0.25, upper=0.75)(jnp.array([-2.0, 0.0, 1.0]))
      Array([-1.,  0.,  1.], dtype=float32)
    """
    _check_slopes(lower, upper)
    return leaky_relu(x, (lower + upper) / 2)


def _check_slopes(lower, upper) -> None:
    """Raise ValueError unless ``lower <= upper``; traced slopes pass."""
    numbers = isinstance(lower, int | float) and isinstance(upper, int | float)
    if numbers and lower > upper:
        raise ValueError(
            f"rrelu: lower={lower!r} and upper={upper!r} are invalid; "
            "lower must be at most upper"
        )


# A bound on |x / alpha| and |x| beyond which exp(x) is 0 in every dtype.
_EXP_NEGLIGIBLE = 2048.0


def _celu_quotient(x: jax.Array, alpha: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return min(x, 0) / alpha and the correction that makes it exact.

    The rounding error of the quotient q would become a relative error of up
    to |q| times the rounding unit in exp(q); the remainder x - q * alpha,
    exact by Dekker's product, recovers it.
    """
    negative = jnp.maximum(jnp.where(x > 0, 0, x), -_EXP_NEGLIGIBLE * alpha)
    quotient = negative / alpha
    product, error = _precise.two_prod(quotient, alpha)
    correction = _precise.finite_or_zero(((negative - product) - error) / alpha)
    return quotient, correction


@jax.custom_jvp
def _celu(x: jax.Array, alpha: jax.Array) -> jax.Array:
    quotient, correction = _celu_quotient(x, alpha)
    growth = _precise.expm1(quotient) + jnp.exp(quotient) * correction
    # Where |x / alpha| is below the rounding unit, alpha expm1(x / alpha)
    # rounds to x, and x / alpha could be subnormal, which XLA flushes to 0.
    negligible = jnp.abs(x) < alpha * jnp.finfo(x.dtype).eps
    return jnp.where((x > 0) | negligible, x, alpha * growth)


def _celu_jvp(primals, tangents):
    x, alpha = primals
    x_dot, alpha_dot = tangents
    positive = x > 0
    quotient, correction = _celu_quotient(x, alpha)
    exponential = jnp.exp(quotient) * (1 + correction)

    def by_x():
        return jnp.where(positive, 1, exponential)

    def by_alpha():
        growth = _precise.expm1(quotient)
        return jnp.where(positive, 0, growth - quotient * exponential)

    value = _celu(x, alpha)
    return value, _precise.combine_tangents(value, (x_dot, by_x), (alpha_dot, by_alpha))


_celu.defjvp(_celu_jvp, symbolic_zeros=True)


def celu(x: ArrayLike, alpha: float = 1.0) -> jax.Array:
    r"""Continuously differentiable exponential linear unit.

    .. math::
      \mathrm{celu}(x) = \begin{cases} x, & x > 0 \\
      \alpha \left(e^{x / \alpha} - 1\right), & x \le 0 \end{cases}

    The range is :math:`(-\alpha, \infty)`. The derivative is 1 for
    :math:`x > 0` and :math:`e^{x / \alpha}` for :math:`x \le 0`, which is
    continuous, 1 at :math:`x = 0`, for every :math:`\alpha` (ELU's is only
    for :math:`\alpha = 1`). The rounding error of :math:`x / \alpha` is
    recovered exactly, so value and derivative keep their precision for every
    :math:`\alpha`, also in the tail. ``jax.nn.celu`` differentiates
    :math:`e^x - 1` as :math:`(e^x - 1) + 1`, so its gradient is 0 below about
    :math:`x = -37.4\alpha` in float64 (:math:`-17.3\alpha` in float32), where
    the true derivative is a normal number. Source: Barron, "Continuously
    Differentiable Exponential Linear Units", 2017,
    https://arxiv.org/abs/1704.07483.

    Args:
      x: input array.
      alpha: the magnitude of the value :math:`-\alpha` that the output
        approaches as :math:`x \to -\infty`, greater than 0; it is cast to the
        dtype of ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("celu", alpha=0.5)(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.4908422,  0.       ,  1.       ], dtype=float32)
    """
    x, dtype = widen(x)
    return _celu(x, jnp.asarray(alpha, x.dtype)).astype(dtype)


# The fixed point constants of Klambauer et al., to 50 significant digits, from
# their closed forms alpha = -sqrt(2 / pi) / (erfc(1 / sqrt(2)) sqrt(e) - 1) and
# the corresponding expression for the scale.
_SELU_ALPHA = "1.6732632423543772848170429916716520384611553482812"
_SELU_SCALE = "1.0507009873554804934193349852946063519589812043764"
_SELU_SCALE_ALPHA = "1.7580993408473768599402175208122795773235068371620"


@jax.custom_jvp
def _selu(x: jax.Array) -> jax.Array:
    scale = _precise.constant(_SELU_SCALE, x.dtype)
    scale_alpha = _precise.constant(_SELU_SCALE_ALPHA, x.dtype)
    positive = x > 0
    return jnp.where(
        positive, scale * x, scale_alpha * _precise.expm1(jnp.where(positive, 0, x))
    )


@_selu.defjvp
def _selu_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    scale = _precise.constant(_SELU_SCALE, x.dtype)
    scale_alpha = _precise.constant(_SELU_SCALE_ALPHA, x.dtype)
    positive = x > 0
    # times_exp keeps the slope normal where exp(x) alone is subnormal.
    negative_slope = _precise.times_exp(scale_alpha, jnp.where(positive, 0, x))
    return _selu(x), jnp.where(positive, scale, negative_slope) * x_dot


def selu(x: ArrayLike) -> jax.Array:
    r"""Scaled exponential linear unit.

    .. math::
      \mathrm{selu}(x) = \lambda \begin{cases} x, & x > 0 \\
      \alpha (e^x - 1), & x \le 0 \end{cases}

    with :math:`\alpha = 1.6732632423543772848\ldots` and
    :math:`\lambda = 1.0507009873554804934\ldots`, the constants for which
    zero mean and unit variance are a stable fixed point of a layer with
    standard normal weights. This function uses them to 50 digits, rounded
    to the dtype. The range is :math:`(-\lambda\alpha, \infty)` with
    :math:`\lambda\alpha \approx 1.7581`. The derivative is :math:`\lambda`
    for :math:`x > 0` and :math:`\lambda\alpha e^x` for :math:`x \le 0`; at
    the kink :math:`x = 0` this function returns :math:`\lambda\alpha`, the
    left derivative, as ``elu`` does here and ``jax.nn.selu`` does. The output
    overflows to infinity only where :math:`\lambda x` exceeds the largest
    finite value. The derivative keeps its precision in the negative tail,
    where ``jax.nn.selu``'s gradient is 0 below about :math:`x = -37.4` in
    float64 (:math:`-17.3` in float32). Source: Klambauer, Unterthiner, Mayr
    and Hochreiter, "Self-Normalizing Neural Networks", NeurIPS 2017,
    https://arxiv.org/abs/1706.02515.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("selu")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-1.5201665,  0.       ,  1.050701 ], dtype=float32)
    """
    x, dtype = widen(x)
    return _selu(x).astype(dtype)


# Initialiser families: "he" (weight variance 2 / fan_in) makes up for units
# that are zero or nearly constant for about half of a zero-mean input, as every
# rectifier here is. SELU gets "lecun" (1 / fan_in), the variance for which its
# self-normalising fixed point was derived.
register(
    ActivationSpec(
        name="threshold",
        fn=threshold,
        hyperparameters=(
            Hyperparameter("threshold", 0.0, FINITE, is_finite),
            Hyperparameter("value", 0.0, FINITE, is_finite),
        ),
        initializer="he",
        summary="x if x > threshold else value",
        properties=Properties(
            range=(0.0, math.inf),
            monotonic=True,
            smooth=False,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.0,
            source="classical threshold unit, in the form of torch.nn.Threshold",
        ),
    )
)
register(
    ActivationSpec(
        name="relu6",
        fn=relu6,
        initializer="he",
        summary="ReLU capped at 6: min(max(x, 0), 6)",
        properties=Properties(
            range=(0.0, 6.0),
            monotonic=True,
            smooth=False,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=0.0,
            source="Krizhevsky 2010, 'Convolutional Deep Belief Networks on CIFAR-10'",
        ),
    )
)
register(
    ActivationSpec(
        name="leaky_relu",
        fn=leaky_relu,
        hyperparameters=(
            Hyperparameter("negative_slope", 0.01, NONNEGATIVE, is_nonnegative_finite),
        ),
        initializer="he",
        summary="x if x > 0 else negative_slope * x",
        properties=Properties(
            range=(-math.inf, math.inf),
            monotonic=True,
            smooth=False,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=0.01,
            source="Maas, Hannun and Ng 2013, 'Rectifier Nonlinearities Improve "
            "Neural Network Acoustic Models'",
        ),
    )
)
register(
    ActivationSpec(
        name="rrelu",
        fn=rrelu,
        hyperparameters=(
            Hyperparameter("lower", 1 / 8, NONNEGATIVE, is_nonnegative_finite),
            Hyperparameter("upper", 1 / 3, NONNEGATIVE, is_nonnegative_finite),
        ),
        initializer="he",
        summary="randomized leaky ReLU at evaluation: slope (lower + upper) / 2",
        joint_check=_check_slopes,
        properties=Properties(
            range=(-math.inf, math.inf),
            monotonic=True,
            smooth=False,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=(1 / 8 + 1 / 3) / 2,
            source="Xu, Wang, Chen and Li 2015, 'Empirical Evaluation of "
            "Rectified Activations in Convolutional Network'",
        ),
    )
)
register(
    ActivationSpec(
        name="celu",
        fn=celu,
        hyperparameters=(Hyperparameter("alpha", 1.0, POSITIVE, is_positive_finite),),
        initializer="he",
        summary="x if x > 0 else alpha * (exp(x / alpha) - 1)",
        properties=Properties(
            range=(-1.0, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="Barron 2017, 'Continuously Differentiable Exponential "
            "Linear Units'",
        ),
    )
)
register(
    ActivationSpec(
        name="selu",
        fn=selu,
        initializer="lecun",
        summary="scale * (x if x > 0 else alpha * (exp(x) - 1)), self-normalising",
        properties=Properties(
            range=(-float(_SELU_SCALE_ALPHA), math.inf),
            monotonic=True,
            smooth=False,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=float(_SELU_SCALE_ALPHA),
            source="Klambauer, Unterthiner, Mayr and Hochreiter 2017, "
            "'Self-Normalizing Neural Networks'",
        ),
    )
)
