"""Any trace file, recognised by its content: canonical, NAB, Microsoft or a Prometheus export.

:func:`detect_format` reads the start of a file (never its name):

- ``.parquet`` (the ``PAR1`` magic) or a CSV whose header is not one below: ``canonical``;
- a CSV header ``timestamp,value``: ``nab`` (the Numenta Anomaly Benchmark layout);
- a CSV header ``TimeStamp,Value`` or ``TimeStamp,Value,Label``: ``microsoft`` (its ``Label``
  column becomes incidents);
- JSON with ``"resultType": "matrix"``: ``prometheus``, a saved answer of the HTTP API's
  ``/api/v1/query_range`` (``curl .../api/v1/query_range?... > export.json``).

:func:`load_trace_file` loads a file in a detected or given format. A single-column format
(NAB, Microsoft, a one-series Prometheus export) needs to know which canonical column it fills:
``metric`` names it, else the file's own name for NAB (:func:`~simulations.loaders.formats.nab.
guess_nab_metric`) or the series' metric name for Prometheus when it is canonical.
A NAB labels file (``combined_labels.json`` or ``combined_windows.json``) is found by the file's
``<category>/<file>.csv`` key or, for a file outside the NAB tree, by its file name alone.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd

from simulations.exceptions import TraceError
from simulations.loaders.formats.nab import NabLabels
from simulations.traces.model import Trace

__all__ = ["FORMATS", "detect_format", "load_trace_file"]

FORMATS = ("auto", "canonical", "nab", "microsoft", "prometheus")
"""The values of ``--format`` (``auto``: :func:`detect_format`)."""

_SNIFF_BYTES = 4096


def detect_format(path: str | Path) -> str:
    """The format of ``path`` by its content (see the module docstring).

    Raises:
        TraceError: the file cannot be read, or is JSON but not a Prometheus range answer.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise TraceError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if head.startswith(b"PAR1"):
        return "canonical"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if text.startswith(("{", "[")):
        if '"resultType"' in text and '"matrix"' in text:
            return "prometheus"
        raise TraceError(
            f"{p}: JSON but not a Prometheus range-query answer "
            '(expected "resultType": "matrix" from /api/v1/query_range)'
        )
    header = [h.strip().strip('"') for h in text.splitlines()[0].split(",")] if text else []
    if header == ["timestamp", "value"]:
        return "nab"
    if header in (["TimeStamp", "Value"], ["TimeStamp", "Value", "Label"]):
        return "microsoft"
    return "canonical"


def _nab_labels(path: Path, label_file: Path) -> NabLabels:
    from simulations.loaders.formats.nab import parse_nab_labels

    try:
        text = label_file.read_text(encoding="utf-8")
        keys = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TraceError(f"{label_file}: cannot read NAB labels: {exc}") from None
    key = f"{path.parent.name}/{path.name}"
    if isinstance(keys, dict) and key not in keys:
        by_name = [k for k in keys if str(k).rsplit("/", 1)[-1] == path.name]
        if len(by_name) != 1:
            raise TraceError(
                f"{label_file}: no labels for {key!r} or for a single '*/{path.name}' "
                f"(it has {len(keys)} keys)"
            )
        key = by_name[0]
    return parse_nab_labels(text, key, str(label_file))


def _nab(path: Path, metric: str | None, labels: str | None) -> tuple[Trace, bool]:
    from simulations.loaders.formats.nab import guess_nab_metric, load_nab, parse_nab

    try:
        column = guess_nab_metric(path.name)
    except TraceError:
        if metric is None:
            raise
        column = metric
    column = metric or column
    if labels is not None and labels.lower().endswith(".json"):
        found = _nab_labels(path, Path(labels))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TraceError(f"{path}: cannot read: {exc}") from None
        return parse_nab(text, str(path), column, found), True
    return load_nab(path, metric=column), False


def _prometheus(path: Path, metric: str | None) -> Trace:
    from simulations.loaders.prometheus.client import parse_matrix
    from simulations.traces.model import CANONICAL_METRICS, Metric, canonical_metric
    from simulations.traces.repair import build_trace

    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TraceError(f"{path}: cannot read the Prometheus export: {exc}") from None
    series = parse_matrix(payload, str(path))
    if not series:
        raise TraceError(f"{path}: the Prometheus export holds no series")
    columns: dict[str, pd.Series] = {}
    metrics: list[Metric] = []
    for name, points in sorted(series.items()):
        bare, _, rest = name.partition("{")
        kind = metric or bare
        if kind not in CANONICAL_METRICS:
            raise TraceError(
                f"{path}: series {name!r} is not a canonical metric; say which it is "
                f"(--metric, one of {', '.join(CANONICAL_METRICS)})"
            )
        column = kind if len(series) == 1 else kind + ("{" + rest if rest else f"[{bare}]")
        if column in columns:
            raise TraceError(f"{path}: two series would both be column {column!r}")
        base = canonical_metric(kind)
        times = pd.to_datetime([t for t, _ in points], unit="s", utc=True)
        columns[column] = pd.Series([v for _, v in points], index=times, dtype="float64")
        metrics.append(Metric(column, base.kind, base.unit, base.direction, base.statistic))
    frame = pd.DataFrame(columns)
    return build_trace(frame, tuple(metrics), source=str(path), name=path.stem)


def load_trace_file(
    path: str | Path, fmt: str = "auto", metric: str | None = None, labels: str | None = None
) -> tuple[Trace, bool]:
    """The trace in ``path`` and whether ``labels`` was used (a NAB labels file).

    ``fmt`` is one of :data:`FORMATS`. Incidents come with the format (Microsoft ``Label``,
    NAB labels); other ``labels`` files are the caller's to apply.

    Raises:
        TraceError: an unknown format, or a file the format's reader rejects.
    """
    from simulations.loaders.formats.canonical import load_trace
    from simulations.loaders.formats.microsoft import load_microsoft

    if fmt not in FORMATS:
        raise TraceError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    p = Path(path)
    kind = detect_format(p) if fmt == "auto" else fmt
    if kind == "nab":
        return _nab(p, metric, labels)
    if kind == "microsoft":
        trace = load_microsoft(p, metric or "latency_p95_ms")
        return replace(trace, name=p.stem), False
    if kind == "prometheus":
        return _prometheus(p, metric), False
    return load_trace(p), False
