"""Replay staged rollouts over historical traces; backtest and tune rollback thresholds.

Subpackages, from the data up: ``traces`` (the canonical trace), ``loaders`` (files into
traces), ``sources`` (Prometheus and the synthetic sample), ``detectors`` (one rollback
detector per family), ``sampling`` (the canary as a noisy sample, 95 % intervals: shared by
replay, backtest and tuning), ``replay`` (the SimPy rollout replay), ``backtest`` and ``tuning``
(rule sets scored and tuned on labelled history), ``reporting`` (papermill reports),
``notebook`` (what notebooks call: frames, figures, widgets) and ``commands/`` (the CLI's
simulation subcommands). Dependencies point one way: notebook -> replay/backtest/tuning ->
sampling/detectors/traces/loaders -> planner.
"""

from simulations.exceptions import SimulationError
from simulations.traces import Incident, Metric, Trace

__all__ = ["Incident", "Metric", "SimulationError", "Trace"]
