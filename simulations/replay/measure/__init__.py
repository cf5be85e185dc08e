"""Measuring a replayed run: what detectors observe, latency mixtures, blast radius and the Monte
Carlo summary.

Modules:

- ``latency``: Fleet latency from the mixture of two log-normal latency distributions.
- ``observe``: What a detector sees of one run: its metric in its scope, as an :class:`Observed`.
- ``outcome``: One run's result: detection, time to roll back, blast radius.
- ``summary``: Summaries of a Monte Carlo replay: percentiles overall and per onset stage, as
  frozen records.
"""

from simulations.replay.measure.latency import DEFAULT_SIGMA, mixture_quantile, norm_cdf, z_of
from simulations.replay.measure.observe import View, observe
from simulations.replay.measure.outcome import (
    BlastRadius,
    RunResult,
    blast_radius,
    build_result,
    users_affected,
)
from simulations.replay.measure.summary import (
    PERCENTILES,
    BlastPercentiles,
    Percentiles,
    ReplaySummary,
    SummaryBlock,
    percentiles,
    summarise,
)

__all__ = [
    "DEFAULT_SIGMA",
    "PERCENTILES",
    "BlastPercentiles",
    "BlastRadius",
    "Percentiles",
    "ReplaySummary",
    "RunResult",
    "SummaryBlock",
    "View",
    "blast_radius",
    "build_result",
    "mixture_quantile",
    "norm_cdf",
    "observe",
    "percentiles",
    "summarise",
    "users_affected",
    "z_of",
]
