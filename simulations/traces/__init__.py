"""The canonical trace: one DataFrame of metrics per step, its incidents and its repairs.

Modules:

- ``model``: The canonical trace: a regular, UTC time series of service metrics with labelled
  incidents.
- ``relative``: Thresholds relative to a trailing baseline: ``ratio`` and robust ``zscore``
  transforms.
- ``repair``: Validation and explicit, counted repair of raw time series into a regular canonical
  frame.
- ``series``: Per-trace series a replay derives from a trace, computed once and shared by its
  batches.
- ``values``: Per-column checks and repairs of raw trace values (used by
  :mod:`simulations.traces.repair`).
"""

from simulations.traces.model import CANONICAL_METRICS, Incident, Metric, RepairReport, Trace
from simulations.traces.repair import build_trace

__all__ = [
    "CANONICAL_METRICS",
    "Incident",
    "Metric",
    "RepairReport",
    "Trace",
    "build_trace",
]
