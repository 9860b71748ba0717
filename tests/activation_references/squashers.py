"""Float64 NumPy and mpmath references of the squashing family.

hard_sigmoid, sparse_sigmoid, hard_tanh, log_sigmoid, softsign, elliott, isru,
tanhshrink, hardshrink, softshrink, and the functions of the last axis
log_softmax, softmin and sparsemax.

The NumPy references follow the definitions and rearrange them only where
float64 would cancel. The mpmath ones use the same identities, because 50
digits are not enough for a difference such as ``x - tanh(x)`` at
``x = 1e-300``. They state each convention at a kink explicitly.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from activation_references._reference import Reference

# --- NumPy helpers -------------------------------------------------------------


def _logistic(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _inside(x, lower, upper):
    """Return where the open interval (lower, upper) contains ``x``."""
    return (x > lower) & (x < upper)


def _clip(x, lower, upper):
    return np.minimum(np.maximum(x, lower), upper)


def _reciprocal_square(x):
    with np.errstate(over="ignore"):
        shifted = 1 + np.abs(x)
        return 1 / (shifted * shifted)


def _isru(x, alpha=1.0):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        near_zero = x / np.sqrt(1 + alpha * x * x)
        saturating = np.sign(x) / np.sqrt(alpha + 1 / (x * x))
    return np.where(np.abs(x) > 1, saturating, near_zero)


def _isru_derivative(x, alpha=1.0):
    with np.errstate(over="ignore"):
        return (1 + alpha * x * x) ** -1.5


# tanh(x) = sum over n >= 1 of 4**n (4**n - 1) B_2n x**(2n - 1) / (2n)!, with
# the Bernoulli numbers B_2n; x - tanh(x) drops the n = 1 term, which is x.
_TANH_TAYLOR = [
    float(4**n * (4**n - 1) * mpmath.bernoulli(2 * n) / math.factorial(2 * n))
    for n in range(1, 24)
]


def _tanhshrink(x):
    # Below |x| = 0.5 the difference x - tanh(x) loses up to 4 of 16 digits,
    # so the Taylor series, alternating with ratio below 0.1, replaces it.
    small = np.where(np.abs(x) < 0.5, x, 0.0)
    series = -sum(
        c * small ** (2 * n - 1) for n, c in enumerate(_TANH_TAYLOR, 1) if n > 1
    )
    return np.where(np.abs(x) < 0.5, series, x - np.tanh(x))


def _hardshrink(x, lambd=0.5):
    return np.where(np.abs(x) > lambd, x, 0.0)


def _softshrink(x, lambd=0.5):
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


def _outside_band(x, t, lambd=0.5):
    return np.where(np.abs(x) > lambd, t, 0.0)


def _log_softmax(x):
    """Return x - logsumexp(x) with log1p of the sum that excludes the maximum."""
    maximum = x.max(axis=-1, keepdims=True)
    scores = np.exp(x - maximum)
    first = np.argmax(x, axis=-1)[..., None]
    np.put_along_axis(scores, first, 0.0, axis=-1)
    return (x - maximum) - np.log1p(scores.sum(axis=-1, keepdims=True))


def _log_softmax_jvp(x, t):
    p = np.exp(_log_softmax(x))
    return t - (p * t).sum(axis=-1, keepdims=True)


def _softmin(x):
    return np.exp(_log_softmax(-x))


def _softmin_jvp(x, t):
    s = _softmin(x)
    return -s * (t - (s * t).sum(axis=-1, keepdims=True))


def _sparsemax(x):
    """Return the projection onto the simplex by sorting (Martins and Astudillo)."""
    # The projection is invariant to a shift, and without it 1 + x_(1) rounds
    # to x_(1) for a huge maximum.
    x = x - x.max(axis=-1, keepdims=True)
    ordered = -np.sort(-x, axis=-1)
    rank = np.arange(1, x.shape[-1] + 1)
    # Sums past the support may overflow to -inf, which leaves them outside.
    with np.errstate(over="ignore"):
        cumulative = np.cumsum(ordered, axis=-1)
        size = np.sum(1 + rank * ordered > cumulative, axis=-1, keepdims=True)
    threshold = (np.take_along_axis(cumulative, size - 1, axis=-1) - 1) / size
    return np.maximum(x - threshold, 0.0)


def _sparsemax_jvp(x, t):
    support = (_sparsemax(x) > 0).astype(x.dtype)
    mean = (support * t).sum(axis=-1, keepdims=True) / support.sum(
        axis=-1, keepdims=True
    )
    return support * (t - mean)


# --- mpmath helpers ----------------------------------------------------------

_ZERO = mpmath.mpf(0)


def _mp_clip(x, lower, upper):
    return min(max(x, lower), upper)


def _mp_slope_inside(x, t, lower, upper, slope):
    """Return ``slope * t`` inside (lower, upper) and 0 at and beyond the ends."""
    return slope * t if lower < x < upper else _ZERO


def _mp_log_sigmoid(x):
    return min(x, _ZERO) - mpmath.log1p(mpmath.exp(-abs(x)))


def _mp_tanhshrink(x):
    if x == 0 or mpmath.isinf(x):
        return x
    # x - tanh(x) is about x**3 / 3, so 50 digits of it need 2 |log10 x| more
    # digits of x and tanh(x).
    extra = max(0, int(-2 * mpmath.log10(abs(x)))) + 10
    with mpmath.extradps(extra):
        return +(x - mpmath.tanh(x))


def _mp_elliott(x):
    # 1/2 + x / (2 (1 + |x|)) cancels for large negative x; the branches are
    # the same function.
    lower_tail = 1 / (2 * (1 + abs(x)))
    return lower_tail if x < 0 else 1 - lower_tail


def _mp_isru(x, alpha=1.0):
    if mpmath.isinf(x):
        return mpmath.sign(x) / mpmath.sqrt(alpha)
    return x / mpmath.sqrt(1 + alpha * x * x)


def _mp_softshrink(x, lambd=0.5):
    if x > lambd:
        return x - lambd
    if x < -lambd:
        return x + lambd
    return _ZERO


def _mp_softmax_parts(x):
    """Return the softmax of the row ``x`` and its logarithm, in mpmath."""
    maximum = max(x)
    first = x.index(maximum)
    rest = mpmath.fsum(mpmath.exp(v - maximum) for i, v in enumerate(x) if i != first)
    log_total = mpmath.log1p(rest)
    log_probs = [(v - maximum) - log_total for v in x]
    return [mpmath.exp(v) for v in log_probs], log_probs


def _mp_centred(p, t):
    """Return ``t_i - sum_j p_j t_j`` as ``sum_j p_j (t_i - t_j)``.

    The second form has no cancellation for a basis tangent, where the first
    subtracts ``p_i`` from 1.
    """
    return [
        mpmath.fsum(pj * (ti - tj) for pj, tj in zip(p, t, strict=True)) for ti in t
    ]


def _mp_log_softmax(x):
    return _mp_softmax_parts(x)[1]


def _mp_log_softmax_jvp(x, t):
    return _mp_centred(_mp_softmax_parts(x)[0], t)


def _mp_softmin(x):
    return _mp_softmax_parts([-v for v in x])[0]


def _mp_softmin_jvp(x, t):
    s = _mp_softmin(x)
    return [-si * ci for si, ci in zip(s, _mp_centred(s, t), strict=True)]


def _mp_sparsemax(x):
    # Shifting by the maximum changes nothing, and keeps 1 + k z_(k) from
    # cancelling against a huge cumulative sum at 50 digits.
    maximum = max(x)
    z = [v - maximum for v in x]
    ordered = sorted(z, reverse=True)
    cumulative, size, total = _ZERO, 0, _ZERO
    for k, value in enumerate(ordered, 1):
        cumulative += value
        if 1 + k * value > cumulative:
            size, total = k, cumulative
    threshold = (total - 1) / size
    return [max(v - threshold, _ZERO) for v in z]


def _mp_sparsemax_jvp(x, t):
    # The support is where the output is positive; an entry exactly at the
    # threshold is outside it and has derivative 0.
    support = [p > 0 for p in _mp_sparsemax(x)]
    mean = mpmath.fsum(ti for ti, s in zip(t, support, strict=True) if s) / sum(support)
    return [ti - mean if s else _ZERO for ti, s in zip(t, support, strict=True)]


REFERENCES: dict[str, Reference] = {
    "hard_sigmoid": Reference(
        value=lambda x: _clip((x + 3) / 6, 0.0, 1.0),
        jvp=lambda x, t: np.where(_inside(x, -3, 3), t / 6, 0.0),
        mp_value=lambda x: _mp_clip((x + 3) / 6, _ZERO, mpmath.mpf(1)),
        mp_jvp=lambda x, t: _mp_slope_inside(x, t, -3, 3, mpmath.mpf(1) / 6),
        kinks=(-3.0, 3.0),
    ),
    "sparse_sigmoid": Reference(
        value=lambda x: _clip((x + 1) / 2, 0.0, 1.0),
        jvp=lambda x, t: np.where(_inside(x, -1, 1), t / 2, 0.0),
        mp_value=lambda x: _mp_clip((x + 1) / 2, _ZERO, mpmath.mpf(1)),
        mp_jvp=lambda x, t: _mp_slope_inside(x, t, -1, 1, mpmath.mpf(1) / 2),
        kinks=(-1.0, 1.0),
    ),
    "hard_tanh": Reference(
        value=lambda x, min_val=-1.0, max_val=1.0: _clip(x, min_val, max_val),
        jvp=lambda x, t, min_val=-1.0, max_val=1.0: np.where(
            _inside(x, min_val, max_val), t, 0.0
        ),
        # Bounds kept apart from the gradient-check points by at least 0.1.
        settings=(
            {"min_val": -2.0, "max_val": 2.0},
            {"min_val": 0.0, "max_val": 6.0},
            {"max_val": 0.5},
        ),
        mp_value=lambda x, min_val=-1.0, max_val=1.0: _mp_clip(x, min_val, max_val),
        mp_jvp=lambda x, t, min_val=-1.0, max_val=1.0: _mp_slope_inside(
            x, t, min_val, max_val, 1
        ),
        kinks=(-1.0, 1.0),
    ),
    "log_sigmoid": Reference(
        value=lambda x: np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))),
        jvp=lambda x, t: _logistic(-x) * t,
        mp_value=_mp_log_sigmoid,
        mp_jvp=lambda x, t: t / (1 + mpmath.exp(x)),
    ),
    "softsign": Reference(
        value=lambda x: x / (1 + np.abs(x)),
        jvp=lambda x, t: _reciprocal_square(x) * t,
        mp_value=lambda x: x / (1 + abs(x)),
        mp_jvp=lambda x, t: t / (1 + abs(x)) ** 2,
    ),
    "elliott": Reference(
        value=lambda x: np.where(
            x < 0, 0.5 / (1 + np.abs(x)), 1 - 0.5 / (1 + np.abs(x))
        ),
        jvp=lambda x, t: 0.5 * _reciprocal_square(x) * t,
        mp_value=_mp_elliott,
        mp_jvp=lambda x, t: t / (2 * (1 + abs(x)) ** 2),
    ),
    "isru": Reference(
        value=_isru,
        jvp=lambda x, t, alpha=1.0: _isru_derivative(x, alpha) * t,
        settings=({"alpha": 0.5}, {"alpha": 3.0}),
        mp_value=_mp_isru,
        mp_jvp=lambda x, t, alpha=1.0: t * (1 + alpha * x * x) ** -1.5,
    ),
    "tanhshrink": Reference(
        value=_tanhshrink,
        jvp=lambda x, t: np.tanh(x) ** 2 * t,
        mp_value=_mp_tanhshrink,
        mp_jvp=lambda x, t: mpmath.tanh(x) ** 2 * t,
    ),
    "hardshrink": Reference(
        value=_hardshrink,
        jvp=_outside_band,
        # Thresholds kept apart from the gradient-check points by at least 0.1.
        settings=({"lambd": 1.0}, {"lambd": 0.0}, {"lambd": 0.3}),
        mp_value=lambda x, lambd=0.5: x if abs(x) > lambd else _ZERO,
        mp_jvp=lambda x, t, lambd=0.5: t if abs(x) > lambd else _ZERO,
        kinks=(-0.5, 0.5),
    ),
    "softshrink": Reference(
        value=_softshrink,
        jvp=_outside_band,
        settings=({"lambd": 1.0}, {"lambd": 0.0}, {"lambd": 0.3}),
        mp_value=_mp_softshrink,
        mp_jvp=lambda x, t, lambd=0.5: t if abs(x) > lambd else _ZERO,
        kinks=(-0.5, 0.5),
    ),
    "log_softmax": Reference(
        value=_log_softmax,
        jvp=_log_softmax_jvp,
        jvp_atol=8.0,
        mp_value=_mp_log_softmax,
        mp_jvp=_mp_log_softmax_jvp,
        vector=True,
    ),
    "softmin": Reference(
        value=_softmin,
        jvp=_softmin_jvp,
        jvp_atol=8.0,
        mp_value=_mp_softmin,
        mp_jvp=_mp_softmin_jvp,
        vector=True,
    ),
    "sparsemax": Reference(
        value=_sparsemax,
        jvp=_sparsemax_jvp,
        jvp_atol=8.0,
        mp_value=_mp_sparsemax,
        mp_jvp=_mp_sparsemax_jvp,
        vector=True,
        # The bounds are the worst errors on the fixed random rows of the
        # accuracy test, 18.66 ulp in float32 and 26.37 ulp in float64, both
        # on an output of 0.028 (an absolute error of 0.3 eps). The grid stays
        # within 4 ulp. Other rows can exceed these bounds, because the
        # relative error has no bound.
        max_ulp={"value/float32": 18.7, "value/float64": 26.4},
        max_ulp_reason=(
            "An output x_i - tau is accurate to an absolute 0.75 eps only "
            "(measured on 6,000 random rows of 4 and 16 entries), because the "
            "threshold tau comes from a sum minus 1 that cancels, so the "
            "relative error of an output grows without bound as it goes to 0."
        ),
    ),
}
