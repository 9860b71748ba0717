"""Experiment presets: each composes and checks; the MNIST-1D ones train."""

import importlib.resources
import math

import pytest

from actlab import config
from actlab.run import compose, run


def _presets() -> list[str]:
    folder = importlib.resources.files("actlab.conf") / "experiment"
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


MNIST1D = ["mnist1d_cnn", "mnist1d_gru", "mnist1d_mlp"]


def test_presets_found():
    assert set(MNIST1D) <= set(_presets())


@pytest.mark.parametrize("name", _presets())
def test_preset_composes_and_checks(name):
    cfg = compose([f"experiment={name}"])
    config.check(cfg)
    assert cfg.num_seeds >= 1


@pytest.mark.parametrize("name", MNIST1D)
def test_mnist1d_preset_follows_reference_setup(name):
    cfg = compose([f"experiment={name}"])
    assert cfg.data.name == "mnist1d"
    assert cfg.optimizer.name == "adam"
    assert cfg.optimizer.lr == pytest.approx(1e-2)
    # 150 epochs of 40 steps of 100 make 6,000 steps over 4,000 sequences.
    assert cfg.trainer.epochs == 150
    assert cfg.trainer.batch_size == 100
    assert cfg.num_seeds == 5


def test_mnist1d_cnn_padding_is_integer():
    cfg = compose(["experiment=mnist1d_cnn"])
    assert cfg.model.padding == 1
    assert isinstance(cfg.model.padding, int)
    assert list(cfg.model.dense_sizes) == []
    assert cfg.model.pooling == "none"


def test_mnist1d_gru_reads_every_step():
    cfg = compose(["experiment=mnist1d_gru"])
    assert cfg.model.cell == "gru"
    assert cfg.model.bidirectional
    assert cfg.model.readout == "flatten"
    assert cfg.activation.name == "tanh"


@pytest.mark.parametrize("name", MNIST1D)
def test_mnist1d_preset_trains_one_epoch(name, data_dir):
    cfg = compose(
        [
            f"experiment={name}",
            "trainer.epochs=1",
            "num_seeds=1",
            f"data.data_dir={data_dir}",
            "compilation_cache_dir=",
        ]
    )
    results = run(cfg)
    assert results["status"] == "ok"
    assert results["seeds"] == [0]
    assert len(results["history"]) == 1
    assert results["timing"]["steps_per_epoch"] == 40
    assert math.isfinite(results["final"]["train"]["loss"])
    assert math.isfinite(results["final"]["test"]["loss"])
    # One epoch already beats chance (0.1) on the ten classes.
    assert results["final"]["test"]["accuracy"] > 0.15
