"""The registry as tables: one row of text cells per activation.

``python -m actlab.activations`` prints these rows, and
``scripts/make_activation_docs.py`` writes them to ``docs/activations.md``.
The functions and the learnable modules get a table each, because the
learnable ones have parameters instead of fixed properties.
"""

from __future__ import annotations

import re

from actlab.activations._registry import ActivationSpec, available, spec
from actlab.activations.modules import LearnableSpec, learnable, module_spec

COLUMNS = (
    "name",
    "aliases",
    "hyperparameters",
    "range",
    "monotonic",
    "smooth",
    "zero-centred",
    "self-gated",
    "derivative at 0",
    "source",
)
LEARNABLE_COLUMNS = ("name", "hyperparameters", "initialiser", "summary", "source")
MISSING = "-"
_UP_TO_YEAR = re.compile(r".*?\b(?:1[89]|20)\d\d\b")


def format_number(value: float) -> str:
    """Format a bound or derivative compactly: ``0``, ``0.25``, ``-inf``."""
    return f"{value:g}"


def format_range(bounds: tuple[float, float]) -> str:
    lower, upper = bounds
    return f"({format_number(lower)}, {format_number(upper)})"


def format_hyperparameters(entry: ActivationSpec | LearnableSpec) -> str:
    if not entry.hyperparameters:
        return MISSING
    return ", ".join(f"{hp.name}={hp.default!r}" for hp in entry.hyperparameters)


def short_source(source: str) -> str:
    """Return the authors and year of each ``;``-separated part of ``source``.

    A part is cut after its first year, so "Nair and Hinton 2010, 'Rectified
    ...'" becomes "Nair and Hinton 2010"; a part without a year is cut at its
    first comma.
    """
    parts = []
    for part in source.split(";"):
        part = part.strip()
        match = _UP_TO_YEAR.match(part)
        parts.append(match.group(0) if match else part.split(", ", 1)[0])
    return "; ".join(parts)


def row(entry: ActivationSpec, *, full_source: bool = True) -> dict[str, str]:
    """Return the cells of one activation, keyed by the names in COLUMNS."""
    cells = {
        "name": entry.name,
        "aliases": ", ".join(entry.aliases) or MISSING,
        "hyperparameters": format_hyperparameters(entry),
    }
    properties = entry.properties
    if properties is None:
        cells.update({column: MISSING for column in COLUMNS[3:]})
        return cells
    derivative = properties.derivative_at_0
    cells.update(
        {
            "range": format_range(properties.range),
            "monotonic": _yes_no(properties.monotonic),
            "smooth": _yes_no(properties.smooth),
            "zero-centred": _yes_no(properties.zero_centred),
            "self-gated": _yes_no(properties.self_gated),
            "derivative at 0": (
                "Jacobian" if derivative is None else format_number(derivative)
            ),
            "source": (
                properties.source if full_source else short_source(properties.source)
            ),
        }
    )
    return cells


def rows(*, full_source: bool = True) -> list[dict[str, str]]:
    """Return one row per registered activation, by canonical name."""
    return [
        row(spec(name), full_source=full_source)
        for name in available(include_aliases=False)
    ]


def learnable_row(entry: LearnableSpec, *, full_source: bool = True) -> dict[str, str]:
    """Return the cells of one learnable activation, keyed by LEARNABLE_COLUMNS."""
    return {
        "name": entry.name,
        "hyperparameters": format_hyperparameters(entry),
        "initialiser": entry.initializer,
        "summary": entry.summary,
        "source": entry.source if full_source else short_source(entry.source),
    }


def learnable_rows(*, full_source: bool = True) -> list[dict[str, str]]:
    """Return one row per learnable activation, by name."""
    return [
        learnable_row(module_spec(name), full_source=full_source)
        for name in learnable()
    ]


def render_text(table: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> str:
    """Return ``table`` as columns of plain text padded to equal width."""
    widths = {
        column: max([len(column)] + [len(cells[column]) for cells in table])
        for column in columns
    }
    lines = [
        "  ".join(column.ljust(widths[column]) for column in columns).rstrip(),
        "  ".join("-" * widths[column] for column in columns),
    ]
    for cells in table:
        line = "  ".join(cells[column].ljust(widths[column]) for column in columns)
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


# Columns whose entries are identifiers, set in code font in Markdown.
CODE_COLUMNS = ("name", "aliases", "hyperparameters")


def markdown_cell(column: str, text: str) -> str:
    """Return one cell for a Markdown table, escaping the cell separator."""
    if column in CODE_COLUMNS and text != MISSING:
        text = ", ".join(f"`{item}`" for item in text.split(", "))
    return text.replace("|", "\\|")


def render_markdown(
    table: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS
) -> str:
    """Return ``table`` as a GitHub-flavoured Markdown table."""
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for cells in table:
        escaped = (markdown_cell(column, cells[column]) for column in columns)
        lines.append("| " + " | ".join(escaped) + " |")
    return "\n".join(lines) + "\n"


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
