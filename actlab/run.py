"""Run one experiment from a composed config: data, model, training, results.

``train.py`` calls ``run`` under Hydra; notebooks call ``compose`` and
``run`` directly:

    >>> from actlab.run import compose, run
    >>> results = run(compose(["activation=elu", "trainer.epochs=5"]))
    >>> results["final"]["test"]["accuracy"]
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Sequence
from typing import Any

import flax
import hydra
import jax
import optax
from omegaconf import DictConfig, OmegaConf

import actlab
from actlab import activations, config, data, models, tasks, training
from actlab.results import SCHEMA_VERSION

log = logging.getLogger(__name__)


def compose(overrides: Sequence[str] = ()) -> DictConfig:
    """Compose the config as ``python -m actlab.train`` would, without running.

    Args:
      overrides: Hydra overrides such as ``["activation=tanh", "seed=3"]``.
    """
    config.register_configs()
    with hydra.initialize_config_module("actlab.conf", version_base=None):
        return hydra.compose("config", overrides=list(overrides))


def environment() -> dict[str, Any]:
    """Return the software versions and the devices JAX runs on."""
    return {
        "actlab": actlab.__version__,
        "jax": jax.__version__,
        "flax": flax.__version__,
        "optax": optax.__version__,
        "python": platform.python_version(),
        "backend": jax.default_backend(),
        "devices": [str(device) for device in jax.devices()],
    }


def enable_compilation_cache(directory: str) -> None:
    """Turn on JAX's persistent compilation cache in ``directory``."""
    if directory:
        jax.config.update("jax_compilation_cache_dir", config.expand_path(directory))


def _split_metrics(flat: dict[str, float]) -> dict[str, dict[str, float]]:
    """Turn ``{"test/accuracy": v}`` into ``{"test": {"accuracy": v}}``."""
    nested: dict[str, dict[str, float]] = {}
    for name, value in flat.items():
        split, metric = name.split("/", 1)
        nested.setdefault(split, {})[metric] = value
    return nested


def _mean_history(fit: training.FitResult) -> list[dict[str, Any]]:
    history = []
    for epoch in range(fit.epochs_run):
        ok = [
            replica.history[epoch]
            for replica in fit.replicas
            if replica.diverged_epoch is None or replica.diverged_epoch > epoch + 1
        ]
        row: dict[str, Any] = {"epoch": epoch + 1}
        if ok:
            row |= _split_metrics(
                {name: sum(m[name] for m in ok) / len(ok) for name in ok[0]}
            )
        history.append(row)
    return history


def build_results(
    cfg: DictConfig,
    dataset: data.Dataset,
    task: tasks.Task,
    fit: training.FitResult,
    kernel_init: str,
    total_seconds: float,
) -> dict[str, Any]:
    """Assemble the ``results.json`` document of a finished run."""
    final = training.summarize(fit.replicas)
    return {
        "schema_version": SCHEMA_VERSION,
        "status": fit.status,
        "activation": cfg.activation.name,
        "activation_params": config.activation_hyperparameters(cfg),
        "layer_activations": (
            None if cfg.layer_activations is None else list(cfg.layer_activations)
        ),
        "model": cfg.model.name,
        "data": cfg.data.name,
        "task": dataset.task,
        "output_activation": task.output_activation,
        "seed": cfg.seed,
        "num_seeds": cfg.num_seeds,
        "seeds": [replica.seed for replica in fit.replicas],
        "final": _split_metrics(final),
        "history": _mean_history(fit),
        "replicas": [
            {
                "seed": replica.seed,
                "status": replica.status,
                "diverged_epoch": replica.diverged_epoch,
                "final": _split_metrics(replica.final),
                "history": [
                    {"epoch": index + 1} | _split_metrics(metrics)
                    for index, metrics in enumerate(replica.history)
                ],
            }
            for replica in fit.replicas
        ],
        "timing": {
            "init_seconds": fit.init_seconds,
            "compile_seconds": fit.compile_seconds,
            "train_seconds": fit.train_seconds,
            "total_seconds": total_seconds,
            "steps_per_second": fit.steps_per_second,
            "steps_per_epoch": fit.steps_per_epoch,
            "epochs_run": fit.epochs_run,
            "batch_size": fit.batch_size,
        },
        "model_info": {
            "params_per_replica": fit.params_per_replica,
            "kernel_init": kernel_init,
        },
        "environment": environment(),
        "config": OmegaConf.to_container(cfg, resolve=True),
    }


