"""The Gaussian error linear unit, in its exact form and its tanh approximation.

Both forms are computed so that value and derivative keep their relative
precision over the whole float range: the Gaussian tail through a normalised Mills
ratio with ``x**2`` formed exactly, the tanh form
through a logistic sigmoid whose argument is carried to twice the working
precision, and both derivatives without cancellation near their zero at the
minimum of the function.
"""

from __future__ import annotations

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
    register,
)

# Beyond this |x| the Gaussian factor exp(-x**2 / 2) is 0 in every dtype, and
# so is the exponential of the tanh form's argument.
_SATURATION = 64.0
_INV_SQRT_TWO_PI = "0.39894228040143267793994605993438186847585863116493"
_EIGHT_OVER_PI = "2.5464790894703253723021402139602297925513543318473"

# For t >= 0, Phi(-t) = exp(-t**2 / 2) Q(t) / (t + sqrt(t**2 + 8 / pi)). Q is
# sqrt(2 / pi) = 0.798 at t = 0 and as t grows, with a dip to 0.754 near t = 1:
# the denominator is a known bound on the Mills ratio, so Q is nearly constant
# and its Chebyshev series sums with almost no rounding error. The series is in
# u = (2 - t) / (2 + t), which maps t in [0, inf) onto (-1, 1]; c[0] is
# halved. The coefficients come from mpmath at 60 digits on 64 Chebyshev
# nodes, which tests/test_activations_rectifiers.py repeats. float32 uses the
# first 19.
_MILLS_SCALE = 2.0
_MILLS_COEFFICIENTS = (
    0.7815615633131667,
    -0.010582101203155262,
    0.01591986373295538,
    0.011789836606187891,
    0.0005149994892649703,
    -0.001351174470116547,
    -0.00012981477312744755,
    0.00015996304824112456,
    2.078748736827003e-05,
    -1.82812273522712e-05,
    -3.307851674982117e-06,
    1.9206415314491175e-06,
    5.479459711874623e-07,
    -1.7484140657165686e-07,
    -9.117789207832992e-08,
    1.1512032149662178e-08,
    1.4523006447386443e-08,
    1.374286023842407e-10,
    -2.1418213861568078e-09,
    -2.625247436860918e-10,
    2.863982253740381e-10,
    7.176643700088108e-11,
    -3.382968301016215e-11,
    -1.496015427711689e-11,
    3.26896102508114e-12,
    2.7127226209171796e-12,
    -1.7189383000875668e-13,
    -4.4257414991443853e-13,
    -2.7230745388867487e-14,
    6.557147331242431e-14,
    1.2415560139200445e-14,
    -8.746838005312067e-15,
    -3.065511408736274e-15,
    1.004108163938106e-15,
    6.13977797689406e-16,
    -8.344662536932698e-17,
    -1.0851070598798356e-16,
    -3.103769812137875e-19,
    1.737988187640077e-17,
    2.2549345372100157e-18,
    -2.5216203436500583e-18,
)
_MILLS_TERMS = {"float32": 19, "float64": 41}

# The exact derivative is phi(x) G(x) with G(x) = M(-x) + x for x < 0, M the
# Mills ratio, and G has its zero at _GELU_ROOT, the minimum of the GELU.
# Within _GELU_WINDOW of it, G is its Taylor series in d = x - x0, whose
# coefficients follow from G' = 2 - x**2 + x G; they come from mpmath at 60
# digits, which tests/test_activations_rectifiers.py repeats. float32 uses the
# first 13.
_GELU_ROOT = "-0.75179152469356445745790494677952403966447115342345"
_GELU_WINDOW = 0.75
_GELU_TAYLOR = (
    1.4348095033989257,
    0.21245271259101728,
    0.09169645155828038,
    0.03587902436625702,
    0.012944581025090893,
    0.004357899676814093,
    0.001381192711799605,
    0.00041494133776432855,
    0.00011880481453593035,
    3.2562488510342534e-05,
    8.574964695538479e-06,
    2.1763252273075144e-06,
    5.337555257439918e-07,
    1.267894533424874e-07,
    2.922908595337198e-08,
    6.550954640512665e-09,
    1.4296549279989754e-09,
    3.0423067680036925e-10,
    6.320720440150899e-11,
    1.2835601811587053e-11,
    2.5503575116769753e-12,
    4.962847567895334e-13,
    9.466325381252161e-14,
    1.7713238536390162e-14,
)
_GELU_TAYLOR_TERMS = {"float32": 13, "float64": 24}

