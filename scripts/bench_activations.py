"""Time each activation's forward and backward pass against jax.nn and a copy.

The script times each canonical name in the actlab registry once, leaving out
aliases such as ``swish``, at the registry's default hyperparameters. The timed
call is jit-compiled: it takes ``x`` and a cotangent and returns the gradient
``(f(x), vjp(f, x)(cotangent))``, the forward output and the gradient, on an
array of ``2**log2_size`` elements. The array
has shape ``(2**log2_size / width, width)`` for every activation. Functions of
the last axis (softmax, log_softmax, sparsemax, softmin, glu) normalise or split
rows of ``width`` features, and elementwise functions ignore the shape.

What one timed call does: it reads ``x``, reads the cotangent and writes the
forward output and the gradient. The cotangent is an array of ones passed as
an argument, as an upstream gradient would be, so XLA cannot fold the
multiplication by a constant 1 away. XLA compiles the forward and backward
pass together and fuses what it can. In a training step the backward pass runs
later, reading what the forward pass saved, so this measures the activation's
compute and its memory traffic, not a whole training step.

Each row is compared with:

- jax.nn's function at the same hyperparameters where one exists, timed the
  same way. ``jax.nn/actlab`` is jax.nn's time over actlab's time, and the
  target is at least 0.95 (actlab no more than about 5% slower). Both are
  also evaluated on a small probe array, and a row whose values or gradients
  differ there is marked ``differs`` instead of PASS or FAIL.
- a plain copy of ``x`` (``jax.jit(lambda x: x.copy())``, no buffer donation),
  which reads and writes one array. Bandwidth is bytes moved over time, in
  GB/s (1e9 bytes), and ``of copy`` is the fraction of the copy's bandwidth.
  The copy is timed before and after the activations; the faster of the two
  is the reference.

A control row times jax.nn.relu against a second jit of itself. Its ratio
would be 1 without noise, so its distance from 1 shows how far the other ratios
can move by chance on this machine in this run.

Times are the minimum over ``--repeats`` calls after one warm-up call that
also compiles. The calls of actlab and jax.nn alternate, so that a load spike
from another process is less likely to slow only one side. ``--clock wall``
(the default) times elapsed time. On a CPU that other processes share,
``--clock cpu`` times the CPU time of this process instead, summed over its
threads. Waiting for a core does not count there, so its ratios move less
with the load, and its bandwidth column is bytes per CPU-second.

Usage:
  python scripts/bench_activations.py [--log2-size 26] [--repeats 10]
      [--names relu elu gelu:approximate=True] [--dtype float32] [--width 1024]
      [--clock wall]

A name may carry hyperparameters as ``name:key=value,key=value``; values are
read as Python literals where possible (``0.5``, ``True``) and as strings
otherwise (``clipped``).
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import datetime
import functools
import math
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from actlab import activations

TARGET_RATIO = 0.95
DTYPES = ("float32", "float64", "bfloat16", "float16")
# Inputs are uniform in [-INPUT_BOUND, INPUT_BOUND], wide enough to reach both
# sides of every kink and the saturated tails of the sigmoid-like functions.
INPUT_BOUND = 6.0
# Probe for the value check: shape (PROBE_ROWS, 64), values evenly spaced in
# [-8, 8]. No interior point is an integer or half-integer, so the probe skips
# the kinks (0, +-1, +-3, 6, +-0.5) where conventions for the derivative differ.
PROBE_ROWS = 16
# Relative and absolute tolerance of the value check, raised for half precision.
PROBE_TOLERANCE = 1e-5
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
CLOCK_NAMES = {"wall": "wall-clock time", "cpu": "CPU time of this process"}


class NoCounterpartError(Exception):
    """Error raised where jax.nn has no function for the hyperparameters."""


def _require(hyperparameters: dict[str, Any], name: str, value: Any) -> None:
    """Raise NoCounterpartError unless ``hyperparameters[name] == value``."""
    if hyperparameters[name] != value:
        raise NoCounterpartError(f"jax.nn has no {name} other than {value!r}")


def _rrelu(hyperparameters: dict[str, Any]) -> Callable:
    # Without a key, rrelu is leaky_relu with the mean of the slope range.
    slope = (hyperparameters["lower"] + hyperparameters["upper"]) / 2
    return functools.partial(jax.nn.leaky_relu, negative_slope=slope)


def _with(function: Callable, **required: Any) -> Callable[[dict], Callable]:
    """Return a counterpart factory that accepts only the ``required`` values."""

    def factory(hyperparameters: dict[str, Any]) -> Callable:
        for name, value in required.items():
            _require(hyperparameters, name, value)
        return function

    return factory


def _passing(function: Callable, *names: str) -> Callable[[dict], Callable]:
    """Return a counterpart factory that forwards hyperparameters ``names``."""

    def factory(hyperparameters: dict[str, Any]) -> Callable:
        return functools.partial(
            function, **{name: hyperparameters[name] for name in names}
        )

    return factory


# actlab canonical name -> factory that takes actlab's resolved hyperparameters
# and returns the jax.nn function computing the same thing, or raises
# NoCounterpartError where jax.nn cannot express those hyperparameters. A
# KeyError means that actlab renamed a hyperparameter the table uses.
JAX_NN_COUNTERPARTS: dict[str, Callable[[dict], Callable]] = {
    "linear": _with(jax.nn.identity, slope=1.0),
    "relu": _with(jax.nn.relu),
    "relu6": _with(jax.nn.relu6),
    "leaky_relu": _passing(jax.nn.leaky_relu, "negative_slope"),
    "rrelu": _rrelu,
    "elu": _passing(jax.nn.elu, "alpha"),
    "celu": _passing(jax.nn.celu, "alpha"),
    "selu": _with(jax.nn.selu),
    "gelu": _passing(jax.nn.gelu, "approximate"),
    "silu": _with(jax.nn.silu, beta=1.0),
    "hard_silu": _with(jax.nn.hard_silu),
    "mish": _with(jax.nn.mish),
    "softplus": _with(jax.nn.softplus, beta=1.0),
    "squareplus": _passing(jax.nn.squareplus, "b"),
    "sparse_plus": _with(jax.nn.sparse_plus),
    "sigmoid": _with(jax.nn.sigmoid),
    "hard_sigmoid": _with(jax.nn.hard_sigmoid),
    "log_sigmoid": _with(jax.nn.log_sigmoid),
    "sparse_sigmoid": _with(jax.nn.sparse_sigmoid),
    "tanh": _with(jax.nn.tanh),
    "hard_tanh": _with(jax.nn.hard_tanh, min_val=-1.0, max_val=1.0),
    "softsign": _with(jax.nn.soft_sign),
    "softmax": _with(jax.nn.softmax),
    "log_softmax": _with(jax.nn.log_softmax),
    "glu": _with(jax.nn.glu),
}


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the result table.

    Attributes:
      label: the name as requested, with any hyperparameters, or "(copy)" and
        "(control)" for the two reference rows.
      actlab_seconds: best time of actlab's call, of the copy, or of the
        control's first function.
      jax_nn_seconds: best time of jax.nn's call, or None without a counterpart.
        For the control, the time of its second, identical function.
      bytes_moved: bytes the call must read and write at least.
      verdict: "PASS", "FAIL", "differs" or "-" (nothing to compare with).
      note: why there is no jax.nn counterpart, or how the probe differed.
    """

    label: str
    actlab_seconds: float
    jax_nn_seconds: float | None
    bytes_moved: int
    verdict: str
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.jax_nn_seconds is None:
            return None
        return self.jax_nn_seconds / self.actlab_seconds

    @property
    def bandwidth(self) -> float:
        """Bytes moved per second of ``actlab_seconds``."""
        return self.bytes_moved / self.actlab_seconds


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--log2-size",
        type=int,
        default=26,
        help="base-2 logarithm of the number of elements per array (default 26)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=10,
        help="timed calls per function after the warm-up call (default 10)",
    )
    parser.add_argument(
        "--names",
        nargs="+",
        help="activations to time, as name or name:key=value,... "
        "(default: every canonical name in the registry)",
    )
    parser.add_argument("--dtype", default="float32", choices=DTYPES)
    parser.add_argument(
        "--width",
        type=int,
        default=1024,
        help="length of the last axis, over which softmax and the other "
        "vector activations work (default 1024)",
    )
    parser.add_argument(
        "--clock",
        default="wall",
        choices=tuple(CLOCKS),
        help="wall: elapsed time (default). cpu: CPU time of this process, "
        "summed over its threads, which other processes on a shared CPU "
        "disturb less; CPU backend only",
    )
    args = parser.parse_args(argv)

    if args.repeats < 1:
        raise ValueError(f"--repeats {args.repeats} is invalid; expected >= 1")
    if not 1 <= args.log2_size <= 34:
        raise ValueError(f"--log2-size {args.log2_size} is invalid; expected 1 to 34")
    size = 2**args.log2_size
    if args.width < 2 or size % args.width:
        raise ValueError(
            f"--width {args.width} is invalid; expected a divisor of "
            f"2**{args.log2_size} = {size} that is at least 2"
        )
    backend = jax.default_backend()
    if args.clock == "cpu" and backend != "cpu":
        raise ValueError(
            f"--clock cpu is invalid on the {backend} backend, because the "
            "process's CPU time leaves out the device's work; use --clock wall"
        )
    return args


