"""The softmax of each row and its tangent, shared by softmax, log_softmax and softmin.

The work is split into passes that XLA on CPU (jax 0.10.2) compiles well. A row
maximum comes first. One elementwise pass then writes the scaled exponentials
(``scores``), the only intermediate array, and one pass of row sums reads them.
The elementwise passes that write the outputs come last. In log_softmax the
backward output takes the place of the scores, so that a call allocates no
array beyond its outputs. softmax and softmin also store the product of the
output and the cotangent, as ``jax.nn.softmax`` stores its exponentials. The
row sums use only arithmetic that XLA hands to YNNPACK whole, with no
comparison or select, because a select inside such a sum makes XLA write its
operand to memory first. For large arrays the rounded sum of log_softmax is
instead one reduction with two results (``_counted_rest``), which XLA compiles
into its own loop, because YNNPACK then allocates a scratch array for the
arithmetic inside the sum.

Each row ``x`` with maximum ``m`` is described by
``rest = sum_j exp(x_j - m) - 1``, the sum of all the exponentials but one
maximum, computed so that it keeps its relative precision when it is far below
1, where ``1 + rest`` would round it away. Everything else follows from it:
``log(1 + rest)`` is the log-normaliser, ``1 / (1 + rest)`` the probability at
a maximum and ``rest / (1 + rest)`` its complement.

softmax and softmin use ``precise``: the scores come from an exponential
within about 1 ulp (``_scaled_exp``), and ``rest`` and ``1 / (1 + rest)`` are
carried as pairs of working precision numbers, so that a probability rounds
once after its score. A Jacobian entry ``-p_i p_j`` adds the errors of two
probabilities: with XLA's exp and a rounded sum and reciprocal it reached
4.8 ulp on random rows of 4, and 6.4 ulp on 2**20 random float32 rows. The
paired sum costs a second sum over the scores. log_softmax keeps XLA's exp
and the single rounded sum, because each of its outputs and Jacobian entries
depends on one probability at most.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

# ln 2 as the sum of two float64 numbers, to about 2**-106.
_LN2_HIGH = 0.6931471805599453
_LN2_LOW = 2.3190468138462996e-17


def _two_sum(a: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(s, e)`` with ``s = fl(a + b)`` and ``a + b = s + e`` exactly.

    Knuth's branch-free TwoSum, for finite ``a`` and ``b``. In the elementwise
    passes here XLA on CPU compiles it faster than the Fast2Sum with a select
    in ``_numerics.two_sum``.
    """
    s = a + b
    b_virtual = s - a
    return s, (a - (s - b_virtual)) + (b - b_virtual)


def _scale_bits(dtype) -> int:
    """Return k for the scale ``2**k`` of the scores: half the exponent range."""
    return jnp.finfo(dtype).maxexp // 2


# ln 2 = high + low for the reduction n ln 2 of the exponential: n * high is
# exact for every n that _scaled_exp meets (9 of 24 and 32 of 53 bits).
_REDUCTION_LN2 = {
    np.dtype(np.float32): (0.693359375, -2.1219444005469057e-4),
    np.dtype(np.float64): (0.6931471803691238, 1.9082149292705877e-10),
}
# Taylor coefficients 1/2!, 1/3!, ... of (exp(r) - 1 - r) / r**2, enough that
# the first term left out is below 2**-27 (float32) or 2**-57 (float64) for
# |r| <= ln(2) / 2 + 0.01.
_EXP_TERMS = {np.dtype(np.float32): 7, np.dtype(np.float64): 12}


