"""Rational activation (Padé activation unit) and its least-squares start.

Source: Molina, Schramowski and Kersting 2019, "Padé Activation Units:
End-to-end Learning of Flexible Activation Functions in Deep Networks",
https://arxiv.org/abs/1907.06732.
"""

from __future__ import annotations

import dataclasses
import functools
import logging

import jax
import jax.numpy as jnp
import numpy as np
import scipy.optimize
from flax import nnx

from actlab.activations._registry import get, spec

log = logging.getLogger(__name__)

# The fitting grid: 801 evenly spaced points on [-4, 4], step 0.01. A
# standard normal pre-activation lies in [-4, 4] with probability > 0.9999.
FIT_RANGE = 4.0
FIT_POINTS = 801
# A fit whose maximum error on the grid exceeds this is logged as a warning.
_WARN_ERROR = 0.1


@dataclasses.dataclass(frozen=True)
class RationalFit:
    """Coefficients of a rational approximation and its error on the grid.

    Attributes:
      numerator: ``a_0, ..., a_n`` of ``P(x) = a_0 + a_1 x + ... + a_n x^n``.
      denominator: ``b_1, ..., b_m`` of ``Q(x) = 1 + |b_1 x + ... + b_m x^m|``.
      max_error: maximum of ``|P(x) / Q(x) - f(x)|`` over the fitting grid.
    """

    numerator: np.ndarray
    denominator: np.ndarray
    max_error: float


def _safe_rational(x: np.ndarray, numerator, denominator) -> np.ndarray:
    p = np.polynomial.polynomial.polyval(x, numerator)
    b = np.polynomial.polynomial.polyval(x, np.concatenate([[0.0], denominator]))
    return p / (1.0 + np.abs(b))


def check_target(name: str) -> None:
    """Raise ValueError unless ``name`` is a registered elementwise activation."""
    entry = spec(name)
    properties = entry.properties
    if properties is None or properties.derivative_at_0 is None:
        raise ValueError(
            f"rational: approximates={name!r} is invalid; it must be an "
            "elementwise activation, not one that mixes the feature axis"
        )


@functools.lru_cache(maxsize=64)
def fit_rational(
    name: str, numerator_degree: int, denominator_degree: int
) -> RationalFit:
    """Fit ``P(x) / (1 + |B(x)|)`` to activation ``name`` on the grid.

    The grid is ``FIT_POINTS`` evenly spaced points on ``[-FIT_RANGE,
    FIT_RANGE]``, and the target is the registered function at its default
    hyperparameters. The fit runs in two steps, in float64:

    1. Linearised least squares: minimise ``sum (P(x) - f(x) (1 + B(x)))^2``,
       which is linear in the coefficients, with ``numpy.linalg.lstsq``.
    2. Nonlinear least squares on the safe form itself, ``sum (P(x) / (1 +
       |B(x)|) - f(x))^2``, with ``scipy.optimize.least_squares`` started at
       step 1's coefficients. The result of step 2 is kept only if its
       maximum error is the smaller one.

    The maximum error on the grid is logged and returned.

    Raises:
      ValueError: if ``name`` is not a registered elementwise activation or
        its values on the grid are not finite.
    """
    check_target(name)
    x = np.linspace(-FIT_RANGE, FIT_RANGE, FIT_POINTS)
    # Module construction may run inside a jit or vmap trace; the target
    # values must be concrete NumPy numbers all the same.
    with jax.ensure_compile_time_eval():
        f = np.asarray(get(name)(jnp.asarray(x, jnp.float32)), np.float64)
    if f.shape != x.shape or not np.all(np.isfinite(f)):
        raise ValueError(
            f"rational: approximates={name!r} is invalid; its values on "
            f"[-{FIT_RANGE}, {FIT_RANGE}] must be finite and elementwise"
        )
    n, m = numerator_degree, denominator_degree
    powers = x[:, None] ** np.arange(max(n, m) + 1)
    design = np.concatenate([powers[:, : n + 1], -f[:, None] * powers[:, 1 : m + 1]], 1)
    linear, *_ = np.linalg.lstsq(design, f, rcond=None)

    def residual(coefficients: np.ndarray) -> np.ndarray:
        return _safe_rational(x, coefficients[: n + 1], coefficients[n + 1 :]) - f

    best = linear
    best_error = np.max(np.abs(residual(linear)))
    refined = scipy.optimize.least_squares(residual, linear, method="trf").x
    refined_error = np.max(np.abs(residual(refined)))
    if refined_error < best_error:
        best, best_error = refined, refined_error
    level = logging.WARNING if best_error > _WARN_ERROR else logging.INFO
    log.log(
        level,
        "rational %d/%d fit to %s on [-%g, %g]: max error %.3g",
        n,
        m,
        name,
        FIT_RANGE,
        FIT_RANGE,
        best_error,
    )
    return RationalFit(best[: n + 1].copy(), best[n + 1 :].copy(), float(best_error))


