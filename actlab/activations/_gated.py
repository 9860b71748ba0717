"""Gated activations: SiLU (swish), hard SiLU, Mish, LiSHT and the GLU.

The first four multiply the input by a gate computed from the input itself,
and the GLU gates one half of the feature axis by the other. Each function is
pure JAX, returns the floating dtype of its input (integer and boolean input is
promoted to the default float dtype), works under ``jax.jit`` and
``jax.vmap``, and computes float16 and bfloat16 in float32.

SiLU and Mish have a minimum, so their derivative crosses 0 at an irrational
point ``x0``. Near it the textbook derivative is a difference of nearly equal
terms, and its relative error grows without bound. Here the derivative is
rewritten in ``d = x - x0``, with ``x0`` to twice the working precision: as a
Taylor polynomial in ``d`` for the SiLU, and as a sum of terms of one sign for
Mish.
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
from actlab.activations._numerics import _split as split
from actlab.activations._numerics import opaque_one, widen
from actlab.activations._registry import (
    POSITIVE,
    ActivationSpec,
    Hyperparameter,
    Properties,
    is_positive_finite,
    register,
)

# Beyond this |beta * x| the sigmoid is 0 or 1 and its derivative 0 in every
# dtype.
_SATURATION = 2048.0

# The minimum of x * sigmoid(x) lies at z0 = -1 - W(1/e), where W is Lambert's
# function, because silu'(z) = sigmoid(z) sigmoid(-z) (1 + z + exp(z)); there
# exp(z0) = -(1 + z0) = W(1/e), which is also minus the minimum value.
_SILU_ROOT = "-1.2784645427610737951093587390229801554394774886197"
_SILU_ROOT_EXP = "0.27846454276107379510935873902298015543947748861975"


def _product(beta: jax.Array, x: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``z = fl(beta * x)`` and its rounding error, 0 where z saturates.

    The error is needed because the relative error of sigmoid(z) from that of
    z grows like ``|z|``. Dekker's product with bit-mask halves gives it. The
    term ``beta_low * x`` replaces two partial products; its rounding is
    below 2**-12 (float32) of the rounding unit of ``z``. Where ``z`` is so small
    that partial products are flushed to 0, the error stays below ``|z|``,
    which is then far below the rounding unit of every result. Beyond the
    saturation point, where the halves of a huge factor could overflow, the
    sigmoid no longer depends on the error.
    """
    z = beta * x
    beta_high, beta_low = split(beta)
    x_high, x_low = split(x)
    error = ((beta_high * x_high - z) + beta_high * x_low) + beta_low * x
    return z, jnp.where(jnp.abs(z) < _SATURATION, error, 0)


def _corrected_decay(z: jax.Array, error: jax.Array) -> jax.Array:
    """Return :func:`_decay` of ``z + error`` from one exp of ``z``.

    exp(-|z + error|) = exp(-|z|) exp(-+error), and ``|error|`` is below half
    an ulp of ``z``, so exp(-+error) is 1 -+ error to the rounding unit.
    """
    decay = _decay(z)
    return decay - decay * jnp.where(z >= 0, error, -error)


# The SiLU at a beta that is traced or not a power of 2, where beta * x rounds:
# its rounding error corrects the exponential and the terms linear in z.
@jax.custom_jvp
def _silu(x: jax.Array, beta: jax.Array) -> jax.Array:
    z, z_error = _product(beta, x)
    # -inf * sigmoid(-inf) would be NaN; the limit is 0.
    factor = jnp.maximum(x, jnp.finfo(x.dtype).min)
    return _times_logistic(factor, z, _corrected_decay(z, z_error))


def _silu_jvp(primals, tangents):
    x, beta = primals
    x_dot, beta_dot = tangents
    z, z_error = _product(beta, x)
    decay = _corrected_decay(z, z_error)

    def by_x():
        return _silu_slope_corrected(z, z_error, decay)

    def by_beta():
        # d/dbeta x sigmoid(beta x) = x**2 sigmoid'(beta x); the clip keeps
        # inf * 0 out where x is infinite and the sigmoid saturated.
        finite_x = jnp.clip(x, jnp.finfo(x.dtype).min, jnp.finfo(x.dtype).max)
        # The select comes last, so that XLA on CPU computes this partial in
        # one loop fusion. Ending in a product, it would be split into
        # several arrays for the reduction over beta's broadcast axes to read.
        tail = _in_tail(-jnp.abs(z))
        partial = finite_x * (finite_x * decay) / _square_of_one_plus(decay)
        return jnp.where(tail, partial * _tail_scale(tail, z.dtype), partial)

    factor = jnp.maximum(x, jnp.finfo(x.dtype).min)
    value = _times_logistic(factor, z, decay)
    return value, _precise.combine_tangents(value, (x_dot, by_x), (beta_dot, by_beta))


