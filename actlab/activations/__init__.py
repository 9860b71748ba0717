"""The activation catalogue: pure JAX functions behind a registry.

``get(name, **hyperparameters)`` returns a jit-compiled function of one array;
``available()`` lists the names. This package imports nothing else from
actlab, so models receive activations as callables and never look up names.
"""

from actlab.activations import _classic  # noqa: F401  (registers the functions)
from actlab.activations._registry import (
    Activation,
    ActivationSpec,
    Hyperparameter,
    Properties,
    available,
    get,
    register,
    spec,
    validate,
)

__all__ = [
    "Activation",
    "ActivationSpec",
    "Hyperparameter",
    "Properties",
    "available",
    "get",
    "register",
    "spec",
    "validate",
]
