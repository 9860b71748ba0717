"""The Gaussian error linear unit, in its exact form and its tanh approximation.

Both forms are computed so that value and derivative keep their relative
precision over the whole float range: the Gaussian tail through a normalised Mills
ratio with ``x**2`` formed exactly, the tanh form
through a logistic sigmoid whose argument is carried to twice the working
precision, and both derivatives without cancellation near their zero at the
minimum of the function.

float32 has its own implementation of each form, built for speed: the value
and the derivative each compile to one fused loop with one exponential and one
division, and the double-word steps use a bit-mask split, which needs no guard
against XLA's contraction or folding. float64 keeps the implementation built
on ``_precise``.
"""

from __future__ import annotations

import decimal
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from actlab.activations import _precise
from actlab.activations._numerics import _split, widen
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


# float32 building blocks. ``_numerics._split`` cuts a float32 into two halves
# of 12 significant bits with a bit mask, so products of halves are exact
# whatever XLA contracts or folds, and Dekker's product error needs no guard.


def _product_error32(a: jax.Array, b: jax.Array, product: jax.Array) -> jax.Array:
    """Return ``a * b - product`` for ``product = fl(a * b)`` (Dekker)."""
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    return ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + (
        a_low * b_low
    )


def _horner(x: jax.Array, coefficients) -> jax.Array:
    """Return ``sum_k c_k x**k`` for ``coefficients`` ``c`` in rising order.

    Past the first 4 coefficients, the terms are split by degree modulo 4 into
    four polynomials in ``x**4``, each by Horner's rule, and the first 4 are
    added by Horner's rule. The four chains of dependent multiply-adds run side
    by side, whereas one long chain leaves the CPU waiting for each result
    (about 30% less time for 22 coefficients, jax 0.10.2 on x86-64). The split
    part is small, so its extra roundings add little to the error.
    """
    if len(coefficients) < 12:
        total = jnp.full_like(x, coefficients[-1])
        for coefficient in coefficients[-2::-1]:
            total = total * x + coefficient
        return total
    square = x * x
    tail = coefficients[4:]
    parts = [_horner(square * square, tail[k::4]) for k in range(4)]
    total = (parts[0] + x * parts[1]) + square * (parts[2] + x * parts[3])
    for coefficient in coefficients[3::-1]:
        total = total * x + coefficient
    return total


def _shift_series(taylor, text: str) -> tuple[float, ...]:
    """Return ``taylor``, a series about the decimal ``text``, about float32 r.

    r is the float32 nearest ``text``. Re-expanded about r, the series needs
    no double-word offset: ``x - r`` is exact near r (Sterbenz), and the
    constant term carries the small distance from r to ``text``.
    """
    root = decimal.Decimal(text)
    shift = float(decimal.Decimal(float(np.float32(float(root)))) - root)
    return tuple(
        sum(
            math.comb(k, j) * c * shift ** (k - j)
            for k, c in enumerate(taylor)
            if k >= j
        )
        for j in range(len(taylor))
    )


def _series_product(a, b) -> list[float]:
    """Return the product of two power series, truncated to the length of ``a``."""
    return [sum(a[k] * b[n - k] for k in range(n + 1)) for n in range(len(a))]


# The float32 exact form, built for speed: the value and the derivative each
# compile to one fused loop with one exponential and one division. It
# evaluates R(t) = F(v) / (1 + t), with v = (1 - t) / (1 + t) in [-1, 1], by a
# polynomial F that varies only between 0.399 and 0.526, so one division serves
# both v and R.
_F32_TERMS = 22


