"""Tests of the catalogue listing and of the generated page docs/activations.md."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from actlab import activations
from actlab.activations import __main__ as cli
from actlab.activations import _catalogue

ROOT = Path(__file__).resolve().parent.parent
DOCS_SCRIPT = ROOT / "scripts" / "make_activation_docs.py"
DOCS_PAGE = ROOT / "docs" / "activations.md"
NAMES = activations.available(include_aliases=False)
LEARNABLE = activations.learnable()


@pytest.fixture(scope="module")
def docs_script():
    """The docs generator, loaded as a module from scripts/."""
    module_spec = importlib.util.spec_from_file_location("make_docs", DOCS_SCRIPT)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _table_rows(text: str) -> dict[str, str]:
    """Return the lines of the first text table below its header, by first cell."""
    lines = text.split("\n\n")[0].splitlines()[2:]
    return {line.split()[0]: line for line in lines}


def _learnable_block(text: str) -> list[str]:
    """Return the lines after the blank line: a heading, then the second table."""
    _, second = text.split("\n\n")
    return second.splitlines()


def test_listing_has_row_per_activation(capsys):
    assert cli.main([]) == 0
    text = capsys.readouterr().out
    header = text.splitlines()[0]
    for column in _catalogue.COLUMNS:
        assert column in header
    rows = _table_rows(text)
    assert sorted(rows) == sorted(NAMES)
    for name in NAMES:
        for alias in activations.spec(name).aliases:
            assert alias in rows[name], f"{alias} missing from the row of {name}"


def test_listing_shows_properties(capsys):
    cli.main([])
    rows = _table_rows(capsys.readouterr().out)
    assert rows["relu"].split()[1:] == [
        "-",
        "-",
        "(0,",
        "inf)",
        "yes",
        "no",
        "no",
        "no",
        "0",
        "Nair",
        "and",
        "Hinton",
        "2010",
    ]
    assert "alpha=1.0" in rows["elu"]
    assert "Jacobian" in rows["softmax"]


def test_listing_lists_learnable_activations(capsys):
    cli.main([])
    heading, header, _, *lines = _learnable_block(capsys.readouterr().out)
    assert heading == cli.LEARNABLE_HEADING
    assert header.split() == list(_catalogue.LEARNABLE_COLUMNS)
    assert [line.split()[0] for line in lines] == list(LEARNABLE)
    (prelu,) = (line for line in lines if line.startswith("prelu "))
    assert "init_slope=0.25, shared=False" in prelu
    assert "He, Zhang, Ren and Sun 2015" in prelu


def test_listing_markdown_is_table(capsys):
    assert cli.main(["--format", "markdown"]) == 0
    functions, heading, learnable = capsys.readouterr().out.split("\n\n")
    lines = functions.splitlines()
    assert len(lines) == len(NAMES) + 2
    for line in lines:
        cells = line.replace("\\|", "").strip("|").split("|")
        assert len(cells) == len(_catalogue.COLUMNS), line
    assert any(line.startswith("| `linear` | `identity` |") for line in lines)
    assert heading == cli.LEARNABLE_HEADING
    lines = learnable.splitlines()
    assert len(lines) == len(LEARNABLE) + 2
    for line in lines:
        cells = line.replace("\\|", "").strip("|").split("|")
        assert len(cells) == len(_catalogue.LEARNABLE_COLUMNS), line
    assert any(line.startswith("| `rational` |") for line in lines)


def test_module_runs_as_command():
    result = subprocess.run(
        [sys.executable, "-m", "actlab.activations"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert sorted(_table_rows(result.stdout)) == sorted(NAMES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("relu", ("relu", {})),
        ("elu:alpha=0.5", ("elu", {"alpha": 0.5})),
        (
            "binary_step:threshold=1,gradient=clipped",
            ("binary_step", {"threshold": 1.0, "gradient": "clipped"}),
        ),
        ("gelu:approximate=true", ("gelu", {"approximate": True})),
    ],
)
def test_parse_curve(text, expected):
    assert cli.parse_curve(text) == expected


@pytest.mark.parametrize("text", ["elu:alpha", "elu:", "elu:alpha=0.5,", "elu:alpha="])
def test_parse_curve_without_value_raises(text):
    with pytest.raises(argparse.ArgumentTypeError, match=f"'{text}' is invalid"):
        cli.parse_curve(text)


def test_parse_curve_repeated_key_raises():
    with pytest.raises(argparse.ArgumentTypeError, match="alpha is given twice"):
        cli.parse_curve("elu:alpha=1,alpha=2")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Nair and Hinton 2010, 'Rectified Linear Units'", "Nair and Hinton 2010"),
        ("A and B 2016, 'X'; C, D and E 2017, 'Y'", "A and B 2016; C, D and E 2017"),
        ("classical", "classical"),
        ("classical, as keras.activations.exponential", "classical"),
    ],
)
def test_short_source(source, expected):
    assert _catalogue.short_source(source) == expected


def test_docs_page_is_up_to_date(docs_script):
    assert DOCS_PAGE.exists(), "run python scripts/make_activation_docs.py"
    assert DOCS_PAGE.read_text() == docs_script.render(), (
        "docs/activations.md is out of date; run python scripts/make_activation_docs.py"
    )


def test_docs_page_lists_every_activation(docs_script):
    page = docs_script.render()
    for name in NAMES:
        assert f"### `{name}`" in page
        assert activations.spec(name).summary in page
        for alias in activations.spec(name).aliases:
            assert f"`{alias}`" in page
    _, learnable_part = page.split("## Learnable activations")
    for name in LEARNABLE:
        entry = activations.module_spec(name)
        assert f"### `{name}`" in learnable_part
        assert entry.summary in learnable_part
        for hp in entry.hyperparameters:
            assert f"`{hp.name}` (default `{hp.default!r}`)" in learnable_part


def test_docs_check_reports_stale_page(docs_script, tmp_path, capsys):
    page = tmp_path / "activations.md"
    page.write_text("stale\n")
    assert docs_script.main(["--check", "--output", str(page)]) == 1
    assert "out of date" in capsys.readouterr().out
    assert docs_script.main(["--output", str(page)]) == 0
    assert docs_script.main(["--check", "--output", str(page)]) == 0