def _mixes_features(name: str) -> bool:
    """Return True for an activation of the whole feature axis, as softmax."""
    properties = activations.spec(name).properties
    return properties is not None and properties.derivative_at_0 is None


def hidden_activation(
    name: str, hyperparameters: dict[str, Any], model_name: str
) -> activations.Activation | models.ActivationFactory:
    """Return the hidden activation: a function, or a factory of modules.

    Learnable activations and ``rrelu`` (random slopes while training) are
    built with ``activations.module`` for each layer. The RNN's cells take
    only functions, so there ``rrelu`` uses its mean slope throughout.

    Raises:
      config.ConfigError: for a learnable activation with ``model=rnn``;
        ``config.check`` raises it first.
    """
    if not activations.is_learnable(name) and _mixes_features(name):
        log.warning(
            "activation=%s mixes the features of each hidden layer (it is a "
            "function of the whole layer, not of each unit); it is rarely used "
            "as a hidden activation",
            name,
        )
    if not activations.needs_module(name):
        return activations.get(name, **hyperparameters)
    if model_name == "rnn":
        config.check_cell_activation(name, model_name)
        log.info("model=rnn: %s uses its mean slope while training too", name)
        return activations.get(name, **hyperparameters)

    def build(num_features: int, rngs: Any) -> Any:
        return activations.module(
            name, num_features=num_features, rngs=rngs, **hyperparameters
        )

    return models.ActivationFactory(build)


def run(cfg: DictConfig) -> dict[str, Any]:
    """Check ``cfg``, train, and return the results document.

    Raises:
      config.ConfigError: for an invalid config value, before any work.
    """
    start = time.perf_counter()
    config.check(cfg)
    enable_compilation_cache(cfg.compilation_cache_dir)
    env = environment()
    log.info("JAX %s on %s: %s", env["jax"], env["backend"], ", ".join(env["devices"]))

    dataset = data.load(
        cfg.data.name,
        data_dir=cfg.data.data_dir,
        sequence_length=cfg.data.sequence_length,
    )
    try:
        task = tasks.resolve(dataset.task, cfg.output_activation, dataset.y_train)
    except ValueError as error:
        raise config.ConfigError(str(error)) from None
    hyperparameters = config.activation_hyperparameters(cfg)
    if cfg.layer_activations is None:
        activation = hidden_activation(
            cfg.activation.name, hyperparameters, cfg.model.name
        )
    else:
        activation = [
            hidden_activation(name, {}, cfg.model.name)
            for name in cfg.layer_activations
        ]
    if cfg.layer_activations is None:
        family = activations.initializer_family(cfg.activation.name, hyperparameters)
    else:
        # NOTE: kernel_init=auto follows the first layer's activation for
        # every layer; name an initialiser to choose it explicitly.
        family = activations.initializer_family(cfg.layer_activations[0], {})
    kernel_init = models.resolve_initializer(cfg.model.kernel_init, family)
    log.info(
        "data %s (%s, %d train, %d test); %s with %s %s; kernel_init %s",
        dataset.name,
        dataset.task,
        len(dataset.x_train),
        len(dataset.x_test),
        cfg.model.name,
        cfg.activation.name,
        hyperparameters,
        kernel_init,
    )
    gate_activation = None
    if cfg.model.name == "rnn":
        gate_activation = activations.get(cfg.model.gate_activation)
    build_model = models.build_model(
        OmegaConf.to_object(cfg.model),
        dataset.x_train.shape[1:],
        dataset.num_outputs,
        activation=activation,
        gate_activation=gate_activation,
        kernel_init=models.initializer(kernel_init),
        alpha_dropout=cfg.activation.name == "selu",
    )
    optimizer_config = OmegaConf.to_object(cfg.optimizer)
    fit = training.fit(
        build_model,
        task,
        training.make_optimizer(optimizer_config),
        OmegaConf.to_object(cfg.trainer),
        train=(dataset.x_train, dataset.y_train),
        test=(dataset.x_test, dataset.y_test),
        seeds=[cfg.seed + offset for offset in range(cfg.num_seeds)],
    )
    total_seconds = time.perf_counter() - start
    return build_results(cfg, dataset, task, fit, kernel_init, total_seconds)
