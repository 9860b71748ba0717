"""Time the default ``python -m actlab.train`` against its targets.

Targets: test accuracy >= 0.95 and wall time < 60 s on a 2-core CPU,
compilation included. The script runs the default job in fresh processes,
first with an empty compilation cache and data directory (a new user's first
run), then again with both warm, and prints each time as a ratio of the
60-second budget.

Usage:
  python scripts/bench_default_run.py [--repeats 2] [extra overrides ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_BUDGET_SECONDS = 60.0
ACCURACY_TARGET = 0.95


def run_once(workdir: Path, name: str, env: dict[str, str], overrides: list[str]):
    run_dir = workdir / name
    command = [
        sys.executable,
        "-m",
        "actlab.train",
        f"hydra.run.dir={run_dir}",
        f"compilation_cache_dir={workdir / 'jax_cache'}",
        *overrides,
    ]
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    results = json.loads((run_dir / "results.json").read_text())
    return seconds, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="warm runs to time")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="actlab-bench-") as directory:
        workdir = Path(directory)
        env = dict(os.environ, TFDS_DATA_DIR=str(workdir / "tensorflow_datasets"))
        print(f"cpus: {os.cpu_count()}  overrides: {args.overrides or 'none'}")
        print(
            f"{'run':<8} {'wall s':>7} {'/ 60 s':>7} {'compile s':>9} "
            f"{'train s':>8} {'steps/s':>8} {'test acc':>8}"
        )
        rows = [("cold", *run_once(workdir, "cold", env, args.overrides))]
        for index in range(args.repeats):
            name = f"warm{index + 1}"
            rows.append((name, *run_once(workdir, name, env, args.overrides)))
        for name, seconds, results in rows:
            timing = results["timing"]
            accuracy = results["final"]["test"]["accuracy"]
            print(
                f"{name:<8} {seconds:7.1f} {seconds / TIME_BUDGET_SECONDS:7.2f} "
                f"{timing['compile_seconds']:9.2f} {timing['train_seconds']:8.2f} "
                f"{timing['steps_per_second']:8.0f} {accuracy:8.4f}"
            )
        worst = max(seconds for _, seconds, _ in rows)
        lowest = min(results["final"]["test"]["accuracy"] for *_, results in rows)
        print(
            f"slowest run {worst:.1f} s = {worst / TIME_BUDGET_SECONDS:.2f} of the "
            f"60 s budget; lowest test accuracy {lowest:.4f} "
            f"(target >= {ACCURACY_TARGET})"
        )
        met = worst < TIME_BUDGET_SECONDS and lowest >= ACCURACY_TARGET
        print("targets met" if met else "targets NOT met")


if __name__ == "__main__":
    main()
