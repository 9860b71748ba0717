"""Float64 NumPy and mpmath references of the classic activations.

binary_step, linear, sigmoid, tanh, softmax, relu and elu.
"""

from __future__ import annotations

import mpmath
import numpy as np

from activation_references._reference import Reference


def _logistic(x):
    # exp(-|x|) never overflows; the two branches are the same function.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _logistic_derivative(x):
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


def _sech_squared(x):
    with np.errstate(over="ignore"):
        return 1 / np.cosh(x) ** 2


def _softmax(x):
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _softmax_jvp(x, t):
    s = _softmax(x)
    return s * (t - (s * t).sum(axis=-1, keepdims=True))


def _step(x, threshold=0.0, gradient="identity"):
    return (x >= threshold).astype(x.dtype)


def _step_jvp(x, t, threshold=0.0, gradient="identity"):
    if gradient == "identity":
        return t
    with np.errstate(over="ignore"):
        return np.where(np.abs(x - threshold) <= 1, t, 0.0)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _elu_derivative(x, alpha=1.0):
    # At x == 0 the left derivative alpha is the documented convention.
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


# mpmath references, evaluated at the precision that the caller sets.


def _mp_step(x, threshold=0.0, gradient="identity"):
    return mpmath.mpf(1 if x >= threshold else 0)


def _mp_step_jvp(x, t, threshold=0.0, gradient="identity"):
    if gradient == "identity" or abs(x - threshold) <= 1:
        return t
    return mpmath.mpf(0)


def _mp_logistic(x):
    return 1 / (1 + mpmath.exp(-x))


def _mp_softmax(x):
    top = max(x)
    exponentials = [mpmath.exp(v - top) for v in x]
    total = mpmath.fsum(exponentials)
    return [e / total for e in exponentials]


def _mp_softmax_jvp(x, t):
    # s_i * (t_i - sum_j s_j t_j), written with sum_j s_j = 1 as a sum without
    # cancellation: 1 - s_i can be far below 1e-50 for float64 inputs.
    s = _mp_softmax(x)
    return [
        si * mpmath.fsum(sj * (ti - tj) for sj, tj in zip(s, t, strict=True))
        for si, ti in zip(s, t, strict=True)
    ]


def _mp_elu(x, alpha=1.0):
    return x if x > 0 else alpha * mpmath.expm1(x)


def _mp_elu_jvp(x, t, alpha=1.0):
    # At x == 0 the left derivative alpha is the documented convention.
    return t if x > 0 else alpha * mpmath.exp(x) * t


REFERENCES: dict[str, Reference] = {
    "binary_step": Reference(
        value=_step,
        jvp=_step_jvp,
        settings=(
            {"gradient": "clipped"},
            {"threshold": 0.5},
            {"threshold": -1.25, "gradient": "clipped"},
        ),
        finite_differences=False,
        mp_value=_mp_step,
        mp_jvp=_mp_step_jvp,
        kinks=(0.0,),
    ),
    "linear": Reference(
        value=lambda x, slope=1.0: slope * x,
        jvp=lambda x, t, slope=1.0: slope * t,
        # |slope| <= 1, because a larger slope overflows at the float maximum.
        settings=({"slope": -0.5}, {"slope": 0.0}),
        mp_value=lambda x, slope=1.0: slope * x,
        mp_jvp=lambda x, t, slope=1.0: slope * t,
    ),
    "sigmoid": Reference(
        value=_logistic,
        jvp=lambda x, t: _logistic_derivative(x) * t,
        mp_value=_mp_logistic,
        mp_jvp=lambda x, t: _mp_logistic(x) * _mp_logistic(-x) * t,
    ),
    "tanh": Reference(
        value=np.tanh,
        jvp=lambda x, t: _sech_squared(x) * t,
        mp_value=mpmath.tanh,
        mp_jvp=lambda x, t: mpmath.sech(x) ** 2 * t,
    ),
    "softmax": Reference(
        value=_softmax,
        jvp=_softmax_jvp,
        jvp_atol=8.0,
        mp_value=_mp_softmax,
        mp_jvp=_mp_softmax_jvp,
        vector=True,
    ),
    "relu": Reference(
        value=lambda x: np.maximum(x, 0),
        jvp=lambda x, t: np.where(x > 0, t, 0.0),
        mp_value=lambda x: max(x, mpmath.mpf(0)),
        # relu'(0) = 0 by convention.
        mp_jvp=lambda x, t: t if x > 0 else mpmath.mpf(0),
        kinks=(0.0,),
    ),
    "elu": Reference(
        value=_elu,
        jvp=lambda x, t, alpha=1.0: _elu_derivative(x, alpha) * t,
        settings=({"alpha": 0.5}, {"alpha": 2.0}),
        mp_value=_mp_elu,
        mp_jvp=_mp_elu_jvp,
        kinks=(0.0,),
    ),
}
