"""Alpha dropout, the dropout variant that keeps SELU's self-normalisation."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from flax import nnx

# SELU's negative saturation value, -scale * alpha, with the constants of
# Klambauer et al. (2017), "Self-Normalizing Neural Networks".
SELU_SATURATION = -1.0507009873554805 * 1.6732632423543772


class AlphaDropout(nnx.Module):
    """Set a fraction ``rate`` of the inputs to SELU's saturation value.

    Plain dropout sets units to 0, which changes the variance of SELU
    activations and breaks self-normalisation. Alpha dropout (Klambauer et
    al., 2017) sets dropped units to ``alpha' = -scale * alpha ~ -1.7581``
    and then applies ``a * x + b`` with keep probability ``q = 1 - rate``:

        a = (q + alpha'^2 q (1 - q))^(-1/2),    b = -a (1 - q) alpha'

    so an input with mean 0 and variance 1 keeps mean 0 and variance 1.

    ``model.train()`` and ``model.eval()`` set ``deterministic``; in
    deterministic mode the inputs pass through unchanged.

    Args:
      rate: probability of dropping each unit, in [0, 1).
      deterministic: start in evaluation mode.
      rngs: random streams; the ``dropout`` stream (or ``default``) draws
        the masks.
    """

    def __init__(self, rate: float, *, deterministic: bool = False, rngs: nnx.Rngs):
        if not 0 <= rate < 1:
            raise ValueError(
                f"AlphaDropout rate={rate} is invalid; it must be in [0, 1)"
            )
        self.rate = rate
        self.deterministic = deterministic
        self.rngs = rngs["dropout"].fork()

    def __call__(self, x: jax.Array) -> jax.Array:
        if self.deterministic or self.rate == 0:
            return x
        keep = 1.0 - self.rate
        scale = 1.0 / math.sqrt(keep + SELU_SATURATION**2 * keep * self.rate)
        shift = -scale * self.rate * SELU_SATURATION
        mask = jax.random.bernoulli(self.rngs(), keep, x.shape)
        dropped = jnp.where(mask, x, jnp.asarray(SELU_SATURATION, x.dtype))
        return (scale * dropped + shift).astype(x.dtype)
