"""The activation registry: names, hyperparameters and their checks."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any

import jax
import numpy as np

Activation = Callable[[jax.Array], jax.Array]


# Checks shared by the float hyperparameters of every activation family, with
# the text that error messages and the catalogue show for each. The functions
# cast hyperparameters to the input's dtype and compute half precision in
# float32, so a value must be a finite float32 number. A positive value must
# also be normal in float32, because XLA on CPU flushes subnormal numbers to 0.
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_FLOAT32_TINY = float(np.finfo(np.float32).tiny)
FINITE = "finite in float32 (|value| <= 3.4e38)"
POSITIVE = "in [1.2e-38, 3.4e38] (positive, normal in float32)"
NONNEGATIVE = "0 or in [1.2e-38, 3.4e38] (normal in float32)"


def is_finite(value: float) -> bool:
    return abs(value) <= _FLOAT32_MAX


def is_positive_finite(value: float) -> bool:
    return _FLOAT32_TINY <= value <= _FLOAT32_MAX


def is_nonnegative_finite(value: float) -> bool:
    return value == 0 or is_positive_finite(value)


@dataclasses.dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter of an activation.

    Attributes:
      name: keyword argument name of the activation function.
      default: value used when the caller gives none; its Python type is the
        type the hyperparameter accepts (``float`` also accepts ``int``).
      allowed: human-readable description of the valid values, used in
        error messages, for example ``"> 0"`` or ``"'identity' or 'clipped'"``.
      check: predicate that returns True for a valid value.
    """

    name: str
    default: float | str | bool
    allowed: str
    check: Callable[[Any], bool] = lambda value: True


@dataclasses.dataclass(frozen=True)
class Properties:
    """Mathematical properties of an activation at its default hyperparameters.

    For an activation that mixes the feature axis (softmax and the like), range,
    monotonic and smooth describe output ``i`` as a function of input ``i``
    with the other inputs held fixed, and zero_centred states whether the output
    at the zero vector is 0.

    Attributes:
      range: ``(lower, upper)`` bounds of the output; ``-math.inf`` or
        ``math.inf`` where unbounded.
      monotonic: non-decreasing over the whole real line.
      smooth: continuously differentiable everywhere.
      zero_centred: ``f(0) == 0`` and the output takes both signs, so a layer's
        mean output can be near zero.
      self_gated: of the form ``x * g(x)`` with a gate ``g``, as SiLU and Mish.
      derivative_at_0: the derivative the implementation returns at 0,
        including the convention at a kink; None for activations that mix the
        feature axis, whose derivative is a Jacobian.
      source: where the activation comes from: authors, year and title, or
        "classical" for functions older than neural networks.
    """

    range: tuple[float, float]
    monotonic: bool
    smooth: bool
    zero_centred: bool
    self_gated: bool
    derivative_at_0: float | None
    source: str

    @property
    def bounded_above(self) -> bool:
        return self.range[1] < float("inf")

    @property
    def bounded_below(self) -> bool:
        return self.range[0] > float("-inf")


@dataclasses.dataclass(frozen=True)
class ActivationSpec:
    """A registered activation.

    Attributes:
      name: registry key, as written in configs.
      fn: pure JAX function ``fn(x, **hyperparameters)``.
      hyperparameters: the keyword arguments ``fn`` accepts, with defaults.
      initializer: weight initialiser family suited to the activation:
        ``"he"`` (ReLU-like), ``"lecun"`` (SELU-like, linear) or ``"glorot"``
        (tanh- and sigmoid-like).
      summary: one-line description for listings.
      properties: the activation's mathematical properties.
      aliases: other names that resolve to this same entry, such as
        ``"swish"`` for ``"silu"``.
      joint_check: for hyperparameters that constrain each other, a function
        of all of them (as keywords) that raises ValueError naming the values
        when they do not fit together; None where no value constrains another.
    """

    name: str
    fn: Callable[..., jax.Array]
    hyperparameters: tuple[Hyperparameter, ...] = ()
    initializer: str = "glorot"
    summary: str = ""
    properties: Properties | None = None
    aliases: tuple[str, ...] = ()
    joint_check: Callable[..., None] | None = None

    def defaults(self) -> dict[str, Any]:
        return {hp.name: hp.default for hp in self.hyperparameters}


_REGISTRY: dict[str, ActivationSpec] = {}
# Alias -> canonical name; every canonical name maps to itself, so the dict
# contains exactly the names that spec() accepts.
_NAMES: dict[str, str] = {}
# Learnable activations exist only as modules (actlab.activations.module), so
# spec() and get() name them here to point callers there.
_MODULE_ONLY: set[str] = set()


def reserve_module_name(name: str) -> None:
    """Mark ``name`` as a learnable activation that has no function form.

    Raises:
      ValueError: if ``name`` is already registered or reserved.
    """
    if name in _NAMES or name in _MODULE_ONLY:
        raise ValueError(f"activation name {name!r} is already registered")
    _MODULE_ONLY.add(name)


