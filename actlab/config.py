"""Structured configs for Hydra, and the checks that run before any work.

Each config group has a typed schema, here or (for the models) in
``actlab.models.config``. Hydra's ConfigStore contains the schemas, so
``trainer.epochs=abc`` fails while Hydra composes the config, and ``check``
rejects values of the right type but outside their range. The
``activation`` group is generated from the activation registry: every
registered activation, and each learnable one (``activations.learnable()``),
is an option, with its hyperparameters as typed fields.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import jax
import jax.numpy as jnp
from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

from actlab import activations, data, models
from actlab.models import CNNConfig, MLPConfig, RNNConfig
from actlab.training import (
    OptimizerConfig,
    TrainerConfig,
    check_optimizer,
    check_trainer,
)

MODELS = models.MODELS


MAX_SEED = 2**32 - 1


class ConfigError(ValueError):
    """A config value is invalid; the message names it and what is allowed."""


@dataclasses.dataclass
class DataConfig:
    """Data set choice and the TFDS directory of its prepared files.

    Attributes:
      name: one of ``actlab.data.available()``, or ``tfds:NAME`` for any data
        set of TFDS's catalog that is prepared in the data directory.
      data_dir: TFDS data directory; None means TFDS's default
        (``$TFDS_DATA_DIR`` or ``~/tensorflow_datasets``).
      sequence_length: steps per sequence for the data sets whose length is
        a parameter (``adding``, ``parity``); None means the data set's
        default. Other data sets reject a value.
    """

    name: str = "digits"
    data_dir: str | None = None
    sequence_length: int | None = None


@dataclasses.dataclass
class Config:
    """The whole run.

    Attributes:
      activation: the hidden activation: ``name`` plus its hyperparameters.
      model: the network; its fields depend on ``model.name``.
      data: the data set.
      optimizer: the optax optimiser.
      trainer: epochs and batch sizes.
      seed: seed of the first replica, >= 0.
      num_seeds: replicas trained side by side with seeds ``seed``,
        ``seed + 1``, ..., ``seed + num_seeds - 1``; >= 1.
      output_activation: overrides the output activation that the task kind
        implies (None keeps it). Classification kinds accept only their own;
        regression accepts an elementwise activation whose range covers the
        train targets.
      layer_activations: one activation name per hidden layer, each at its
        default hyperparameters, in place of ``activation`` for all layers.
        The MLP has one hidden layer per entry of ``hidden_sizes``, the CNN
        one per convolution block plus one per dense layer, the RNN one per
        recurrent layer. None (the default) uses ``activation`` everywhere.
      compilation_cache_dir: JAX's persistent compilation cache; an empty
        string disables it.
    """

    activation: Any = MISSING
    model: Any = MISSING
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    optimizer: OptimizerConfig = dataclasses.field(default_factory=OptimizerConfig)
    trainer: TrainerConfig = dataclasses.field(default_factory=TrainerConfig)
    seed: int = 0
    num_seeds: int = 1
    output_activation: str | None = None
    layer_activations: list[str] | None = None
    compilation_cache_dir: str = "~/.cache/actlab/jax"


def _activation_schema(name: str) -> type:
    """Make a dataclass with ``name`` and the typed hyperparameters of ``name``."""
    spec = activations.module_spec(name)
    fields: list[tuple[str, type, Any]] = [
        ("name", str, dataclasses.field(default=name))
    ]
    for hp in spec.hyperparameters:
        fields.append(
            (hp.name, type(hp.default), dataclasses.field(default=hp.default))
        )
    class_name = "".join(part.title() for part in name.split("_")) + "Activation"
    return dataclasses.make_dataclass(class_name, fields)


def register_configs() -> None:
    """Store every schema and activation option in Hydra's ConfigStore."""
    store = ConfigStore.instance()
    store.store(name="actlab_config", node=Config)
    store.store(group="schema/model", name="mlp", node=MLPConfig)
    store.store(group="schema/model", name="cnn", node=CNNConfig)
    store.store(group="schema/model", name="rnn", node=RNNConfig)
    for name in (*activations.available(), *activations.learnable()):
        store.store(group="activation", name=name, node=_activation_schema(name))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def _check_activation(cfg: DictConfig) -> dict[str, Any]:
    values = OmegaConf.to_container(cfg, resolve=True)
    name = values.pop("name")
    try:
        return activations.validate_module(name, values)
    except ValueError as error:
        detail = str(error).removeprefix(f"{name}: ")
        raise ConfigError(f"activation={name}: {detail}") from None


def _check_width_preserved(name: str, hyperparameters: dict[str, Any]) -> None:
    """Reject a hidden activation that changes the feature width, such as glu.

    Every model feeds a hidden layer's activation into a layer of the same
    width, so an activation that halves the last axis cannot be a hidden one.
    """
    if name in activations.learnable():
        return
    function = activations.get(name, **hyperparameters)
    probe = jax.ShapeDtypeStruct((1, 4), jnp.float32)
    width = jax.eval_shape(function, probe).shape[-1]
    _require(
        width == 4,
        f"activation={name} is invalid as a hidden activation: it changes the "
        f"feature width (4 features in, {width} out), but every hidden layer "
        "passes its width on unchanged; choose a width-preserving activation",
    )


