"""Validation and explicit, counted repair of raw time series into a regular canonical frame.

Every loader hands its raw rows to :func:`build_trace`. Repairs (each counted in the
:class:`~simulations.traces.model.RepairReport`): stable sort by time, de-duplicate timestamps with
a
named policy, optional runs of exact zeros as telemetry gaps, percent to fraction for ratio kinds,
resample onto a regular grid (gaps become ``NaN``, never zero), ``error_ratio`` derived from
``errors / requests`` when absent. Rejections (:class:`~simulations.exceptions.TraceError` naming
source, line, column, value and rule): negative or non-finite values, ratios above 100, errors
greater than requests, out-of-order rows when sorting is off, no usable rows, a grid too large.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from planner.limits import MAX_TRACE_SLOTS
from simulations.exceptions import TraceError
from simulations.traces.model import (
    CANONICAL_METRICS,
    Incident,
    Metric,
    RepairReport,
    Trace,
    ensure_utc_index,
)
from simulations.traces.values import (
    line_of,
    normalise_percent,
    reject_bad_values,
    reweight_ratios,
    zero_runs_to_nan,
)

__all__ = ["MAX_SLOTS", "DuplicatePolicy", "RepairOptions", "build_trace", "build_trace_arrays"]

DuplicatePolicy = Literal["first", "last", "mean"]
MAX_SLOTS = 20_000_000  # grid slots a trace may have (about 38 years of minutes)
_SUM_KINDS = ("request_count", "error_count")


@dataclass(frozen=True)
class RepairOptions:
    """What :func:`build_trace` may repair.

    Attributes:
        duplicates: which row a duplicated timestamp keeps: ``first``, ``last`` or ``mean``.
        sort: sort out-of-order rows; when ``False`` they are rejected.
        zero_gap_min_run: treat runs of at least this many exact zeros in a column as missing
            (a telemetry gap); ``None`` keeps zeros.
        step: the grid step; ``None`` infers the most common interval between rows.
        normalise_percent: divide a ratio column by 100 when its largest value exceeds 1.
    """

    duplicates: DuplicatePolicy = "last"
    sort: bool = True
    zero_gap_min_run: int | None = None
    step: pd.Timedelta | None = None
    normalise_percent: bool = True

    def __post_init__(self) -> None:
        if self.duplicates not in ("first", "last", "mean"):
            raise TraceError(f"duplicates: {self.duplicates!r} is not one of first, last, mean")
        if self.zero_gap_min_run is not None and self.zero_gap_min_run < 1:
            raise TraceError(f"zero_gap_min_run: {self.zero_gap_min_run} must be >= 1")
        if self.step is not None and self.step <= pd.Timedelta(0):
            raise TraceError(f"step: {self.step} must be positive")


def _infer_step(ns: np.ndarray) -> pd.Timedelta | None:
    """The most common positive interval between sorted, unique times (``None`` for one row)."""
    if ns.size < 2:
        return None
    diffs = np.diff(ns)
    lo, hi = int(diffs.min()), int(diffs.max())
    if lo == hi:  # the usual, regular case: no sort needed
        return pd.Timedelta(lo, unit="ns")
    values, counts = np.unique(diffs, return_counts=True)
    return pd.Timedelta(int(values[np.argmax(counts)]), unit="ns")


def _sort_and_dedupe(
    ns: np.ndarray, cols: np.ndarray, opts: RepairOptions, lines: np.ndarray | None, source: str
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Sorted, unique ``(ns, cols)``, the count of out-of-order rows and of dropped duplicates."""
    diffs = np.diff(ns)
    if diffs.size == 0 or bool((diffs > 0).all()):
        return ns, cols, 0, 0
    back = np.flatnonzero(ns[1:] < np.maximum.accumulate(ns)[:-1]) + 1
    if back.size and not opts.sort:
        i = int(back[0])
        now, before = (pd.Timestamp(int(t), tz="UTC").isoformat() for t in (ns[i], ns[i - 1]))
        raise TraceError(
            f"{source}:{line_of(lines, i)}: timestamp {now} is before the previous row's {before}"
            " (rows must be in time order; enable sorting to repair)"
        )
    if back.size:
        order = np.argsort(ns, kind="stable")
        ns, cols = ns[order], cols[:, order]
    same = np.diff(ns) == 0
    dropped = int(same.sum())
    if dropped:
        if opts.duplicates == "mean":
            grouped = pd.DataFrame(cols.T).groupby(ns, sort=True).mean()
            ns = grouped.index.to_numpy(dtype=np.int64)
            cols = np.ascontiguousarray(grouped.to_numpy(np.float64).T)
        else:
            keep = np.ones(len(ns), dtype=bool)
            if opts.duplicates == "first":
                keep[1:] = ~same
            else:
                keep[:-1] = ~same
            ns, cols = ns[keep], cols[:, keep]
    return ns, cols, int(back.size), dropped


