"""A seeded generator of web-service traces with injected, labelled incidents.

The generated trace has the canonical columns ``requests`` (per step), ``errors`` (per step),
``error_ratio`` (``errors / requests``, rounded to 1e-6) and ``latency_p95_ms``. Traffic follows a
daily sine (peak at ``peak_hour_utc``) times a weekend factor, with Poisson noise; errors are
binomial draws from the error ratio; p95 latency rises with load and has log-normal noise.

Incident shapes (:class:`Injection`), each labelled as an
:class:`~simulations.traces.model.Incident`:

* ``step``: the error ratio rises by ``magnitude`` for the whole window;
* ``ramp``: it rises linearly from 0 to ``magnitude`` across the window;
* ``spike``: it jumps by ``magnitude`` and decays exponentially (time constant: a third of the
  window);
* ``flapping``: it rises by ``magnitude`` during the first half of every ``period``;
* ``latency_only``: p95 latency is multiplied by ``magnitude``; errors are untouched;
* ``traffic_drop``: requests fall by the fraction ``magnitude``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from simulations.exceptions import TraceError
from simulations.traces.model import CANONICAL_METRICS, Incident, Trace

__all__ = [
    "SAMPLE_SEED",
    "Injection",
    "ShapeKind",
    "WebServiceSpec",
    "generate_web_service",
    "sample_spec",
    "write_sample",
]

ShapeKind = Literal["step", "ramp", "spike", "flapping", "latency_only", "traffic_drop"]
_SHAPE_METRIC = {
    "step": "error_ratio",
    "ramp": "error_ratio",
    "spike": "error_ratio",
    "flapping": "error_ratio",
    "latency_only": "latency_p95_ms",
    "traffic_drop": "requests",
}
COLUMNS = ("requests", "errors", "error_ratio", "latency_p95_ms")
SAMPLE_SEED = 20260302
_MINUTE = pd.Timedelta(minutes=1)
_FLAP_PERIOD = pd.Timedelta(minutes=10)
_SAMPLE_START = pd.Timestamp("2026-03-02T00:00:00Z")  # a Monday


@dataclass(frozen=True)
class Injection:
    """One incident to inject into a generated trace.

    Attributes:
        shape: one of :data:`ShapeKind` (see the module docstring).
        start: UTC start of the incident window.
        duration: length of the window (at least one step).
        magnitude: added error ratio (fraction) for error shapes, latency multiplier for
            ``latency_only``, lost traffic fraction in ``[0, 1]`` for ``traffic_drop``.
        severity: label copied to the incident.
        cause: label copied to the incident.
        period: on/off cycle of ``flapping``.
    """

    shape: ShapeKind
    start: pd.Timestamp
    duration: pd.Timedelta
    magnitude: float
    severity: str = "high"
    cause: str = ""
    period: pd.Timedelta = _FLAP_PERIOD

    def __post_init__(self) -> None:
        if self.shape not in _SHAPE_METRIC:
            raise TraceError(f"injection.shape: {self.shape!r} is not one of {list(_SHAPE_METRIC)}")
        if self.start.tzinfo is None:
            raise TraceError(f"injection.start: {self.start} must be tz-aware (UTC)")
        if self.duration <= pd.Timedelta(0) or self.period <= pd.Timedelta(0):
            raise TraceError(f"injection {self.shape}: duration and period must be positive")
        if self.magnitude < 0 or (self.shape == "traffic_drop" and self.magnitude > 1):
            raise TraceError(f"injection {self.shape}: magnitude {self.magnitude} out of range")

    def incident(self) -> Incident:
        """The labelled window this injection produces."""
        return Incident(
            start=self.start,
            end=self.start + self.duration,
            severity=self.severity,
            cause=self.cause or self.shape,
            metric=_SHAPE_METRIC[self.shape],
        )


@dataclass(frozen=True)
class WebServiceSpec:
    """Parameters of a generated web-service trace (times UTC; rates per ``step``)."""

    start: pd.Timestamp = _SAMPLE_START
    days: float = 14.0
    step: pd.Timedelta = _MINUTE
    requests_per_step: float = 1200.0  # weekday mean
    daily_amplitude: float = 0.45  # relative swing of the daily sine, in [0, 1)
    weekend_factor: float = 0.65  # traffic on Saturday and Sunday relative to weekdays
    peak_hour_utc: float = 15.0
    error_ratio: float = 0.002  # baseline fraction of failed requests
    latency_p95_ms: float = 180.0  # baseline p95 at mean load
    latency_load_slope: float = 0.35  # p95 grows by this fraction per unit of relative load
    latency_noise: float = 0.06  # sigma of the log-normal latency noise
    name: str = "synthetic-web-service"
    injections: tuple[Injection, ...] = ()


def _error_extra(inj: Injection, since: np.ndarray, active: np.ndarray) -> np.ndarray:
    """The error ratio an error-shaped injection adds at each step (``since`` in seconds)."""
    length = inj.duration.total_seconds()
    if inj.shape == "ramp":
        extra = inj.magnitude * since / length
    elif inj.shape == "spike":
        extra = inj.magnitude * np.exp(-np.clip(since, 0.0, None) / (length / 3.0))
    elif inj.shape == "flapping":
        period = inj.period.total_seconds()
        extra = np.where((since % period) < period / 2.0, inj.magnitude, 0.0)
    else:  # step
        extra = np.full(since.shape, inj.magnitude)
    return np.where(active, extra, 0.0)


def generate_web_service(spec: WebServiceSpec, seed: int) -> Trace:
    """Generate a trace from ``spec``; the same ``seed`` always gives the same values.

    Raises:
        TraceError: the spec describes no step or an injection lies outside the trace.
    """
    start = pd.Timestamp(spec.start).tz_convert("UTC")
    n = int(pd.Timedelta(days=spec.days) / spec.step)
    if n < 1:
        raise TraceError(f"spec: days={spec.days} holds no step of {spec.step}")
    index = pd.date_range(start, periods=n, freq=spec.step, name="timestamp").as_unit("ns")
    end = start + n * spec.step
    rng = np.random.default_rng(seed)

    hours = np.asarray((index - index.normalize()).total_seconds() / 3600.0)
    daily = 1.0 + spec.daily_amplitude * np.cos(2 * np.pi * (hours - spec.peak_hour_utc) / 24.0)
    weekend = np.where(np.asarray(index.day_of_week) >= 5, spec.weekend_factor, 1.0)
    load = daily * weekend
    expected = spec.requests_per_step * load
    ratio = np.full(n, spec.error_ratio)
    latency_factor = np.ones(n)

    seconds = np.asarray((index - start).total_seconds())
    for inj in spec.injections:
        if inj.start < start or inj.start + inj.duration > end:
            raise TraceError(f"injection {inj.shape} at {inj.start}: outside {start}..{end}")
        since = seconds - (inj.start - start).total_seconds()
        active = (since >= 0) & (since < inj.duration.total_seconds())
        if inj.shape == "traffic_drop":
            expected = np.where(active, expected * (1.0 - inj.magnitude), expected)
        elif inj.shape == "latency_only":
            latency_factor = np.where(active, latency_factor * inj.magnitude, latency_factor)
        else:
            ratio = ratio + _error_extra(inj, since, active)

    requests = rng.poisson(expected).astype(np.int64)
    errors = rng.binomial(requests, np.clip(ratio, 0.0, 1.0)).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        error_ratio = np.round(np.where(requests > 0, errors / requests, np.nan), 6)
    noise = rng.lognormal(0.0, spec.latency_noise, n)
    latency = spec.latency_p95_ms * (1.0 + spec.latency_load_slope * (load - 1.0))
    latency = np.round(latency * latency_factor * noise, 1)

    frame = pd.DataFrame(
        {
            "requests": requests.astype(np.float64),
            "errors": errors.astype(np.float64),
            "error_ratio": error_ratio,
            "latency_p95_ms": latency,
        },
        index=index,
    )
    incidents = tuple(sorted((inj.incident() for inj in spec.injections), key=lambda i: i.start))
    return Trace(
        frame=frame,
        metrics=tuple(CANONICAL_METRICS[c] for c in COLUMNS),
        step=spec.step,
        incidents=incidents,
        name=spec.name,
    )


def sample_spec() -> WebServiceSpec:
    """The spec of the bundled ``data/sample/web-service-14d`` trace: six labelled incidents."""
    t0 = _SAMPLE_START

    def at(day: int, hh: int, mm: int) -> pd.Timestamp:
        return t0 + pd.Timedelta(days=day, hours=hh, minutes=mm)

    m = _MINUTE
    injections = (
        Injection("step", at(1, 14, 0), 25 * m, 0.05, "high", "bad deploy: checkout 500s"),
        Injection("ramp", at(3, 9, 30), 60 * m, 0.08, "medium", "memory leak after config push"),
        Injection("latency_only", at(5, 20, 0), 45 * m, 3.0, "medium", "database failover"),
        Injection("spike", at(7, 3, 10), 6 * m, 0.2, "low", "cache stampede"),
        Injection("flapping", at(9, 13, 0), 80 * m, 0.04, "medium", "flapping health check"),
        Injection("traffic_drop", at(11, 11, 0), 30 * m, 0.6, "high", "load balancer misroute"),
    )
    return WebServiceSpec(start=t0, days=14, name="web-service-14d", injections=injections)


def write_sample(directory: str | Path, seed: int = SAMPLE_SEED) -> tuple[Path, Path]:
    """Write ``web-service-14d.csv`` and ``web-service-14d.incidents.yaml`` into ``directory``.

    Returns:
        The paths of the trace and of the incidents file.
    """
    from simulations.loaders.formats.canonical import write_trace
    from simulations.loaders.incidents import write_incidents

    trace = generate_web_service(sample_spec(), seed)
    folder = Path(directory)
    csv = write_trace(trace, folder / "web-service-14d.csv")
    yaml = write_incidents(trace.incidents, folder / "web-service-14d.incidents.yaml")
    return csv, yaml


if __name__ == "__main__":  # python -m simulations.sources.synthetic [DIR]: regenerate the sample
    import sys

    for written in write_sample(sys.argv[1] if len(sys.argv) > 1 else "data/sample"):
        print(written)
