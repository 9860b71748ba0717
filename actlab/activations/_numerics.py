"""Floating-point building blocks shared by the squashing and normalising families.

Every rounding of a float32 or float64 operation costs up to 1 ulp of the
result in the worst case. So a closed form of four or more operations can miss
a 4 ulp bound, even when each operation rounds correctly. XLA's CPU kernels
add to that. Measured with jax 0.10.2 on x86-64 against mpmath, ``tanh`` is up
to 3.7 ulp off in float32 and 6.9 ulp in float64, ``expm1`` up to 3.9 ulp,
``logistic`` up to 2.0 ulp, ``log1p`` up to 1.8 ulp, ``exp`` up to 1.3 ulp and
``log`` up to 0.6 ulp. ``sqrt`` and division round correctly.

The helpers here carry a number as an unevaluated sum ``high + low`` of two
floats (a double word, about twice the precision of the dtype), built from
Dekker's Fast2Sum and TwoProduct. They assume round-to-nearest arithmetic and
finite operands far from overflow. XLA's CPU backend contracts ``a * b + c``
into a fused multiply-add, so ``two_product`` splits its operands with a bit
mask: the products of the halves are exact, and contraction cannot change
them.

NOTE: only checked on CPU (x86-64).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from actlab.activations._classic import _as_float

_HALF_PRECISION = (jnp.dtype(jnp.float16), jnp.dtype(jnp.bfloat16))


def widen(x: ArrayLike) -> tuple[jax.Array, jnp.dtype]:
    """Return ``x`` as a float array to compute with, and the dtype to return.

    Integers and booleans become the default float dtype. float16 and bfloat16
    are computed in float32 and rounded back once by the caller, so that
    intermediate results such as ``x * x`` cannot overflow their narrow
    exponent range.
    """
    x = _as_float(x)
    if x.dtype in _HALF_PRECISION:
        return x.astype(jnp.float32), x.dtype
    return x, x.dtype


def opaque_one(dtype) -> jax.Array:
    """Return the scalar 1 in ``dtype``, hidden from XLA's constant folding.

    XLA's algebraic simplifier reassociates additions of constants, so it
    rewrites ``(u + 1) - 1`` to ``u`` and ``two_sum(1, u)`` would report no
    rounding error. An optimisation barrier on the scalar keeps the sums as
    written and costs nothing per element.
    """
    return jax.lax.optimization_barrier(jnp.ones((), dtype))


def two_sum(a: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(s, e)`` with ``s = fl(a + b)`` and ``a + b = s + e`` exactly.

    Dekker's Fast2Sum, exact when its first operand is the larger in
    magnitude, applied in the order that makes it so. Knuth's branch-free
    TwoSum gives the same result, but XLA on CPU compiled it into fusions up
    to ten times slower than this. Pass ``opaque_one`` rather than a literal
    for a constant operand. For an infinite operand ``e`` is NaN.
    """
    s = a + b
    error = jnp.where(jnp.abs(a) >= jnp.abs(b), b - (s - a), a - (s - b))
    return s, error


# Masks that keep the top 12 (float32) or 26 (float64) significant bits.
_HIGH_BITS = {
    jnp.dtype(jnp.float32): (jnp.uint32, 0xFFFFF000),
    jnp.dtype(jnp.float64): (jnp.uint64, 0xFFFFFFFFF8000000),
}


def _split(a: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(high, low)`` with ``a = high + low`` exactly.

    A bit mask clears the low half of the significand, so ``high`` has at
    most 12 (float32) or 26 (float64) significant bits and ``low`` at most one
    more. Products of two halves are then exact (in float64 all but
    ``low * low``, whose rounding is below 2**-100 of the product), whether or
    not XLA contracts them into fused multiply-adds. Veltkamp's split, which
    computes ``high`` with a multiplication and two subtractions, gives wrong
    halves once XLA contracts ``c * a - a``.
    """
    unsigned, mask = _HIGH_BITS[a.dtype]
    bits = jax.lax.bitcast_convert_type(a, unsigned) & jnp.asarray(mask, unsigned)
    high = jax.lax.bitcast_convert_type(bits, a.dtype)
    return high, a - high


def two_product(a: jax.Array, b: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(p, e)`` with ``p = fl(a * b)`` and ``a * b = p + e``.

    Exact while ``|p|`` is at least ``2**(nmant + 2)`` times the smallest
    normal number, and ``a`` and ``b`` are more than ``2**27`` (float64;
    ``2**12`` in float32) below the overflow threshold. Below that, the
    partial products would fall under the smallest normal number, which XLA
    on CPU flushes to 0, so ``e`` is set to 0 and ``p`` alone is within half
    an ulp.
    """
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + (
        a_low * b_low
    )
    info = jnp.finfo(product.dtype)
    exact = jnp.abs(product) >= float(info.tiny) * 2.0 ** (info.nmant + 2)
    return product, jnp.where(exact, error, 0)


def reciprocal(high: jax.Array, low: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``1 / (high + low)`` as a double word.

    One Newton step corrects ``q = 1 / high``: the residual
    ``1 - (high + low) q`` is exact to first order, so the sum of the two
    words is within about 1 ulp of the reciprocal.
    """
    quotient = 1 / high
    product, error = two_product(high, quotient)
    residual = ((1 - product) - error) - low * quotient
    return quotient, quotient * residual


def square(high: jax.Array, low: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``(high + low)**2`` as a double word."""
    product, error = two_product(high, high)
    return product, error + 2 * high * low


def sqrt(high: jax.Array, low: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Return ``sqrt(high + low)`` as a double word, for ``high > 0``."""
    root = jnp.sqrt(high)
    root_squared, error = two_product(root, root)
    # high - root**2 is exact, because root**2 is within an ulp of high.
    residual = ((high - root_squared) - error) + low
    return root, residual / (2 * root)


def multiply(
    a: tuple[jax.Array, jax.Array], b: tuple[jax.Array, jax.Array]
) -> tuple[jax.Array, jax.Array]:
    """Return the product of two double words as a double word."""
    product, error = two_product(a[0], b[0])
    return product, error + (a[0] * b[1] + a[1] * b[0])


def log1p(u: jax.Array) -> jax.Array:
    """Return ``log(1 + u)`` for finite ``u > -1``, within about 1 ulp.

    ``1 + u`` rounds to ``s`` with the exact error ``e``, and
    ``log(1 + u) = log(s) + e / s`` to within a relative ``e**2``. Only ``log``
    and the last addition round, whereas XLA's ``log1p`` is up to 1.8 ulp off.
    """
    s, error = two_sum(opaque_one(u.dtype), u)
    return jnp.log(s) + error / s
