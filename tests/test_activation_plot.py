"""Tests of plot_activations and the ``plot`` command."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from actlab import activations
from actlab.activations import __main__ as cli
from actlab.activations import plot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _curves(axes) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Return the labelled lines of ``axes`` as label -> (x, y)."""
    return {
        line.get_label(): (np.asarray(line.get_xdata()), np.asarray(line.get_ydata()))
        for line in axes.get_lines()
        if not line.get_label().startswith("_")
    }


def _assert_png_and_svg(paths):
    png, svg = paths
    assert png.suffix == ".png"
    assert svg.suffix == ".svg"
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    assert png.stat().st_size > 1000
    text = svg.read_text()
    assert "<svg" in text
    assert text.rstrip().endswith("</svg>")


def test_plot_writes_png_and_svg(tmp_path):
    target = tmp_path / "figures" / "pair"
    plot.plot_activations(["relu", "tanh"], (-3.0, 3.0), target)
    _assert_png_and_svg(plot.output_paths(target))


def test_plot_suffix_is_replaced(tmp_path):
    plot.plot_activations(["sigmoid"], (-3.0, 3.0), tmp_path / "one.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.png", "one.svg"]


def test_plot_draws_values_and_derivatives():
    figure = plot.plot_activations(
        ["tanh", ("elu", {"alpha": 0.5}), activations.spec("softmax")], (-2.0, 2.0)
    )
    value_axes, derivative_axes = figure.axes
    values, derivatives = _curves(value_axes), _curves(derivative_axes)
    assert list(values) == ["tanh", "elu(alpha=0.5)", "softmax"]
    assert list(derivatives) == list(values)
    x, y = values["tanh"]
    assert x[0] == -2.0
    assert x[-1] == 2.0
    np.testing.assert_allclose(y, np.tanh(x), rtol=1e-5, atol=1e-6)
    x, dy = derivatives["tanh"]
    np.testing.assert_allclose(dy, 1 - np.tanh(x) ** 2, rtol=1e-5, atol=1e-6)
    x, y = values["elu(alpha=0.5)"]
    np.testing.assert_allclose(y[0], 0.5 * np.expm1(-2.0), rtol=1e-6)
    # Softmax of the row [x, 0] is the logistic sigmoid of x.
    x, y = values["softmax"]
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-x)), rtol=1e-5)


@pytest.mark.parametrize("x_range", [(1.0, -1.0), (0.0, float("inf")), (1.0,), "ab"])
def test_plot_bad_range_raises(x_range):
    with pytest.raises(ValueError, match=r"x_range=.* is invalid"):
        plot.plot_activations(["relu"], x_range)


def test_plot_empty_list_raises():
    with pytest.raises(ValueError, match="names_or_specs is empty"):
        plot.plot_activations([], (-1.0, 1.0))


def test_plot_unknown_name_raises():
    with pytest.raises(ValueError, match="unknown activation 'elux'"):
        plot.plot_activations(["elux"], (-1.0, 1.0))


def test_plot_command_writes_files(tmp_path, capsys):
    target = tmp_path / "cli"
    code = cli.main(["plot", "relu", "elu:alpha=0.5", "--out", str(target)])
    assert code == 0
    paths = plot.output_paths(target)
    _assert_png_and_svg(paths)
    assert str(paths[0]) in capsys.readouterr().out


@pytest.mark.parametrize("out", ["", ".", "figures/"])
def test_plot_folder_as_output_raises(out):
    with pytest.raises(ValueError, match="expected a file path without suffix"):
        plot.output_paths(out)


def test_plot_command_rejects_folder_output(tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["plot", "relu", "--out", f"{tmp_path}/"])
    assert raised.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("python -m actlab.activations: error: --out: output path")
    assert list(tmp_path.iterdir()) == []
