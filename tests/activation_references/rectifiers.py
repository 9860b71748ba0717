"""Float64 NumPy and mpmath references of the rectifier and gated families.

threshold, relu6, leaky_relu, rrelu, celu, selu, softplus, squareplus,
sparse_plus, exponential, sine, silu, hard_silu, mish, gelu (exact and tanh),
lisht and glu.

The NumPy references follow the definitions and rearrange them only where
float64 would overflow or cancel on the test grid. The mpmath ones state each
convention at a kink explicitly, and evaluate a difference of nearly equal
terms with extra digits.
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


def _logistic_slope(x):
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


_erfc = np.vectorize(math.erfc, otypes=[float])


def _normal_cdf(x):
    return _erfc(-x / math.sqrt(2)) / 2


def _normal_density(x):
    with np.errstate(over="ignore"):
        return np.exp(-(x * x) / 2) / math.sqrt(2 * math.pi)


# SELU's constants to 50 digits, from the closed forms in Klambauer et al.
_SELU_ALPHA = mpmath.mpf("1.6732632423543772848170429916716520384611553482812")
_SELU_SCALE = mpmath.mpf("1.0507009873554804934193349852946063519589812043764")


def _threshold(x, threshold=0.0, value=0.0):
    return np.where(x <= threshold, value, x)


def _threshold_jvp(x, t, threshold=0.0, value=0.0):
    return np.where(x > threshold, t, 0.0)


def _leaky(x, slope):
    return np.where(x > 0, x, slope * x)


def _leaky_jvp(x, t, slope):
    # The left derivative, the slope, at the kink 0.
    return np.where(x > 0, t, slope * t)


def _celu(x, alpha=1.0):
    with np.errstate(over="ignore"):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))


def _celu_jvp(x, t, alpha=1.0):
    with np.errstate(over="ignore"):
        return np.where(x > 0, 1.0, np.exp(np.minimum(x, 0) / alpha)) * t


def _selu(x):
    scale, alpha = float(_SELU_SCALE), float(_SELU_ALPHA)
    with np.errstate(over="ignore"):
        return scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _selu_jvp(x, t):
    scale, alpha = float(_SELU_SCALE), float(_SELU_ALPHA)
    # The left derivative scale * alpha at the kink 0.
    return scale * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0))) * t


def _softplus(x, beta=1.0):
    with np.errstate(over="ignore"):
        z = beta * x
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(z))) / beta


def _softplus_jvp(x, t, beta=1.0):
    with np.errstate(over="ignore"):
        return _logistic(beta * x) * t


def _squareplus(x, b=4.0):
    root = np.hypot(x, math.sqrt(b))
    # The unused branch divides by root - x = 0 for large positive x.
    with np.errstate(over="ignore", divide="ignore"):
        negative = b / (2 * (root - x))
    return np.where(x >= 0, x / 2 + root / 2, negative)


def _squareplus_jvp(x, t, b=4.0):
    root = np.hypot(x, math.sqrt(b))
    with np.errstate(over="ignore", divide="ignore"):
        negative = (b / 2) / root / (root - x)
    return np.where(x >= 0, (1 + x / root) / 2, negative) * t


def _sparse_plus(x):
    return np.where(x <= -1, 0.0, np.where(x >= 1, x, (np.clip(x, -1, 1) + 1) ** 2 / 4))


def _sparse_plus_jvp(x, t):
    return np.clip((x + 1) / 2, 0, 1) * t


def _exp(x):
    with np.errstate(over="ignore"):
        return np.exp(x)


def _exp_jvp(x, t):
    # A zero tangent gives 0 also where exp(x) overflows, as in a Jacobian.
    with np.errstate(invalid="ignore"):
        return np.where(t == 0, 0.0, _exp(x) * t)


def _silu(x, beta=1.0):
    with np.errstate(over="ignore"):
        return x * _logistic(beta * x)


def _silu_jvp(x, t, beta=1.0):
    with np.errstate(over="ignore", invalid="ignore"):
        z = beta * x
        slope = _logistic(z) * (1 + z * _logistic(-z))
    return np.where(np.isfinite(z), slope, (z > 0).astype(float)) * t


def _hard_silu(x):
    middle = np.clip(x, -3, 3)
    return np.where(x <= -3, 0.0, np.where(x >= 3, x, middle * (middle + 3) / 6))


def _hard_silu_jvp(x, t):
    # The derivative of the outer piece at the kinks: 0 at -3 and 1 at 3.
    middle = np.clip(x, -3, 3)
    return np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, (2 * middle + 3) / 6)) * t


def _mish(x):
    return x * np.tanh(np.logaddexp(x, 0))


def _mish_jvp(x, t):
    softplus = np.logaddexp(x, 0)
    with np.errstate(over="ignore"):
        sech_squared = 1 / np.cosh(softplus) ** 2
    slope = np.tanh(softplus) + np.where(
        np.abs(x) < 1e300, x * _logistic(x) * sech_squared, 0.0
    )
    return slope * t


def _gelu(x, approximate=False):
    if approximate:
        return x * _logistic(2 * _tanh_argument(x))
    return x * _normal_cdf(x)


def _gelu_jvp(x, t, approximate=False):
    if not approximate:
        with np.errstate(invalid="ignore"):
            slope = _normal_cdf(x) + np.where(
                np.abs(x) < 100, x * _normal_density(x), 0.0
            )
        return slope * t
    moderate = np.abs(x) < 100
    xm = np.where(moderate, x, 0.0)
    u = _tanh_argument(xm)
    growth = 2 * xm * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * xm * xm)
    slope = _logistic(2 * u) * (1 + growth * _logistic(-2 * u))
    return np.where(moderate, slope, (x > 0).astype(float)) * t


def _tanh_argument(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)


def _lisht_jvp(x, t):
    with np.errstate(over="ignore"):
        sech_squared = 1 / np.cosh(x) ** 2
    return (np.tanh(x) + np.where(np.abs(x) < 1e300, x * sech_squared, 0.0)) * t


def _glu(x):
    value, gate = np.split(x, 2, axis=-1)
    return value * _logistic(gate)


def _glu_jvp(x, t):
    value, gate = np.split(x, 2, axis=-1)
    value_dot, gate_dot = np.split(t, 2, axis=-1)
    return value_dot * _logistic(gate) + value * _logistic_slope(gate) * gate_dot


# --- mpmath helpers ------------------------------------------------------------

_ZERO = mpmath.mpf(0)
_ONE = mpmath.mpf(1)


def _mp_logistic(z):
    if mpmath.isinf(z):
        return _ONE if z > 0 else _ZERO
    return 1 / (1 + mpmath.exp(-z))


def _mp_threshold(x, threshold=0.0, value=0.0):
    return mpmath.mpf(value) if x <= threshold else x


def _mp_threshold_jvp(x, t, threshold=0.0, value=0.0):
    return t if x > threshold else _ZERO


def _mp_relu6(x):
    return min(max(x, _ZERO), mpmath.mpf(6))


def _mp_relu6_jvp(x, t):
    # 0 at both kinks, 0 and 6.
    return t if 0 < x < 6 else _ZERO


def _mp_leaky(x, slope):
    return x if x > 0 else slope * x


def _mp_leaky_jvp(x, t, slope):
    return t if x > 0 else slope * t


def _mp_celu(x, alpha=1.0):
    return x if x > 0 else alpha * mpmath.expm1(x / alpha)


def _mp_celu_jvp(x, t, alpha=1.0):
    return t if x > 0 else mpmath.exp(x / alpha) * t


def _mp_selu(x):
    return _SELU_SCALE * (x if x > 0 else _SELU_ALPHA * mpmath.expm1(x))


def _mp_selu_jvp(x, t):
    # The left derivative scale * alpha at the kink 0.
    return _SELU_SCALE * (_ONE if x > 0 else _SELU_ALPHA * mpmath.exp(x)) * t


def _mp_softplus(x, beta=1.0):
    z = beta * x
    return max(x, _ZERO) + mpmath.log1p(mpmath.exp(-abs(z))) / beta


def _mp_softplus_jvp(x, t, beta=1.0):
    return _mp_logistic(beta * x) * t


def _mp_squareplus(x, b=4.0):
    if mpmath.isinf(x):
        return x if x > 0 else _ZERO
    root = mpmath.sqrt(x * x + b)
    # (x + root) / 2 cancels for x < 0; b / (2 (root - x)) is the same number.
    return (x + root) / 2 if x >= 0 else b / (2 * (root - x))


def _mp_squareplus_jvp(x, t, b=4.0):
    if mpmath.isinf(x):
        return t if x > 0 else _ZERO
    root = mpmath.sqrt(x * x + b)
    slope = (1 + x / root) / 2 if x >= 0 else b / (2 * root * (root - x))
    return slope * t


def _mp_sparse_plus(x):
    if x <= -1:
        return _ZERO
    return x if x >= 1 else (x + 1) ** 2 / 4


def _mp_sparse_plus_jvp(x, t):
    return min(max((x + 1) / 2, _ZERO), _ONE) * t


def _mp_silu(x, beta=1.0):
    if mpmath.isinf(x):
        return x if x > 0 else _ZERO
    return x * _mp_logistic(beta * x)


def _mp_silu_jvp(x, t, beta=1.0):
    z = beta * x
    if mpmath.isinf(z):
        return t if z > 0 else _ZERO
    # 1 + z sigmoid(-z) cancels near the minimum; the extra digits keep 50.
    with mpmath.extradps(30):
        return _mp_logistic(z) * (1 + z * _mp_logistic(-z)) * t


def _mp_hard_silu(x):
    if x <= -3:
        return _ZERO
    return x if x >= 3 else x * (x + 3) / 6


def _mp_hard_silu_jvp(x, t):
    # The derivative of the outer piece at the kinks: 0 at -3 and 1 at 3.
    if x <= -3:
        return _ZERO
    return t if x >= 3 else (2 * x + 3) / 6 * t


def _mp_softplus_of(x):
    if x > 0:
        return x + mpmath.log1p(mpmath.exp(-x))
    return mpmath.log1p(mpmath.exp(x))


def _mp_mish(x):
    if mpmath.isinf(x):
        return x if x > 0 else _ZERO
    return x * mpmath.tanh(_mp_softplus_of(x))


def _mp_mish_jvp(x, t):
    if mpmath.isinf(x):
        return t if x > 0 else _ZERO
    with mpmath.extradps(30):
        softplus = _mp_softplus_of(x)
        slope = mpmath.tanh(softplus) + x * _mp_logistic(x) * mpmath.sech(softplus) ** 2
        return slope * t


def _mp_normal_cdf(x):
    """Return Phi(x); mpmath's erfc fails for arguments beyond about 1e18."""
    if x > 0:
        return 1 - _mp_normal_cdf(-x)
    if x > -1e6:
        return mpmath.erfc(-x / mpmath.sqrt(2)) / 2
    # Phi(x) = phi(x) / |x| * (1 - 1/x**2 + 3/x**4 - ...), whose terms beyond
    # these are below 1e-60 of the first for |x| >= 1e6.
    inverse_square = 1 / (x * x)
    series = 1 - inverse_square + 3 * inverse_square**2 - 15 * inverse_square**3
    return _mp_normal_density(x) / -x * series