_silu.defjvp(_silu_jvp, symbolic_zeros=True)


# Taylor coefficients c1, c2, ... of silu'(z) about its zero z0 (c0 = 0), from
# mpmath at 50 digits.
_SILU_SLOPE_TAYLOR = (
    "0.2178117057198000987797029240732552198181",
    "0.1466487969969469001794081109107062964436",
    "0.01887481422378231340716336418350309565826",
    "-0.01522265522318803168878181681258288695822",
    "-0.006606589138356696436301171775950936980601",
    "0.0001266274100811219972716417283261902853634",
    "0.0007985218818397997761221494635283550805529",
    "0.0001857072436118649565274327491934678639137",
    "-0.0000409053423742861168051542600913070008079",
    "-0.0000297335422132639158387752991056644599946",
    "-0.00000294263188884246399391722433365212776197",
    "0.000002346029682463866049406405431775759847004",
    "0.0000008599695028268575517718445929901791448605",
    "-0.0000000305124475005542107909912580484410676087",
    "-0.00000009266646309267440197199754244853549122767",
    "-0.00000001887762290772795805057851585014998452604",
    "0.000000004619379769031606172508501233089660220794",
    "0.000000002917760302690380261797746220794636403697",
    "0.0000000002364831505310324604728472569241861295269",
)
# Within this distance of z0 a Taylor polynomial replaces the closed form of
# silu'(z), which cancels there. At the window's edge the closed form loses an
# estimated 1 ulp to the cancellation, and at these degrees the truncated terms are
# below 0.2 (float32) and 0.01 (float64) of the rounding unit.
_ROOT_WINDOW = 0.3
_SILU_DEGREE = {np.dtype(np.float32): 9, np.dtype(np.float64): 18}
# Below log(smallest normal) + 1, exp(y) is computed as exp(y + shift) times
# exp(-shift), so that it and its products stay normal where exp(y) alone would
# be flushed to 0. The shifted exp(y) is then below 2**-30 (float32) and
# 2**-280 (float64), so 1 + exp(y) still rounds to 1.
_EXP_SHIFT = {np.dtype(np.float32): 64.0, np.dtype(np.float64): 512.0}


@functools.cache
def _taylor_about(
    root: str, taylor: tuple[str, ...], degree: int, dtype: np.dtype
) -> tuple[float, tuple[float, ...]]:
    """Return ``(h, c)`` with ``f(h + d) = sum c[k] d**k`` for small ``d``.

    ``taylor`` contains the Taylor coefficients c1, c2, ... of ``f`` about its
    zero ``root`` (c0 = 0), and ``h`` is ``root`` rounded to ``dtype``, so
    ``z - h`` is exact near the root. The coefficients are moved from the root
    to ``h`` to first order in the tiny ``root - h``, so the constant term
    ``f(h)`` is exact to the rounding unit.
    """
    high, _ = _precise.split_constant(root, dtype)
    with decimal.localcontext() as context:
        context.prec = 60
        low = decimal.Decimal(root) - decimal.Decimal(float(high))
        terms = [decimal.Decimal(0), *map(decimal.Decimal, taylor)]
        moved = [terms[k] - (k + 1) * terms[k + 1] * low for k in range(degree + 1)]
    return float(high), tuple(float(c) for c in moved)


def _near_root(
    z: jax.Array,
    closed: jax.Array,
    root: str,
    taylor: tuple[str, ...],
    degrees: dict[np.dtype, int],
    z_error: jax.Array | float = 0.0,
) -> jax.Array:
    """Return the Taylor polynomial about ``root`` near ``z + z_error``.

    Away from the root it returns ``closed``.
    """
    dtype = np.dtype(z.dtype)
    high, coefficients = _taylor_about(root, taylor, degrees[dtype], dtype)
    # z - high is exact near the root, so the sum rounds once.
    offset = (z - high) + z_error
    polynomial = jnp.full_like(z, coefficients[-1])
    for coefficient in coefficients[-2::-1]:
        polynomial = polynomial * offset + coefficient
    return jnp.where(jnp.abs(offset) < _ROOT_WINDOW, polynomial, closed)


def _decay(h: jax.Array) -> jax.Array:
    """Return ``e`` with ``exp(-|h|) = e * _tail_scale(_in_tail(-|h|))``.

    Callers that share ``h`` share the exponential, which XLA computes once and
    stores.
    """
    shift = _EXP_SHIFT[np.dtype(h.dtype)]
    minus_magnitude = -jnp.abs(h)
    tail = _in_tail(minus_magnitude)
    return jnp.exp(jnp.where(tail, minus_magnitude + shift, minus_magnitude))