def register(spec: ActivationSpec) -> ActivationSpec:
    """Add ``spec`` and its aliases to the registry.

    Raises:
      ValueError: if the name or an alias is already taken, by a name or an
        alias, or if the initializer is not one of the three families.
    """
    if spec.initializer not in ("he", "lecun", "glorot"):
        raise ValueError(
            f"initializer={spec.initializer!r} of activation {spec.name!r} is "
            "invalid; expected 'he', 'lecun' or 'glorot'"
        )
    names = (spec.name, *spec.aliases)
    if len(set(names)) != len(names):
        raise ValueError(
            f"activation {spec.name!r} lists a name twice in {names!r}; "
            "each alias must be distinct from the name and the other aliases"
        )
    for name in names:
        if name in _MODULE_ONLY:
            raise ValueError(f"activation name {name!r} is already registered")
        if name in _NAMES:
            owner = _NAMES[name]
            raise ValueError(
                f"activation name {name!r} is already registered"
                + ("" if owner == name else f" as an alias of {owner!r}")
            )
    _REGISTRY[spec.name] = spec
    for name in names:
        _NAMES[name] = spec.name
    return spec


def available(*, include_aliases: bool = True) -> tuple[str, ...]:
    """Return the accepted activation names, sorted.

    Args:
      include_aliases: list aliases such as ``"swish"`` beside the canonical
        names; with False, each activation appears once, by its
        ``ActivationSpec.name``.
    """
    if include_aliases:
        return tuple(sorted(_NAMES))
    return tuple(sorted(_REGISTRY))


def canonical_name(name: str) -> str:
    """Return the registered name that ``name`` (possibly an alias) resolves to.

    Raises:
      ValueError: if ``name`` is not registered; the message lists the names.
    """
    try:
        return _NAMES[name]
    except KeyError:
        if name in _MODULE_ONLY:
            raise ValueError(
                f"activation {name!r} is learnable and has no function form; "
                f"build it with actlab.activations.module({name!r}, ...)"
            ) from None
        raise ValueError(
            f"unknown activation {name!r}; available: {', '.join(available())}"
        ) from None


def spec(name: str) -> ActivationSpec:
    """Return the registry entry for ``name``; an alias gives the same entry.

    Raises:
      ValueError: if ``name`` is not registered; the message lists the names.
    """
    return _REGISTRY[canonical_name(name)]


_TYPE_NAMES = {float: "a float", int: "an int", bool: "a bool", str: "a str"}


def _scalar(value: Any) -> Any:
    """Return a NumPy or JAX scalar (a 0-d array too) as the Python number."""
    if isinstance(value, np.generic) or (
        isinstance(value, np.ndarray | jax.Array) and value.shape == ()
    ):
        return value.item()
    return value


def _convert(name: str, hp: Hyperparameter, value: Any) -> Any:
    """Coerce ``value`` to the type of ``hp.default`` or raise ValueError.

    NumPy and JAX scalars count as the Python numbers they hold, so
    ``np.float32(0.5)`` is a float and ``np.bool_(True)`` a bool.
    """
    expected = type(hp.default)
    bad_type = ValueError(
        f"{name}: {hp.name}={value!r} is invalid; expected "
        f"{_TYPE_NAMES.get(expected, expected.__name__)} {hp.allowed}"
    )
    value = _scalar(value)
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_type
        try:
            return float(value)
        except OverflowError:  # an int beyond the float range
            raise bad_type from None
    if expected is int and isinstance(value, bool):
        raise bad_type
    if not isinstance(value, expected):
        raise bad_type
    return value


def validate(name: str, hyperparameters: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``hyperparameters`` for activation ``name`` and fill in defaults.

    Returns:
      A dict with every hyperparameter of the activation, converted to the type
      of its default.

    Each value is checked alone first, then the entry's ``joint_check`` checks
    the values together (hard_tanh's ``min_val < max_val``, rrelu's ``lower <=
    upper``).

    Raises:
      ValueError: naming the activation, the hyperparameter, the value and
        what is allowed, for an unknown name, an unknown hyperparameter or an
        invalid value or combination of values.
    """
    entry = spec(name)
    known = {hp.name: hp for hp in entry.hyperparameters}
    unknown = sorted(set(hyperparameters) - set(known))
    if unknown:
        allowed = ", ".join(known) if known else "none"
        raise ValueError(
            f"{name}: unknown hyperparameter {unknown[0]!r}; {name} accepts: {allowed}"
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
    if entry.joint_check is not None:
        entry.joint_check(**values)
    return values


def get(name: str, **hyperparameters: Any) -> Activation:
    """Return activation ``name`` as a jit-compiled function of one array.

    ``name`` may be an alias; the function is that of the canonical entry.

    Example:
      >>> elu = get("elu", alpha=0.5)
      >>> elu(jnp.array([-1.0, 0.0, 2.0]))

    Raises:
      ValueError: for an unknown name or an invalid hyperparameter, with a
        message that lists what is allowed.
    """
    entry = spec(name)
    values = validate(name, hyperparameters)
    function = jax.jit(functools.partial(entry.fn, **values))
    function.__name__ = name
    function.__doc__ = entry.fn.__doc__
    return function