# The tanh form: u(x) = sqrt(2 / pi) (x + 0.044715 x**3) = x (c1 + c2 x**2).
_TANH_C1 = "0.79788456080286535587989211986876373695171726232987"
_TANH_C2 = "0.03567740813630012438816937613993177049779603738508"
# Its derivative is sigmoid(2u) sigmoid(-2u) N(x) with
# N(x) = 1 + 2 x u'(x) + exp(2 u(x)), whose zero is _TANH_ROOT. In d = x - x0,
# N = P(d) + exp(2 u(x0)) expm1(U(d)) with the cubics P(d) = 1 + 2 x u'(x)
# - (its value at x0) and U(d) = 2 u(x) - 2 u(x0), both of the sign of d:
# P(d) = d (p1 + d (p2 + d p3)) and U(d) = d (q1 + d (q2 + d q3)).
_TANH_ROOT = "-0.75246142207101625848795444328891609060539217803763"
# Below this x the derivative's factor N is computed from u directly.
_TANH_TAIL = -3.5
_TANH_ROOT_EXP = "0.29195521191476713459497683327812580584222617100232"
_TANH_P = (
    "1.959377833092717020143358456014056554295",
    "-0.4832257187168718741771578526821045784072",
    "0.2140644488178007463290162568395906229868",
)
_TANH_Q = (
    "1.716972025434726147887642311829703834034",
    "-0.1610752395722906247257192842273681928024",
    "0.07135481627260024877633875227986354099559",
)


def _chebyshev(u: jax.Array, coefficients: tuple[float, ...]) -> jax.Array:
    """Return sum_k c_k T_k(u) by Clenshaw's recurrence; c[0] is halved."""
    b1 = jnp.zeros_like(u)
    b2 = jnp.zeros_like(u)
    for c in coefficients[:0:-1]:
        b1, b2 = 2 * u * b1 - b2 + c, b1
    return u * b1 - b2 + coefficients[0]


def _gaussian(x: jax.Array) -> tuple[jax.Array, ...]:
    """Return the parts of Phi(x) and phi(x) for ``x`` clamped to the range.

    Returns ``(clamped, exponent, ratio, ratio_delta, square_delta)`` with
    ``exp(-x**2 / 2) = exp(exponent) * (1 + square_delta)`` and
    ``Phi(-|x|) = exp(exponent) * ratio * (1 + ratio_delta)``, each to within
    the rounding of ``ratio``. ``x**2`` is formed exactly, because its rounding
    error would be amplified ``x**2 / 2`` times. The deltas carry that error
    and the rounding error of the Mills-ratio bound, so that a product with
    ``1 + delta`` rounds once.
    """
    clamped = jnp.clip(x, -_SATURATION, _SATURATION)
    magnitude = jnp.abs(clamped)
    square, square_error = _precise.two_prod(clamped, clamped)
    root = _precise.sqrt_of_square_plus(
        magnitude, _precise.constant(_EIGHT_OVER_PI, x.dtype)
    )
    bound, bound_error = _precise.two_sum(magnitude, root)
    u = (_MILLS_SCALE - magnitude) / (_MILLS_SCALE + magnitude)
    terms = _MILLS_TERMS[jnp.dtype(x.dtype).name]
    ratio = _chebyshev(u, _MILLS_COEFFICIENTS[:terms]) / bound
    square_delta = -square_error / 2
    ratio_delta = square_delta - bound_error / bound
    return clamped, -square / 2, ratio, ratio_delta, square_delta


@jax.custom_jvp
def _gelu_exact(x: jax.Array) -> jax.Array:
    clamped, exponent, ratio, ratio_delta, _ = _gaussian(x)
    # x >= 0: x (1 - Phi(-x)); x < 0: x Phi(x).
    upper_tail = _precise.times_exp(ratio + ratio * ratio_delta, exponent)
    scaled = clamped * ratio
    negative = _precise.times_exp(scaled + scaled * ratio_delta, exponent)
    return jnp.where(x >= 0, x * (1 - upper_tail), negative)


