"""Activation modules: a wrapper for plain functions, PReLU, swish, RReLU.

Every module applies its activation over the last axis (channels last, as
``nnx.Linear`` and ``nnx.Conv`` produce), and returns the input's dtype.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from actlab.activations._registry import Activation, get


def _channel_param(
    value: float, num_features: int | None, shared: bool, owner: str
) -> nnx.Param:
    """Return a parameter filled with ``value``: one per feature, or a scalar."""
    if shared or num_features is None:
        return nnx.Param(jnp.asarray(value, jnp.float32))
    if num_features < 1:
        raise ValueError(
            f"{owner}: num_features={num_features} is invalid; it must be >= 1"
        )
    return nnx.Param(jnp.full((num_features,), value, jnp.float32))


def _check_features(owner: str, parameter: jax.Array, x: jax.Array) -> None:
    if parameter.ndim and x.shape[-1:] != parameter.shape:
        raise ValueError(
            f"{owner}: input with {x.shape[-1:]} features on the last axis does not "
            f"match num_features={parameter.shape[0]}"
        )


def _compute_dtype(dtype: jnp.dtype) -> jnp.dtype:
    """Return float32 for half precision, ``dtype`` otherwise."""
    return jnp.promote_types(dtype, jnp.float32)


class FunctionActivation(nnx.Module):
    """A stateless module around an activation function.

    Args:
      fn: function of one array, for example ``actlab.activations.get(name)``.
      name: registry name, shown in the module's repr.
    """

    def __init__(self, fn: Activation, name: str):
        self.fn = fn
        self.name = name

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.fn(x)


class PReLU(nnx.Module):
    """Parametric ReLU: ``x`` for ``x > 0``, ``a x`` otherwise, ``a`` learnable.

    The derivative with respect to ``x`` is 1 for ``x > 0`` and ``a`` for
    ``x <= 0`` (the left derivative at the kink). Source: He, Zhang, Ren and
    Sun 2015, "Delving Deep into Rectifiers: Surpassing Human-Level
    Performance on ImageNet Classification", https://arxiv.org/abs/1502.01852.

    Args:
      num_features: size of the last axis of the input; with it, each
        channel has its own slope. None gives one slope shared by all.
      init_slope: initial value of the slopes (0.25 in the source).
      shared: one slope for all channels even when ``num_features`` is given.
    """

    def __init__(
        self,
        num_features: int | None = None,
        *,
        init_slope: float = 0.25,
        shared: bool = False,
    ):
        self.slope = _channel_param(init_slope, num_features, shared, "prelu")

    def __call__(self, x: jax.Array) -> jax.Array:
        slope = self.slope[...]
        _check_features("prelu", slope, x)
        return jnp.where(x > 0, x, slope.astype(x.dtype) * x)


class LearnableSwish(nnx.Module):
    """Swish with a learnable ``beta``: ``x * sigmoid(beta x)``.

    ``beta = 1`` gives SiLU, ``beta = 0`` gives ``x / 2``, and large
    ``beta`` approaches ReLU. The derivative with respect to ``x`` is
    ``s + beta x s (1 - s)`` with ``s = sigmoid(beta x)``. Half precision is
    computed in float32 and cast back. Source: Ramachandran, Zoph and Le
    2017, "Searching for Activation Functions", https://arxiv.org/abs/1710.05941.

    Args:
      num_features: size of the last axis of the input, used when
        ``shared`` is False to give each channel its own ``beta``.
      init_beta: initial value of ``beta``.
      shared: one ``beta`` for all channels (the default).
    """

    def __init__(
        self,
        num_features: int | None = None,
        *,
        init_beta: float = 1.0,
        shared: bool = True,
    ):
        self.beta = _channel_param(init_beta, num_features, shared, "learnable_swish")

    def __call__(self, x: jax.Array) -> jax.Array:
        beta = self.beta[...]
        _check_features("learnable_swish", beta, x)
        compute = _compute_dtype(x.dtype)
        wide = x.astype(compute)
        return (wide * jax.nn.sigmoid(beta.astype(compute) * wide)).astype(x.dtype)


class RReLU(nnx.Module):
    """Randomized leaky ReLU: a random negative slope while training.

    In training mode each element with ``x <= 0`` gets its own slope, drawn
    from ``U(lower, upper)`` anew at every call. In evaluation mode the slope
    is the mean ``(lower + upper) / 2``, as in the registered ``rrelu``
    function. ``model.train()`` and ``model.eval()`` set
    ``deterministic`` as they do for dropout. Source: Xu, Wang, Chen and Li
    2015, "Empirical Evaluation of Rectified Activations in Convolutional
    Network", https://arxiv.org/abs/1505.00853.

    Args:
      lower: the smallest slope, >= 0.
      upper: the largest slope, >= ``lower``.
      deterministic: start in evaluation mode.
      rngs: random streams; the ``rrelu`` stream (or ``default``) draws the
        slopes. Without it the module works only in evaluation mode.
    """

    def __init__(
        self,
        lower: float = 1 / 8,
        upper: float = 1 / 3,
        *,
        deterministic: bool = False,
        rngs: nnx.Rngs | None = None,
    ):
        if not 0 <= lower <= upper:
            raise ValueError(
                f"rrelu: lower={lower!r} and upper={upper!r} are invalid; "
                "they must satisfy 0 <= lower <= upper"
            )
        self.lower = lower
        self.upper = upper
        self.mean_slope_fn = get("rrelu", lower=lower, upper=upper)
        self.deterministic = deterministic
        self.rngs = rngs["rrelu"].fork() if rngs is not None else nnx.data(None)

    def __call__(self, x: jax.Array) -> jax.Array:
        if self.deterministic:
            return self.mean_slope_fn(x)
        if self.rngs is None:
            raise ValueError(
                "rrelu in training mode needs random streams; pass "
                "rngs=nnx.Rngs(seed) to module('rrelu', ...) or call .eval()"
            )
        compute = _compute_dtype(x.dtype)
        slope = jax.random.uniform(
            self.rngs(), x.shape, compute, self.lower, self.upper
        )
        return jnp.where(x > 0, x, (slope * x.astype(compute)).astype(x.dtype))
