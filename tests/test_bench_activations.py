"""Smoke tests of scripts/bench_activations.py on tiny arrays."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import pytest

from actlab import activations

SCRIPT = Path(__file__).parents[1] / "scripts" / "bench_activations.py"


def _load_script():
    """Import the benchmark script, which is not part of a package."""
    module_spec = importlib.util.spec_from_file_location("bench_activations", SCRIPT)
    module = importlib.util.module_from_spec(module_spec)
    # dataclasses looks the module up in sys.modules while building classes.
    sys.modules[module_spec.name] = module
    module_spec.loader.exec_module(module)
    return module


bench = _load_script()
COMPARED = sorted(
    set(activations.available(include_aliases=False)) & set(bench.JAX_NN_COUNTERPARTS)
)


def _table_rows(output: str) -> dict[str, list[str]]:
    """Map the first column of each table line to its other columns."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("name "))
    rows = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        name, *columns = line.split()
        rows[name] = columns
    return rows


def test_main_prints_requested_rows(capsys):
    rows = bench.main(["--log2-size", "10", "--repeats", "1", "--names", "relu", "elu"])
    table = _table_rows(capsys.readouterr().out)
    assert [row.label for row in rows] == ["relu", "elu"]
    assert set(table) == {"(copy)", "(control)", "relu", "elu"}
    for name in ("relu", "elu"):
        actlab_ms, jax_nn_ms, ratio, verdict, *_ = table[name]
        assert float(actlab_ms) > 0
        assert float(jax_nn_ms) > 0
        assert float(ratio) > 0
        assert verdict in ("PASS", "FAIL")


@pytest.mark.parametrize("clock", ["wall", "cpu"])
def test_row_bytes_count_four_arrays(capsys, clock):
    argv = ["--log2-size", "10", "--repeats", "1", "--names", "relu"]
    (row,) = bench.main([*argv, "--clock", clock])
    output = capsys.readouterr().out
    assert row.bytes_moved == 4 * 2**10 * 4
    assert row.actlab_seconds > 0
    assert bench.CLOCK_NAMES[clock] in output


def test_name_with_hyperparameters():
    assert bench.parse_name("elu:alpha=0.5") == ("elu", {"alpha": 0.5})
    assert bench.parse_name("gelu:approximate=tanh") == (
        "gelu",
        {"approximate": "tanh"},
    )
    assert bench.parse_name("relu") == ("relu", {})
    with pytest.raises(ValueError, match="'elu:alpha'"):
        bench.parse_name("elu:alpha")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--width", "3"], "--width 3 is invalid"),
        (["--log2-size", "4", "--width", "32"], "--width 32 is invalid"),
        (["--repeats", "0"], "--repeats 0 is invalid"),
        (["--log2-size", "40"], "--log2-size 40 is invalid"),
    ],
)
def test_bad_option_raises(argv, message):
    with pytest.raises(ValueError, match=message):
        bench.parse_args(argv)


def test_counterpart_table_covers_classics():
    assert {"relu", "elu", "sigmoid", "tanh", "softmax"} <= set(COMPARED)


@pytest.mark.parametrize("name", COMPARED)
def test_counterpart_computes_same_function(name):
    reference, note = bench.jax_nn_counterpart(name, {})
    assert reference is not None, note
    difference = bench.compare_on_probe(activations.get(name), reference, jnp.float32)
    assert difference == ""


@pytest.mark.parametrize(
    "text", ["elu:alpha=0.5", "gelu:approximate=True", "leaky_relu:negative_slope=0.2"]
)
def test_counterpart_follows_hyperparameters(text):
    name, hyperparameters = bench.parse_name(text)
    reference, note = bench.jax_nn_counterpart(name, hyperparameters)
    assert reference is not None, note
    function = activations.get(name, **hyperparameters)
    difference = bench.compare_on_probe(function, reference, jnp.float32)
    assert difference == ""


def test_counterpart_missing_at_other_hyperparameters():
    reference, note = bench.jax_nn_counterpart("linear", {"slope": 2.0})
    assert reference is None
    assert note == "jax.nn has no slope other than 1.0"


def test_probe_detects_different_function():
    difference = bench.compare_on_probe(
        activations.get("relu"), jax.nn.relu6, jnp.float32
    )
    assert difference.startswith("value differs")


def test_probe_detects_different_gradient():
    # Same values, but a gradient that is zero everywhere.
    def relu_without_gradient(x):
        return jax.lax.stop_gradient(jax.nn.relu(x))

    difference = bench.compare_on_probe(
        activations.get("relu"), relu_without_gradient, jnp.float32
    )
    assert difference.startswith("gradient differs")