def _gelu_exact_slope(x: jax.Array) -> jax.Array:
    clamped, exponent, ratio, ratio_delta, square_delta = _gaussian(x)
    density_high, density_low = _precise.split_constant(_INV_SQRT_TWO_PI, x.dtype)
    # x / sqrt(2 pi) as a pair of floats, scaled + scaled_error.
    scaled, scaled_error = _precise.two_prod(jnp.asarray(density_high), clamped)
    scaled_error = scaled_error + density_low * clamped
    # Phi(x) + x phi(x) is 1 + exp(-x**2 / 2) (x / sqrt(2 pi) - ratio) for
    # x >= 0, a sum of terms far apart or of one sign.
    upper = (scaled - ratio) + (
        scaled_error + scaled * square_delta - ratio * ratio_delta
    )
    positive = 1 + _precise.times_exp(upper, exponent)
    # x < 0: exp(-x**2 / 2) (ratio + x / sqrt(2 pi)), which cancels near the
    # zero x0; there the Taylor series of G = ratio sqrt(2 pi) + x replaces it.
    # Elsewhere the terms do not cancel, and with the corrections folded in the
    # sum rounds once.
    offset = _precise.offset_from(clamped, _GELU_ROOT)
    coefficients = _GELU_TAYLOR[: _GELU_TAYLOR_TERMS[jnp.dtype(x.dtype).name]]
    series = jnp.full_like(x, coefficients[-1])
    for coefficient in coefficients[-2::-1]:
        series = series * offset + coefficient
    near_root = density_high * (series * offset)
    near_root = near_root + near_root * (square_delta + density_low / density_high)
    direct = scaled + (
        (scaled_error + scaled * square_delta) + (ratio + ratio * ratio_delta)
    )
    gate = jnp.where(jnp.abs(offset) <= _GELU_WINDOW, near_root, direct)
    negative = _precise.times_exp(gate, exponent)
    return jnp.where(x >= 0, positive, negative)


@_gelu_exact.defjvp
def _gelu_exact_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return _gelu_exact(x), _gelu_exact_slope(x) * x_dot