def parse_name(text: str) -> tuple[str, dict[str, Any]]:
    """Split ``"name:key=value,key=value"`` into a name and hyperparameters."""
    name, _, assignments = text.partition(":")
    hyperparameters: dict[str, Any] = {}
    for assignment in filter(None, assignments.split(",")):
        key, equals, raw = assignment.partition("=")
        if not equals or not key:
            raise ValueError(
                f"--names entry {text!r} is invalid; expected name or "
                "name:key=value,key=value"
            )
        try:
            hyperparameters[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            hyperparameters[key] = raw
    return name, hyperparameters


def forward_backward(function: Callable) -> Callable:
    """Return ``(x, cotangent) -> (function(x), gradient)``, jit-compiled."""

    def value_and_gradient(
        x: jax.Array, cotangent: jax.Array
    ) -> tuple[jax.Array, jax.Array]:
        value, pullback = jax.vjp(function, x)
        (x_bar,) = pullback(cotangent)
        return value, x_bar

    return jax.jit(value_and_gradient)


def _delete(output: Any) -> None:
    """Wait for every array in ``output`` and free its buffer."""
    for array in jax.tree.leaves(jax.block_until_ready(output)):
        array.delete()


@dataclasses.dataclass(frozen=True)
class Timer:
    """Timing settings: the clock and the number of timed calls.

    Attributes:
      repeats: timed calls per function, after one untimed warm-up call.
      clock: "wall" (``time.perf_counter``) or "cpu" (``time.process_time``,
        the CPU time of every thread of this process).
    """

    repeats: int
    clock: str = "wall"

    def best(self, calls: Sequence[Callable[[], Any]]) -> list[float]:
        """Return the best time in seconds of each call, timed in turn.

        Every call runs once untimed first, which compiles it. The order of
        the calls reverses from one repeat to the next, so that no call always
        runs first. Each output is deleted at once, so at most one output
        buffer is alive at a time.
        """
        now = CLOCKS[self.clock]
        for call in calls:
            _delete(call())
        best = [float("inf")] * len(calls)
        order = list(enumerate(calls))
        for _ in range(self.repeats):
            for index, call in order:
                start = now()
                output = jax.block_until_ready(call())
                best[index] = min(best[index], now() - start)
                _delete(output)
            order.reverse()
        return best


def time_copy(x: jax.Array, timer: Timer) -> tuple[float, float]:
    """Time copying ``x`` into a new buffer.

    Returns:
      The best time in seconds, and the minor page faults of this process per
      timed call. On the CPU, a count near ``x.nbytes / 4096`` means that every
      call writes into freshly mapped memory and pays a fault per page.
    """
    copy = jax.jit(lambda array: array.copy())
    output = copy(x).block_until_ready()
    # A copy that returns the input buffer itself would time nothing.
    if output.unsafe_buffer_pointer() == x.unsafe_buffer_pointer():
        raise RuntimeError("jit of x.copy() returned the input buffer; no copy made")
    output.delete()
    faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    (seconds,) = timer.best([lambda: copy(x)])
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
    # Timer.best makes one untimed warm-up call besides the timed ones.
    return seconds, faults / (timer.repeats + 1)


@functools.partial(jax.jit, static_argnums=0)
def _value_and_pullback(function: Callable, x: jax.Array, cotangent: jax.Array):
    value, pullback = jax.vjp(function, x)
    return value, pullback(cotangent)[0]


def compare_on_probe(function: Callable, reference: Callable, dtype: jnp.dtype) -> str:
    """Return "" if both functions agree on a probe array, else what differs.

    The gradients are vector-Jacobian products with a cotangent of varying
    entries, because a cotangent of ones gives softmax a zero gradient.
    """
    probe = jnp.linspace(-8.0, 8.0, PROBE_ROWS * 64, dtype=dtype)
    probe = probe.reshape(PROBE_ROWS, 64)
    shape = jax.eval_shape(function, probe).shape
    reference_shape = jax.eval_shape(reference, probe).shape
    if shape != reference_shape:
        return f"output shape {shape} != jax.nn's {reference_shape}"
    cotangent = jnp.cos(jnp.arange(math.prod(shape), dtype=dtype)).reshape(shape)
    value, gradient = _value_and_pullback(function, probe, cotangent)
    reference_value, reference_gradient = _value_and_pullback(
        reference, probe, cotangent
    )
    # Half-precision results round to a few significant digits.
    tolerance = max(PROBE_TOLERANCE, 16 * float(jnp.finfo(dtype).eps))
    pairs = {
        "value": (value, reference_value),
        "gradient": (gradient, reference_gradient),
    }
    for label, (ours, theirs) in pairs.items():
        ours = np.asarray(ours, np.float64)
        theirs = np.asarray(theirs, np.float64)
        if not np.allclose(ours, theirs, rtol=tolerance, atol=tolerance):
            error = np.nanmax(np.abs(ours - theirs))
            return f"{label} differs from jax.nn's by up to {error:.3g} on the probe"
    return ""


def jax_nn_counterpart(name: str, hyperparameters: dict[str, Any]):
    """Return ``(function, note)``: jax.nn's function, or None and the reason."""
    canonical = activations.canonical_name(name)
    factory = JAX_NN_COUNTERPARTS.get(canonical)
    if factory is None:
        return None, "no jax.nn function"
    resolved = activations.validate(name, hyperparameters)
    try:
        return factory(resolved), ""
    except NoCounterpartError as error:
        return None, str(error)


def bench_activation(
    text: str, x: jax.Array, timer: Timer, cotangents: dict[tuple, jax.Array]
) -> Row:
    """Time activation ``text`` (``name`` or ``name:key=value,...``) on ``x``."""
    name, hyperparameters = parse_name(text)
    function = activations.get(name, **hyperparameters)
    reference, note = jax_nn_counterpart(name, hyperparameters)
    output_shape = jax.eval_shape(function, x).shape
    if output_shape not in cotangents:
        cotangents[output_shape] = jnp.ones(output_shape, x.dtype)
    cotangent = cotangents[output_shape]
    bytes_moved = x.nbytes + 3 * cotangent.nbytes

    ours = forward_backward(function)
    if reference is None:
        (seconds,) = timer.best([lambda: ours(x, cotangent)])
        return Row(text, seconds, None, bytes_moved, "-", note)
    theirs = forward_backward(reference)
    seconds, reference_seconds = timer.best(
        [lambda: ours(x, cotangent), lambda: theirs(x, cotangent)]
    )
    difference = compare_on_probe(function, reference, x.dtype)
    if difference:
        verdict = "differs"
    elif reference_seconds / seconds >= TARGET_RATIO:
        verdict = "PASS"
    else:
        verdict = "FAIL"
    return Row(text, seconds, reference_seconds, bytes_moved, verdict, difference)


def describe_machine() -> list[str]:
    """Return header lines: date, versions, device and CPU."""
    device = jax.devices()[0]
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"date: {now}",
        f"jax {jax.__version__}, jaxlib {jax.lib.__version__}, "
        f"numpy {np.__version__}, python {platform.python_version()}",
        f"device: {device.platform} ({device.device_kind}), "
        f"{jax.device_count()} device(s); host CPU: {cpu}, {os.cpu_count()} cores",
        f"load average at start (1, 5, 15 min): {_load_average()}",
    ]


