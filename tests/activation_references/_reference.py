"""The ``Reference`` record that every activation's test entry fills in."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np


@dataclasses.dataclass(frozen=True)
class Reference:
    """Float64 NumPy reference of one activation.

    Attributes:
      value: ``value(x, **hyperparameters)``, the activation of ``x`` along its
        last axis.
      jvp: ``jvp(x, t, **hyperparameters)``, the derivative that autodiff must
        give, applied to the tangent ``t`` (the Jacobian-vector product along
        the last axis). For a straight-through estimator this is the surrogate
        derivative, including its convention at any kink.
      settings: hyperparameter sets to test besides the defaults.
      finite_differences: whether finite differences approximate the
        derivative; false for a surrogate derivative.
      jvp_atol: absolute tolerance of ``jvp`` in units of the dtype's machine
        epsilon times the largest tangent, for derivatives that are
        differences of nearly equal terms; 0 for a relative-only comparison.
      mp_value: the activation in mpmath arithmetic at 50 significant digits,
        ``mp_value(x, **hyperparameters)``: ``x`` is an ``mpmath.mpf`` for an
        elementwise activation, a list of them for a ``vector`` one; None
        until an accuracy reference is written.
      mp_jvp: ``mp_jvp(x, t, **hyperparameters)`` in mpmath, the derivative
        applied to the tangent ``t`` (an ``mpf``, or a list for ``vector``),
        with the documented convention at any kink.
      vector: whether the activation mixes the last axis (softmax and the
        like) instead of acting elementwise.
      kinks: points, at the default hyperparameters, where the derivative is a
        convention rather than a limit, such as 0 for relu.
      max_ulp: documented exceptions to the accuracy bound of 4 ulp, keyed by
        ``"value/float32"``, ``"derivative/float64"`` and so on: the measured
        worst error, in ulp of that dtype, that the activation is allowed.
      max_ulp_reason: why the closed form cannot meet 4 ulp there; required
        when ``max_ulp`` is not empty.
    """

    value: Callable[..., np.ndarray]
    jvp: Callable[..., np.ndarray]
    settings: tuple[dict[str, Any], ...] = ()
    finite_differences: bool = True
    jvp_atol: float = 0.0
    mp_value: Callable[..., Any] | None = None
    mp_jvp: Callable[..., Any] | None = None
    vector: bool = False
    kinks: tuple[float, ...] = ()
    max_ulp: dict[str, float] = dataclasses.field(default_factory=dict)
    max_ulp_reason: str = ""
