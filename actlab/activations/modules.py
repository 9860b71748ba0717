"""Activations as Flax NNX modules, learnable ones included.

``module(name, num_features=..., rngs=..., **hyperparameters)`` returns an
``nnx.Module`` for every name, so models treat all activations alike:

- a registered function becomes a stateless ``FunctionActivation`` around
  ``get(name, **hyperparameters)``, with the same checks and values;
- ``rrelu`` becomes ``RReLU``, which draws random slopes in training mode
  and equals the ``rrelu`` function in evaluation mode;
- the learnable activations ``prelu``, ``learnable_swish`` and ``rational``
  have parameters (``nnx.Param``) that train with the model.

The learnable names are kept apart from the function registry: they are
listed by ``learnable()``, not by ``available()``, and ``get`` or ``spec``
on one of them raises a ValueError that points to ``module``. Their
hyperparameters are initial values and shapes, checked like those of the
functions; ``module_spec`` returns the entry of any name, function or
learnable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from flax import nnx

from actlab.activations import _rational
from actlab.activations._learnable import (
    FunctionActivation,
    LearnableSwish,
    PReLU,
    RReLU,
)
from actlab.activations._registry import (
    FINITE,
    ActivationSpec,
    Hyperparameter,
    _convert,
    available,
    canonical_name,
    get,
    is_finite,
    reserve_module_name,
    spec,
    validate,
)


@dataclasses.dataclass(frozen=True)
class LearnableSpec:
    """A learnable activation.

    Attributes:
      name: name as written in configs.
      build: ``build(num_features, **hyperparameters)`` returns the module.
      hyperparameters: keyword arguments of ``build``, with defaults.
      initializer: weight initialiser family suited to the activation at its
        initial parameters, as ``ActivationSpec.initializer``.
      summary: one-line description for listings.
      source: authors, year and title of the paper that introduced it.
    """

    name: str
    build: Callable[..., nnx.Module]
    hyperparameters: tuple[Hyperparameter, ...]
    initializer: str
    summary: str
    source: str

    def defaults(self) -> dict[str, Any]:
        return {hp.name: hp.default for hp in self.hyperparameters}


def _is_degree(value: int) -> bool:
    return not isinstance(value, bool) and 0 <= value <= 8


def _is_elementwise(value: str) -> bool:
    try:
        _rational.check_target(value)
    except ValueError:
        return False
    return True


_LEARNABLE: dict[str, LearnableSpec] = {}


def _register(entry: LearnableSpec) -> None:
    reserve_module_name(entry.name)
    _LEARNABLE[entry.name] = entry


_register(
    LearnableSpec(
        name="prelu",
        build=lambda num_features, **values: PReLU(num_features, **values),
        hyperparameters=(
            Hyperparameter("init_slope", 0.25, FINITE, is_finite),
            Hyperparameter("shared", False, "(True or False)"),
        ),
        initializer="he",
        summary="leaky ReLU with a learnable slope per channel (or shared)",
        source="He, Zhang, Ren and Sun 2015, 'Delving Deep into Rectifiers: "
        "Surpassing Human-Level Performance on ImageNet Classification'",
    )
)
_register(
    LearnableSpec(
        name="learnable_swish",
        build=lambda num_features, **values: LearnableSwish(num_features, **values),
        hyperparameters=(
            Hyperparameter("init_beta", 1.0, FINITE, is_finite),
            Hyperparameter("shared", True, "(True or False)"),
        ),
        initializer="he",
        summary="x * sigmoid(beta x) with a learnable beta",
        source="Ramachandran, Zoph and Le 2017, 'Searching for Activation Functions'",
    )
)
_register(
    LearnableSpec(
        name="rational",
        build=lambda num_features, **values: _rational.Rational(**values),
        hyperparameters=(
            Hyperparameter(
                "approximates",
                "leaky_relu",
                "a registered elementwise activation",
                _is_elementwise,
            ),
            Hyperparameter("numerator_degree", 5, "in [0, 8]", _is_degree),
            Hyperparameter("denominator_degree", 4, "in [0, 8]", _is_degree),
        ),
        # Replaced by the family of ``approximates``; see initializer_family.
        initializer="he",
        summary="P(x) / (1 + |B(x)|) with learnable coefficients (Pade unit)",
        source="Molina, Schramowski and Kersting 2019, 'Pade Activation Units: "
        "End-to-end Learning of Flexible Activation Functions in Deep Networks'",
    )
)


def learnable() -> tuple[str, ...]:
    """Return the names of the learnable activations, sorted."""
    return tuple(sorted(_LEARNABLE))


def is_learnable(name: str) -> bool:
    """Return True if ``name`` is a learnable activation."""
    return name in _LEARNABLE


def needs_module(name: str) -> bool:
    """Return True if only ``module(name)`` gives the activation's training behaviour.

    That is the learnable activations and ``rrelu``, whose random slopes
    while training need a module with random streams.
    """
    return is_learnable(name) or canonical_name(name) == "rrelu"


def module_spec(name: str) -> LearnableSpec | ActivationSpec:
    """Return the entry of ``name``: a LearnableSpec, or the function's ActivationSpec.

    Raises:
      ValueError: if ``name`` is neither; the message lists the names.
    """
    if name in _LEARNABLE:
        return _LEARNABLE[name]
    try:
        return spec(name)
    except ValueError:
        names = ", ".join(sorted((*available(), *_LEARNABLE)))
        raise ValueError(f"unknown activation {name!r}; available: {names}") from None


def validate_module(name: str, hyperparameters: Mapping[str, Any]) -> dict[str, Any]:
    """Check the hyperparameters of any activation ``name`` and fill in defaults.

    Works as ``validate`` for function names and also accepts the learnable
    names.

    Raises:
      ValueError: naming the activation, the hyperparameter, the value and
        what is allowed.
    """
    entry = module_spec(name)
    if isinstance(entry, ActivationSpec):
        return validate(name, hyperparameters)
    known = {hp.name: hp for hp in entry.hyperparameters}
    unknown = sorted(set(hyperparameters) - set(known))
    if unknown:
        raise ValueError(
            f"{name}: unknown hyperparameter {unknown[0]!r}; {name} accepts: "
            f"{', '.join(known)}"
        )
    values = entry.defaults()
    for key, value in hyperparameters.items():
        hp = known[key]
        value = _convert(name, hp, value)
        if not hp.check(value):
            raise ValueError(
                f"{name}: {key}={value!r} is invalid; {key} must be {hp.allowed}"
            )
        values[key] = value
    return values


def initializer_family(name: str, hyperparameters: Mapping[str, Any]) -> str:
    """Return the weight initialiser family (``he``, ``lecun`` or ``glorot``).

    ``rational`` takes the family of the activation it starts from.
    """
    if name == "rational":
        values = validate_module(name, hyperparameters)
        return spec(values["approximates"]).initializer
    return module_spec(name).initializer


def module(
    name: str,
    *,
    num_features: int | None = None,
    rngs: nnx.Rngs | None = None,
    **hyperparameters: Any,
) -> nnx.Module:
    """Return activation ``name`` as an NNX module.

    Args:
      name: a registered function name (aliases included) or a learnable
        name from ``learnable()``.
      num_features: size of the input's last axis. PReLU and, with
        ``shared=False``, learnable swish create one parameter per feature;
        without it they share one scalar. The other activations ignore it.
      rngs: random streams; only ``rrelu`` uses them, to draw its slopes in
        training mode.
      **hyperparameters: checked as in ``validate_module``.

    Example:
      >>> layer = module("prelu", num_features=3)
      >>> layer(jnp.array([[-2.0, 0.0, 1.0]]))
      Array([[-0.5,  0. ,  1. ]], dtype=float32)

    Raises:
      ValueError: for an unknown name or an invalid hyperparameter.
    """
    values = validate_module(name, hyperparameters)
    if name in _LEARNABLE:
        return _LEARNABLE[name].build(num_features, **values)
    if canonical_name(name) == "rrelu":
        return RReLU(**values, rngs=rngs)
    return FunctionActivation(get(name, **values), name)
