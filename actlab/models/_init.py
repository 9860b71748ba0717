"""Weight initialisers by name."""

from __future__ import annotations

import functools

import jax
from flax import nnx

_INITIALIZERS = {
    # He et al. (2015): variance 2 / fan_in keeps ReLU-like activations'
    # second moment constant through the layers.
    "he_normal": nnx.initializers.he_normal,
    "he_uniform": nnx.initializers.he_uniform,
    # LeCun et al. (1998): variance 1 / fan_in; the choice for SELU.
    "lecun_normal": nnx.initializers.lecun_normal,
    "lecun_uniform": nnx.initializers.lecun_uniform,
    # Glorot and Bengio (2010): variance 2 / (fan_in + fan_out), for
    # activations that are linear around zero such as tanh and sigmoid.
    "glorot_normal": nnx.initializers.glorot_normal,
    "glorot_uniform": nnx.initializers.glorot_uniform,
    # PyTorch's default for the weights of nn.Linear and nn.Conv1d/2d
    # (kaiming_uniform_ with a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    # variance 1 / (3 fan_in). PyTorch's recurrent layers draw their weights
    # from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) instead.
    "pytorch_default": functools.partial(
        nnx.initializers.variance_scaling, 1 / 3, "fan_in", "uniform"
    ),
}

# Initialiser used for each activation family under `kernel_init: auto`.
_AUTO = {"he": "he_normal", "lecun": "lecun_normal", "glorot": "glorot_uniform"}

INITIALIZERS = tuple(sorted(_INITIALIZERS))


def initializer(name: str, family: str = "glorot") -> jax.nn.initializers.Initializer:
    """Return the kernel initialiser ``name``.

    Args:
      name: one of ``INITIALIZERS``, or ``"auto"`` to pick by ``family``.
      family: the activation's initialiser family (``"he"``, ``"lecun"`` or
        ``"glorot"``), used only when ``name`` is ``"auto"``.

    Raises:
      ValueError: for an unknown name or family, listing the valid ones.
    """
    name = resolve_initializer(name, family)
    if name not in _INITIALIZERS:
        raise ValueError(
            f"unknown initializer {name!r}; available: auto, {', '.join(INITIALIZERS)}"
        )
    return _INITIALIZERS[name]()


def resolve_initializer(name: str, family: str) -> str:
    """Return the initialiser name that ``name`` stands for, resolving ``auto``."""
    if name != "auto":
        return name
    if family not in _AUTO:
        raise ValueError(
            f"unknown initializer family {family!r}; available: "
            f"{', '.join(sorted(_AUTO))}"
        )
    return _AUTO[family]
