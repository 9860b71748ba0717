"""Train one configuration: ``python -m actlab.train [overrides]``.

Examples:
  python -m actlab.train
  python -m actlab.train activation=elu activation.alpha=0.5 data=breast_cancer
  python -m actlab.train -m activation=relu,tanh,sigmoid,elu

Each run writes ``results.json`` into its Hydra output directory. An invalid
value ends the run with exit status 2 and a one-line message, before any
work starts. A TFDS catalog data set that is not prepared ends it with exit
status 3 and the command that prepares it, and a directory that cannot be
written with exit status 4.
"""

from __future__ import annotations

import logging
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from actlab.config import ConfigError, check, register_configs
from actlab.data import DataNotPreparedError
from actlab.results import write_results
from actlab.run import run

log = logging.getLogger("actlab.train")

EXIT_INVALID_CONFIG = 2
EXIT_DATA_NOT_PREPARED = 3
EXIT_OS_ERROR = 4


@hydra.main(version_base=None, config_path="pkg://actlab.conf", config_name="config")
def main(cfg: DictConfig) -> float | None:
    """Validate, train, write ``results.json``; return the final test loss."""
    try:
        check(cfg)
        log.info("config:\n%s", OmegaConf.to_yaml(cfg, resolve=True))
        # run() checks what needs the data, such as the output activation
        # against the targets, before training starts.
        results = run(cfg)
    except ConfigError as error:
        log.error("invalid config: %s", error)
        sys.exit(EXIT_INVALID_CONFIG)
    except DataNotPreparedError as error:
        log.error("%s", error)
        sys.exit(EXIT_DATA_NOT_PREPARED)
    except OSError as error:
        # For example a data directory that cannot be created or written.
        log.error(
            "%s: %s; check that this path can be created and written "
            "(data.data_dir, TFDS_DATA_DIR or compilation_cache_dir)",
            error.filename,
            error.strerror,
        )
        sys.exit(EXIT_OS_ERROR)
    path = write_results(HydraConfig.get().runtime.output_dir, results)
    final = results["final"]
    metrics = " ".join(
        f"{split}/{name}={value:.4g}"
        for split, values in final.items()
        for name, value in values.items()
    )
    log.info("status %s; final %s", results["status"], metrics)
    log.info("wrote %s", path)
    return final["test"]["loss"]


def cli() -> None:
    register_configs()
    main()


if __name__ == "__main__":
    cli()