def _mp_normal_density(x):
    return mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)


def _mp_tanh_argument(x):
    return mpmath.sqrt(2 / mpmath.pi) * (x + mpmath.mpf("0.044715") * x**3)


def _mp_gelu(x, approximate=False):
    if mpmath.isinf(x):
        return x if x > 0 else _ZERO
    if approximate:
        return x * _mp_logistic(2 * _mp_tanh_argument(x))
    return x * _mp_normal_cdf(x)


def _mp_gelu_jvp(x, t, approximate=False):
    if mpmath.isinf(x):
        return t if x > 0 else _ZERO
    with mpmath.extradps(30):
        if not approximate:
            return (_mp_normal_cdf(x) + x * _mp_normal_density(x)) * t
        u = _mp_tanh_argument(x)
        growth = (
            2 * x * mpmath.sqrt(2 / mpmath.pi) * (1 + 3 * mpmath.mpf("0.044715") * x**2)
        )
        return _mp_logistic(2 * u) * (1 + growth * _mp_logistic(-2 * u)) * t


def _mp_lisht(x):
    return abs(x) if mpmath.isinf(x) else x * mpmath.tanh(x)


def _mp_lisht_jvp(x, t):
    if mpmath.isinf(x):
        return mpmath.sign(x) * t
    return (mpmath.tanh(x) + x * mpmath.sech(x) ** 2) * t


