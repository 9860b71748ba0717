"""Second derivatives of the smooth activations against a mpmath reference.

The activations define their derivative with ``jax.custom_jvp``, and JAX gets
the second derivative by differentiating that rule. A rule can return the
right tangent from pieces whose own derivatives are wrong: a sign factor, a
select that hides a branch, a NaN in the branch that ``where`` does not take.
Then the first derivative is exact and the second is wrong. So for every
canonical elementwise activation whose properties mark it ``smooth``:

- in float64, at the default hyperparameters and at each extra setting of
  the reference, the second derivative by ``jax.grad`` of ``jax.grad`` and by
  ``jax.jvp`` of ``jax.jvp`` at ``POINTS`` is finite where the reference is,
  and within ``RTOL`` of it, or within an absolute tolerance of
  ``ATOL_EPS`` float64 epsilons times the size of the first derivative there,
  because a second derivative far below the first is the difference of terms
  of the first derivative's size;
- in float32, at the default hyperparameters, the second derivative at the
  points of ``POINTS`` and ``FLOAT32_STRETCH`` in the float32 range is within
  ``FLOAT32_RTOL`` of the reference, or within ``ATOL_EPS`` float32 epsilons
  times the first derivative, and on a log-spaced sample of the whole float32
  range it is never NaN, and infinite only where the reference overflows
  float32.

The reference is the numerical derivative, by ``mpmath.diff`` at 50 digits
with a step of 2**-60 times ``min(|x|, 1)``, of the reference's ``mp_jvp``.
Activations that mix the last axis are left out. At a point where the second
derivative jumps (``JUMPS``), any value between the one-sided limits is
accepted.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest
from activation_references import REFERENCES

from actlab import activations

DIGITS = 50
RTOL = 1e-6
ATOL_EPS = 64.0
_LARGE = (1e4, 1e30, 1e300)
_MAGNITUDES = (1e-30, 1e-8, 0.5, 1.0, 3.0, 10.0, 30.0, 100.0, *_LARGE)
POINTS = (0.0, *(s * m for m in _MAGNITUDES for s in (1.0, -1.0)))
FLOAT32_RTOL = 1e-3
FLOAT32_STRETCH = tuple(np.linspace(-40.0, 40.0, 33))
FLOAT32_POINTS = 200
# Points where the second derivative jumps, at the default hyperparameters.
JUMPS = {
    "celu": (0.0,),
    "elliott": (0.0,),
    "elu": (0.0,),
    "softsign": (0.0,),
    "sparse_plus": (-1.0, 1.0),
}

NAMES = tuple(
    name
    for name in activations.available(include_aliases=False)
    if activations.spec(name).properties.smooth
    and name in REFERENCES
    and REFERENCES[name].mp_jvp is not None
    and not REFERENCES[name].vector
)


# Each reference's extra hyperparameter settings, as sorted item tuples.
SETTINGS = [
    (name, tuple(sorted(setting.items())))
    for name in NAMES
    for setting in REFERENCES[name].settings
]


def _setting_id(setting: tuple) -> str:
    return ",".join(f"{key}={value}" for key, value in setting) or "default"


def _mp_second(
    name: str, x: float, direction: int = 0, setting: tuple = ()
) -> mpmath.mpf:
    reference = REFERENCES[name]
    hyperparameters = dict(setting)
    # The step is 2**-60 of |x| below 1 and 2**-60 above, so that it resolves
    # a tiny argument and an oscillation alike. The precision grows with |x|,
    # so that x + step is exact.
    digits = DIGITS + max(0, math.ceil(math.log10(abs(x)))) if x else DIGITS
    with mpmath.workdps(digits):
        step = mpmath.ldexp(min(abs(mpmath.mpf(x)), 1) if x else 1, -60)
        return mpmath.diff(
            lambda u: reference.mp_jvp(u, mpmath.mpf(1), **hyperparameters),
            mpmath.mpf(x),
            h=step,
            direction=direction,
        )


def _mp_first(name: str, x: float, setting: tuple = ()) -> mpmath.mpf:
    with mpmath.workdps(DIGITS):
        return REFERENCES[name].mp_jvp(mpmath.mpf(x), mpmath.mpf(1), **dict(setting))


def _second_derivatives(name: str, x: np.ndarray, setting: tuple = ()):
    """Return f'' at ``x`` by grad of grad and by jvp of jvp.

    The hyperparameters of ``setting`` are static Python values.
    """
    fn = functools.partial(activations.spec(name).fn, **dict(setting))

    def first(u):
        return jax.grad(lambda v: jnp.sum(fn(v)))(u)

    def by_jvp(u):
        def tangent(v):
            return jax.jvp(fn, (v,), (jnp.ones_like(v),))[1]

        return jax.jvp(tangent, (u,), (jnp.ones_like(u),))[1]

    by_grad = jax.jit(jax.grad(lambda u: jnp.sum(first(u))))
    return np.asarray(by_grad(x)), np.asarray(jax.jit(by_jvp)(x))


@functools.cache
def _float64_reference(name: str, setting: tuple = ()) -> tuple[np.ndarray, ...]:
    jumps = JUMPS.get(name, ())
    second, other, first = [], [], []
    for x in POINTS:
        if x in jumps:
            second.append(float(_mp_second(name, x, 1, setting)))
            other.append(float(_mp_second(name, x, -1, setting)))
        else:
            second.append(float(_mp_second(name, x, 0, setting)))
            other.append(second[-1])
        first.append(float(_mp_first(name, x, setting)))
    return np.array(second), np.array(other), np.array(first)


@pytest.mark.parametrize(
    ("name", "setting"),
    [(name, ()) for name in NAMES] + SETTINGS,
    ids=lambda value: value if isinstance(value, str) else _setting_id(value),
)
def test_second_derivative_float64(name, setting):
    want, want_other, first = _float64_reference(name, setting)
    with jax.enable_x64(True):
        x = np.array(POINTS, np.float64)
        results = _second_derivatives(name, x, setting)
    atol = ATOL_EPS * np.finfo(np.float64).eps * np.maximum(np.abs(first), 1e-300)
    for how, got in zip(("grad of grad", "jvp of jvp"), results, strict=True):
        finite = np.isfinite(want)
        bad = [
            f"x={x[i]:g}: got {got[i]!r}, want {want[i]!r}"
            for i in range(len(x))
            if not _within(got[i], want[i], want_other[i], atol[i])
            or (finite[i] and not np.isfinite(got[i]))
        ]
        assert not bad, f"{name} f'' by {how}: " + "; ".join(bad)


def _within(got: float, low: float, high: float, atol: float) -> bool:
    """Return whether ``got`` matches ``low`` == ``high``, or lies between them."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return got in (low, high)
    low, high = min(low, high), max(low, high)
    slack = RTOL * max(abs(low), abs(high)) + atol
    return low - slack <= got <= high + slack


