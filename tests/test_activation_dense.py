"""Float32 accuracy of every activation on a dense sample of about 2**16 points.

The mpmath harness in ``test_activation_accuracy.py`` checks about 2,000 grid
points per activation, and an error at a few points between grid points can
slip through it. This file checks float32 densely instead: the value, the
derivative by ``jax.jvp`` and the derivative by ``jax.grad`` of the sum must
lie within ``ACCURACY_ULP`` ulp of float32, or within a reference's documented
``max_ulp``, at every point of a fixed sample.

The reference is the same activation evaluated in float64 on the same points
widened to float64, with float hyperparameters rounded to float32 first, as
the float32 call receives them. The mpmath harness checks that float64 result
on its grid to within 4 ulp of float64 (or a documented ``max_ulp``), and one
ulp of float64 is 2**-29 ulp of float32, so the float64 result serves as the
exact value here. The ulp arithmetic, the rule that an error within the
smallest normal float32 number counts as exact, the rows ``[x, 0.5, -1.5, 2.0]``
of an activation that mixes the last axis and the bounds all come from that
harness.

The sample has a fixed seed. It contains magnitudes log-uniform from the
smallest normal float32 number to the largest finite one, with random signs,
and a uniform stretch over [-20, 20]. It also contains stretches over
+-[87, 89] around the overflow of exp, and each kink with its nearest float32
neighbours. It is still a sample: near 8 the uniform stretch contains about
one float32 number in a thousand, so an error confined to a few isolated
inputs can pass.
"""

from __future__ import annotations

import numpy as np
import pytest
import test_activation_accuracy as accuracy
from activation_references import REFERENCES

DTYPE = np.float32
SEED = 20261205
LOG_POINTS = 2**15
UNIFORM_POINTS = 2**15 - 2**11
UNIFORM_RANGE = (-20.0, 20.0)
# A stretch, on each side, around log(largest float32) = 88.72, where exp
# overflows and XLA's float32 exp is least accurate.
EDGE_POINTS = 2**10
EDGE_RANGE = (87.0, 89.0)
# Nearest float32 neighbours of a kink checked on each side.
KINK_NEIGHBOURS = 4


def _sample() -> np.ndarray:
    """Return the sorted float32 sample, without subnormal numbers.

    XLA on CPU flushes subnormal inputs to 0, so they would test nothing new.
    """
    rng = np.random.default_rng(SEED)
    info = np.finfo(DTYPE)
    exponents = rng.uniform(np.log2(info.tiny), np.log2(info.max), LOG_POINTS)
    signs = rng.choice([-1.0, 1.0], LOG_POINTS)
    magnitudes = np.minimum(np.exp2(exponents), info.max)
    uniform = rng.uniform(*UNIFORM_RANGE, UNIFORM_POINTS)
    edge = rng.uniform(*EDGE_RANGE, EDGE_POINTS)
    ends = [0.0, info.tiny, 1.0, info.max]
    points = np.concatenate(
        [signs * magnitudes, uniform, edge, -edge, ends, np.negative(ends)]
    )
    return np.unique(points.astype(DTYPE))


def _with_kinks(points: np.ndarray, kinks: tuple[float, ...]) -> np.ndarray:
    """Return ``points`` with each kink and its nearest normal neighbours added."""
    extra = []
    for kink in kinks:
        up = down = DTYPE(kink)
        extra.append(up)
        for _ in range(KINK_NEIGHBOURS):
            up = np.nextafter(up, DTYPE(np.inf))
            down = np.nextafter(down, DTYPE(-np.inf))
            extra += [up, down]
    extra = np.asarray(extra, DTYPE)
    extra = extra[(extra == 0) | (np.abs(extra) >= np.finfo(DTYPE).tiny)]
    return np.unique(np.concatenate([points, extra]))


SAMPLE = _sample()


def _widened(settings: dict) -> dict:
    """Return ``settings`` with float values rounded to float32, as Python floats."""
    return {
        key: float(DTYPE(value)) if isinstance(value, float) else value
        for key, value in settings.items()
    }


def measure_dense(name: str, settings: dict) -> accuracy.Measurement:
    """Compare ``name`` in float32 with itself in float64 on the dense sample."""
    reference = REFERENCES[name]
    x = _with_kinks(SAMPLE, reference.kinks)
    rows = accuracy._rows(reference, x)
    actual = accuracy._evaluate(name, settings, rows)
    wide = accuracy._evaluate(name, _widened(settings), rows.astype(np.float64))
    expected = tuple(
        accuracy.Exact(np.ravel(result), np.zeros(result.size)) for result in wide
    )
    return accuracy._compare(x.astype(np.float64), actual, expected, DTYPE)


# Cases known to exceed their bound, with the measured error. Each needs a fix
# or a documented max_ulp in its reference. The xfail is strict, so a fix makes
# the test fail until its entry here is removed.
@pytest.mark.parametrize(("name", "settings"), accuracy.CASES)
def test_dense_float32_accuracy_in_ulp(name, settings):
    measurement = measure_dense(name, settings)
    for quantity in accuracy.QUANTITIES:
        worst, at = measurement.worst(quantity)
        bound = accuracy._bound(REFERENCES[name], quantity, DTYPE)
        assert worst <= bound, f"{quantity}: {worst:.3g} ulp > {bound} at x={at!r}"


if __name__ == "__main__":
    for case in accuracy.CASES:
        found = measure_dense(*case.values)
        cells = "".join(
            "{:>9.2f} at {:<+12.5g}".format(*found.worst(q))
            for q in accuracy.QUANTITIES
        )
        print(f"{case.id:36}{cells}")
