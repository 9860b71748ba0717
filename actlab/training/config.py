"""Typed settings for the optimiser and the training loop.

These are plain dataclasses: Hydra uses them as structured configs, and
notebooks and tests build them directly.
"""

from __future__ import annotations

import dataclasses
import math

OPTIMIZERS = ("adam", "adamw", "momentum", "rmsprop", "sgd")


@dataclasses.dataclass
class OptimizerConfig:
    """Optimiser settings.

    Attributes:
      name: one of ``OPTIMIZERS``. ``momentum`` is SGD with heavy-ball (or
        Nesterov) momentum; ``sgd`` has no momentum.
      lr: learning rate, > 0.
      momentum: momentum coefficient in [0, 1) for ``momentum`` and
        ``rmsprop`` (optax's ``rmsprop`` momentum; 0 disables it).
      nesterov: Nesterov momentum for ``momentum``.
      b1: first-moment decay of ``adam``/``adamw``, in [0, 1).
      b2: second-moment decay of ``adam``/``adamw``, in [0, 1).
      eps: denominator offset of ``adam``/``adamw``/``rmsprop``, > 0.
      decay: squared-gradient decay of ``rmsprop``, in [0, 1).
      weight_decay: decoupled weight decay of ``adamw``, >= 0.
      grad_clip_norm: clip gradients to this global norm before the update;
        0 disables clipping.
      activation_lr: learning rate of the activations' own parameters (PReLU
        slopes, swish beta, rational coefficients), > 0; None trains them
        with ``lr``. The same optimiser kind and settings apply.
      activation_weight_decay: ``weight_decay`` for the activations'
        parameters, >= 0 (only ``adamw`` uses it); None keeps
        ``weight_decay``.
    """

    name: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.9
    nesterov: bool = False
    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    decay: float = 0.9
    weight_decay: float = 1e-4
    grad_clip_norm: float = 0.0
    activation_lr: float | None = None
    activation_weight_decay: float | None = None


@dataclasses.dataclass
class TrainerConfig:
    """Training-loop settings.

    Attributes:
      epochs: number of passes over the train split, >= 1.
      batch_size: examples per optimiser step, >= 1. A value above the train
        split's size is lowered to it (and logged). Each epoch draws a new
        permutation and drops the remainder that does not fill a batch.
      eval_batch_size: examples per forward pass during evaluation, >= 1;
        only memory use depends on it.
    """

    epochs: int = 30
    batch_size: int = 128
    eval_batch_size: int = 8192


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def check_optimizer(config: OptimizerConfig) -> None:
    """Raise ValueError naming the first invalid field of ``config``."""
    _require(
        config.name in OPTIMIZERS,
        f"optimizer.name={config.name!r} is invalid; available: "
        f"{', '.join(OPTIMIZERS)}",
    )
    _require(
        math.isfinite(config.lr) and config.lr > 0,
        f"optimizer.lr={config.lr} is invalid; the learning rate must be a "
        "finite number > 0, for example optimizer.lr=1e-3",
    )
    for field in ("momentum", "b1", "b2", "decay"):
        value = getattr(config, field)
        _require(
            0 <= value < 1,
            f"optimizer.{field}={value} is invalid; it must be in [0, 1)",
        )
    _require(
        math.isfinite(config.eps) and config.eps > 0,
        f"optimizer.eps={config.eps} is invalid; it must be > 0",
    )
    _require(
        math.isfinite(config.weight_decay) and config.weight_decay >= 0,
        f"optimizer.weight_decay={config.weight_decay} is invalid; it must be >= 0",
    )
    _require(
        math.isfinite(config.grad_clip_norm) and config.grad_clip_norm >= 0,
        f"optimizer.grad_clip_norm={config.grad_clip_norm} is invalid; it must be "
        ">= 0 (0 disables clipping)",
    )
    if config.activation_lr is not None:
        _require(
            math.isfinite(config.activation_lr) and config.activation_lr > 0,
            f"optimizer.activation_lr={config.activation_lr} is invalid; it must "
            "be a finite number > 0, or null to use optimizer.lr",
        )
    if config.activation_weight_decay is not None:
        _require(
            math.isfinite(config.activation_weight_decay)
            and config.activation_weight_decay >= 0,
            f"optimizer.activation_weight_decay={config.activation_weight_decay} "
            "is invalid; it must be >= 0, or null to use optimizer.weight_decay",
        )


def check_trainer(config: TrainerConfig) -> None:
    """Raise ValueError naming the first invalid field of ``config``."""
    for field in ("epochs", "batch_size", "eval_batch_size"):
        value = getattr(config, field)
        _require(value >= 1, f"trainer.{field}={value} is invalid; it must be >= 1")