@functools.cache
def _f32_polynomial() -> tuple[tuple[float, ...], float]:
    """Return F's coefficients in powers of v, and F's constant term's error.

    The error is the float32 rounding error of the constant term, relative to
    it, which _parts32 adds back. F is interpolated in float64 from the full
    series Q at 64 Chebyshev nodes. Its Chebyshev coefficients fall below
    1e-10 after the first 22.
    """
    nodes = np.cos(np.pi * (np.arange(64) + 0.5) / 64)
    t = (1 - nodes) / (1 + nodes)
    u = (_MILLS_SCALE - t) / (_MILLS_SCALE + t)
    series = np.polynomial.chebyshev.chebval(u, np.asarray(_MILLS_COEFFICIENTS))
    ratio = series / (t + np.sqrt(t * t + float(_EIGHT_OVER_PI)))
    chebyshev = np.polynomial.chebyshev.chebfit(nodes, ratio * (1 + t), 63)
    power = np.polynomial.chebyshev.cheb2poly(chebyshev[:_F32_TERMS])
    lead = float(power[0])
    return tuple(float(c) for c in power), (lead - float(np.float32(lead))) / lead


def _parts32(x: jax.Array) -> tuple[jax.Array, ...]:
    """Return the float32 parts of ``exp(-x**2 / 2) R(|x|)``.

    Returns ``(clamped, s, s_error, ratio, ratio_error)`` with
    ``-x**2 / 2 = s + s_error`` and ``R(|x|) = ratio + ratio_error``, each to
    about twice the working precision. With ``x = h + l`` from ``_split``,
    ``-x**2 / 2`` is ``-h**2 / 2 - l (x + h) / 2`` with an exact first term,
    and the rounding of the sum is kept (Fast2Sum). ``r = 1 / (1 + t)`` is
    corrected by its exact residual ``1 - r - t r``. The rounding of
    ``F(v) r`` is kept (Dekker), and so is that of F's constant term.
    """
    clamped = jnp.clip(x, -_SATURATION, _SATURATION)
    high, low = _split(clamped)
    exact = -(high * high) / 2
    small = -(low * (clamped + high)) / 2
    exponent = _precise.rounded(exact + small)
    exponent_error = small - (exponent - exact)
    t = jnp.abs(clamped)
    r = 1 / (1 + t)
    tr = t * r
    tr_error = _product_error32(t, r, tr)
    residual = jnp.where(t > 1, (1 - tr) - r, (1 - r) - tr) - tr_error
    v = 2 * r - 1
    coefficients, lead_error = _f32_polynomial()
    series = _horner(v, coefficients)
    ratio = series * r
    ratio_low = _product_error32(series, r, ratio) + ratio * (residual + lead_error)
    return clamped, exponent, exponent_error, ratio, ratio_low


@jax.custom_jvp
def _gelu_exact32(x: jax.Array) -> jax.Array:
    # x >= 0: x - x Phi(-x); x < 0: x Phi(x). Phi(-|x|) = exp(-x**2 / 2) R(|x|)
    # and |x| R(|x|) < 1 / sqrt(2 pi), so the product underflows only where the
    # result does. The product x R is carried to twice the working precision.
    clamped, exponent, exponent_error, ratio, ratio_error = _parts32(x)
    positive = x >= 0
    factor = jnp.where(positive, -clamped, clamped)
    scaled = factor * ratio
    low = _product_error32(factor, ratio, scaled) + factor * ratio_error
    tail = (scaled + (low + scaled * exponent_error)) * jnp.exp(exponent)
    return jnp.where(positive, x, 0).astype(x.dtype) + tail


def _gelu_exact_slope32(x: jax.Array) -> jax.Array:
    # As in _gelu_exact_slope: 1 + exp(-x**2 / 2) (x / sqrt(2 pi) - R) for
    # x >= 0, exp(-x**2 / 2) (R + x / sqrt(2 pi)) for x < 0 with the Taylor
    # series of G near its zero. XLA on CPU does not fuse a division or an
    # exponential into a loop that reads it twice, so the sign is a factor.
    clamped, exponent, exponent_error, ratio, ratio_error = _parts32(x)
    density = _precise.constant(_INV_SQRT_TWO_PI, x.dtype)
    scaled = density * clamped
    positive = x >= 0
    sign = jnp.where(positive, -1, 1).astype(x.dtype)
    gate = scaled + sign * (ratio + ratio_error)
    offset = clamped - _precise.constant(_GELU_ROOT, x.dtype)
    series = density * _horner(offset, _root_series())
    gate = jnp.where(~positive & (jnp.abs(offset) <= _GELU_WINDOW), series, gate)
    gate = gate + gate * exponent_error
    return positive.astype(x.dtype) + _precise.times_exp(gate, exponent)