def _in_tail(h: jax.Array) -> jax.Array:
    """Return whether ``h < log(smallest normal) + 1``, where exp(h) is shifted."""
    return h < math.log(float(jnp.finfo(h.dtype).tiny)) + 1


def _tail_scale(tail: jax.Array, dtype) -> jax.Array:
    """Return ``exp(-shift)`` where ``tail`` and 1 elsewhere."""
    scale = np.asarray(math.exp(-_EXP_SHIFT[np.dtype(dtype)]), dtype)
    return jnp.where(tail, scale, 1)


def _square_of_one_plus(decay: jax.Array) -> jax.Array:
    """Return ``(1 + decay)**2`` as ``1 + decay (2 + decay)``."""
    return 1 + decay * (2 + decay)


def _times_logistic(
    q: jax.Array, h: jax.Array, decay: jax.Array | None = None
) -> jax.Array:
    """Return ``q * sigmoid(h)``: ``q / (1 + e)`` or ``q e / (1 + e)``.

    For ``h < 0``, ``q e / (1 + e) = q e (1 - t / s) / s`` with
    ``1 + e = s + t`` exactly (Fast2Sum). The factor ``1.5 - s / 2`` is
    ``1 / s`` to within 12%, enough for the correction ``t / s``, which is
    below the rounding unit. Written this way, ``q * e`` contracts with the
    correction into one multiply-add on CPU, so the numerator rounds once. The
    worst error measured in float32 is 2.5 ulp, most of it from exp. A
    caller may pass ``decay``, :func:`_decay` of ``h`` or of a value next to
    it.
    """
    if decay is None:
        decay = _decay(h)
    total = 1 + decay
    error = (opaque_one(h.dtype) - total) + decay
    correction = decay * (error * (1.5 - 0.5 * total))
    # An infinite q would make inf * 0 of the correction NaN.
    finite_q = jnp.clip(q, jnp.finfo(q.dtype).min, jnp.finfo(q.dtype).max)
    numerator = jnp.where(h >= 0, q, q * decay - finite_q * correction)
    # In the tails 1 + e rounds to 1, shifted or not, and only h < 0 needs the
    # scale.
    return numerator / total * _tail_scale(_in_tail(h), h.dtype)


def _times_logistic_slope(q: jax.Array, h: jax.Array) -> jax.Array:
    """Return ``q * sigmoid(h) * sigmoid(-h) = q e / (1 + e)**2``."""
    scale = _tail_scale(_in_tail(-jnp.abs(h)), h.dtype)
    return q * _decay(h) / _square_of_one_plus(_decay(h)) * scale


# The SiLU at a power-of-2 beta, a static argument, where beta * x is exact.
@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _silu_exact(x: jax.Array, beta: float) -> jax.Array:
    # -inf * sigmoid(-inf) would be NaN; the limit is 0.
    return _times_logistic(jnp.maximum(x, jnp.finfo(x.dtype).min), beta * x)


def _silu_exact_slope(
    z: jax.Array, z_error: jax.Array | float = 0.0, decay: jax.Array | None = None
) -> jax.Array:
    """Return silu'(z) = sigmoid(z) (1 + z sigmoid(-z)) at ``z + z_error``.

    ``decay`` is :func:`_decay` of ``z + z_error``; by default ``z_error`` is
    0 and the decay is computed.
    """
    if decay is None:
        decay = _decay(z)
    # silu'(z) (1 + e)**2 is e (1 + z) + 1 for z >= 0 and e (1 + z) + e**2
    # for z < 0, sums of terms of one sign except near z0. The clip keeps
    # 0 * inf out of the tails. XLA would rewrite e * e as exp(2 a), a second
    # exponential, but not the square of a select.
    growth = decay * ((1 + jnp.clip(z, -_SATURATION, _SATURATION)) + z_error)
    gate = jnp.where(z >= 0, 1, decay)
    scale = _tail_scale(_in_tail(z), z.dtype)
    closed = (growth + gate * gate) / _square_of_one_plus(decay) * scale
    return _near_root(z, closed, _SILU_ROOT, _SILU_SLOPE_TAYLOR, _SILU_DEGREE, z_error)


@jax.custom_jvp
def _silu_slope_at(z: jax.Array) -> jax.Array:
    """Return silu'(z), whose own derivative is given in closed form.

    The selects and clips in :func:`_silu_exact_slope` would give NaN or a
    wrong silu'' when differentiated.
    """
    return _silu_exact_slope(z)


