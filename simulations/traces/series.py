"""Per-trace series a replay derives from a trace, computed once and shared by its batches.

The new version's values of a metric (``error_ratio`` and ``success_rate`` may be derived from
counts), the labelled-incident mask, the stable version's series (the trace outside incidents,
the trailing hour's median of the healthy samples inside them), that level itself, and the
trailing statistics of a relative rule. :class:`SeriesCache` memoises them per metric.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from simulations._types import FloatArray, MaybeSeries
from simulations.exceptions import BacktestError
from simulations.traces.model import Trace
from simulations.traces.relative import TrailingStats, trailing_stats

__all__ = ["SeriesCache", "healthy_values", "incident_steps", "trace_series"]


def trace_series(trace: Trace, metric: str) -> FloatArray | None:
    """The metric's values in ``trace`` (``error_ratio`` and ``success_rate`` may be derived)."""
    cols = set(trace.frame.columns)
    if metric in cols:
        return np.asarray(trace.frame[metric].to_numpy(dtype=np.float64))
    if metric == "success_rate":
        ratio = trace_series(trace, "error_ratio")
        return None if ratio is None else 1.0 - ratio
    if metric == "error_ratio" and {"errors", "requests"} <= cols:
        e = trace.frame["errors"].to_numpy(dtype=np.float64)
        r = trace.frame["requests"].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(r > 0, e / np.where(r > 0, r, 1.0), np.nan)
    return None


def incident_steps(trace: Trace) -> list[tuple[int, int]]:
    """``[first, end)`` sample indices of each incident.

    Raises:
        BacktestError: an incident lies outside the trace.
    """
    idx = trace.frame.index
    out = []
    for inc in trace.incidents:
        last = idx[-1] + trace.step
        if inc.start < idx[0] or inc.end > last:
            raise BacktestError(
                f"trace {trace.name!r}: incident {inc.start.isoformat()}..{inc.end.isoformat()} "
                f"lies outside the trace ({idx[0].isoformat()}..{last.isoformat()})"
            )
        s = int(idx.searchsorted(inc.start))
        out.append((s, max(s + 1, int(idx.searchsorted(inc.end)))))
    return out


def _mask(trace: Trace) -> NDArray[np.bool_]:
    mask = np.zeros(len(trace.frame), dtype=np.bool_)
    for s, e in incident_steps(trace):
        mask[s:e] = True
    return mask


def healthy_values(trace: Trace, metric: str) -> FloatArray | None:
    """The metric's values with the labelled incident samples set to NaN."""
    values = trace_series(trace, metric)
    return None if values is None else np.where(_mask(trace), np.nan, values)


def _level(values: FloatArray, mask: NDArray[np.bool_], window: int) -> FloatArray:
    """Trailing median of the healthy samples: the stable version's level, without its noise."""
    healthy = pd.Series(np.where(mask, np.nan, values))
    level = healthy.rolling(window, min_periods=1).median().ffill().bfill()
    return level.to_numpy(dtype=np.float64)


class SeriesCache:
    """Derived series of ``traces`` sampled every ``step_minutes``, memoised per metric."""

    def __init__(self, traces: Sequence[Trace], step_minutes: float) -> None:
        self.traces = tuple(traces)
        self.hour = max(1, round(60 / step_minutes))
        self.masks = [_mask(t) for t in self.traces]
        self._series: dict[tuple[str, str], MaybeSeries] = {}
        self._stats: dict[tuple[str, int], list[TrailingStats | None]] = {}

    def _series_of(self, kind: str, metric: str, build: Callable[[], MaybeSeries]) -> MaybeSeries:
        key = (kind, metric)
        if key not in self._series:
            self._series[key] = build()
        return self._series[key]

    def counted(self) -> bool:
        """Every trace has ``errors`` and ``requests`` columns."""
        return all({"errors", "requests"} <= set(t.frame.columns) for t in self.traces)

    def new(self, metric: str) -> MaybeSeries:
        """The metric per trace (None where a trace lacks it)."""
        return self._series_of(
            "new", metric, lambda: [trace_series(t, metric) for t in self.traces]
        )

    def level(self, metric: str) -> MaybeSeries:
        """The stable version's level: trailing hour's median of the healthy samples."""

        def build() -> MaybeSeries:
            return [
                None if v is None else _level(v, m, self.hour)
                for v, m in zip(self.new(metric), self.masks, strict=True)
            ]

        return self._series_of("level", metric, build)

    def old(self, metric: str) -> MaybeSeries:
        """The stable version: the trace outside incidents, its level inside them."""

        def build() -> MaybeSeries:
            return [
                None if v is None or lv is None else np.where(m, lv, v)
                for v, lv, m in zip(self.new(metric), self.level(metric), self.masks, strict=True)
            ]

        return self._series_of("old", metric, build)

    def stats(self, metric: str, window: int) -> list[TrailingStats | None]:
        """Trailing median and robust scale of the stable series over ``window`` samples."""

        def build() -> list[TrailingStats | None]:
            return [None if o is None else trailing_stats(o, window) for o in self.old(metric)]

        if (metric, window) not in self._stats:
            self._stats[metric, window] = build()
        return self._stats[metric, window]