def _check_model(cfg: DictConfig) -> None:
    try:
        models.check(OmegaConf.to_object(cfg))
    except ValueError as error:
        raise ConfigError(str(error)) from None
    if cfg.name == "rnn":
        try:
            activations.spec(cfg.gate_activation)
        except ValueError as error:
            raise ConfigError(f"model.gate_activation: {error}") from None


def _check_known_keys(cfg: DictConfig) -> None:
    """Reject keys that no schema defines, such as ``+trainer.epoch=1``.

    Hydra's ``+key=value`` adds a key even to a typed config, so a misspelt
    field would otherwise be ignored silently.
    """
    schemas = {
        "data": DataConfig,
        "optimizer": OptimizerConfig,
        "trainer": TrainerConfig,
    }
    top_level = {field.name for field in dataclasses.fields(Config)} | {"hydra"}
    for key in cfg:
        _require(
            key in top_level,
            f"{key} is not a config field; top-level fields: "
            f"{', '.join(sorted(top_level - {'hydra'}))}",
        )
    for group, schema in schemas.items():
        fields = {field.name for field in dataclasses.fields(schema)}
        for key in cfg[group]:
            _require(
                key in fields,
                f"{group}.{key} is not a config field; {group} fields: "
                f"{', '.join(sorted(fields))}",
            )


def _num_hidden_layers(model: DictConfig) -> int:
    """Return how many layers of ``model`` take the hidden activation."""
    if model.name == "mlp":
        return len(model.hidden_sizes)
    if model.name == "cnn":
        return len(model.channels) + len(model.dense_sizes)
    return model.num_layers


def _check_layer_activations(cfg: DictConfig) -> None:
    names = list(cfg.layer_activations)
    expected = _num_hidden_layers(cfg.model)
    _require(
        len(names) == expected,
        f"layer_activations={names} is invalid; it has {len(names)} entries, "
        f"but model={cfg.model.name} has {expected} hidden layers",
    )
    for name in names:
        try:
            activations.validate_module(name, {})
        except ValueError as error:
            raise ConfigError(f"layer_activations: {error}") from None
        _check_width_preserved(name, {})


def check_cell_activation(name: str, model_name: str) -> None:
    """Raise ConfigError for a learnable activation in the RNN.

    The RNN's cells take activation functions, not modules.
    """
    _require(
        not (model_name == "rnn" and activations.is_learnable(name)),
        f"activation={name} is learnable, but model=rnn takes only activation "
        "functions; use model=mlp or model=cnn",
    )


def check(cfg: DictConfig) -> None:
    """Raise ConfigError for the first invalid value in a composed config.

    Hydra has already checked the types; this checks names and ranges.
    """
    hyperparameters = _check_activation(cfg.activation)
    _check_width_preserved(cfg.activation.name, hyperparameters)
    _check_model(cfg.model)
    if cfg.layer_activations is not None:
        _check_layer_activations(cfg)
    hidden = cfg.layer_activations or [cfg.activation.name]
    for name in hidden:
        check_cell_activation(name, cfg.model.name)
    try:
        data.validate(cfg.data.name, sequence_length=cfg.data.sequence_length)
    except ValueError as error:
        raise ConfigError(f"data: {error}") from None
    try:
        check_optimizer(OmegaConf.to_object(cfg.optimizer))
        check_trainer(OmegaConf.to_object(cfg.trainer))
    except ValueError as error:
        raise ConfigError(str(error)) from None
    if cfg.output_activation is not None:
        try:
            activations.spec(cfg.output_activation)
        except ValueError as error:
            raise ConfigError(f"output_activation: {error}") from None
    _require(cfg.seed >= 0, f"seed={cfg.seed} is invalid; it must be >= 0")
    _require(
        cfg.num_seeds >= 1, f"num_seeds={cfg.num_seeds} is invalid; it must be >= 1"
    )
    # Each replica's seed seeds a JAX key, which takes an unsigned 32-bit value.
    last_seed = cfg.seed + cfg.num_seeds - 1
    _require(
        last_seed <= MAX_SEED,
        f"seed={cfg.seed} with num_seeds={cfg.num_seeds} is invalid; the last "
        f"replica's seed {last_seed} must be <= {MAX_SEED}",
    )
    _check_known_keys(cfg)


def activation_hyperparameters(cfg: DictConfig) -> dict[str, Any]:
    """Return the checked hyperparameters of ``cfg.activation``, without name."""
    return _check_activation(cfg.activation)


def expand_path(path: str) -> str:
    return os.path.abspath(os.path.expanduser(path))
