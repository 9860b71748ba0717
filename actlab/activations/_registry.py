"""The activation registry: names, hyperparameters and their checks."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any

import jax

Activation = Callable[[jax.Array], jax.Array]


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
    """

    name: str
    fn: Callable[..., jax.Array]
    hyperparameters: tuple[Hyperparameter, ...] = ()
    initializer: str = "glorot"
    summary: str = ""
    properties: Properties | None = None
    aliases: tuple[str, ...] = ()

    def defaults(self) -> dict[str, Any]:
        return {hp.name: hp.default for hp in self.hyperparameters}


_REGISTRY: dict[str, ActivationSpec] = {}


def register(spec: ActivationSpec) -> ActivationSpec:
    """Add ``spec`` to the registry; a name can be registered only once."""
    if spec.name in _REGISTRY:
        raise ValueError(f"activation {spec.name!r} is already registered")
    if spec.initializer not in ("he", "lecun", "glorot"):
        raise ValueError(
            f"initializer={spec.initializer!r} of activation {spec.name!r} is "
            "invalid; expected 'he', 'lecun' or 'glorot'"
        )
    _REGISTRY[spec.name] = spec
    return spec


def available() -> tuple[str, ...]:
    """Return the registered activation names, sorted."""
    return tuple(sorted(_REGISTRY))


def spec(name: str) -> ActivationSpec:
    """Return the registry entry for ``name``.

    Raises:
      ValueError: if ``name`` is not registered; the message lists the names.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; available: {', '.join(available())}"
        ) from None


def _convert(name: str, hp: Hyperparameter, value: Any) -> Any:
    """Coerce ``value`` to the type of ``hp.default`` or raise ValueError."""
    expected = type(hp.default)
    bad_type = ValueError(
        f"{name}: {hp.name}={value!r} is invalid; expected a "
        f"{expected.__name__} {hp.allowed}"
    )
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_type
        try:
            return float(value)
        except OverflowError:  # an int beyond the float range
            raise bad_type from None
    if not isinstance(value, expected):
        raise bad_type
    return value


def validate(name: str, hyperparameters: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``hyperparameters`` for activation ``name`` and fill in defaults.

    Returns:
      A dict with every hyperparameter of the activation, converted to the type
      of its default.

    Raises:
      ValueError: naming the activation, the hyperparameter, the value and
        what is allowed, for an unknown name, an unknown hyperparameter or an
        invalid value.
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
    return values


def get(name: str, **hyperparameters: Any) -> Activation:
    """Return activation ``name`` as a jit-compiled function of one array.

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