@functools.cache
def _root_series() -> tuple[float, ...]:
    """Return the float32 series of G about the float32 nearest its root x0."""
    taylor = (0.0, *_GELU_TAYLOR[: _GELU_TAYLOR_TERMS["float32"]])
    return _shift_series(taylor, _GELU_ROOT)


@_gelu_exact32.defjvp
def _gelu_exact32_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # The barrier keeps XLA from sharing the exponential and the division
    # between value and derivative. Shared, each would be stored to memory and
    # read back by both, which costs more than computing it twice.
    slope = _gelu_exact_slope32(jax.lax.optimization_barrier(x))
    return _gelu_exact32(x), slope * x_dot


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


@jax.custom_jvp
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


@_gelu_tanh_slope.defjvp
def _gelu_tanh_slope_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # With a = 2u(x) and p = sigmoid(a) sigmoid(-a) = e / (1 + e)**2 for
    # e = exp(-|a|), the second derivative is p (2 a' + x (1 - 2 sigmoid(a))
    # a'**2 + x a''), and x (1 - 2 sigmoid(a)) = -|x| (1 - e) / (1 + e). The
    # selects of the slope would give NaN where differentiated in the tails.
    clamped = jnp.clip(x, -_SATURATION, _SATURATION)
    c1 = _precise.constant(_TANH_C1, x.dtype)
    c2 = _precise.constant(_TANH_C2, x.dtype)
    argument = 2 * clamped * (c1 + c2 * clamped * clamped)
    rate = 2 * (c1 + 3 * c2 * clamped * clamped)
    decay = jnp.exp(-jnp.abs(argument))
    shifted = 1 + decay
    spread = decay / (shifted * shifted)
    bend = -jnp.abs(clamped) * (1 - decay) / shifted * rate * rate
    curvature = spread * (2 * rate + bend + 12 * c2 * clamped * clamped)
    return _gelu_tanh_slope(x), curvature * x_dot


@_gelu_tanh.defjvp
def _gelu_tanh_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return _gelu_tanh(x), _gelu_tanh_slope(x) * x_dot


# The float32 tanh form: the value and the derivative each take one
# exponential of -|2u| and one division, in one fused loop each. 2u is carried
# to twice the working precision. For x in [x0 - _TANH_WINDOW, 0), around the
# zero x0 of the derivative, the derivative is its Taylor series, whose first
# _TANH_TAYLOR_TERMS terms reach float32 precision there.
_TANH_WINDOW = 0.75
_TANH_TAYLOR_TERMS = 24
# Beyond this |x| = sqrt(1 / 0.044715), |2 k2 x**3| exceeds |2u|.
_TANH_FAST_SUM = math.sqrt(1 / 0.044715)
# Below log(smallest normal float32) + 1 the exponential is taken of the
# argument plus _TANH_SHIFT and scaled back after the product.
_TANH_UNDERFLOW = math.log(float(np.finfo(np.float32).tiny)) + 1
_TANH_SHIFT = 64.0


@functools.cache
def _tanh_slope_series() -> tuple[float, ...]:
    """Return the derivative of the tanh form about the float32 nearest x0.

    About the root x0, ``N = P(d) + E0 (f(d) - 1)`` with ``f = exp(U)``,
    whose series follows from ``f' = U' f``: ``n f_n = sum k U_k f_(n-k)``.
    The derivative is ``N e / (1 + e)**2`` with ``e = E0 f``; the series
    arithmetic is in float64, far below float32's rounding.
    """
    terms = _TANH_TAYLOR_TERMS
    p = [0.0, *(float(c) for c in _TANH_P)]
    q = [0.0, *(float(c) for c in _TANH_Q)]
    root_exp = float(_TANH_ROOT_EXP)
    f = [1.0]
    for n in range(1, terms):
        f.append(sum(k * q[k] * f[n - k] for k in range(1, min(n, 3) + 1)) / n)
    numerator = [0.0] + [
        (p[n] if n <= 3 else 0.0) + root_exp * f[n] for n in range(1, terms)
    ]
    exponential = [root_exp * c for c in f]
    denominator = _series_product(exponential, exponential)
    denominator = [
        c + 2 * e + (1.0 if n == 0 else 0.0)
        for n, (c, e) in enumerate(zip(denominator, exponential, strict=True))
    ]
    inverse = [1 / denominator[0]]
    for n in range(1, terms):
        total = sum(denominator[k] * inverse[n - k] for k in range(1, n + 1))
        inverse.append(-total / denominator[0])
    slope = _series_product(_series_product(numerator, exponential), inverse)
    return _shift_series(slope, _TANH_ROOT)


