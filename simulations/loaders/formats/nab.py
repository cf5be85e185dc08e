"""The Numenta Anomaly Benchmark layout: ``timestamp,value`` CSV plus label files.

NAB keys its labels by ``<category>/<file>.csv`` (e.g. ``realAWSCloudwatch/x.csv``) in
``labels/combined_labels.json`` (point labels: the moments humans marked as anomalous) and
``labels/combined_windows.json`` (scoring windows). NAB windows are *scoring tolerances*: 10% of
the file's length split evenly around the labels, so they say nothing about how long an incident
lasted. We therefore make each point label an incident that starts at the label (floored to the
grid) and lasts ``point_duration`` (default: one step); the window it falls in is named in the
incident's ``cause``. ``use_windows=True`` uses the windows themselves instead. NAB timestamps are
naive UTC.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulations.exceptions import TraceError
from simulations.loaders.labels import parse_point_time
from simulations.traces.model import Incident, Trace, canonical_metric
from simulations.traces.repair import RepairOptions, build_trace

__all__ = [
    "NabLabels",
    "guess_nab_metric",
    "load_nab",
    "nab_incidents",
    "parse_nab",
    "parse_nab_labels",
]


@dataclass(frozen=True)
class NabLabels:
    """The labels of one NAB file: point labels and scoring windows, all UTC."""

    points: tuple[pd.Timestamp, ...] = ()
    windows: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()


def guess_nab_metric(file_name: str) -> str:
    """The canonical column for a NAB file name (``*request_count*`` -> ``requests`` ...).

    Raises:
        TraceError: nothing in the name says what it measures.
    """
    name = file_name.lower()
    for marker, metric in (
        ("request_count", "requests"),
        ("cpu", "saturation"),
        ("utilization", "saturation"),
        ("latency", "latency_p95_ms"),
    ):
        if marker in name:
            return metric
    raise TraceError(f"{file_name}: cannot tell what this NAB file measures (pass a metric)")


def parse_nab_labels(text: str, key: str, source: str = "<labels>") -> NabLabels:
    """The labels of ``key`` in a ``combined_labels.json`` or ``combined_windows.json`` text.

    A key absent from the file has no labels.

    Raises:
        TraceError: invalid JSON or an entry that is neither a time nor a pair of times.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TraceError(f"{source}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise TraceError(f"{source}: expected an object keyed by '<category>/<file>.csv'")
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise TraceError(f"{source}: {key}: expected a list, got {entries!r}")
    points, windows = [], []
    for i, entry in enumerate(entries):
        where = f"{source}: {key}[{i}]"
        if isinstance(entry, str):
            points.append(parse_point_time(entry, where))
        elif isinstance(entry, list) and len(entry) == 2 and all(isinstance(e, str) for e in entry):
            start = parse_point_time(entry[0], where)
            end = parse_point_time(entry[1], where)
            if end <= start:
                raise TraceError(f"{where}: window end {entry[1]!r} is not after {entry[0]!r}")
            windows.append((start, end))
        else:
            raise TraceError(f"{where}: {entry!r} is neither a time nor a [start, end] pair")
    return NabLabels(tuple(points), tuple(windows))


def nab_incidents(
    labels: NabLabels,
    grid: pd.DatetimeIndex,
    step: pd.Timedelta,
    metric: str,
    point_duration: pd.Timedelta | None = None,
    use_windows: bool = False,
) -> tuple[Incident, ...]:
    """Incidents from NAB labels (see the module docstring for the rule)."""
    if use_windows:
        return tuple(
            Incident(start=s, end=e, cause="NAB scoring window", metric=metric)
            for s, e in sorted(labels.windows)
        )
    length = point_duration or step
    origin = grid[0] if len(grid) else None
    out = []
    for point in sorted(labels.points):
        start = point
        if origin is not None:
            start = origin + ((point - origin) // step) * step
        around = [w for w in labels.windows if w[0] <= point <= w[1]]
        cause = "NAB point label"
        if around:
            cause += (
                f" (scoring window {around[0][0]:%Y-%m-%d %H:%M}..{around[0][1]:%Y-%m-%d %H:%M})"
            )
        out.append(Incident(start=start, end=start + length, cause=cause, metric=metric))
    return tuple(out)


def parse_nab(
    text: str,
    source: str = "<nab>",
    metric: str = "requests",
    labels: NabLabels | None = None,
    options: RepairOptions | None = None,
    point_duration: pd.Timedelta | None = None,
) -> Trace:
    """A :class:`Trace` with one column ``metric`` from NAB ``timestamp,value`` text.

    Raises:
        TraceError: a wrong header, a bad time or value (naming the line), or a rejection of
            :func:`~simulations.traces.repair.build_trace`.
    """
    m = canonical_metric(metric)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        times, values, lines = [], [], []
        if header != ["timestamp", "value"]:
            raise TraceError(f"{source}:1: header {header} is not timestamp,value")
        for row in reader:
            where = f"{source}:{reader.line_num}"
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != 2:
                raise TraceError(f"{where}: {len(row)} fields, expected 2")
            times.append(parse_point_time(row[0], f"{where}: timestamp"))
            cell = row[1].strip()
            try:
                values.append(float(cell) if cell else float("nan"))
            except ValueError:
                raise TraceError(f"{where}: value: {row[1]!r} is not a number") from None
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise TraceError(f"{source}:{reader.line_num}: not a readable CSV: {exc}") from None
    frame = pd.DataFrame({m.name: values}, index=pd.DatetimeIndex(times))
    trace = build_trace(frame, (m,), source=source, options=options, lines=np.asarray(lines))
    if labels is None:
        return trace
    grid = pd.DatetimeIndex(trace.frame.index)
    incidents = nab_incidents(labels, grid, trace.step, m.name, point_duration)
    return replace(trace, incidents=incidents)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def load_nab(
    path: str | Path,
    label_files: Sequence[str | Path] | None = None,
    metric: str | None = None,
    options: RepairOptions | None = None,
) -> Trace:
    """Read a NAB data file and its labels.

    Args:
        path: ``.../data/<category>/<file>.csv``.
        label_files: ``combined_labels.json`` and/or ``combined_windows.json``; default: those
            that exist in ``.../labels/`` beside ``data/``.
        metric: the canonical column; default: :func:`guess_nab_metric` of the file name.
        options: repair options.

    Raises:
        TraceError: a file cannot be read or is rejected; the message names it.
    """
    p = Path(path)
    key = f"{p.parent.name}/{p.name}"
    if label_files is None:
        folder = p.parent.parent.parent / "labels"
        names = ("combined_labels.json", "combined_windows.json")
        label_files = [folder / n for n in names if (folder / n).is_file()]
    points: list[pd.Timestamp] = []
    windows: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for lf in label_files:
        got = parse_nab_labels(_read(Path(lf)), key, str(lf))
        points.extend(got.points)
        windows.extend(got.windows)
    labels = NabLabels(tuple(points), tuple(windows))
    return parse_nab(_read(p), str(p), metric or guess_nab_metric(p.name), labels, options)
