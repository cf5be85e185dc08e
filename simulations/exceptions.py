"""The one exception hierarchy of :mod:`simulations`.

Every error a user can cause derives from :class:`SimulationError` (itself a
:class:`planner.exceptions.PlannerError`, so the shared CLI treats both alike: one line, exit 2).
"""

from __future__ import annotations

from planner.exceptions import PlannerError

__all__ = [
    "BacktestError",
    "PrometheusError",
    "ReplayError",
    "ReportError",
    "SimulationError",
    "TraceError",
]


class SimulationError(PlannerError):
    """Base class of every user-facing error raised by :mod:`simulations`."""


class TraceError(SimulationError):
    """A trace or incidents file is unusable; the message names file, line/field and value."""


class PrometheusError(SimulationError):
    """A Prometheus server could not be queried (HTTP error, timeout, bad answer)."""


class ReplayError(SimulationError):
    """A replay cannot run with the given plan, trace or incident."""


class BacktestError(SimulationError):
    """A backtest or tuning run has unusable input (labels outside traces, empty sets)."""


class ReportError(SimulationError):
    """A notebook report could not be produced."""