def _tanh_parts32(x: jax.Array) -> tuple[jax.Array, ...]:
    """Return float32 ``(clamped, a, a_error, cubic, cubic_error)``.

    ``a + a_error = 2 u(x) = x (k1 + k2 x**2)`` and
    ``cubic + cubic_error = k2 x**3``, each to about twice the working
    precision. k1 and k2 are taken as pairs
    of floats, the products are Dekker's and the sum is Knuth's TwoSum.
    """
    clamped = jnp.clip(x, -_SATURATION, _SATURATION)
    c1_high, c1_low = _precise.split_constant(_TANH_C1, np.float32)
    c2_high, c2_low = _precise.split_constant(_TANH_C2, np.float32)
    square = clamped * clamped
    square_error = _product_error32(clamped, clamped, square)
    quadratic = (2 * c2_high) * square
    quadratic_error = _product_error32(jnp.asarray(2 * c2_high), square, quadratic)
    quadratic_error = quadratic_error + (
        (2 * c2_low) * square + (2 * c2_high) * square_error
    )
    factor = _precise.rounded(2 * c1_high + quadratic)
    virtual = factor - 2 * c1_high
    sum_error = (2 * c1_high - (factor - virtual)) + (quadratic - virtual)
    factor_error = sum_error + (2 * c1_low + quadratic_error)
    argument = clamped * factor
    argument_error = _product_error32(clamped, factor, argument)
    argument_error = argument_error + clamped * factor_error
    cubic = clamped * quadratic
    cubic_error = _product_error32(clamped, quadratic, cubic)
    cubic_error = cubic_error + clamped * quadratic_error
    return clamped, argument, argument_error, cubic, cubic_error


@jax.custom_jvp
def _gelu_tanh32(x: jax.Array) -> jax.Array:
    # x sigmoid(a) with e = exp(-|a|) is x / (1 + e) for x >= 0 and
    # x e / (1 + e) for x < 0. For x >= 0 a relative error of a changes the
    # result by at most 0.28 times as much, so only x < 0 corrects e for the
    # rounding of a.
    _, argument, argument_error, _, _ = _tanh_parts32(x)
    negative = x < 0
    exponent = -jnp.abs(argument)
    tail = exponent < _TANH_UNDERFLOW
    shifted = jnp.exp(jnp.where(tail, exponent + _TANH_SHIFT, exponent))
    decay = jnp.where(tail, 0, shifted)
    # One division gives x / (1 + e) for x >= 0, and delta = -e / (1 + e) with
    # 1 / (1 + e) = 1 + delta for x < 0, where the value is q + q (a_error +
    # delta) with q = x e: it rounds once where e is small. The quotient is
    # read once, so that XLA on CPU fuses the division into the loop.
    quotient = jnp.where(negative, -decay, x) / (1 + decay)
    # -inf * 0 would be NaN; the limit at -inf is 0.
    product = jnp.maximum(x, jnp.finfo(x.dtype).min) * shifted
    base = jnp.where(negative, product, 0)
    factor = jnp.where(negative, product, 1)
    correction = jnp.where(negative, argument_error, 0)
    value = base + factor * (correction + quotient)
    scale = jnp.where(negative & tail, math.exp(-_TANH_SHIFT), 1)
    return value * scale.astype(x.dtype)


