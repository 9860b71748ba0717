"""Build optax optimisers from an OptimizerConfig."""

from __future__ import annotations

import optax

from actlab.training.config import OptimizerConfig, check_optimizer


def make_optimizer(config: OptimizerConfig) -> optax.GradientTransformation:
    """Return the optax transformation that ``config`` describes.

    Raises:
      ValueError: if a field of ``config`` is invalid.
    """
    check_optimizer(config)
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
    if config.grad_clip_norm > 0:
        optimizer = optax.chain(
            optax.clip_by_global_norm(config.grad_clip_norm), optimizer
        )
    return optimizer
