"""The Microsoft cloud-monitoring layout: ``TimeStamp,Value,Label`` CSV with point labels.

Quirks handled: timestamps written ``2018-06-17T00:00:00Z`` or ``2018-05-10 00:00:00`` (naive,
read as UTC), quoted or unquoted fields, empty values (missing), duplicate timestamps (the repair
policy; a timestamp is labelled if any of its rows is). Labels (``1`` anomalous, ``0`` or empty
normal) become incidents: one window ``[first, last + step)`` per run of consecutive labelled
steps.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulations.exceptions import TraceError
from simulations.loaders.labels import parse_point_time, runs_to_incidents
from simulations.traces.model import Trace, canonical_metric
from simulations.traces.repair import RepairOptions, build_trace

__all__ = ["load_microsoft", "parse_microsoft"]

HEADER = ("TimeStamp", "Value", "Label")


def _number(text: str, where: str) -> float:
    value = text.strip()
    if value == "":
        return float("nan")
    try:
        return float(value)
    except ValueError:
        raise TraceError(f"{where}: Value: {text!r} is not a number") from None


def parse_microsoft(
    text: str,
    source: str = "<microsoft>",
    metric: str = "latency_p95_ms",
    options: RepairOptions | None = None,
) -> Trace:
    """A :class:`Trace` with one column ``metric`` and incidents from the labels.

    Raises:
        TraceError: a wrong header, a bad time, value or label (naming the line), or a rejection
            of :func:`~simulations.traces.repair.build_trace`.
    """
    m = canonical_metric(metric)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    except csv.Error as exc:
        raise TraceError(f"{source}:1: not a readable CSV: {exc}") from None
    if tuple(header) not in (HEADER, HEADER[:2]):
        raise TraceError(f"{source}:1: header {header} is not TimeStamp,Value[,Label]")
    times: list[pd.Timestamp] = []
    values: list[float] = []
    lines: list[int] = []
    labelled: list[pd.Timestamp] = []
    try:
        for row in reader:
            where = f"{source}:{reader.line_num}"
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise TraceError(f"{where}: {len(row)} fields, expected {len(header)}")
            ts = parse_point_time(row[0], f"{where}: TimeStamp")
            times.append(ts)
            values.append(_number(row[1], where))
            lines.append(reader.line_num)
            if len(row) == 3:
                label = row[2].strip()
                if label not in ("", "0", "1", "0.0", "1.0"):
                    raise TraceError(f"{where}: Label: {row[2]!r} is not 0 or 1")
                if label in ("1", "1.0"):
                    labelled.append(ts)
    except csv.Error as exc:
        raise TraceError(f"{source}:{reader.line_num}: not a readable CSV: {exc}") from None
    frame = pd.DataFrame({m.name: values}, index=pd.DatetimeIndex(times))
    trace = build_trace(
        frame, (m,), source=source, options=options, lines=np.asarray(lines), name=source
    )
    grid = pd.DatetimeIndex(trace.frame.index)
    incidents = runs_to_incidents(
        labelled, grid, trace.step, cause=f"labelled anomaly in {source}", metric=m.name
    )
    return replace(trace, incidents=incidents)


def load_microsoft(
    path: str | Path, metric: str = "latency_p95_ms", options: RepairOptions | None = None
) -> Trace:
    """Read a Microsoft cloud-monitoring CSV file (see :func:`parse_microsoft`).

    Raises:
        TraceError: the file cannot be read or is rejected; the message names it.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceError(f"{p}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_microsoft(text, str(p), metric, options)
