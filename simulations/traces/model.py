"""The canonical trace: a regular, UTC time series of service metrics with labelled incidents.

A :class:`Trace` holds a DataFrame whose index is a tz-aware UTC ``DatetimeIndex`` named
``timestamp`` with a fixed ``step``; each column is a metric described by a :class:`Metric`
(kind, unit, which direction is worse). Missing samples are ``NaN``, never zero. Column names and
units are defined once here (:data:`CANONICAL_METRICS`) and documented in ``data/README.md``.
Incidents are labelled windows ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

from simulations.exceptions import TraceError

__all__ = [
    "CANONICAL_METRICS",
    "Incident",
    "Metric",
    "MetricKind",
    "RepairReport",
    "Trace",
    "canonical_metric",
    "ensure_utc_index",
]

MetricKind = Literal[
    "error_ratio",  # failed / total requests, a fraction in [0, 1]
    "error_count",  # failed requests per step (needs a request_count column beside it)
    "request_count",  # requests per step
    "request_rate",  # requests per second
    "latency",  # a latency statistic (see Metric.statistic), in Metric.unit
    "saturation",  # utilisation, a fraction in [0, 1]
]


@dataclass(frozen=True)
class Metric:
    """One metric column. ``direction`` is ``"above"`` when higher is worse, else ``"below"``."""

    name: str
    kind: MetricKind
    unit: str
    direction: Literal["above", "below"] = "above"
    statistic: str | None = None  # "p50", "p95", "p99", "mean" for latency


# The column names every loader produces and every simulation reads.
CANONICAL_METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("requests", "request_count", "requests/step", "below"),
        Metric("errors", "error_count", "errors/step", "above"),
        Metric("error_ratio", "error_ratio", "ratio", "above"),
        Metric("latency_p50_ms", "latency", "ms", "above", "p50"),
        Metric("latency_p95_ms", "latency", "ms", "above", "p95"),
        Metric("latency_p99_ms", "latency", "ms", "above", "p99"),
        Metric("request_rate", "request_rate", "requests/s", "below"),
        Metric("saturation", "saturation", "ratio", "above"),
    )
}


def canonical_metric(column: str) -> Metric:
    """The :class:`Metric` for a column name.

    A column is a canonical name (``error_ratio``) or a canonical name followed by the labels of
    one of several series, ``error_ratio{pod="a"}`` (as
    :mod:`simulations.loaders.prometheus.client` names
    them);
    the suffix is kept in the returned metric's ``name``.

    Raises:
        TraceError: the base name is not one of :data:`CANONICAL_METRICS`.
    """
    base, brace, _ = column.partition("{")
    metric = CANONICAL_METRICS.get(base)
    if metric is None or (brace and not column.endswith("}")):
        raise TraceError(
            f"column {column!r} is not a canonical metric "
            f"(expected one of {', '.join(CANONICAL_METRICS)}, optionally with a {{labels}} suffix)"
        )
    return metric if column == base else replace(metric, name=column)


def ensure_utc_index(index: pd.Index) -> pd.DatetimeIndex:
    """``index`` as a nanosecond, UTC, tz-aware ``DatetimeIndex`` named ``timestamp``.

    Raises:
        TraceError: a time outside the nanosecond range (years 1677 to 2262).
    """
    try:
        idx = pd.DatetimeIndex(index)
        idx = idx.tz_localize("UTC") if idx.tz is None else idx.tz_convert("UTC")
        return idx.as_unit("ns").rename("timestamp")
    except (ValueError, OverflowError) as exc:  # OutOfBoundsDatetime is a ValueError
        raise TraceError(
            f"timestamps must lie between 1677-09-22 and 2262-04-11 UTC: {exc}"
        ) from None


@dataclass(frozen=True)
class Incident:
    """A labelled window ``[start, end)`` in UTC."""

    start: pd.Timestamp
    end: pd.Timestamp
    severity: str = "unknown"
    cause: str = ""
    metric: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise TraceError(f"incident {self.start}..{self.end}: times must be tz-aware (UTC)")
        if self.end <= self.start:
            raise TraceError(f"incident {self.start}..{self.end}: end must be after start")


@dataclass(frozen=True)
class RepairReport:
    """Every change a loader made to the raw data, counted, so the user can read it."""

    source: str = ""
    rows_read: int = 0
    duplicates_dropped: int = 0
    duplicate_policy: str = "last"
    unsorted_rows: int = 0
    gaps_filled_with_nan: int = 0
    zero_runs_as_gaps: int = 0
    percent_normalised: tuple[str, ...] = ()
    resampled_to: str | None = None
    empty_values: int = 0
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """A human-readable, multi-line account of every repair."""
        report = self
        lines = [f"{report.source or 'trace'}: {report.rows_read} rows read"]
        if report.unsorted_rows:
            lines.append(f"  sorted: {report.unsorted_rows} rows were out of time order")
        if report.duplicates_dropped:
            lines.append(
                f"  de-duplicated: {report.duplicates_dropped} duplicate-timestamp rows dropped "
                f"(policy: {report.duplicate_policy})"
            )
        if report.empty_values:
            lines.append(f"  missing: {report.empty_values} empty values kept as NaN")
        if report.zero_runs_as_gaps:
            lines.append(f"  zero runs: {report.zero_runs_as_gaps} runs of zeros treated as gaps")
        if report.percent_normalised:
            lines.append(f"  percent -> fraction: {', '.join(report.percent_normalised)}")
        if report.resampled_to:
            lines.append(f"  resampled to a regular step of {report.resampled_to}")
        if report.gaps_filled_with_nan:
            lines.append(f"  gaps: {report.gaps_filled_with_nan} missing steps filled with NaN")
        lines.extend(f"  {note}" for note in report.notes)
        if len(lines) == 1:
            lines.append("  no repairs needed")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class Trace:
    """A canonical trace. ``frame`` columns are the ``metrics`` names, in order."""

    frame: pd.DataFrame
    metrics: tuple[Metric, ...]
    step: pd.Timedelta
    incidents: tuple[Incident, ...] = ()
    name: str = ""
    repairs: RepairReport = field(default_factory=RepairReport)

    def __post_init__(self) -> None:
        idx = self.frame.index
        if not isinstance(idx, pd.DatetimeIndex) or idx.tz is None:
            raise TraceError(f"trace {self.name!r}: index must be a tz-aware DatetimeIndex")
        names = [m.name for m in self.metrics]
        if list(self.frame.columns) != names:
            raise TraceError(f"trace {self.name!r}: columns {list(self.frame.columns)} != {names}")

    def metric(self, name: str) -> Metric:
        """The :class:`Metric` called ``name``; raises :class:`TraceError` if absent."""
        for m in self.metrics:
            if m.name == name:
                return m
        raise TraceError(
            f"trace {self.name!r}: no metric {name!r} "
            f"(has {', '.join(m.name for m in self.metrics)})"
        )