def _regularise(
    ns: np.ndarray, cols: np.ndarray, metrics: tuple[Metric, ...], step: pd.Timedelta, source: str
) -> tuple[np.ndarray, int, int]:
    """``cols`` on the grid ``ns[0] + k * step``; return (grid values, rows off grid, gaps)."""
    step_ns = int(step.value)
    slots = (int(ns[-1]) - int(ns[0])) // step_ns + 1
    if slots > min(MAX_SLOTS, MAX_TRACE_SLOTS.value()):
        first, last = (pd.Timestamp(int(t), tz="UTC").isoformat() for t in (ns[0], ns[-1]))
        what = f"{source}: {first} to {last} at a step of {step.total_seconds():g}s"
        MAX_TRACE_SLOTS.check(what, slots, TraceError)
        raise TraceError(f"{what}: {slots:,} slots exceed the hard limit of {MAX_SLOTS:,}")
    offsets = ns - ns[0]
    slot = offsets // step_ns
    off = int(np.count_nonzero(offsets - slot * step_ns))
    if off == 0 and slots == len(ns):
        return cols, 0, 0
    out = np.full((cols.shape[0], slots), np.nan)
    if off == 0:
        out[:, slot] = cols
        return out, 0, slots - len(ns)
    grouped = pd.DataFrame(cols.T).groupby(slot)
    for j, m in enumerate(metrics):
        col = grouped[j]
        agg = col.sum(min_count=1) if m.kind in _SUM_KINDS else col.mean()
        out[j, agg.index.to_numpy()] = agg.to_numpy(np.float64)
    return out, off, slots - len(np.unique(slot))


def build_trace(
    frame: pd.DataFrame,
    metrics: tuple[Metric, ...],
    *,
    source: str,
    options: RepairOptions | None = None,
    lines: np.ndarray | None = None,
    incidents: tuple[Incident, ...] = (),
    name: str = "",
) -> Trace:
    """Validate, repair and regularise raw rows into a :class:`Trace` with its report.

    Args:
        frame: raw rows; a time index (any order, duplicates allowed; naive times are UTC)
            and one float column per metric in ``metrics``.
        metrics: the column descriptions, in column order.
        source: the file or URL, used in messages and the report.
        options: what may be repaired; defaults to :class:`RepairOptions()`.
        lines: the source line of each row, for messages (default: row + 2, after a header).
        incidents: labelled windows to attach.
        name: the trace name (default: ``source``).

    Raises:
        TraceError: a rejection listed in the module docstring.
    """
    if len(frame) == 0:
        raise TraceError(f"{source}: no usable rows (no data after the header)")
    try:
        ns = ensure_utc_index(frame.index).asi8
    except TraceError as exc:
        raise TraceError(f"{source}: {exc}") from None
    cols = np.ascontiguousarray(frame.to_numpy(dtype=np.float64).T)
    if np.shares_memory(cols, frame.to_numpy()):
        cols = cols.copy()  # repairs work in place; never on the caller's frame
    return build_trace_arrays(
        ns,
        cols,
        metrics,
        source=source,
        options=options,
        lines=lines,
        incidents=incidents,
        name=name,
    )


def build_trace_arrays(
    ns: np.ndarray,
    cols: np.ndarray,
    metrics: tuple[Metric, ...],
    *,
    source: str,
    options: RepairOptions | None = None,
    lines: np.ndarray | None = None,
    incidents: tuple[Incident, ...] = (),
    name: str = "",
) -> Trace:
    """:func:`build_trace` on arrays: UTC ``ns`` (int64) and ``cols`` (float64, one row per metric).

    ``cols`` is repaired in place (pass a copy to keep it); this path makes no other copy of a
    regular, sorted trace, which keeps loading a million rows fast and small.
    """
    opts = options or RepairOptions()
    if ns.size == 0:
        raise TraceError(f"{source}: no usable rows (no data after the header)")
    rows = len(ns)
    empty = int(np.count_nonzero(np.isnan(cols)))
    reject_bad_values(cols, metrics, None if lines is None else np.asarray(lines), source)
    ns, cols, unsorted, dropped = _sort_and_dedupe(ns, cols, opts, lines, source)

    zero_runs = 0
    if opts.zero_gap_min_run is not None:
        zero_runs = zero_runs_to_nan(cols, opts.zero_gap_min_run)
    percent = normalise_percent(cols, metrics, opts.normalise_percent)

    native = _infer_step(ns)
    step = opts.step or native
    if step is None:
        raise TraceError(f"{source}: cannot infer the step from a single row (pass a step)")
    grid_cols, off_grid, gaps = _regularise(ns, cols, metrics, step, source)
    reweighted = reweight_ratios(grid_cols, metrics) if off_grid else ()
    if bool(np.isnan(grid_cols).all()):
        raise TraceError(f"{source}: no usable rows (every value is missing)")
    grid = pd.date_range(
        pd.Timestamp(int(ns[0]), tz="UTC"), periods=grid_cols.shape[1], freq=step, name="timestamp"
    ).as_unit("ns")
    names = [m.name for m in metrics]
    # (k, n) C-contiguous transposed is pandas' own block layout: no copy.
    out = pd.DataFrame(grid_cols.T, index=grid, columns=pd.Index(names), copy=False)

    notes = []
    if off_grid:
        notes.append(f"{off_grid} rows off the {step} grid were merged into their slot")
    if reweighted:
        notes.append(f"{', '.join(reweighted)} recomputed as errors / requests after merging")
    if "requests" in names and "errors" in names and "error_ratio" not in names:
        requests = out["requests"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(requests > 0, out["errors"].to_numpy() / requests, np.nan)
        out["error_ratio"] = ratio
        metrics = (*metrics, CANONICAL_METRICS["error_ratio"])
        notes.append("error_ratio derived as errors / requests (missing where requests = 0)")
    resampled = str(step) if (off_grid or step != native) else None
    report = RepairReport(
        source=source,
        rows_read=rows,
        duplicates_dropped=dropped,
        duplicate_policy=opts.duplicates,
        unsorted_rows=unsorted,
        gaps_filled_with_nan=gaps,
        zero_runs_as_gaps=zero_runs,
        percent_normalised=percent,
        resampled_to=resampled,
        empty_values=empty,
        notes=tuple(notes),
    )
    return Trace(
        frame=out,
        metrics=metrics,
        step=step,
        incidents=incidents,
        name=name or source,
        repairs=report,
    )