def _scaled_exp(difference: jax.Array, error: jax.Array, bits: int) -> jax.Array:
    """Return ``2**bits exp(difference + error)`` within about 1.0 ulp.

    ``difference <= 0`` and ``error`` is tiny beside it. The reduction
    ``difference = n ln 2 + r`` keeps ``r`` and its rounding error as a pair.
    The Taylor polynomial of ``exp(r) - 1`` is added to 1 last, so that the
    result rounds about once. On 2**20 random float32 rows of 4 the worst error
    was 1.03 ulp. XLA's own exp on CPU (jax 0.10.2) is within 1.0 ulp in float32,
    and with the rounding of a separate correction for ``error`` the scores
    reached 1.44 ulp; a Jacobian entry ``-p_i p_j`` adds the errors of two
    scores. The power ``2**(n + bits)`` is built from its exponent bits.
    Below the smallest normal number the score is 0, as XLA on CPU flushes it
    anyway.
    """
    dtype = np.dtype(difference.dtype)
    info = jnp.finfo(dtype)
    ln2_high, ln2_low = _REDUCTION_LN2[dtype]
    # Every score below the floor is under the smallest normal number.
    floor = -(bits - info.minexp + 2) * _LN2_HIGH
    clamped = jnp.maximum(difference, floor)
    n = jnp.round(clamped * (1 / _LN2_HIGH))
    reduced, reduction_error = _two_sum(clamped - n * ln2_high, -(n * ln2_low))
    low = reduction_error + error
    coefficients = [1 / math.factorial(j) for j in range(2, 2 + _EXP_TERMS[dtype])]
    series = jnp.asarray(coefficients[-1], dtype)
    for coefficient in reversed(coefficients[:-1]):
        series = series * reduced + coefficient
    expm1 = reduced + (reduced * reduced) * series
    body = 1 + (expm1 + (low + low * expm1))
    integer = jnp.int32 if dtype == np.float32 else jnp.int64
    exponent = n.astype(integer) + bits
    biased = (exponent - (info.minexp - 1)) << info.nmant
    power = jax.lax.bitcast_convert_type(biased, dtype)
    return jnp.where(exponent >= info.minexp, body * power, 0)


def _xla_scaled_exp(difference: jax.Array, error: jax.Array, bits: int) -> jax.Array:
    """Return ``2**bits exp(difference + error)`` with XLA's exp, within 1.5 ulp.

    The shift by ``bits ln 2`` rounds, and its exact error joins ``error``.
    """
    shift = np.asarray(bits * _LN2_HIGH, difference.dtype)
    shift_low = (bits * _LN2_HIGH - float(shift)) + bits * _LN2_LOW
    # The barrier keeps XLA from folding the constant out of the exact sum.
    argument, shift_error = _two_sum(
        difference, jax.lax.optimization_barrier(jnp.asarray(shift))
    )
    correction = (shift_error + shift_low) + error
    # -inf entries have a NaN error and a score of 0.
    correction = jnp.where(jnp.isfinite(correction), correction, 0)
    exponential = jnp.exp(argument)
    return exponential + exponential * correction


def _scores(x: jax.Array, top: jax.Array, precise: bool) -> jax.Array:
    """Return ``2**k exp(x - top)``, exactly ``2**k`` where ``x`` is the maximum.

    Row entries can each be below the smallest normal number, which XLA on CPU
    flushes to 0, while their sum is above it. The scale ``2**k`` keeps them:
    ``2**64`` in float32 and ``2**512`` in float64, so that a score of 1 is far
    from overflow. ``x - top`` rounds, and its exact rounding error enters
    through ``exp(s + e) = exp(s) (1 + e)``, to within ``e**2``. Without it, an
    argument of size ``|s|`` would cost up to ``|s| / 2`` ulp in the
    exponential. The exponential is ``_scaled_exp`` when ``precise``, and
    XLA's otherwise.

    A row whose maximum is +inf puts all its mass on its +inf entries, and a
    row of -inf only on every entry, each scored ``2**k``.
    """
    bits = _scale_bits(x.dtype)
    scale = float(2.0**bits)
    finite = jnp.isfinite(top)
    difference, error = _two_sum(x, -jnp.where(finite, top, 0))
    if precise:
        # -inf entries have a NaN error and a score of 0.
        error = jnp.where(jnp.isfinite(error), error, 0)
        exponential = _scaled_exp(difference, error, bits)
    else:
        exponential = _xla_scaled_exp(difference, error, bits)
    at_top = x == top
    regular = jnp.where(at_top, scale, exponential)
    return jnp.where(finite, regular, jnp.where(at_top, scale, 0))