def _silu_curvature(z: jax.Array) -> jax.Array:
    """Return silu''(z), finite for every z."""
    # silu''(z) = p (2 + z (1 - 2 sigmoid(z))) with p = sigmoid(z) sigmoid(-z)
    # = e / (1 + e)**2 and z (1 - 2 sigmoid(z)) = -|z| (1 - e) / (1 + e) for
    # e = exp(-|z|). The clip keeps the product finite where p is 0.
    magnitude = jnp.minimum(jnp.abs(z), _SATURATION)
    decay = jnp.exp(-magnitude)
    shifted = 1 + decay
    return decay / (shifted * shifted) * (2 - magnitude * (1 - decay) / shifted)


@_silu_slope_at.defjvp
def _silu_slope_at_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    return _silu_slope_at(z), _silu_curvature(z) * z_dot


@jax.custom_jvp
def _silu_slope_corrected(
    z: jax.Array, z_error: jax.Array, decay: jax.Array
) -> jax.Array:
    """Return :func:`_silu_exact_slope` at ``z + z_error`` from its exponential.

    Its derivative is silu''(z) times the tangent of ``z``. The rounding error
    and the shared exponential only correct the value, so their tangents are
    left out.
    """
    return _silu_exact_slope(z, z_error, decay)


@_silu_slope_corrected.defjvp
def _silu_slope_corrected_jvp(primals, tangents):
    z, z_error, decay = primals
    z_dot = tangents[0]
    slope = _silu_slope_corrected(z, z_error, decay)
    return slope, _silu_curvature(z) * z_dot


