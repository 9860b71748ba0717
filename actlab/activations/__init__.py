"""The activation catalogue: pure JAX functions behind a registry.

``get(name, **hyperparameters)`` returns a jit-compiled function of one array;
``available()`` lists the names, aliases such as ``swish`` included.
``module(name, **hyperparameters)`` returns an NNX module for every name and
for the learnable activations that ``learnable()`` lists. This
package imports nothing else from actlab, so models receive activations as
callables and never look up names.
"""

from actlab.activations import (  # noqa: F401  # noqa: F401  # noqa: F401
    _classic,
    _elementary,
    _gated,
    _gelu,
    _normalizers,
    _rectifiers,
    _shrinkers,
    _softplus,
    _squashers,
)
from actlab.activations._registry import (
    Activation,
    ActivationSpec,
    Hyperparameter,
    Properties,
    available,
    canonical_name,
    get,
    register,
    spec,
    validate,
)
from actlab.activations.modules import (
    LearnableSpec,
    initializer_family,
    is_learnable,
    learnable,
    module,
    module_spec,
    needs_module,
    validate_module,
)

__all__ = [
    "Activation",
    "ActivationSpec",
    "Hyperparameter",
    "LearnableSpec",
    "Properties",
    "available",
    "canonical_name",
    "get",
    "initializer_family",
    "is_learnable",
    "learnable",
    "module",
    "module_spec",
    "needs_module",
    "register",
    "spec",
    "validate",
    "validate_module",
]