@pytest.mark.parametrize("name", NAMES)
def test_second_derivative_float32(name):
    limit = float(np.finfo(np.float32).max)
    points = sorted(
        {float(np.float32(x)) for x in POINTS + FLOAT32_STRETCH if abs(x) <= limit}
    )
    x = np.array(points, np.float32)
    results = _second_derivatives(name, x)
    jumps = JUMPS.get(name, ())
    bad = []
    for i, point in enumerate(points):
        if point in jumps:
            low = float(_mp_second(name, point, direction=1))
            high = float(_mp_second(name, point, direction=-1))
        else:
            low = high = float(_mp_second(name, point))
        first = abs(float(_mp_first(name, point)))
        atol = ATOL_EPS * float(np.finfo(np.float32).eps) * first
        atol = max(atol, float(np.finfo(np.float32).tiny))
        for how, got in zip(("grad of grad", "jvp of jvp"), results, strict=True):
            value = float(got[i])
            if abs(low) > limit or abs(high) > limit:
                continue
            slack = FLOAT32_RTOL * max(abs(low), abs(high)) + atol
            if not min(low, high) - slack <= value <= max(low, high) + slack:
                bad.append(f"x={point:g} by {how}: got {value!r}, want {low:g}")
    assert not bad, f"{name} float32 f'': " + "; ".join(bad)


def _float32_sample() -> np.ndarray:
    info = np.finfo(np.float32)
    magnitudes = np.geomspace(info.tiny, info.max, FLOAT32_POINTS, dtype=np.float64)
    magnitudes = np.concatenate([magnitudes, [1e-30, 1e30, 3e38, info.max]])
    positive = magnitudes.astype(np.float32)
    return np.concatenate([[0.0], positive, -positive]).astype(np.float32)


@pytest.mark.parametrize("name", NAMES)
def test_second_derivative_float32_finite(name):
    x = _float32_sample()
    results = _second_derivatives(name, x)
    limit = float(np.finfo(np.float32).max)
    for how, got in zip(("grad of grad", "jvp of jvp"), results, strict=True):
        bad = []
        for point, value in zip(x, got, strict=True):
            if np.isfinite(value):
                continue
            want = _mp_second(name, float(point))
            if np.isnan(value) or abs(want) <= limit:
                bad.append(f"x={point:g}: got {value!r}, want {float(want):g}")
        assert not bad, f"{name} float32 f'' by {how}: " + "; ".join(bad)
