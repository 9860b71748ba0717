"""Draw activations beside their derivatives, saved as PNG and SVG.

matplotlib is an optional dependency: ``pip install actlab[plots]``. The
figure is built without pyplot, so drawing changes no global matplotlib state
and works without a display; PNG files are rendered by the Agg backend.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np

from actlab.activations._registry import ActivationSpec, spec, validate

if TYPE_CHECKING:
    from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

# Accepted forms of one curve: a registry name or alias, an entry, or either of
# them paired with hyperparameters.
Curve = str | ActivationSpec | tuple[str | ActivationSpec, Mapping[str, Any]]
FORMATS = ("png", "svg")
POINTS = 1001
LINE_STYLES = ("-", "--", "-.", ":")


def _resolve(curve: Curve) -> tuple[ActivationSpec, dict[str, Any], str]:
    """Return the entry, its full hyperparameters and a legend label."""
    hyperparameters: Mapping[str, Any] = {}
    if isinstance(curve, tuple):
        curve, hyperparameters = curve
    if isinstance(curve, ActivationSpec):
        # The entry need not be registered, so its hyperparameters go unchecked.
        entry, label = curve, curve.name
        values = {**entry.defaults(), **hyperparameters}
    else:
        entry, label = spec(curve), curve
        values = validate(curve, hyperparameters)
    if hyperparameters:
        settings = ", ".join(f"{k}={v!r}" for k, v in hyperparameters.items())
        label = f"{label}({settings})"
    return entry, values, label


def _value_and_derivative(
    entry: ActivationSpec, hyperparameters: dict[str, Any], x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the activation and its derivative at ``x``.

    An activation that mixes the last axis is evaluated on rows ``[x, 0]``
    and drawn as output 0 and its derivative by input 0.
    """

    def apply(inputs):
        return entry.fn(inputs, **hyperparameters)

    inputs = jnp.asarray(x, jnp.float32)
    if entry.properties is not None and entry.properties.derivative_at_0 is None:
        rows = jnp.stack([inputs, jnp.zeros_like(inputs)], axis=-1)
        tangent = jnp.zeros_like(rows).at[:, 0].set(1)
        value, derivative = jax.jvp(apply, (rows,), (tangent,))
        return np.asarray(value[:, 0]), np.asarray(derivative[:, 0])
    value, derivative = jax.jvp(apply, (inputs,), (jnp.ones_like(inputs),))
    return np.asarray(value), np.asarray(derivative)


def plot_activations(
    names_or_specs: Iterable[Curve],
    x_range: Sequence[float] = (-5.0, 5.0),
    path: str | Path | None = None,
) -> Figure:
    """Draw activations (left panel) and their derivatives (right panel).

    Args:
      names_or_specs: registry names or aliases, ``ActivationSpec`` entries,
        or ``(name_or_spec, hyperparameters)`` pairs such as
        ``("elu", {"alpha": 0.5})``.
      x_range: ``(low, high)``, the interval of inputs drawn.
      path: where to save the figure. ``PATH.png`` and ``PATH.svg`` are
        written, replacing a ``.png`` or ``.svg`` suffix of ``path``, and
        missing parent directories are created. None saves nothing.

    Returns:
      The matplotlib figure.

    Raises:
      ValueError: for an empty list of activations, an invalid ``x_range``,
        an unknown name or an invalid hyperparameter.
      ImportError: if matplotlib is not installed.
    """
    curves = [_resolve(curve) for curve in names_or_specs]
    if not curves:
        raise ValueError("names_or_specs is empty; pass at least one activation")
    low, high = _check_range(x_range)
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            "plot_activations needs matplotlib; install it with "
            "`pip install actlab[plots]`"
        ) from error

    x = np.linspace(low, high, POINTS)
    figure = Figure(figsize=(10, 4), layout="constrained")
    value_axes, derivative_axes = figure.subplots(1, 2, sharex=True)
    for index, (entry, hyperparameters, label) in enumerate(curves):
        value, derivative = _value_and_derivative(entry, hyperparameters, x)
        # Curves often coincide (every rectifier for x > 0), so each gets its
        # own dash pattern as well as its own colour.
        style = {"label": label, "linestyle": LINE_STYLES[index % len(LINE_STYLES)]}
        value_axes.plot(x, value, **style)
        derivative_axes.plot(x, derivative, **style)
    value_axes.set_title("activation f(x)")
    derivative_axes.set_title("derivative f'(x)")
    for axes in (value_axes, derivative_axes):
        axes.axhline(0, color="0.6", linewidth=0.8)
        axes.axvline(0, color="0.6", linewidth=0.8)
        axes.grid(alpha=0.3)
        axes.set_xlabel("x")
        axes.set_xlim(low, high)
    value_axes.legend(loc="best")
    if path is not None:
        save(figure, path)
    return figure


def output_paths(path: str | Path) -> tuple[Path, ...]:
    """Return the PNG and SVG paths that ``path`` stands for.

    Raises:
      ValueError: if ``path`` names a folder (empty, or ending in a slash)
        rather than a file name without suffix.
    """
    if not str(path) or str(path).endswith(("/", "\\")) or Path(path).name in ("", "."):
        raise ValueError(
            f"output path {str(path)!r} is invalid; expected a file path without "
            "suffix, such as figures/activations (OUT.png and OUT.svg are written)"
        )
    path = Path(path)
    if path.suffix.lower() in tuple(f".{suffix}" for suffix in FORMATS):
        path = path.with_suffix("")
    return tuple(path.with_name(f"{path.name}.{suffix}") for suffix in FORMATS)


def save(figure: Figure, path: str | Path) -> tuple[Path, ...]:
    """Save ``figure`` as PNG and SVG next to each other; return the paths."""
    paths = output_paths(path)
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    for output in paths:
        figure.savefig(output, dpi=150)
        logger.info("Saved %s", output)
    return paths


def _check_range(x_range: Sequence[float]) -> tuple[float, float]:
    try:
        low, high = (float(bound) for bound in x_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"x_range={x_range!r} is invalid; expected two numbers (low, high)"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"x_range={x_range!r} is invalid; expected finite low < high")
    return low, high
