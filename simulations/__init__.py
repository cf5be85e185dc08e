"""Replay staged rollouts over historical traces; backtest and tune rollback thresholds."""

from simulations.exceptions import SimulationError
from simulations.trace import Incident, Metric, Trace

__all__ = ["Incident", "Metric", "SimulationError", "Trace"]