def _rest(scores: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``sum_j exp(x_j - m) - 1`` of each row as a pair ``high + low``.

    Each score is split into a multiple ``h`` of a quantum ``q`` and the
    exact remainder ``s - h``, with ``q`` large enough that the row sum of the
    ``h`` and that sum minus the ``2**k`` of one maximum are exact. Only the
    sum of the remainders rounds, and each remainder is below ``q / 2``, so
    the pair carries the row sum to about twice the working precision. Both
    sums contain no select, so XLA on CPU still hands them to YNNPACK.
    """
    bits = _scale_bits(scores.dtype)
    # With d significand digits and n <= 2**(m - 1) entries per row, each at
    # most 2**k, the partial sums of multiples of q = 2**(k - d + m) fit in the
    # significand.
    margin = int(np.ceil(np.log2(max(scores.shape[-1], 1)))) + 1
    # Adding 3 * 2**(d - 2) * q = 3 * 2**(k + m - 2) rounds a score to a
    # multiple of q, and subtracting it again is exact. The barrier keeps XLA
    # from folding (s + c) - c to s.
    rounder = jax.lax.optimization_barrier(
        jnp.asarray(3.0 * 2.0 ** (bits + margin - 2), scores.dtype)
    )
    high = (scores + rounder) - rounder
    high_sum = jnp.sum(high, axis=-1, keepdims=True) - float(2.0**bits)
    low_sum = jnp.sum(scores - high, axis=-1, keepdims=True)
    rest, error = _two_sum(high_sum, low_sum)
    return rest * float(2.0**-bits), error * float(2.0**-bits)


@jax.custom_jvp
def _counted_rest(scores: jax.Array) -> jax.Array:
    """Return ``2**-k`` times the sum of the non-maximal scores, plus ``c - 1``.

    The maxima are the entries whose score is exactly ``2**k``; there are
    ``c`` of them in a row. One pass sums the other scores and counts the
    maxima: a single reduction with two results, which XLA on CPU (jax 0.10.2)
    compiles into its own loop. YNNPACK takes a sum with arithmetic on its
    operand, or with a division by a row value, as one fusion. At 2**26
    elements that fusion allocated a scratch array of the operand's size on
    each call, and its page faults cost more than the sum itself. Below that
    size YNNPACK's sum is faster (``_rounded_rest``).
    """
    bits = _scale_bits(scores.dtype)
    at_top = jnp.floor(scores * float(2.0**-bits))
    zero = jnp.zeros((), scores.dtype)
    count, others = jax.lax.reduce(
        (at_top, scores - at_top * float(2.0**bits)),
        (zero, zero),
        lambda a, b: (a[0] + b[0], a[1] + b[1]),
        (scores.ndim - 1,),
    )
    return others[..., None] * float(2.0**-bits) + (count[..., None] - 1)


@_counted_rest.defjvp
def _counted_rest_jvp(primals, tangents):
    # JAX cannot differentiate a reduction with two results. The count is
    # locally constant, so the tangent is the scaled row sum of the tangents.
    (scores,), (scores_dot,) = primals, tangents
    bits = _scale_bits(scores.dtype)
    tangent = jnp.sum(scores_dot, axis=-1, keepdims=True) * float(2.0**-bits)
    return _counted_rest(scores), tangent


# The largest score array, in elements, whose rounded sum YNNPACK takes whole.
# With rows of 1,024 in float32 (jax 0.10.2), that sum allocated no scratch
# array at 2**25 elements and one of the operand's size at 2**26.
# NOTE: the boundary between the two sizes was not measured.
_YNNPACK_SUM_LIMIT = 2**25


def _rounded_rest(scores: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``sum_j exp(x_j - m) - 1`` of each row in one sum, with low part 0.

    The maxima are the entries whose score is exactly ``2**k``. Each of the
    ``c`` maxima adds ``(c - 1) / c`` of its score, the others all of theirs,
    so that a single maximum adds exactly 0. Above ``_YNNPACK_SUM_LIMIT``
    elements ``_counted_rest`` computes the same sum in XLA's own loop.
    """
    if scores.size > _YNNPACK_SUM_LIMIT:
        rest = _counted_rest(scores)
        return rest, jnp.zeros_like(rest)
    bits = _scale_bits(scores.dtype)
    at_top = jnp.floor(scores * float(2.0**-bits))
    count = jnp.sum(at_top, axis=-1, keepdims=True)
    rest = jnp.sum(scores - at_top * (float(2.0**bits) / count), -1, keepdims=True)
    rest = rest * float(2.0**-bits)
    return rest, jnp.zeros_like(rest)


def _two_prod(a: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(p, e)`` with ``p = fl(a b)`` and ``a b = p + e``, by Dekker.

    Used on row values only, where its cost does not matter. It assumes no
    overflow of ``a`` or ``b`` times the splitting constant.
    """
    splitter = float(2 ** ((jnp.finfo(a.dtype).nmant + 2) // 2) + 1)

    def split(v):
        scaled = v * splitter
        v_high = scaled - (scaled - v)
        return v_high, v - v_high

    a_high, a_low = split(a)
    b_high, b_low = split(b)
    product = a * b
    error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + (
        a_low * b_low
    )
    return product, error


def _one_plus(u: jax.Array, u_low: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``1 + (u + u_low)`` as a pair ``high + low``, per row."""
    # XLA's algebraic simplifier would rewrite (u + 1) - 1 to u without the
    # barrier on the constant.
    s, error = _two_sum(jax.lax.optimization_barrier(jnp.ones((), u.dtype)), u)
    return s, error + u_low


def _reciprocal(total: jax.Array, total_low: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``1 / (total + total_low)`` as a pair ``high + low``, per row.

    The residual ``1 - total r`` is exact from ``_two_prod``, and one Newton
    step turns it into the low part.
    """
    high = 1 / total
    product, error = _two_prod(total, high)
    residual = ((1 - product) - error) - total_low * high
    low = high * residual
    # A row of NaN or an infinite total leaves a NaN residual; the high part
    # alone is then the result.
    low = jnp.where(jnp.isfinite(low), low, 0)
    # Renormalised, so that high + low rounds to high: the probability at a
    # maximum is then exactly the high part, which _anchor relies on.
    rounded = high + low
    return rounded, low - (rounded - high)


class SoftmaxRows(NamedTuple):
    """The softmax of each row of ``x``, in the pieces that its users need.

    Attributes:
      top: the maximum of each row, shape ``[..., 1]``.
      scores: ``2**k exp(x - top)``, exactly ``2**k`` at the maxima.
      log_total: ``log(sum_j exp(x_j - top))``, shape ``[..., 1]``.
      total: ``sum_j exp(x_j - top)``, at least 1, shape ``[..., 1]``.
      reciprocal: ``1 / total`` rounded, the probability at a maximum.
      reciprocal_low: ``1 / total - reciprocal``, to about twice the working
        precision.
      complement: ``1 - p`` for the probability ``p`` at a maximum, shape
        ``[..., 1]``, computed from the other entries without cancellation.
    """

    top: jax.Array
    scores: jax.Array
    log_total: jax.Array
    total: jax.Array
    reciprocal: jax.Array
    reciprocal_low: jax.Array
    complement: jax.Array


def softmax_rows(x: jax.Array, precise: bool = True) -> SoftmaxRows:
    """Return the pieces of the softmax of each row of ``x``, a float array.

    With ``precise``, the scores come from ``_scaled_exp`` and the row sum is
    carried to about twice the working precision (``_rest``), at the cost of a
    second sum over the scores. Otherwise the scores use XLA's exp and the sum
    rounds as usual (``_rounded_rest``).
    """
    top = jnp.max(x, axis=-1, keepdims=True)
    scores = _scores(x, top, precise)
    rest, rest_low = (_rest if precise else _rounded_rest)(scores)
    total, total_low = _one_plus(rest, rest_low)
    reciprocal, reciprocal_low = _reciprocal(total, total_low)
    complement = rest * reciprocal + (rest * reciprocal_low + rest_low * reciprocal)
    return SoftmaxRows(
        top=top,
        scores=scores,
        log_total=jnp.log(total) + total_low / total,
        total=total,
        reciprocal=reciprocal,
        reciprocal_low=reciprocal_low,
        complement=complement,
    )


def log_probabilities(x: jax.Array, rows: SoftmaxRows) -> jax.Array:
    """Return the log-softmax ``(x - top) - log_total``.

    ``x - top`` is carried exactly, so that each output rounds about once. In a
    row whose maximum is +inf, the +inf entries share the mass and the others
    are -inf. A row of -inf only is uniform.
    """
    top = rows.top
    difference, error = _two_sum(x, -jnp.where(jnp.isfinite(top), top, 0))
    error = jnp.where(jnp.isfinite(error), error, 0)
    regular = (difference - rows.log_total) + error
    at_infinity = jnp.where(x == jnp.inf, -rows.log_total, -jnp.inf)
    return jnp.where(
        top == jnp.inf,
        at_infinity,
        jnp.where(top == -jnp.inf, -rows.log_total, regular),
    )


def probabilities(rows: SoftmaxRows) -> jax.Array:
    """Return the softmax ``2**-k scores / total``.

    It multiplies by the reciprocal of the row total carried as a pair, so that
    the product rounds once: a maximum gets exactly ``rows.reciprocal``. The
    scale comes off first, because the derivative of ``1 / (2**k total)``
    overflows. Entries below the smallest normal number flush to 0 either way.
    """
    bits = _scale_bits(rows.scores.dtype)
    unscaled = rows.scores * float(2.0**-bits)
    return unscaled * rows.reciprocal + unscaled * rows.reciprocal_low


def _anchor(rows: SoftmaxRows, probs: jax.Array) -> jax.Array:
    """Return 1 at the maxima of each row and 0 elsewhere.

    The maxima are read off ``probs``, where their score ``2**k`` gives exactly
    ``rows.reciprocal``. An entry within an ulp of a maximum counts as one,
    which changes no result by more than its rounding.
    """
    return (probs == rows.reciprocal).astype(probs.dtype)


def _row_sum(rows: SoftmaxRows, weighted: jax.Array) -> jax.Array:
    total = jnp.sum(weighted, axis=-1, keepdims=True)
    # A per-row select between the row sum and the elementwise pass that uses
    # it. Without it, XLA on CPU passes both to YNNPACK as one fusion, whose
    # elementwise part runs several times slower than XLA's own loop. It
    # changes no value: a row with a NaN total is NaN throughout.
    return jnp.where(jnp.isnan(rows.total), jnp.nan, total)


def log_softmax_tangent(rows: SoftmaxRows, t: jax.Array) -> jax.Array:
    """Return the tangent of log_softmax, ``t - sum_j p_j t_j`` per row.

    At a maximum ``k`` it is computed as ``(1 - p_k) t_k - (P - p_k t_k)`` with
    ``P = sum_j p_j t_j``, so that a Jacobian entry ``1 - p_k`` or ``-p_j`` keeps
    its digits where ``p_k`` rounds to 1. The subtraction ``P - p_k t_k`` is
    exact when ``t`` has one nonzero entry. JAX transposes this map for reverse
    mode into ``(1 - p_k) g_k + p_k (g_k - G)`` with ``G = sum_i g_i`` at each
    maximum and ``g_j - p_j G`` elsewhere, which is exact in the same way, so
    both modes give accurate Jacobian entries with one row sum each. For other
    tangents the error is that of the row sum, as in the textbook form.
    """
    probs = probabilities(rows)
    anchor = _anchor(rows, probs)
    weighted = probs * t
    total = _row_sum(rows, weighted)
    coefficient = (1 - anchor) + anchor * rows.complement
    return coefficient * t - (total - anchor * weighted)


def softmax_tangent(rows: SoftmaxRows, probs: jax.Array, t: jax.Array) -> jax.Array:
    """Return the tangent of softmax, ``p * (t - sum_j p_j t_j)`` per row.

    It is ``p`` times the tangent of log_softmax, computed as
    ``p (c t) - p (P - p_k t_k)`` so that the part that cancels exactly for a
    tangent with one nonzero entry stays inside one product. A fused
    multiply-add, which XLA on CPU may form, then leaves it exact.
    """
    anchor = _anchor(rows, probs)
    weighted = probs * t
    total = _row_sum(rows, weighted)
    coefficient = (1 - anchor) + anchor * rows.complement
    return probs * (coefficient * t) - probs * (total - anchor * weighted)