def _tanh_argument(x: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Return x clamped, and 2 u(x) as an unevaluated sum ``high + low``.

    In the negative tail sigmoid(2u) has a relative error of |2u| times that
    of 2u, so 2u is carried to about twice the working precision.
    """
    clamped = jnp.clip(x, -_SATURATION, _SATURATION)
    c1_high, c1_low = _precise.split_constant(_TANH_C1, x.dtype)
    c2_high, c2_low = _precise.split_constant(_TANH_C2, x.dtype)
    square, square_error = _precise.two_prod(clamped, clamped)
    cubic, cubic_error = _precise.two_prod(c2_high, square)
    cubic_error = cubic_error + (c2_low * square + c2_high * square_error)
    factor, factor_error = _precise.two_sum(c1_high, cubic)
    factor_error = factor_error + (c1_low + cubic_error)
    argument, argument_error = _precise.two_prod(clamped, factor)
    argument_error = argument_error + clamped * factor_error
    return clamped, 2 * argument, 2 * argument_error


@jax.custom_jvp
def _gelu_tanh(x: jax.Array) -> jax.Array:
    _, argument, argument_error = _tanh_argument(x)
    # -inf * sigmoid(-inf) would be NaN; the limit is 0.
    factor = jnp.maximum(x, jnp.finfo(x.dtype).min)
    return _precise.logistic_times(factor, argument, argument_error)


def _gelu_tanh_slope(x: jax.Array) -> jax.Array:
    clamped, argument, argument_error = _tanh_argument(x)
    c1_high, c1_low = _precise.split_constant(_TANH_C1, x.dtype)
    c2 = _precise.constant(_TANH_C2, x.dtype)

    # x >= 0: sigmoid(2u) (1 + 2 x u'(x) sigmoid(-2u)), all terms positive.
    growth = 2 * clamped * (c1_high + 3 * c2 * clamped * clamped)
    decay = jnp.exp(-jnp.abs(argument))
    positive = (1 + growth * (decay / (1 + decay))) / (1 + decay)

    # x < 0: sigmoid(2u) sigmoid(-2u) N(x), with N in d = x - x0 as a sum of
    # terms with the sign of d. Its leading term p1 d is formed exactly, from d
    # and p1 as pairs of floats.
    offset_high, offset_low = _precise.offset_pair_from(clamped, _TANH_ROOT)
    offset = offset_high + offset_low
    p1_high, p1_low = _precise.split_constant(_TANH_P[0], x.dtype)
    p2, p3 = (_precise.constant(c, x.dtype) for c in _TANH_P[1:])
    q1, q2, q3 = (_precise.constant(c, x.dtype) for c in _TANH_Q)
    leading, leading_error = _precise.two_prod(jnp.asarray(p1_high), offset_high)
    higher = offset_high * (offset * (p2 + offset * p3))
    exponent = offset * (q1 + offset * (q2 + offset * q3))
    numerator = leading + (
        (leading_error + p1_low * offset_high + p1_high * offset_low)
        + higher
        + _precise.constant(_TANH_ROOT_EXP, x.dtype) * _precise.expm1(exponent)
    )

    # Far below x0 the cubic P(d) rounds more than N = 1 + 6u - 4 c1 x
    # + exp(2u) does, with 2u and 4 c1 x as pairs of floats; there 6u dominates.
    linear, linear_error = _precise.two_prod(jnp.asarray(4 * c1_high), clamped)
    linear_error = linear_error + 4 * c1_low * clamped
    tail = 3 * argument + (
        3 * argument_error + ((1 - linear) - linear_error) + jnp.exp(argument)
    )
    numerator = jnp.where(clamped < _TANH_TAIL, tail, numerator)
    negative = _precise.logistic_slope_times(numerator, argument, argument_error)
    return jnp.where(x >= 0, positive, negative)


@_gelu_tanh.defjvp
def _gelu_tanh_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return _gelu_tanh(x), _gelu_tanh_slope(x) * x_dot


def gelu(x: ArrayLike, approximate: bool = False) -> jax.Array:
    r"""Gaussian error linear unit: the input weighted by the normal CDF.

    .. math::
      \mathrm{gelu}(x) = x \, \Phi(x)
      = \frac{x}{2} \mathrm{erfc}\left(-\frac{x}{\sqrt{2}}\right)

    With ``approximate=True`` the tanh approximation of the same paper:

    .. math::
      \mathrm{gelu}(x) \approx \frac{x}{2} \left(1 + \tanh\left(
      \sqrt{2/\pi} \left(x + 0.044715 x^3\right)\right)\right)
      = x \, \sigma\left(2 \sqrt{2/\pi} \left(x + 0.044715 x^3\right)\right)

    The default is the exact form, because it is the function the paper
    defines and PyTorch's default. The accuracy of this catalogue is also
    measured against the function as defined, and the approximation differs
    from it by up to :math:`4.7 \times 10^{-4}` (near :math:`x = \pm 2.7`),
    relatively by far more in the negative tail. Choose the approximation to
    match models trained with it, such as GPT-2, or ``jax.nn.gelu``, whose
    default is ``approximate=True``. It was proposed for speed where ``erf``
    is slow.

    The range is :math:`[m, \infty)` with :math:`m \approx -0.16997` at
    :math:`x_0 \approx -0.75179` (tanh form: :math:`-0.17004` at
    :math:`-0.75246`). The derivative of the exact form is
    :math:`\Phi(x) + x\,\varphi(x)`, 1/2 at 0. Both forms are computed
    without cancellation near the zero of the derivative and without underflow
    of the Gaussian factor before the result. The exact form evaluates
    :math:`\Phi(-|x|)` as :math:`e^{-x^2/2}` times a series for the Mills ratio,
    with :math:`x^2` formed exactly, and the tanh form carries the sigmoid's
    argument to twice the working precision; ``jax.nn.gelu`` loses the relative
    precision of the value and the gradient in the negative tail. Source:
    Hendrycks and Gimpel, "Gaussian Error Linear Units (GELUs)", 2016,
    https://arxiv.org/abs/1606.08415.

    Args:
      x: input array.
      approximate: use the tanh approximation instead of the exact form.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("gelu")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.04550026,  0.        ,  0.8413447 ], dtype=float32)
    """
    x, dtype = widen(x)
    result = _gelu_tanh(x) if approximate else _gelu_exact(x)
    return result.astype(dtype)


register(
    ActivationSpec(
        name="gelu",
        fn=gelu,
        hyperparameters=(
            Hyperparameter(
                "approximate",
                False,
                "True or False",
                lambda value: isinstance(value, bool),
            ),
        ),
        # "he" (weight variance 2 / fan_in), because the GELU, like the ReLU,
        # passes about half of a zero-mean input and damps the rest.
        initializer="he",
        summary="x * Phi(x), exact or with the tanh approximation",
        properties=Properties(
            range=(-0.16997120747990366169, math.inf),
            monotonic=False,
            smooth=True,
            zero_centred=True,
            self_gated=True,
            derivative_at_0=0.5,
            source="Hendrycks and Gimpel 2016, 'Gaussian Error Linear Units (GELUs)'",
        ),
    )
)