def _load_average() -> str:
    """Return the host's load averages, which show other processes competing."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def format_table(rows: Sequence[Row], copy_bandwidth: float, clock: str) -> list[str]:
    # With the CPU clock, bandwidth is bytes per CPU-second summed over threads.
    unit = "GB/s" if clock == "wall" else "GB/cpu-s"
    header = (
        f"{'name':<28} {'actlab ms':>10} {'jax.nn ms':>10} {'jax.nn/actlab':>13} "
        f"{'target':>7} {'MB moved':>9} {unit:>8} {'of copy':>7}  note"
    )
    lines = [header]
    for row in rows:
        reference_ms = (
            "-" if row.jax_nn_seconds is None else f"{row.jax_nn_seconds * 1e3:.2f}"
        )
        ratio = "-" if row.ratio is None else f"{row.ratio:.3f}"
        lines.append(
            f"{row.label:<28} {row.actlab_seconds * 1e3:10.2f} {reference_ms:>10} "
            f"{ratio:>13} {row.verdict:>7} {row.bytes_moved / 1e6:9.4g} "
            f"{row.bandwidth / 1e9:8.2f} {row.bandwidth / copy_bandwidth:7.3f}  "
            f"{row.note}".rstrip()
        )
    return lines


def summarize(rows: Sequence[Row]) -> list[str]:
    compared = [row for row in rows if row.verdict in ("PASS", "FAIL")]
    failed = [row for row in compared if row.verdict == "FAIL"]
    differing = [row.label for row in rows if row.verdict == "differs"]
    alone = [row.label for row in rows if row.verdict == "-"]
    lines = [
        f"jax.nn/actlab >= {TARGET_RATIO}: {len(compared) - len(failed)} of "
        f"{len(compared)} compared rows pass"
    ]
    if compared:
        ratios = [row.ratio for row in compared]
        lines.append(
            f"ratio median {statistics.median(ratios):.3f}, "
            f"min {min(ratios):.3f}, max {max(ratios):.3f}"
        )
    if failed:
        lines.append(
            "FAIL: " + ", ".join(f"{row.label} ({row.ratio:.3f})" for row in failed)
        )
    if differing:
        lines.append("differs from jax.nn on the probe: " + ", ".join(differing))
    if alone:
        lines.append("no jax.nn counterpart: " + ", ".join(alone))
    return lines


def time_control(x: jax.Array, timer: Timer, cotangent: jax.Array) -> Row:
    """Time jax.nn.relu against itself, so that the ratio shows timing noise."""
    first = forward_backward(jax.nn.relu)
    second = forward_backward(jax.nn.relu)
    seconds, second_seconds = timer.best(
        [lambda: first(x, cotangent), lambda: second(x, cotangent)]
    )
    note = "jax.nn.relu against itself: the ratio's distance from 1 is noise"
    return Row("(control)", seconds, second_seconds, 4 * x.nbytes, "-", note)


def print_header(args: argparse.Namespace, x: jax.Array) -> None:
    for line in describe_machine():
        print(line)
    print(
        f"array: shape {x.shape}, {args.dtype}, {x.nbytes / 2**20:.0f} MiB; "
        f"best of {args.repeats} calls after one warm-up, {CLOCK_NAMES[args.clock]}"
    )
    print(
        f"bytes per call: copy reads x and writes a copy ({2 * x.nbytes / 1e6:.0f}"
        f" MB); an activation reads x and the cotangent and writes its output and"
        f" the gradient ({4 * x.nbytes / 1e6:.0f} MB, less where the output is"
        " smaller, as glu's)"
    )


def main(argv: Sequence[str] | None = None) -> list[Row]:
    """Run the benchmark, print the table and return the activations' rows."""
    args = parse_args(argv)
    if args.dtype == "float64":
        jax.config.update("jax_enable_x64", True)
    names = args.names or activations.available(include_aliases=False)
    shape = (2**args.log2_size // args.width, args.width)
    x = jax.random.uniform(
        jax.random.key(0), shape, jnp.dtype(args.dtype), -INPUT_BOUND, INPUT_BOUND
    ).block_until_ready()
    print_header(args, x)

    timer = Timer(args.repeats, args.clock)
    copy_before, faults = time_copy(x, timer)
    cotangents = {x.shape: jnp.ones_like(x)}
    control = time_control(x, timer, cotangents[x.shape])
    rows = []
    for text in names:
        try:
            rows.append(bench_activation(text, x, timer, cotangents))
        except Exception as error:
            error.add_note(f"while timing activation {text!r}")
            raise
        print(f"  timed {text}", file=sys.stderr, flush=True)
    copy_after, _ = time_copy(x, timer)
    for cotangent in cotangents.values():
        cotangent.delete()

    copy = Row("(copy)", min(copy_before, copy_after), None, 2 * x.nbytes, "-")
    copy = dataclasses.replace(copy, note="x.copy(), the bandwidth reference")
    print(
        f"copy: {copy_before * 1e3:.2f} ms before the activations, "
        f"{copy_after * 1e3:.2f} ms after; the faster is the reference. "
        f"{faults:.0f} minor page faults per copy call "
        f"({x.nbytes // 4096} pages of 4 KiB in one array)"
    )
    print()
    for line in format_table([copy, control, *rows], copy.bandwidth, args.clock):
        print(line)
    print()
    print(f"load average at end (1, 5, 15 min): {_load_average()}")
    for line in summarize(rows):
        print(line)
    print(f"control ratio (noise): {control.ratio:.3f}")
    x.delete()
    return rows


if __name__ == "__main__":
    main()
