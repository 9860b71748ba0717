"""Tests of the registry itself: aliases, listing and registration errors."""

from __future__ import annotations

import re

import jax.numpy as jnp
import numpy as np
import pytest

from actlab import activations
from actlab.activations import _registry

CANONICAL = activations.available(include_aliases=False)
ALIASES = tuple(
    (alias, name) for name in CANONICAL for alias in activations.spec(name).aliases
)
# Aliases in common use, each with the canonical name it must resolve to.
EXPECTED_ALIASES = {"identity": "linear", "swish": "silu", "hard_swish": "hard_silu"}
POINTS = jnp.asarray([[-3.0, -0.5, 0.0], [0.25, 1.0, 4.0]])


@pytest.fixture
def empty_registry(monkeypatch):
    """Replace the registry with an empty one for the duration of a test."""
    monkeypatch.setattr(_registry, "_REGISTRY", {})
    monkeypatch.setattr(_registry, "_NAMES", {})


def _spec(name: str, aliases: tuple[str, ...] = ()) -> activations.ActivationSpec:
    return activations.ActivationSpec(name=name, fn=lambda x: x, aliases=aliases)


@pytest.mark.parametrize(("alias", "name"), EXPECTED_ALIASES.items())
def test_common_alias_resolves(alias, name):
    assert activations.canonical_name(alias) == name
    assert activations.spec(alias) is activations.spec(name)


@pytest.mark.parametrize(("alias", "name"), ALIASES)
def test_alias_gives_same_function(alias, name):
    assert activations.spec(alias) is activations.spec(name)
    np.testing.assert_array_equal(
        activations.get(alias)(POINTS), activations.get(name)(POINTS)
    )


@pytest.mark.parametrize(("alias", "name"), ALIASES)
def test_alias_accepts_same_hyperparameters(alias, name):
    hyperparameters = activations.spec(name).defaults()
    assert activations.validate(alias, {}) == hyperparameters
    with pytest.raises(ValueError, match=f"{alias}: unknown hyperparameter"):
        activations.get(alias, no_such_option=1.0)


def test_available_lists_aliases():
    names = activations.available()
    aliases = {alias for alias, _ in ALIASES}
    assert aliases, "no activation is registered with an alias"
    assert set(names) == set(CANONICAL) | aliases
    assert list(names) == sorted(names)


def test_available_canonical_excludes_aliases():
    aliases = {alias for alias, _ in ALIASES}
    assert not aliases & set(CANONICAL)
    for name in CANONICAL:
        assert activations.spec(name).name == name


def test_unknown_name_message_lists_aliases():
    with pytest.raises(ValueError, match="unknown activation 'swishh'") as info:
        activations.spec("swishh")
    for alias, _ in ALIASES:
        assert alias in str(info.value)


def test_get_alias_keeps_requested_name():
    assert activations.get("identity").__name__ == "identity"


def test_register_alias_of_taken_name_raises(empty_registry):
    activations.register(_spec("first"))
    with pytest.raises(ValueError, match=r"'first' is already registered$"):
        activations.register(_spec("second", aliases=("first",)))
    assert activations.available() == ("first",)


def test_register_name_taken_by_alias_raises(empty_registry):
    activations.register(_spec("first", aliases=("other",)))
    with pytest.raises(ValueError, match=r"'other' is already .* alias of 'first'"):
        activations.register(_spec("other"))
    assert activations.available() == ("first", "other")


def test_register_repeated_alias_raises(empty_registry):
    with pytest.raises(ValueError, match="lists a name twice"):
        activations.register(_spec("first", aliases=("first",)))
    with pytest.raises(ValueError, match="lists a name twice"):
        activations.register(_spec("second", aliases=("x", "x")))
    assert activations.available() == ()


def test_register_bad_initializer_raises(empty_registry):
    spec = activations.ActivationSpec(name="first", fn=lambda x: x, initializer="x")
    with pytest.raises(ValueError, match="initializer='x' of activation 'first'"):
        activations.register(spec)
    assert activations.available() == ()


@pytest.mark.parametrize(
    ("name", "key", "value", "expected"),
    [
        ("elu", "alpha", np.float32(0.5), 0.5),
        ("elu", "alpha", jnp.float32(2.0), 2.0),
        ("elu", "alpha", np.int64(3), 3.0),
        ("gelu", "approximate", np.bool_(True), True),
    ],
)
def test_numpy_and_jax_scalars_count_as_numbers(name, key, value, expected):
    values = activations.validate(name, {key: value})
    assert values[key] == expected
    assert type(values[key]) is type(expected)


@pytest.mark.parametrize(
    ("name", "key", "value", "message"),
    [
        ("elu", "alpha", np.array([1.0, 2.0]), "expected a float in"),
        ("gelu", "approximate", 1, "expected a bool"),
    ],
)
def test_non_scalar_or_wrong_type_raises(name, key, value, message):
    with pytest.raises(ValueError, match=f"{name}: {key}=.* is invalid; {message}"):
        activations.validate(name, {key: value})


def test_int_hyperparameter_rejects_bool():
    with pytest.raises(
        ValueError, match="numerator_degree=True is invalid; expected an int"
    ):
        activations.validate_module("rational", {"numerator_degree": True})


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [
        ("isru", "alpha", 1e40),
        ("squareplus", "b", 1e39),
        ("celu", "alpha", 1e-45),
        ("threshold", "value", -1e39),
        ("softshrink", "lambd", 1e-40),
    ],
)
def test_value_outside_float32_range_raises(name, key, value):
    message = re.escape(f"{name}: {key}={value!r} is invalid;")
    with pytest.raises(ValueError, match=message):
        activations.validate(name, {key: value})


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [("elu", "alpha", 3e38), ("celu", "alpha", 1.2e-38), ("softshrink", "lambd", 0.0)],
)
def test_value_at_float32_range_end_is_accepted(name, key, value):
    assert activations.validate(name, {key: value})[key] == value
