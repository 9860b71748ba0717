"""``python -m actlab.train`` end to end, in subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _train(args, env, cwd, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "actlab.train", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _results(directory: Path) -> dict:
    return json.loads((directory / "results.json").read_text())


def test_default_run_writes_results(cli_env, tmp_path):
    run_dir = tmp_path / "run"
    done = _train(["trainer.epochs=2", f"hydra.run.dir={run_dir}"], cli_env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    results = _results(run_dir)
    assert results["status"] == "ok"
    assert results["activation"] == "relu"
    assert results["model"] == "mlp"
    assert results["data"] == "digits"
    assert results["task"] == "multiclass"
    assert results["seed"] == 0
    assert 0.0 <= results["final"]["test"]["accuracy"] <= 1.0
    assert set(results["final"]) == {"train", "test"}
    assert [row["epoch"] for row in results["history"]] == [1, 2]
    assert results["timing"]["compile_seconds"] > 0
    assert results["timing"]["steps_per_second"] > 0
    assert results["environment"]["backend"] == "cpu"
    assert results["environment"]["jax"]
    assert results["config"]["trainer"]["epochs"] == 2
    log = (run_dir / "train.log").read_text()
    assert "compiled the epoch program" in log
    assert "epoch 2/2" in log
    assert "activation:\n  name: relu" in log


def test_overrides_reach_results(cli_env, tmp_path):
    run_dir = tmp_path / "run"
    args = [
        "activation=elu",
        "activation.alpha=0.5",
        "data=breast_cancer",
        "optimizer.lr=3e-3",
        "trainer.epochs=20",
        "seed=3",
        f"hydra.run.dir={run_dir}",
    ]
    done = _train(args, cli_env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    results = _results(run_dir)
    assert results["activation"] == "elu"
    assert results["activation_params"] == {"alpha": 0.5}
    assert results["data"] == "breast_cancer"
    assert results["task"] == "binary"
    assert results["seed"] == 3
    assert results["config"]["optimizer"]["lr"] == 3e-3
    assert len(results["history"]) == 20
    assert results["final"]["test"]["accuracy"] > 0.9
    assert results["final"]["test"]["roc_auc"] > 0.95


def test_sweep_of_two_activations(cli_env, tmp_path):
    sweep_dir = tmp_path / "sweep"
    args = [
        "-m",
        "activation=relu,tanh",
        "trainer.epochs=2",
        f"hydra.sweep.dir={sweep_dir}",
    ]
    done = _train(args, cli_env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    found = sorted(
        _results(path.parent)["activation"] for path in sweep_dir.glob("*/results.json")
    )
    assert found == ["relu", "tanh"]


def test_diverged_run_does_not_stop_sweep(cli_env, tmp_path):
    sweep_dir = tmp_path / "sweep"
    args = [
        "-m",
        "optimizer=sgd",
        "optimizer.lr=1e30,1e-2",
        "activation=linear",
        "trainer.epochs=3",
        f"hydra.sweep.dir={sweep_dir}",
    ]
    done = _train(args, cli_env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = {}
    for path in sweep_dir.glob("*/results.json"):
        results = _results(path.parent)
        statuses[results["config"]["optimizer"]["lr"]] = results
    assert statuses[1e30]["status"] == "diverged"
    assert statuses[1e30]["replicas"][0]["diverged_epoch"] == 1
    assert statuses[1e30]["final"]["test"]["accuracy"] is None
    assert statuses[1e-2]["status"] == "ok"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["activation=relux"],
            ["Could not find 'activation/relux'", "Available options", "relu"],
        ),
        (["data=nope"], ["Could not find 'data/nope'", "digits"]),
        (["trainer.epochs=abc"], ["trainer.epochs=abc", "Value 'abc'", "Integer"]),
        (["optimizer.lr=-1"], ["optimizer.lr=-1.0 is invalid", "> 0"]),
        (
            ["activation=elu", "activation.alpha=0"],
            ["alpha=0.0 is invalid", "alpha must be"],
        ),
        (
            ["activation.name=elux"],
            ["unknown activation 'elux'; available:", "relu"],
        ),
        (
            ["data=wine", "data.data_dir=/proc/actlab"],
            ["/proc/actlab: No such file or directory", "data.data_dir"],
        ),
        (
            ["output_activation=tanh"],
            ["output_activation='tanh' is invalid for a multiclass task"],
        ),
    ],
    ids=[
        "activation",
        "data",
        "epochs",
        "lr",
        "alpha",
        "activation-name",
        "data-dir",
        "output",
    ],
)
def test_user_mistake_exits_with_one_message(cli_env, tmp_path, args, expected):
    run_dir = tmp_path / "run"
    done = _train([*args, f"hydra.run.dir={run_dir}"], cli_env, tmp_path, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    for text in expected:
        assert text in output
    assert "Traceback" not in output
    assert not (run_dir / "results.json").exists()
