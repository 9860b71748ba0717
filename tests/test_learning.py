"""Each shipped data set, and each classic activation, trains above a level.

The levels sit a few points below what the same configs reached when they
were measured (scripts/bench_default_run.py and the runs recorded in
experiments/), so a regression in the data, the model, the loss or the
optimiser shows up here.
"""

import numpy as np
import pytest

from actlab import activations
from actlab.run import compose, run


def _run(data_dir, *overrides):
    return run(compose([*overrides, f"data.data_dir={data_dir}"]))


def _test_values(results, metric):
    return [replica["final"]["test"][metric] for replica in results["replicas"]]


def test_default_run_reaches_095_on_digits(data_dir):
    results = _run(data_dir)
    assert results["status"] == "ok"
    assert results["final"]["test"]["accuracy"] >= 0.95


def test_breast_cancer_accuracy_and_auc(data_dir):
    results = _run(data_dir, "data=breast_cancer", "num_seeds=2")
    assert min(_test_values(results, "accuracy")) >= 0.93
    assert min(_test_values(results, "roc_auc")) >= 0.98


def test_diabetes_preset_explains_variance(data_dir):
    results = _run(data_dir, "experiment=diabetes_mlp")
    r2 = _test_values(results, "r2")
    assert len(r2) == 5
    # Least-squares linear regression reaches 0.36 on this split.
    assert np.mean(r2) >= 0.25
    assert min(r2) > 0.1


# Minimum test accuracy on digits with the default 30 epochs, for every seed
# of three. Lowest of three seeds when measured: binary_step 0.953, elu 0.978,
# linear 0.951, relu 0.976, sigmoid 0.964, softmax 0.862, tanh 0.973. A hidden
# softmax spreads each layer's output over 256 units that sum to 1, so the
# logits stay close together: the loss barely falls (2.30 to 2.21) although
# the argmax is right for most examples.
DIGITS_LEVELS = {
    "binary_step": 0.92,
    "elu": 0.95,
    "linear": 0.93,
    "relu": 0.95,
    "sigmoid": 0.93,
    "softmax": 0.80,
    "tanh": 0.95,
}


@pytest.mark.parametrize("name", sorted(DIGITS_LEVELS))
def test_classic_activation_learns_digits(data_dir, name):
    results = _run(data_dir, f"activation={name}", "num_seeds=3")
    assert results["status"] == "ok"
    first = results["history"][0]["train"]["loss"]
    last = results["history"][-1]["train"]["loss"]
    assert last < first
    assert min(_test_values(results, "accuracy")) >= DIGITS_LEVELS[name]


# Hidden activations that change the feature width are rejected by the config
# check; `exponential` overflows to inf within a few steps at the default
# learning rate, which the run must record as a divergence, not a crash.
SMOKE_NAMES = [
    name
    for name in activations.available(include_aliases=False)
    if name not in DIGITS_LEVELS and name != "glu"
]


@pytest.mark.parametrize("name", SMOKE_NAMES)
def test_catalogue_activation_trains_or_diverges(data_dir, name):
    results = _run(data_dir, f"activation={name}", "trainer.epochs=2")
    assert results["status"] in ("ok", "diverged")
    assert len(results["history"]) >= 1
    if results["status"] == "ok":
        first = results["replicas"][0]["history"][0]["train"]["step_loss"]
        assert np.isfinite(first)
