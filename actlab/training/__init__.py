"""Training: replicated init, compiled epochs, evaluation and divergence.

This package takes typed config objects and arrays, and does not import Hydra,
so notebooks and tests call it directly.
"""

from actlab.training.config import (
    OPTIMIZERS,
    OptimizerConfig,
    TrainerConfig,
    check_optimizer,
    check_trainer,
)
from actlab.training.fit import FitResult, ReplicaResult, fit, summarize
from actlab.training.optimizers import make_optimizer

__all__ = [
    "OPTIMIZERS",
    "FitResult",
    "OptimizerConfig",
    "ReplicaResult",
    "TrainerConfig",
    "check_optimizer",
    "check_trainer",
    "fit",
    "make_optimizer",
    "summarize",
]
