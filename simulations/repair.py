"""Validation and explicit, counted repair of raw time series into a regular canonical frame.

Every loader hands its raw rows to :func:`build_trace`. Repairs (each counted in the
:class:`~simulations.trace.RepairReport`): stable sort by time, de-duplicate timestamps with a
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

from simulations.exceptions import TraceError
from simulations.trace import (
    CANONICAL_METRICS,
    Incident,
    Metric,
    RepairReport,
    Trace,
    ensure_utc_index,
)

__all__ = ["MAX_SLOTS", "DuplicatePolicy", "RepairOptions", "build_trace"]

DuplicatePolicy = Literal["first", "last", "mean"]
MAX_SLOTS = 20_000_000  # grid slots a trace may have (about 38 years of minutes)
_RATIO_KINDS = ("error_ratio", "saturation")
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


def _where(source: str, line: int) -> str:
    return f"{source}:{line}"


def _reject_bad_values(
    frame: pd.DataFrame, metrics: tuple[Metric, ...], lines: np.ndarray, source: str
) -> None:
    """Raise on non-finite or negative values, ratios above 100 and errors above requests."""
    for m in metrics:
        values = frame[m.name].to_numpy(dtype=np.float64)
        bad = np.flatnonzero(np.isinf(values))
        if bad.size:
            i = bad[0]
            raise TraceError(
                f"{_where(source, lines[i])}: {m.name}: {float(values[i])!r} is not a finite number"
            )
        bad = np.flatnonzero(values < 0)
        if bad.size:
            i = bad[0]
            raise TraceError(
                f"{_where(source, lines[i])}: {m.name}: {float(values[i])!r} is negative "
                f"(expected a {m.kind.replace('_', ' ')} >= 0)"
            )
        if m.kind in _RATIO_KINDS:
            bad = np.flatnonzero(values > 100)
            if bad.size:
                i = bad[0]
                raise TraceError(
                    f"{_where(source, lines[i])}: {m.name}: {float(values[i])!r} is above 100 "
                    "(expected a fraction in [0, 1] or a percent in [0, 100])"
                )
    for m in metrics:
        base, _, labels = m.name.partition("{")
        partner = "requests" + ("{" + labels if labels else "")
        if base != "errors" or partner not in frame.columns:
            continue
        errors = frame[m.name].to_numpy(dtype=np.float64)
        requests = frame[partner].to_numpy(dtype=np.float64)
        bad = np.flatnonzero(errors > requests)
        if bad.size:
            i = bad[0]
            raise TraceError(
                f"{_where(source, lines[i])}: {m.name} {float(errors[i])!r} > {partner} "
                f"{float(requests[i])!r} (errors must not exceed requests)"
            )


def _zero_runs_to_nan(frame: pd.DataFrame, min_run: int) -> int:
    """Set runs of at least ``min_run`` exact zeros to NaN in place; return how many runs."""
    runs = 0
    for col in frame.columns:
        zero = (frame[col] == 0).to_numpy()
        if not zero.any():
            continue
        edges = np.diff(np.concatenate(([0], zero.astype(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        keep = (ends - starts) >= min_run
        mask = np.zeros(len(zero), dtype=bool)
        for s, e in zip(starts[keep], ends[keep], strict=True):
            mask[s:e] = True
        runs += int(keep.sum())
        frame.loc[mask, col] = np.nan
    return runs


def _infer_step(ns: np.ndarray, source: str) -> pd.Timedelta:
    diffs = np.diff(ns)
    diffs = diffs[diffs > 0]
    if diffs.size == 0:
        raise TraceError(f"{source}: cannot infer the step from a single timestamp (pass a step)")
    values, counts = np.unique(diffs, return_counts=True)
    return pd.Timedelta(int(values[np.argmax(counts)]), unit="ns")


def _regularise(
    frame: pd.DataFrame, metrics: tuple[Metric, ...], step: pd.Timedelta, source: str
) -> tuple[pd.DataFrame, int, int]:
    """Put ``frame`` (sorted, unique) on a grid from its first row; return (frame, off, gaps)."""
    ns = pd.DatetimeIndex(frame.index).asi8
    step_ns = int(step.value)
    slots = (int(ns[-1]) - int(ns[0])) // step_ns + 1
    if slots > MAX_SLOTS:
        raise TraceError(
            f"{source}: {slots} slots of {step} from {frame.index[0]} to {frame.index[-1]} "
            f"exceed the limit of {MAX_SLOTS}"
        )
    offsets = ns - ns[0]
    on_grid = bool((offsets % step_ns == 0).all())
    grid = pd.date_range(frame.index[0], periods=slots, freq=step, name="timestamp")
    if on_grid:
        out = frame.reindex(grid)
        return out, 0, slots - len(frame)
    bins = offsets // step_ns
    grouped = frame.groupby(bins)
    parts = {}
    for m in metrics:
        if m.kind in _SUM_KINDS:
            parts[m.name] = grouped[m.name].sum(min_count=1)
        else:
            parts[m.name] = grouped[m.name].mean()
    agg = pd.DataFrame(parts, columns=frame.columns)
    out = agg.reindex(np.arange(slots))
    out.index = grid
    off = int((offsets % step_ns != 0).sum())
    return out, off, slots - len(agg)


def _normalise_percent(
    frame: pd.DataFrame, metrics: tuple[Metric, ...], enabled: bool
) -> tuple[str, ...]:
    done = []
    for m in metrics:
        if enabled and m.kind in _RATIO_KINDS and bool((frame[m.name] > 1).any()):
            frame[m.name] = frame[m.name] / 100.0
            done.append(m.name)
    return tuple(done)


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
    opts = options or RepairOptions()
    if len(frame) == 0:
        raise TraceError(f"{source}: no usable rows (no data after the header)")
    line_of = np.arange(2, len(frame) + 2) if lines is None else np.asarray(lines)
    frame = frame.astype(np.float64)
    try:
        frame.index = ensure_utc_index(frame.index)
    except TraceError as exc:
        raise TraceError(f"{source}: {exc}") from None
    empty = int(frame.isna().to_numpy().sum())
    _reject_bad_values(frame, metrics, line_of, source)

    ns = pd.DatetimeIndex(frame.index).asi8
    back = np.flatnonzero(ns[1:] < np.maximum.accumulate(ns)[:-1]) + 1
    if back.size and not opts.sort:
        i = back[0]
        raise TraceError(
            f"{_where(source, line_of[i])}: timestamp {frame.index[i].isoformat()} is before "
            f"the previous row's {frame.index[i - 1].isoformat()} (rows must be in time order; "
            "enable sorting to repair)"
        )
    if back.size:
        order = np.argsort(ns, kind="stable")
        frame, line_of = frame.iloc[order], line_of[order]

    dup_mask = frame.index.duplicated(keep=False)
    dropped = int(dup_mask.sum() - frame.index[dup_mask].nunique()) if dup_mask.any() else 0
    if dropped:
        if opts.duplicates == "mean":
            frame = frame.groupby(level=0, sort=True).mean()
        else:
            frame = frame[~frame.index.duplicated(keep=opts.duplicates)]

    zero_runs = 0
    if opts.zero_gap_min_run is not None:
        frame = frame.copy()
        zero_runs = _zero_runs_to_nan(frame, opts.zero_gap_min_run)
    percent = _normalise_percent(frame, metrics, opts.normalise_percent)

    native = (
        _infer_step(pd.DatetimeIndex(frame.index).asi8, source) if len(frame) > 1 else opts.step
    )
    step = opts.step or native
    if step is None:
        raise TraceError(f"{source}: cannot infer the step from a single row (pass a step)")
    frame, off_grid, gaps = _regularise(frame, metrics, step, source)
    if frame.isna().to_numpy().all():
        raise TraceError(f"{source}: no usable rows (every value is missing)")

    notes = []
    if off_grid:
        notes.append(f"{off_grid} rows off the {step} grid were merged into their slot")
    names = [m.name for m in metrics]
    if "requests" in names and "errors" in names and "error_ratio" not in names:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = frame["errors"] / frame["requests"].where(frame["requests"] > 0)
        frame = frame.assign(error_ratio=ratio)
        metrics = (*metrics, CANONICAL_METRICS["error_ratio"])
        notes.append("error_ratio derived as errors / requests (missing where requests = 0)")
    resampled = str(step) if (off_grid or step != native) else None
    report = RepairReport(
        source=source,
        rows_read=len(line_of),
        duplicates_dropped=dropped,
        duplicate_policy=opts.duplicates,
        unsorted_rows=int(back.size),
        gaps_filled_with_nan=gaps,
        zero_runs_as_gaps=zero_runs,
        percent_normalised=percent,
        resampled_to=resampled,
        empty_values=empty,
        notes=tuple(notes),
    )
    return Trace(
        frame=frame,
        metrics=metrics,
        step=step,
        incidents=incidents,
        name=name or source,
        repairs=report,
    )
