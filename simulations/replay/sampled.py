"""The canary's latency percentile as a sample: its parameters per metric and the per-run draws.

While traffic is split (exposure ``0 < e < 1``) the canary and the stable version are two
independent measurements of the requests each serves, as the backtest and tune model them
(:func:`simulations.sampling.noise.split_log_quantile`, the one implementation): the log of a
version's percentile over its requests is normal around the true one, with the request-sampling
variance ``s^2 (1 / n_canary - 1 / n)`` beyond the trace's own (``s`` from the log-normal shape
``sigma`` and the percentile) plus the per-pod heterogeneity ``tau2 (1 / e - 1)``; the stable
version is the complement (or, inside the replayed incident, its own level with its own noise).
At 0 % and 100 % one version serves everyone: its value is the trace's, no noise is added. Fleet
scope is not resampled: the fleet's measurement is the trace (and its mixture during an
incident).

Each run draws from ``generator(seed, "replay latency", metric, run)``: the same seed gives the
same bytes whichever batch or process replays the run, and the count noise is untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulations._types import FloatArray
from simulations.detectors.base import Detector
from simulations.replay.config import ReplayConfig
from simulations.sampling.noise import (
    calibrated_pod_variance,
    generator,
    quantile_spread,
    split_log_quantile,
)
from simulations.traces.model import Trace

__all__ = ["LatencyNoise", "LatencyRow", "latency_noise", "sample_latency"]


@dataclass(frozen=True)
class LatencyNoise:
    """How a canary's latency percentile varies as a sample.

    Attributes:
        s2: ``s^2`` of :func:`~simulations.sampling.noise.quantile_spread`, the variance of
            ln(percentile) times the requests (0 when the trace has no request counts).
        pod_variance: ``tau2``, per-pod heterogeneity: variance of ln(percentile) per step at
            full traffic.
    """

    s2: float
    pod_variance: float


def _probability(statistic: str | None) -> float:
    """The probability of a percentile name: ``"p95"`` -> 0.95; a mean or none -> 0.5."""
    name = statistic or ""
    return float(name[1:]) / 100.0 if name[:1] == "p" and name[1:].isdigit() else 0.5


def latency_noise(
    trace: Trace,
    detectors: Sequence[Detector],
    config: ReplayConfig,
    columns: Mapping[str, FloatArray],
    incidents: NDArray[np.bool_],
) -> dict[str, LatencyNoise]:
    """The sampling parameters of each latency a canary-scope detector watches.

    ``s2`` from ``config.latency_sigma`` and the metric's percentile (none without request
    counts, as in the backtest); the pod variance is ``config.pod_variance``, else calibrated on
    the samples outside ``incidents`` net of the sampling part at the median requests per step
    (:func:`~simulations.sampling.noise.calibrated_pod_variance`).
    """
    names = set(trace.frame.columns)
    counted = "requests" in names or "request_rate" in names
    stats = {m.name: m.statistic for m in trace.metrics}
    requests = columns["requests"]
    med = float(np.nanmedian(requests)) if counted and np.isfinite(requests).any() else 0.0
    out: dict[str, LatencyNoise] = {}
    for m in sorted({d.metric for d in detectors if d.scope == "canary"}):
        if not m.startswith("latency_"):
            continue
        s2 = quantile_spread(config.latency_sigma, _probability(stats.get(m))) ** 2
        s2 = s2 if counted else 0.0
        tau2 = config.pod_variance
        if tau2 is None:
            tau2 = calibrated_pod_variance(np.where(incidents, np.nan, columns[m]), s2, med)
        out[m] = LatencyNoise(s2, tau2)
    return out


@dataclass(frozen=True, eq=False)
class LatencyRow:
    """One run's split-exposure steps: the two versions' true percentiles and the traffic."""

    new: FloatArray
    old: FloatArray
    requests: FloatArray
    canary_requests: FloatArray
    exposure: FloatArray


def sample_latency(
    noise: LatencyNoise, row: LatencyRow, seed: int, metric: str, run: int
) -> tuple[FloatArray, FloatArray]:
    """The canary's and the stable version's measured percentile on ``row``'s steps."""
    rng = generator(seed, "replay latency", metric, run)
    return split_log_quantile(
        rng,
        row.new,
        row.old,
        row.new == row.old,
        row.requests,
        row.canary_requests,
        row.exposure,
        noise.s2,
        noise.pod_variance,
    )