def _gelu_tanh_slope32(x: jax.Array) -> jax.Array:
    # sigmoid(a) (1 + x a' sigmoid(-a)) with e = exp(-|a|) is
    # (1 + e (1 + x a')) / (1 + e)**2 for x >= 0 and e N / (1 + e)**2 for
    # x < 0, with N = 1 + e + x a' and x a' = a + 2 k2 x**3.
    clamped, argument, argument_error, cubic, cubic_error = _tanh_parts32(x)
    negative = x < 0
    exponent = -jnp.abs(argument)
    tail = exponent < _TANH_UNDERFLOW
    shifted = jnp.exp(jnp.where(tail, exponent + _TANH_SHIFT, exponent))
    decay = jnp.where(tail, 0, shifted)

    # x < 0: N as a sum high + low. Its terms 1 + e and x a' cancel up to
    # twofold outside the series' window, so the rounding errors of the sums
    # are kept (Fast2Sum, TwoSum). a + 2 k2 x**3 is a Fast2Sum with the larger
    # term first, and |a| >= |2 k2 x**3| where |x| <= 4.7.
    one_plus = _precise.rounded(1 + decay)
    one_plus_error = decay - (one_plus - 1)
    growth = _precise.rounded(argument + 2 * cubic)
    growth_error = 2 * cubic_error + jnp.where(
        clamped > -_TANH_FAST_SUM,
        2 * cubic - (growth - argument),
        argument - (growth - 2 * cubic),
    )
    high = _precise.rounded(one_plus + growth)
    virtual = high - one_plus
    high_error = (one_plus - (high - virtual)) + (growth - virtual)
    # The rounding of a enters both x a' and e: N (1 + a_error).
    low = (high_error + one_plus_error + growth_error) + argument_error * (2 + growth)

    # 1 / (1 + e)**2 = 1 + delta with delta = -g / (1 + g), g = e (2 + e).
    # x >= 0: (1 + e (1 + x a')) / (1 + g). x < 0: (N + N delta) e, with N
    # delta added to the low part, where it rounds little because
    # delta >= -0.2 outside the window. One division serves both, and its
    # result is read once, because XLA on CPU does not fuse a division into a
    # loop that reads it twice.
    square_growth = decay * (2 + decay)
    numerator = jnp.where(negative, -square_growth * high, 1 + decay * (1 + growth))
    quotient = numerator / (1 + square_growth)
    high = jnp.where(negative, high, 0)
    low = jnp.where(negative, low, 0)
    slope = (high + (low + quotient)) * jnp.where(negative, shifted, 1)
    scale = jnp.where(negative & tail, math.exp(-_TANH_SHIFT), 1)
    slope = slope * scale.astype(x.dtype)

    offset = clamped - _precise.constant(_TANH_ROOT, np.float32)
    series = _horner(offset, _tanh_slope_series())
    return jnp.where(negative & (offset >= -_TANH_WINDOW), series, slope)


@_gelu_tanh32.defjvp
def _gelu_tanh32_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # As for the exact form, the barrier keeps the exponential and the
    # division from being shared, stored and read back.
    slope = _gelu_tanh_slope32(jax.lax.optimization_barrier(x))
    return _gelu_tanh32(x), slope * x_dot


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
    precision of the value and the gradient in the negative tail. In float32
    each form takes one exponential and one division for the value and again
    for the derivative. On 2**23 float32 points (random magnitudes from 2**-30
    to 256 of both signs, and a uniform grid over [-20, 20]) the worst errors
    measured against the float64 result were 2.8 ulp (value) and 3.4 ulp
    (derivative) for the exact form, and 3.3 and 2.9 ulp for the tanh form
    (jax 0.10.2, x86-64 CPU). Source:
    Hendrycks and Gimpel, "Gaussian Error Linear Units (GELUs)", 2016,
    https://arxiv.org/abs/1606.08415.

    Args:
      x: input array.
      approximate: use the tanh approximation instead of the exact form.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("gelu")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.04550027,  0.        ,  0.8413448 ], dtype=float32)
    """
    x, dtype = widen(x)
    if approximate and x.dtype == np.float32:
        result = _gelu_tanh32(x)
    elif approximate:
        result = _gelu_tanh(x)
    elif x.dtype == np.float32:
        result = _gelu_exact32(x)
    else:
        result = _gelu_exact(x)
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