def _horner(coefficients: jax.Array, x: jax.Array) -> jax.Array:
    """Evaluate ``c_0 + c_1 x + ... + c_k x^k`` by Horner's rule."""
    result = jnp.broadcast_to(coefficients[-1], x.shape).astype(x.dtype)
    for index in range(coefficients.shape[0] - 2, -1, -1):
        result = result * x + coefficients[index]
    return result


def rational(x: jax.Array, numerator: jax.Array, denominator: jax.Array) -> jax.Array:
    """Evaluate ``P(x) / (1 + |b_1 x + ... + b_m x^m|)`` without overflow.

    For ``|x| <= 1`` both polynomials are evaluated by Horner's rule in ``x``.
    For ``|x| > 1`` numerator and denominator are divided by ``|x|^m`` and
    evaluated by Horner's rule in ``t = 1 / x``, so no power of ``x`` above
    ``x^(n - m)`` is formed and the result is finite wherever the true value
    is. The unselected branch sees a harmless substitute input, so its
    gradient is finite too.
    """
    n = numerator.shape[0] - 1
    m = denominator.shape[0]
    large = jnp.abs(x) > 1
    small_x = jnp.where(large, 0.0, x)
    with_zero = jnp.concatenate([jnp.zeros((1,), denominator.dtype), denominator])
    direct = _horner(numerator, small_x) / (1 + jnp.abs(_horner(with_zero, small_x)))

    large_x = jnp.where(large, x, 1.0)
    t = 1 / large_x
    # P(x) = x^n * sum_k a_k t^(n - k) and B(x) = x^m * sum_k b_k t^(m - k).
    numerator_t = _horner(numerator[::-1], t)
    denominator_t = _horner(denominator[::-1], t) if m else jnp.zeros_like(t)
    # x^n / |x|^m = sign(x)^n |x|^(n - m) = sign(x)^n |t|^(m - n).
    sign = jnp.sign(large_x) ** n
    if n >= m:
        scale = sign * jnp.abs(large_x) ** (n - m)
    else:
        scale = sign * jnp.abs(t) ** (m - n)
    inverse = scale * numerator_t / (jnp.abs(t) ** m + jnp.abs(denominator_t))
    return jnp.where(large, inverse, direct)


class Rational(nnx.Module):
    """Rational activation ``P(x) / (1 + |b_1 x + ... + b_m x^m|)``.

    ``P`` has degree ``numerator_degree`` (default 5) and the "safe"
    denominator has degree ``denominator_degree`` (default 4), with learnable
    coefficients shared across the features. They start at the least-squares
    fit of ``fit_rational`` to the activation ``approximates`` on ``[-4, 4]``;
    ``fit_max_error`` stores that fit's maximum error on the grid. The
    denominator is at least 1, so the function has no poles. The derivative
    at a zero of ``B`` uses JAX's convention for ``|.|``, which is 1 at 0.
    Inputs in half precision are computed in float32 and cast back.

    Outside the grid the function follows its own asymptote, not the
    start's: with ``n = m + 1`` and ``m`` even it grows like
    ``(a_n / |b_m|) x`` at both ends, so a fit to ``leaky_relu`` has the same
    slope (about 0.5) for large positive and large negative ``x``.

    NOTE: values are finite wherever the rational function's value is, but the
    gradient with respect to ``x`` can become NaN within a factor of about
    100 of the float32 maximum (seen at ``|x| = 1e37`` for a fit to tanh),
    because the reverse pass multiplies ``x^(n - m)`` by the derivative in
    ``t = 1 / x`` and that product overflows.

    Args:
      approximates: registered elementwise activation to start from.
      numerator_degree: degree ``n`` of ``P``, >= 0.
      denominator_degree: degree ``m`` of ``B``, >= 0; 0 makes ``P`` a
        polynomial.
    """

    def __init__(
        self,
        approximates: str = "leaky_relu",
        numerator_degree: int = 5,
        denominator_degree: int = 4,
    ):
        fit = fit_rational(approximates, numerator_degree, denominator_degree)
        self.approximates = approximates
        self.fit_max_error = fit.max_error
        self.numerator = nnx.Param(jnp.asarray(fit.numerator, jnp.float32))
        self.denominator = nnx.Param(jnp.asarray(fit.denominator, jnp.float32))

    def __call__(self, x: jax.Array) -> jax.Array:
        dtype = x.dtype
        compute = jnp.promote_types(dtype, jnp.float32)
        y = rational(
            x.astype(compute),
            self.numerator[...].astype(compute),
            self.denominator[...].astype(compute),
        )
        return y.astype(dtype)
