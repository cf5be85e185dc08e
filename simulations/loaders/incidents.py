"""Incident files: labelled windows in YAML or CSV.

YAML: a list of mappings, or a mapping with an ``incidents`` list; CSV: a header with ``start``
and ``end`` and optionally ``severity``, ``cause``, ``metric``. Fields:

* ``start``, ``end``: ISO 8601 times (naive times are UTC); the window is ``[start, end)``;
* ``severity``: one of :data:`SEVERITIES` (default ``unknown``);
* ``cause``: free text (default empty);
* ``metric``: the canonical column the incident shows in (optional).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from planner.io import parse_yaml_text, read_text_bounded, validate_schema
from simulations.exceptions import TraceError
from simulations.traces.model import Incident, canonical_metric

__all__ = [
    "SEVERITIES",
    "format_incidents",
    "load_incidents",
    "parse_incident_record",
    "parse_incidents_csv",
    "parse_incidents_yaml",
    "parse_time",
    "write_incidents",
]

SEVERITIES = ("unknown", "low", "medium", "high", "critical")
FIELDS = ("start", "end", "severity", "cause", "metric")


def parse_time(value: object, where: str) -> pd.Timestamp:
    """``value`` (ISO 8601 text or a datetime) as a UTC timestamp; naive times are UTC.

    Raises:
        TraceError: ``value`` is not a time; the message starts with ``where``.
    """
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
        ok = not pd.isna(ts)
        ts = ts.as_unit("ns") if ok else ts
    except (ValueError, TypeError, OverflowError):
        ok = False
    if not ok:
        raise TraceError(f"{where}: {value!r} is not an ISO 8601 time") from None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def parse_incident_record(record: Mapping[str, Any], where: str) -> Incident:
    """One incident from a mapping of the fields above.

    Raises:
        TraceError: an unknown or missing field, a bad time, severity or metric, or end <= start.
    """
    unknown = sorted(str(k) for k in record if k not in FIELDS)
    if unknown:
        raise TraceError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(FIELDS)})")
    for key in ("start", "end"):
        if record.get(key) in (None, ""):
            raise TraceError(f"{where}.{key}: missing (expected an ISO 8601 time)")
    start = parse_time(record["start"], f"{where}.start")
    end = parse_time(record["end"], f"{where}.end")
    if end <= start:
        raise TraceError(f"{where}.end: {end.isoformat()} is not after start {start.isoformat()}")
    severity = str(record.get("severity") or "unknown")
    if severity not in SEVERITIES:
        raise TraceError(f"{where}.severity: {severity!r} is not one of {', '.join(SEVERITIES)}")
    metric = record.get("metric") or None
    if metric is not None:
        try:
            canonical_metric(str(metric))
        except TraceError as exc:
            raise TraceError(f"{where}.metric: {exc}") from None
    cause = record.get("cause")
    return Incident(
        start=start,
        end=end,
        severity=severity,
        cause="" if cause is None else str(cause),
        metric=None if metric is None else str(metric),
    )


def parse_incidents_yaml(text: str, source: str = "<incidents>") -> tuple[Incident, ...]:
    """Incidents from YAML text, sorted by start.

    Raises:
        TraceError: invalid YAML, a wrong shape or a bad record (message names the item).
    """
    data = parse_yaml_text(text, source, TraceError)
    if data is None:
        return ()
    if isinstance(data, Mapping):
        data = data.get("incidents", None) if set(data) <= {"incidents"} else data
        if data is None:
            return ()
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise TraceError(f"{source}: expected a list of incidents, got {type(data).__name__}")
    validate_schema({"incidents": data}, "incidents", source, TraceError)
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise TraceError(f"{source}: incidents[{i}]: expected a mapping, got {item!r}")
        out.append(parse_incident_record(item, f"{source}: incidents[{i}]"))
    return tuple(sorted(out, key=lambda inc: (inc.start, inc.end)))


def parse_incidents_csv(text: str, source: str = "<incidents>") -> tuple[Incident, ...]:
    """Incidents from CSV text with a header row, sorted by start.

    Raises:
        TraceError: a missing or unknown column, or a bad record (message names the line).
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in reader.fieldnames or ()]
        return _csv_records(reader, header, source)
    except csv.Error as exc:
        raise TraceError(f"{source}:{reader.line_num}: not a readable CSV: {exc}") from None


def _csv_records(
    reader: csv.DictReader[str], header: list[str], source: str
) -> tuple[Incident, ...]:
    """The incidents of an open CSV reader whose header is ``header``."""
    for name in header:
        if name not in FIELDS:
            raise TraceError(f"{source}:1: unknown column {name!r} (expected {', '.join(FIELDS)})")
    for name in ("start", "end"):
        if name not in header:
            raise TraceError(f"{source}:1: missing column {name!r}")
    reader.fieldnames = header
    out = []
    for row in reader:
        if None in row:
            raise TraceError(f"{source}:{reader.line_num}: more fields than the header has")
        out.append(parse_incident_record(row, f"{source}:{reader.line_num}"))
    return tuple(sorted(out, key=lambda inc: (inc.start, inc.end)))


def load_incidents(path: str | Path) -> tuple[Incident, ...]:
    """Read an incidents file: CSV if it ends in ``.csv``, else YAML (JSON is YAML too).

    Raises:
        TraceError: the file cannot be read or is invalid; the message names it.
    """
    p = Path(path)
    text = read_text_bounded(p, TraceError)
    if p.suffix.lower() == ".csv":
        return parse_incidents_csv(text, str(p))
    return parse_incidents_yaml(text, str(p))


def _iso(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").isoformat().replace("+00:00", "Z")


def format_incidents(incidents: Sequence[Incident]) -> str:
    """The YAML text of ``incidents`` (an ``incidents:`` list; times as quoted ISO 8601 UTC)."""
    records = []
    for inc in incidents:
        rec: dict[str, str] = {
            "start": _iso(inc.start),
            "end": _iso(inc.end),
            "severity": inc.severity,
            "cause": inc.cause,
        }
        if inc.metric is not None:
            rec["metric"] = inc.metric
        records.append(rec)
    return yaml.safe_dump({"incidents": records}, sort_keys=False, default_style=None, width=100)


def write_incidents(incidents: Sequence[Incident], path: str | Path) -> Path:
    """Write ``incidents`` as YAML to ``path`` atomically."""
    from planner.io import atomic_write_text

    return atomic_write_text(path, format_incidents(incidents))
