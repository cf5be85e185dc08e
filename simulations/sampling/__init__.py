"""Measurement as a sample, shared by the replay, the backtest and tuning (below all three).

Modules:

- ``intervals``: 95 % intervals for rates, on the effective number of independent deploys.
- ``noise``: The canary measured as a sample: seeded noise draws of what canary and stable each
  report.
"""

from simulations.sampling.intervals import Z95, covered_deploys, wilson
from simulations.sampling.noise import (
    DEFAULT_NOISE,
    NO_NOISE,
    SampleNoise,
    calibrated_pod_variance,
    generator,
    quantile_spread,
    short_term_variance,
    split_counts,
    split_level,
    split_log_quantile,
)

__all__ = [
    "DEFAULT_NOISE",
    "NO_NOISE",
    "Z95",
    "SampleNoise",
    "calibrated_pod_variance",
    "covered_deploys",
    "generator",
    "quantile_spread",
    "short_term_variance",
    "split_counts",
    "split_level",
    "split_log_quantile",
    "wilson",
]