def _mp_glu(x):
    half = len(x) // 2
    return [a * _mp_logistic(b) for a, b in zip(x[:half], x[half:], strict=True)]


def _mp_glu_jvp(x, t):
    half = len(x) // 2
    result = []
    for a, b, a_dot, b_dot in zip(x[:half], x[half:], t[:half], t[half:], strict=True):
        slope = _mp_logistic(b) * _mp_logistic(-b)
        result.append(a_dot * _mp_logistic(b) + a * slope * b_dot)
    return result


REFERENCES: dict[str, Reference] = {
    "threshold": Reference(
        value=_threshold,
        jvp=_threshold_jvp,
        settings=({"threshold": 0.5, "value": -1.0},),
        mp_value=_mp_threshold,
        mp_jvp=_mp_threshold_jvp,
        kinks=(0.0,),
    ),
    "relu6": Reference(
        value=lambda x: np.clip(x, 0, 6),
        jvp=lambda x, t: np.where((x > 0) & (x < 6), t, 0.0),
        mp_value=_mp_relu6,
        mp_jvp=_mp_relu6_jvp,
        kinks=(0.0, 6.0),
    ),
    "leaky_relu": Reference(
        value=lambda x, negative_slope=0.01: _leaky(x, negative_slope),
        jvp=lambda x, t, negative_slope=0.01: _leaky_jvp(x, t, negative_slope),
        settings=({"negative_slope": 0.2},),
        mp_value=lambda x, negative_slope=0.01: _mp_leaky(x, negative_slope),
        mp_jvp=lambda x, t, negative_slope=0.01: _mp_leaky_jvp(x, t, negative_slope),
        kinks=(0.0,),
    ),
    "rrelu": Reference(
        value=lambda x, lower=1 / 8, upper=1 / 3: _leaky(x, (lower + upper) / 2),
        jvp=lambda x, t, lower=1 / 8, upper=1 / 3: _leaky_jvp(
            x, t, (lower + upper) / 2
        ),
        settings=({"lower": 0.0, "upper": 0.5},),
        mp_value=lambda x, lower=1 / 8, upper=1 / 3: _mp_leaky(x, (lower + upper) / 2),
        mp_jvp=lambda x, t, lower=1 / 8, upper=1 / 3: _mp_leaky_jvp(
            x, t, (lower + upper) / 2
        ),
        kinks=(0.0,),
    ),
    "celu": Reference(
        value=_celu,
        jvp=_celu_jvp,
        # x / 1.75 rounds; 1.75 is exact in float32, so that the float32
        # function and the float64 reference use the same alpha.
        settings=({"alpha": 0.5}, {"alpha": 1.75}),
        mp_value=_mp_celu,
        mp_jvp=_mp_celu_jvp,
    ),
    "selu": Reference(
        value=_selu,
        jvp=_selu_jvp,
        mp_value=_mp_selu,
        mp_jvp=_mp_selu_jvp,
        kinks=(0.0,),
    ),
    "softplus": Reference(
        value=_softplus,
        jvp=_softplus_jvp,
        # beta * x rounds for both, which are exact in float32; with beta < 1
        # the tail of the value is a normal number where exp(beta * x) is not.
        settings=({"beta": 1.75}, {"beta": 0.375}),
        mp_value=_mp_softplus,
        mp_jvp=_mp_softplus_jvp,
    ),
    "squareplus": Reference(
        value=_squareplus,
        jvp=_squareplus_jvp,
        settings=({"b": 0.5},),
        mp_value=_mp_squareplus,
        mp_jvp=_mp_squareplus_jvp,
    ),
    "sparse_plus": Reference(
        value=_sparse_plus,
        jvp=_sparse_plus_jvp,
        mp_value=_mp_sparse_plus,
        mp_jvp=_mp_sparse_plus_jvp,
    ),
    "exponential": Reference(
        value=_exp,
        jvp=_exp_jvp,
        mp_value=lambda x: mpmath.exp(x),
        mp_jvp=lambda x, t: mpmath.exp(x) * t,
    ),
    "sine": Reference(
        value=np.sin,
        jvp=lambda x, t: np.cos(x) * t,
        mp_value=lambda x: mpmath.sin(x),
        mp_jvp=lambda x, t: mpmath.cos(x) * t,
    ),
    "silu": Reference(
        value=_silu,
        jvp=_silu_jvp,
        # The sigmoid approximation of the GELU; beta * x rounds.
        settings=({"beta": 1.702},),
        mp_value=_mp_silu,
        mp_jvp=_mp_silu_jvp,
    ),
    "hard_silu": Reference(
        value=_hard_silu,
        jvp=_hard_silu_jvp,
        mp_value=_mp_hard_silu,
        mp_jvp=_mp_hard_silu_jvp,
        kinks=(-3.0, 3.0),
    ),
    "mish": Reference(
        value=_mish,
        jvp=_mish_jvp,
        mp_value=_mp_mish,
        mp_jvp=_mp_mish_jvp,
    ),
    "gelu": Reference(
        value=_gelu,
        jvp=_gelu_jvp,
        settings=({"approximate": True},),
        mp_value=_mp_gelu,
        mp_jvp=_mp_gelu_jvp,
    ),
    "lisht": Reference(
        value=lambda x: x * np.tanh(x),
        jvp=_lisht_jvp,
        mp_value=_mp_lisht,
        mp_jvp=_mp_lisht_jvp,
    ),
    "glu": Reference(
        value=_glu,
        jvp=_glu_jvp,
        mp_value=_mp_glu,
        mp_jvp=_mp_glu_jvp,
        vector=True,
    ),
}
