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
operand to memory first.

Each row ``x`` with maximum ``m`` reached ``c`` times is described by
``rest = sum_j exp(x_j - m) - 1``, the sum of all the exponentials but one
maximum. It is summed from the other entries plus ``c - 1``, so that it keeps
its relative precision when it is far below 1, where ``1 + rest`` would round
it away. Everything else follows from it: ``log(1 + rest)`` is the
log-normaliser, ``1 / (1 + rest)`` the probability at a maximum and
``rest / (1 + rest)`` its complement.
"""

from __future__ import annotations

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


def _scores(x: jax.Array, top: jax.Array) -> jax.Array:
    """Return ``2**k exp(x - top)``, exactly ``2**k`` where ``x`` is the maximum.

    Row entries can each be below the smallest normal number, which XLA on CPU
    flushes to 0, while their sum is above it. The scale ``2**k`` keeps them:
    ``2**64`` in float32 and ``2**512`` in float64, so that a score of 1 is far
    from overflow. ``x - top`` and the shift by ``k ln 2`` round, and their
    exact rounding errors enter through ``exp(s + e) = exp(s) (1 + e)``, to
    within ``e**2``. Without them, an argument of size ``|s|`` would cost up to
    ``|s| / 2`` ulp in the exponential.

    A row whose maximum is +inf puts all its mass on its +inf entries, and a
    row of -inf only on every entry, each scored ``2**k``.
    """
    bits = _scale_bits(x.dtype)
    scale = float(2.0**bits)
    shift = np.asarray(bits * _LN2_HIGH, x.dtype)
    shift_low = (bits * _LN2_HIGH - float(shift)) + bits * _LN2_LOW
    finite = jnp.isfinite(top)
    difference, error = _two_sum(x, -jnp.where(finite, top, 0))
    # The barrier keeps XLA from folding the constant out of the exact sum.
    argument, shift_error = _two_sum(
        difference, jax.lax.optimization_barrier(jnp.asarray(shift))
    )
    correction = (shift_error + shift_low) + error
    # -inf entries have a NaN error and a score of 0.
    correction = jnp.where(jnp.isfinite(correction), correction, 0)
    exponential = jnp.exp(argument)
    at_top = x == top
    regular = jnp.where(at_top, scale, exponential + exponential * correction)
    return jnp.where(finite, regular, jnp.where(at_top, scale, 0))


def _rest(scores: jax.Array) -> jax.Array:
    """Return ``sum_j exp(x_j - m) - 1`` of each row, shape ``[..., 1]``.

    The maxima are the entries whose score is exactly ``2**k``. Each of the
    ``c`` maxima adds ``(c - 1) / c`` of its score, the others all of theirs,
    so that a single maximum adds exactly 0.
    """
    bits = _scale_bits(scores.dtype)
    at_top = jnp.floor(scores * float(2.0**-bits))
    count = jnp.sum(at_top, axis=-1, keepdims=True)
    rest = jnp.sum(scores - at_top * (float(2.0**bits) / count), -1, keepdims=True)
    return rest * float(2.0**-bits)


def _log1p(u: jax.Array) -> jax.Array:
    """Return ``log(1 + u)`` for ``u >= 0`` within about 1 ulp, per row."""
    # XLA's algebraic simplifier would rewrite (u + 1) - 1 to u without the
    # barrier on the constant.
    s, error = _two_sum(jax.lax.optimization_barrier(jnp.ones((), u.dtype)), u)
    return jnp.log(s) + error / s


class SoftmaxRows(NamedTuple):
    """The softmax of each row of ``x``, in the pieces that its users need.

    Attributes:
      top: the maximum of each row, shape ``[..., 1]``.
      scores: ``2**k exp(x - top)``, exactly ``2**k`` at the maxima.
      log_total: ``log(sum_j exp(x_j - top))``, shape ``[..., 1]``.
      total: ``sum_j exp(x_j - top)``, at least 1, shape ``[..., 1]``.
      complement: ``1 - p`` for the probability ``p`` at a maximum, shape
        ``[..., 1]``, computed from the other entries without cancellation.
    """

    top: jax.Array
    scores: jax.Array
    log_total: jax.Array
    total: jax.Array
    complement: jax.Array


def softmax_rows(x: jax.Array) -> SoftmaxRows:
    """Return the pieces of the softmax of each row of ``x``, a float array."""
    top = jnp.max(x, axis=-1, keepdims=True)
    scores = _scores(x, top)
    rest = _rest(scores)
    total = 1 + rest
    return SoftmaxRows(
        top=top,
        scores=scores,
        log_total=_log1p(rest),
        total=total,
        complement=rest / total,
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

    It multiplies by ``1 / total``, as XLA compiles a division by a row value
    anyway. The scale comes off first, because the derivative of
    ``1 / (2**k total)`` overflows. Entries below the smallest normal number
    flush to 0 either way.
    """
    bits = _scale_bits(rows.scores.dtype)
    return (rows.scores * float(2.0**-bits)) * (1 / rows.total)


def _anchor(rows: SoftmaxRows, probs: jax.Array) -> jax.Array:
    """Return 1 at the maxima of each row and 0 elsewhere.

    The maxima are read off ``probs``, where their score ``2**k`` gives exactly
    ``1 / total``. An entry within an ulp of a maximum counts as one, which
    changes no result by more than its rounding.
    """
    return (probs == 1 / rows.total).astype(probs.dtype)


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
