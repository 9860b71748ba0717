"""List the activation catalogue, or plot activations.

The listing has two tables: the activation functions with their properties,
then the learnable activations, which exist only as modules.

Usage:
  python -m actlab.activations [--format text|markdown]
  python -m actlab.activations plot relu elu:alpha=0.5 tanh \\
      [--out figures/activations] [--x-range -5 5]

``plot`` writes OUT.png and OUT.svg; it needs matplotlib
(``pip install actlab[plots]``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from actlab.activations import _catalogue

LEARNABLE_HEADING = (
    "Learnable activations, built with actlab.activations.module(name, ...):"
)


def parse_curve(text: str) -> tuple[str, dict[str, Any]]:
    """Parse ``name`` or ``name:key=value,key=value`` into name and settings.

    A value that reads as a number becomes a float; ``true`` and ``false``
    become booleans; anything else stays a string.
    """
    name, colon, settings = text.partition(":")
    invalid = f"{text!r} is invalid; expected NAME or NAME:KEY=VALUE[,KEY=VALUE]"
    hyperparameters: dict[str, Any] = {}
    for item in settings.split(",") if colon else ():
        key, equals, value = item.partition("=")
        if not equals or not key or not value:
            raise argparse.ArgumentTypeError(invalid)
        if key in hyperparameters:
            raise argparse.ArgumentTypeError(
                f"{text!r} is invalid; {key} is given twice"
            )
        hyperparameters[key] = _parse_value(value)
    return name, hyperparameters


def _parse_value(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return float(value)
    except ValueError:
        return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m actlab.activations",
        description="List the registered activations and their properties, "
        "or plot activations and their derivatives.",
    )
    parser.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="table format of the listing (default: text)",
    )
    commands = parser.add_subparsers(dest="command")
    plot = commands.add_parser(
        "plot", help="draw activations beside their derivatives (PNG and SVG)"
    )
    plot.add_argument(
        "curves",
        nargs="+",
        type=parse_curve,
        metavar="NAME[:KEY=VALUE,...]",
        help="activations to draw, e.g. relu or elu:alpha=0.5",
    )
    plot.add_argument(
        "--out",
        default="figures/activations",
        help="output path without suffix; OUT.png and OUT.svg are written "
        "(default: figures/activations)",
    )
    plot.add_argument(
        "--x-range",
        nargs=2,
        type=float,
        default=(-5.0, 5.0),
        metavar=("LOW", "HIGH"),
        help="interval of inputs drawn (default: -5 5)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "plot":
        return _plot(parser, arguments)
    columns = _catalogue.LEARNABLE_COLUMNS
    if arguments.format == "markdown":
        sys.stdout.write(_catalogue.render_markdown(_catalogue.rows()))
        sys.stdout.write(f"\n{LEARNABLE_HEADING}\n\n")
        learnable = _catalogue.learnable_rows()
        sys.stdout.write(_catalogue.render_markdown(learnable, columns))
    else:
        sys.stdout.write(_catalogue.render_text(_catalogue.rows(full_source=False)))
        sys.stdout.write(f"\n{LEARNABLE_HEADING}\n")
        learnable = _catalogue.learnable_rows(full_source=False)
        sys.stdout.write(_catalogue.render_text(learnable, columns))
    return 0


def _plot(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> int:
    from actlab.activations import plot

    try:
        plot.output_paths(arguments.out)
    except ValueError as error:
        parser.error(f"--out: {error}")
    try:
        plot.plot_activations(arguments.curves, arguments.x_range, arguments.out)
    except (ValueError, ImportError) as error:
        parser.error(str(error))
    except OSError as error:
        parser.error(f"--out {arguments.out}: cannot write the figures: {error}")
    for path in plot.output_paths(arguments.out):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