def _silu_exact_jvp(beta, primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return _silu_exact(x, beta), _silu_slope_at(beta * x) * x_dot


_silu_exact.defjvp(_silu_exact_jvp)


def silu(x: ArrayLike, beta: float = 1.0) -> jax.Array:
    r"""Sigmoid-weighted linear unit (SiLU), also called swish.

    .. math::
      \mathrm{silu}(x) = x \, \sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}

    At :math:`\beta = 1` this is the SiLU; the swish of Ramachandran et al.
    adds the trainable or fixed :math:`\beta`, and :math:`\beta \to \infty`
    gives the ReLU. The range is :math:`[-W(1/e)/\beta, \infty)` with the
    Lambert W value :math:`W(1/e) \approx 0.27846`, reached at
    :math:`x = (-1 - W(1/e))/\beta \approx -1.27846/\beta`. The derivative is
    :math:`\sigma(\beta x)\,(1 + \beta x\,\sigma(-\beta x))`, 1/2 at 0. It is
    computed without cancellation near its zero at the minimum and without
    underflow in the negative tail, where ``jax.nn.silu``'s gradient becomes
    0 in float64 while the true derivative is a normal number. At a
    power-of-2 :math:`\beta` (the default 1) :math:`\beta x` is exact, and one
    :math:`e = e^{-|\beta x|}` serves the value and the derivative: the value
    is :math:`x/(1 + e)` or :math:`x e/(1 + e)`, the derivative
    :math:`(1 + e(1 + \beta x))/(1 + e)^2` or
    :math:`e(1 + \beta x + e)/(1 + e)^2`, replaced within 0.3 of the minimum
    by a Taylor polynomial in :math:`\beta x - x_0`. At other :math:`\beta`,
    and at a traced one, :math:`\beta x` rounds, and its rounding error
    :math:`\delta`, recovered exactly by Dekker's product of bit-mask halves,
    enters to first order: :math:`e` is multiplied by :math:`1 \mp \delta`
    and :math:`\delta` is added to :math:`\beta x` in the derivative, which
    keeps the cost at one exponential. The worst errors measured at
    :math:`\beta = 1`, with jax 0.10.2 on an x86-64 CPU, are 2.3 ulp for the
    value and 3.5 ulp for the derivative in float32 (against float64, on 2**22
    points over all magnitudes), and 2 ulp for each in float64 (against
    mpmath, on 12,000 points); at :math:`\beta = 1.702` they are 3.1 ulp for
    the value and 3.9 ulp for the derivative in float32, and 3.9 ulp for the
    derivative with respect to :math:`\beta` at :math:`\beta` from 0.3 to
    3.1. Sources: Hendrycks and
    Gimpel, "Gaussian Error Linear Units (GELUs)", 2016 (which names the
    SiLU); Elfwing, Uchibe and Doya, "Sigmoid-Weighted Linear Units for
    Neural Network Function Approximation in Reinforcement Learning", 2018;
    Ramachandran, Zoph and Le, "Searching for Activation Functions", 2017,
    https://arxiv.org/abs/1710.05941.

    Args:
      x: input array.
      beta: the gate's sharpness :math:`\beta > 0`; it is cast to the dtype of
        ``x``.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("silu")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.23840584,  0.        ,  0.7310586 ], dtype=float32)
    """
    x, dtype = widen(x)
    if _precise.is_power_of_two(beta):
        return _silu_exact(x, float(beta)).astype(dtype)
    return _silu(x, jnp.asarray(beta, x.dtype)).astype(dtype)


@jax.custom_jvp
def _hard_silu(x: jax.Array) -> jax.Array:
    middle = jnp.clip(x, -3, 3)
    quadratic = middle * (middle + 3) / 6
    return jnp.where(x <= -3, 0, jnp.where(x >= 3, x, quadratic))


@_hard_silu.defjvp
def _hard_silu_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    middle = jnp.clip(x, -3, 3)
    slope = jnp.where(x <= -3, 0, jnp.where(x >= 3, 1, (2 * middle + 3) / 6))
    return _hard_silu(x), slope * x_dot


def hard_silu(x: ArrayLike) -> jax.Array:
    r"""Hard SiLU, also called hard swish: the input times a clipped linear gate.

    .. math::
      \mathrm{hard\_silu}(x) = x \, \frac{\mathrm{relu6}(x + 3)}{6}
      = \begin{cases} 0, & x \le -3 \\ x (x + 3) / 6, & -3 < x < 3 \\
      x, & x \ge 3 \end{cases}

    The range is :math:`[-3/8, \infty)`, with the minimum at :math:`x = -3/2`.
    The derivative is 0, :math:`(2x + 3)/6` and 1 on the three pieces, and it
    jumps at :math:`x = \pm 3`. There this function returns the derivative of
    the outer piece, 0 at :math:`-3` and 1 at :math:`3`, as
    ``jax.nn.hard_silu`` does (PyTorch returns :math:`-1/2` and :math:`3/2`).
    NaN input gives NaN. Source: Howard et al., "Searching for MobileNetV3",
    ICCV 2019, https://arxiv.org/abs/1905.02244.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("hard_silu")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.33333334,  0.        ,  0.6666667 ], dtype=float32)
    """
    x, dtype = widen(x)
    return _hard_silu(x).astype(dtype)


# Above this input mish(x) = x and mish'(x) = 1 to within 2**-60.
_MISH_SATURATION = 30.0
# mish'(x) = e M(x) / (n + 2)**2 with e = exp(x), n = e (e + 2) and
# M(x) = e**3 + 4 e**2 + (6 + 4 x) e + 4 (1 + x). Its zero x0, the minimum of
# mish, and the coefficients of M in u = expm1(x - x0) (see _mish_slope), from
# mpmath at 50 digits: E**3, 3 E**3 + 4 E**2 and 3 E**3 + 8 E**2 + (6 + 4 x0) E
# for E = exp(x0).
_MISH_ROOT = "-1.1924312145154952121375883404207394056006864093225"
_MISH_CUBIC = "0.02795124200917013645086646140401783191113"
_MISH_QUADRATIC = "0.4522603229111282136261470174378818678415"
_MISH_LINEAR = "1.194033938963938925725633917716821658333"


def _mish_exponentials(x: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Return ``(e, n, scale)`` with ``n = e (e + 2)``.

    ``tanh(softplus(x)) = n / (n + 2)``. ``e`` is ``exp(min(x, 30))``, except
    in the negative tail (see ``_EXP_SHIFT``), where ``e`` is
    ``exp(x + shift)``, below 2**-30, and ``e * scale = exp(x)``. There
    ``n + 2`` rounds to 2 either way. The value and the derivative share this
    one exponential.
    """
    tail = _in_tail(x)
    shift = _EXP_SHIFT[np.dtype(x.dtype)]
    e = jnp.exp(jnp.where(tail, x + shift, jnp.minimum(x, _MISH_SATURATION)))
    return e, e * (e + 2), _tail_scale(tail, x.dtype)


@jax.custom_jvp
def _mish(x: jax.Array) -> jax.Array:
    e, n, scale = _mish_exponentials(x)
    positive = x * (n / (n + 2))
    # x e r with r = (e + 2) / (n + 2). The tail's scale comes last so that it
    # cannot underflow before the product does. For e < 1/2 (x below about
    # -0.69), r is computed as 1 - q with q = e (e + 1) / (n + 2) <= 0.23. This
    # scales the roundings in q by at most 0.3, so r has an estimated 1 ulp of
    # error, where the quotient of the rounded e + 2 and n + 2 has up to 1.5.
    # One divide serves both forms. The choice depends on e alone, so XLA fuses
    # it with the other users of the exponential.
    far = e < 0.5
    quotient = jnp.where(far, e * (e + 1), e + 2) / (n + 2)
    ratio = jnp.where(far, 1.0, 0.0) + jnp.where(far, -1.0, 1.0) * quotient
    finite_x = jnp.maximum(x, jnp.finfo(x.dtype).min)
    negative = finite_x * ratio * e * scale
    return jnp.where(x > _MISH_SATURATION, x, jnp.where(x > 0, positive, negative))


@jax.custom_jvp
def _mish_slope(x: jax.Array) -> jax.Array:
    e, n, scale = _mish_exponentials(x)
    denominator = n + 2
    # x > -1/2: tanh(sp) + x sigmoid(x) (1 - tanh(sp)**2) with sp = softplus(x)
    # and 1 - tanh(sp)**2 = 4 (n + 1) / (n + 2)**2. The terms are positive for
    # x > 0, and below 0 the sum is at most 1.5 times the result.
    gate = n / denominator
    sigmoid = e / (1 + e)
    positive = gate + x * sigmoid * (4 * ((n + 1) / denominator) / denominator)
    # x <= -1/2: with M(x0) = 0, M(x0 + d) is E**3 expm1(3d) + 4 E**2 expm1(2d) +
    # (6 + 4 x0) E expm1(d) + 4 d (1 + e) for E = exp(x0). With u = expm1(d),
    # expm1(2d) = u (u + 2) and expm1(3d) = u (u (u + 3) + 3), so one expm1
    # serves all three, and their sum is u P(u) for a quadratic P, evaluated
    # by Horner's rule. P is above 0.77 for u > -1, so every term has the sign
    # of d, and the largest, 4d, is exact when d is a pair of floats.
    bounded = jnp.maximum(x, -_SATURATION)
    offset_high, offset_low = _precise.offset_pair_from(bounded, _MISH_ROOT)
    offset = offset_high + offset_low
    growth = _precise.expm1(offset)
    polynomial = _precise.constant(_MISH_LINEAR, x.dtype) + growth * (
        _precise.constant(_MISH_QUADRATIC, x.dtype)
        + growth * _precise.constant(_MISH_CUBIC, x.dtype)
    )
    smaller_terms = growth * polynomial + 4 * offset * e
    numerator = 4 * offset_high + (4 * offset_low + smaller_terms)
    # (n + 2)**2 = e**4 + 4 e**3 + 8 e**2 + 8 e + 4, whose terms are positive,
    # rounds less than the square of the rounded n + 2.
    squared = (((e + 4) * e + 8) * e + 8) * e + 4
    negative = numerator / squared * e * scale
    return jnp.where(x > _MISH_SATURATION, 1, jnp.where(x > -0.5, positive, negative))


@_mish_slope.defjvp
def _mish_slope_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # mish'' = sech(s)**2 (2 g + x g (1 - g - 2 g tanh(s))) with g = sigmoid(x)
    # and s = softplus(x), from d = exp(-|x|) alone, so that nothing overflows:
    # for x > 0, tanh(s) = (1 + 2 d) / w and sech(s)**2 = 4 (d (1 + d) / w)**2
    # with w = 1 + 2 d + 2 d**2; for x <= 0, with n = d (d + 2), tanh(s) =
    # n / (n + 2) and sech(s)**2 = 4 (n + 1) / (n + 2)**2. The selects in
    # mish' hide the terms of mish''. The clip keeps x g finite where
    # sech(s)**2 is 0.
    bounded = jnp.clip(x, -_SATURATION, _SATURATION)
    decay = jnp.exp(-jnp.abs(bounded))
    positive = bounded > 0
    shifted = 1 + decay
    gate = jnp.where(positive, 1, decay) / shifted
    complement = jnp.where(positive, decay, 1) / shifted
    n = decay * (decay + 2)
    w = 1 + 2 * decay * shifted
    tanh = jnp.where(positive, (1 + 2 * decay) / w, n / (n + 2))
    ratio = decay * shifted / w
    sech_squared = jnp.where(positive, 4 * ratio * ratio, 4 * (n + 1) / (n + 2) ** 2)
    bracket = 2 * gate + bounded * gate * (complement - 2 * gate * tanh)
    return _mish_slope(x), sech_squared * bracket * x_dot


@_mish.defjvp
def _mish_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return _mish(x), _mish_slope(x) * x_dot


def mish(x: ArrayLike) -> jax.Array:
    r"""Mish: the input times the tanh of its softplus.

    .. math::
      \mathrm{mish}(x) = x \tanh\left(\log(1 + e^x)\right)
      = x \, \frac{e^x (e^x + 2)}{e^x (e^x + 2) + 2}

    The second form, free of tanh and log, is the one computed. The range is
    :math:`[m, \infty)` with :math:`m \approx -0.30884`, reached at
    :math:`x_0 \approx -1.19243`. The derivative is
    :math:`\tanh(s) + x\,\sigma(x)\,(1 - \tanh^2(s))` with
    :math:`s = \log(1 + e^x)`, which is :math:`3/5` at 0. It is computed
    without cancellation near its zero at :math:`x_0` and without underflow
    in the negative tail, and one :math:`e^x` serves the value and the
    derivative. The worst errors measured with jax 0.10.2 on an x86-64 CPU are
    3.5 ulp for the value and 3.9 ulp for the derivative in float32 (against
    float64, at every float32 x in [-110, 40] with :math:`|x| \ge 2^{-10}`
    and on 2**16 points over all magnitudes), and 2.4 ulp for each in float64
    (against mpmath, on 2,035 points). Source: Misra, "Mish: A Self Regularized
    Non-Monotonic Activation Function", BMVC 2020,
    https://arxiv.org/abs/1908.08681.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("mish")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.25250146,  0.        ,  0.86509836], dtype=float32)
    """
    x, dtype = widen(x)
    return _mish(x).astype(dtype)


@jax.custom_jvp
def _lisht(x: jax.Array) -> jax.Array:
    magnitude = jnp.abs(x)
    return magnitude * _precise.tanh_of_magnitude(magnitude)


@jax.custom_jvp
def _lisht_slope(x: jax.Array) -> jax.Array:
    magnitude = jnp.minimum(jnp.abs(x), _SATURATION)
    # tanh(x) + x sech(x)**2, both terms with the sign of x, and
    # sech(x)**2 = 4 exp(-2|x|) / (1 + exp(-2|x|))**2 without cancellation.
    decay = jnp.exp(-2 * magnitude)
    sech_squared = 4 * decay / ((1 + decay) * (1 + decay))
    slope = _precise.tanh_of_magnitude(magnitude) + magnitude * sech_squared
    return jnp.sign(x) * slope


@_lisht_slope.defjvp
def _lisht_slope_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    # lisht'' = 2 sech(x)**2 (1 - |x| tanh|x|), which the sign factor of
    # lisht' would make 0 at 0, where it is 2.
    magnitude = jnp.minimum(jnp.abs(x), _SATURATION)
    decay = jnp.exp(-2 * magnitude)
    shifted = 1 + decay
    sech_squared = 4 * decay / (shifted * shifted)
    tanh = (1 - decay) / shifted
    return _lisht_slope(x), 2 * sech_squared * (1 - magnitude * tanh) * x_dot


@_lisht.defjvp
def _lisht_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return _lisht(x), _lisht_slope(x) * x_dot


def lisht(x: ArrayLike) -> jax.Array:
    r"""Linearly scaled hyperbolic tangent (LiSHT).

    .. math::
      \mathrm{lisht}(x) = x \tanh(x)

    The function is even and its range is :math:`[0, \infty)`. The derivative
    is :math:`\tanh(x) + x\,\mathrm{sech}^2(x)`, 0 at :math:`x = 0`; both
    terms share the sign of :math:`x`, so it has no cancellation. The tanh is
    computed as :math:`E / (E + 2)` with :math:`E = e^{2|x|} - 1`, which is
    more accurate than XLA's float32 tanh near 0. Source: Roy, Manna, Dubey
    and Chaudhuri, "LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent
    Activation Function for Neural Networks", 2019,
    https://arxiv.org/abs/1901.05894.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("lisht")(jnp.array([-2.0, 0.0, 1.0]))
      Array([1.9280552, 0.       , 0.7615942], dtype=float32)
    """
    x, dtype = widen(x)
    return _lisht(x).astype(dtype)


@jax.custom_jvp
def _gate(value: jax.Array, gate: jax.Array) -> jax.Array:
    return _times_logistic(value, gate)


@_gate.defjvp
def _gate_jvp(primals, tangents):
    value, gate = primals
    value_dot, gate_dot = tangents
    # sigmoid(gate) = 1 / (1 + e) or e / (1 + e), measured within 2.3 ulp.
    decay = _decay(gate)
    by_value = jnp.where(gate >= 0, 1, decay) / (1 + decay)
    by_value = by_value * _tail_scale(_in_tail(gate), gate.dtype)
    by_gate = _times_logistic_slope(value, gate)
    return _gate(value, gate), by_value * value_dot + by_gate * gate_dot


def glu(x: ArrayLike) -> jax.Array:
    r"""Gated linear unit over the last (feature) axis.

    .. math::
      \mathrm{glu}(x) = a \odot \sigma(b), \quad x = [a, b]

    The last axis, of even size :math:`2n`, is split into its first half
    :math:`a` and its second half :math:`b`, and the output has size
    :math:`n` there, so a layer followed by a GLU needs twice the features it
    passes on. Each output is linear in its value :math:`a_i`, with range all
    reals, and the partial derivatives are :math:`\sigma(b_i)` by :math:`a_i`
    and :math:`a_i \sigma(b_i) \sigma(-b_i)` by :math:`b_i`. They are
    computed from one :math:`e = e^{-|b_i|}`, which is shifted where it would
    be flushed to 0, so both keep their relative precision in the saturated
    tails of the gate. The worst errors measured with jax 0.10.2 on an x86-64
    CPU are 2.5 ulp for the value, 2.3 ulp for the derivative by
    :math:`a_i` and 3.2 ulp for the derivative by :math:`b_i` in float32
    (against float64, on 2**21 rows over all magnitudes), and 2 ulp for each
    in float64 (against mpmath, on 4,000 rows). Source: Dauphin,
    Fan, Auli and Grangier, "Language Modeling with Gated Convolutional
    Networks", ICML 2017, https://arxiv.org/abs/1612.08083.

    Args:
      x: input array whose last axis has even size.

    Returns:
      An array with the dtype of ``x`` and the shape of ``x`` with the last
      axis halved.

    Raises:
      ValueError: if the last axis has odd size.

    Example:
      >>> get("glu")(jnp.array([-2.0, 1.0, 0.0, 3.0]))
      Array([-1.        ,  0.95257413], dtype=float32)
    """
    x, dtype = widen(x)
    size = x.shape[-1] if x.ndim else 0
    if size % 2 or not size:
        raise ValueError(
            f"glu: the last axis has size {size}; it must be even and positive, "
            "because glu splits it into a value half and a gate half"
        )
    value, gate = jnp.split(x, 2, axis=-1)
    return _gate(value, gate).astype(dtype)


# Initialiser: "he" (weight variance 2 / fan_in), because each of these units,
# like the ReLU, passes about half of a zero-mean input and damps the rest.
register(
    ActivationSpec(
        name="silu",
        fn=silu,
        hyperparameters=(Hyperparameter("beta", 1.0, POSITIVE, is_positive_finite),),
        initializer="he",
        summary="x * sigmoid(beta * x)",
        properties=Properties(
            range=(-float(_SILU_ROOT_EXP), math.inf),
            monotonic=False,
            smooth=True,
            zero_centred=True,
            self_gated=True,
            derivative_at_0=0.5,
            source="Hendrycks and Gimpel 2016, 'Gaussian Error Linear Units "
            "(GELUs)'; Ramachandran, Zoph and Le 2017, 'Searching for "
            "Activation Functions'",
        ),
        aliases=("swish",),
    )
)
register(
    ActivationSpec(
        name="hard_silu",
        fn=hard_silu,
        initializer="he",
        summary="x * relu6(x + 3) / 6",
        properties=Properties(
            range=(-0.375, math.inf),
            monotonic=False,
            smooth=False,
            zero_centred=True,
            self_gated=True,
            derivative_at_0=0.5,
            source="Howard et al. 2019, 'Searching for MobileNetV3'",
        ),
        aliases=("hard_swish",),
    )
)
register(
    ActivationSpec(
        name="mish",
        fn=mish,
        initializer="he",
        summary="x * tanh(softplus(x))",
        properties=Properties(
            range=(-0.30884341301725040663, math.inf),
            monotonic=False,
            smooth=True,
            zero_centred=True,
            self_gated=True,
            derivative_at_0=0.6,
            source="Misra 2020, 'Mish: A Self Regularized Non-Monotonic "
            "Activation Function'",
        ),
    )
)
register(
    ActivationSpec(
        name="lisht",
        fn=lisht,
        initializer="he",
        summary="x * tanh(x)",
        properties=Properties(
            range=(0.0, math.inf),
            monotonic=False,
            smooth=True,
            zero_centred=False,
            self_gated=True,
            derivative_at_0=0.0,
            source="Roy, Manna, Dubey and Chaudhuri 2019, 'LiSHT: Non-Parametric "
            "Linearly Scaled Hyperbolic Tangent Activation Function for Neural "
            "Networks'",
        ),
    )
)
register(
    ActivationSpec(
        name="glu",
        fn=glu,
        initializer="he",
        summary="first half of the last axis times sigmoid of the second half",
        # Properties describe output i as a function of input i, the value a_i,
        # in which a_i * sigmoid(b_i) increases. In the gate input b_i it
        # decreases where a_i < 0.
        properties=Properties(
            range=(-math.inf, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=None,
            source="Dauphin, Fan, Auli and Grangier 2017, 'Language Modeling with "
            "Gated Convolutional Networks'",
        ),
    )
)
