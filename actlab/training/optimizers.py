"""Build optax optimisers from an OptimizerConfig."""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import optax

from actlab.training.config import OptimizerConfig, check_optimizer

# Models keep activation modules under attributes of this name (DenseBlock
# and ConvBlock do), so a parameter whose path contains it belongs to an
# activation.
ACTIVATION_KEY = "activation"


def _path_names(path: tuple[Any, ...]) -> list[str]:
    names = []
    for entry in path:
        for attribute in ("key", "name", "idx"):
            if hasattr(entry, attribute):
                names.append(str(getattr(entry, attribute)))
                break
    return names


def activation_labels(params: Any) -> Any:
    """Label each leaf of ``params`` ``"activation"`` or ``"model"`` by its path.

    A leaf is an activation parameter when a key of its path is
    ``ACTIVATION_KEY``.
    """

    def label(path: tuple[Any, ...], _: Any) -> str:
        return "activation" if ACTIVATION_KEY in _path_names(path) else "model"

    return jax.tree_util.tree_map_with_path(label, params)


def _make_base(config: OptimizerConfig) -> optax.GradientTransformation:
    """Return the optimiser kind of ``config``, without clipping."""
    if config.name == "adam":
        optimizer = optax.adam(config.lr, b1=config.b1, b2=config.b2, eps=config.eps)
    elif config.name == "adamw":
        optimizer = optax.adamw(
            config.lr,
            b1=config.b1,
            b2=config.b2,
            eps=config.eps,
            weight_decay=config.weight_decay,
        )
    elif config.name == "momentum":
        optimizer = optax.sgd(
            config.lr, momentum=config.momentum, nesterov=config.nesterov
        )
    elif config.name == "rmsprop":
        optimizer = optax.rmsprop(
            config.lr,
            decay=config.decay,
            eps=config.eps,
            momentum=config.momentum or None,
        )
    else:
        optimizer = optax.sgd(config.lr)
    return optimizer


def make_optimizer(config: OptimizerConfig) -> optax.GradientTransformation:
    """Return the optax transformation that ``config`` describes.

    With ``activation_lr`` or ``activation_weight_decay`` set, the
    activations' parameters (see ``activation_labels``) get their own copy of
    the optimiser with those values, through ``optax.multi_transform``.
    Gradient clipping, when on, applies to the global norm of all gradients
    before either optimiser.

    Raises:
      ValueError: if a field of ``config`` is invalid.
    """
    check_optimizer(config)
    optimizer = _make_base(config)
    if config.activation_lr is not None or config.activation_weight_decay is not None:
        activation_config = dataclasses.replace(
            config,
            lr=config.lr if config.activation_lr is None else config.activation_lr,
            weight_decay=(
                config.weight_decay
                if config.activation_weight_decay is None
                else config.activation_weight_decay
            ),
        )
        optimizer = optax.multi_transform(
            {"model": optimizer, "activation": _make_base(activation_config)},
            activation_labels,
        )
    if config.grad_clip_norm > 0:
        optimizer = optax.chain(
            optax.clip_by_global_norm(config.grad_clip_norm), optimizer
        )
    return optimizer
