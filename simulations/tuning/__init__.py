"""Tuning rollback thresholds: the search space, the sweep and the train/test split.

Modules:

- ``_malloc``: Keep freed large arrays in the heap instead of returning them to the kernel (glibc
  only).
- ``select``: Robust selection: cross-validated over time blocks, fold-stable within the budget,
  validated.
- ``space``: The parameter grid ``tune`` searches: per metric, per detector family.
- ``split``: The time-based train/test split of labelled traces.
- ``sweep``: Tune rollback rules: sweep each family's parameters, keep the Pareto front, recommend
  a set.
"""

from simulations.tuning.split import parse_split_time, split_at
from simulations.tuning.sweep import Candidate, TuneReport, TuneSettings, tune

__all__ = [
    "Candidate",
    "TuneReport",
    "TuneSettings",
    "parse_split_time",
    "split_at",
    "tune",
]
