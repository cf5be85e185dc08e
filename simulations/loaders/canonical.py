"""The canonical trace file: CSV or Parquet with a ``timestamp`` column and canonical metrics.

A canonical CSV has a header ``timestamp,<metric>,...``; ``timestamp`` is ISO 8601 (``Z`` or an
offset; naive times are read as UTC) and every other column is a name from
:data:`~simulations.trace.CANONICAL_METRICS` (optionally with a ``{labels}`` suffix). Empty
cells are missing values. Parquet holds the same columns, ``timestamp`` as a timestamp type.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from simulations.exceptions import TraceError
from simulations.repair import RepairOptions, build_trace
from simulations.trace import Incident, Metric, Trace, canonical_metric

__all__ = [
    "format_csv",
    "load_trace",
    "parse_canonical_csv",
    "parse_canonical_frame",
    "parse_canonical_parquet",
    "write_trace",
]

_COUNT_KINDS = ("request_count", "error_count")
_READ_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,  # pyarrow.ArrowInvalid and pandas' ParserError derive from it
    TypeError,
    KeyError,
    IndexError,
    UnicodeError,
    OverflowError,
)


def _arrow_errors() -> tuple[type[BaseException], ...]:
    import pyarrow as pa

    return (*_READ_ERRORS, pa.ArrowException)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _parse_timestamps(raw: pd.Series, source: str) -> pd.DatetimeIndex:
    """``raw`` as UTC times; raises naming the first line whose value is not ISO 8601."""
    if isinstance(raw.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(raw.dtype):
        parsed = pd.Series(pd.to_datetime(raw, utc=True))
    else:
        text = raw.astype("string")
        try:
            parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        except _READ_ERRORS:
            parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise TraceError(f"{source}:{i + 2}: timestamp: {raw.iloc[i]!r} is not an ISO 8601 time")
    return pd.DatetimeIndex(parsed)


def _parse_numbers(raw: pd.Series, column: str, source: str) -> pd.Series:
    """``raw`` as float64; raises naming the first line whose value is not a number."""
    if pd.api.types.is_bool_dtype(raw.dtype):
        raise TraceError(f"{source}:2: {column}: {raw.iloc[0]!r} is not a number")
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return raw.astype(np.float64)
    numbers = pd.to_numeric(raw.astype("string").str.strip(), errors="coerce")
    bad = np.flatnonzero((numbers.isna() & raw.notna()).to_numpy())
    blank = raw.astype("string").str.strip().fillna("") == ""
    bad = np.array([i for i in bad if not bool(blank.iloc[i])], dtype=np.int64)
    if bad.size:
        i = int(bad[0])
        raise TraceError(f"{source}:{i + 2}: {column}: {raw.iloc[i]!r} is not a number")
    return numbers.astype(np.float64)


def parse_canonical_frame(
    raw: pd.DataFrame,
    source: str,
    options: RepairOptions | None = None,
    incidents: tuple[Incident, ...] = (),
) -> Trace:
    """A :class:`Trace` from a raw frame with a ``timestamp`` column and canonical metrics.

    Raises:
        TraceError: no ``timestamp`` column, an unknown column, a bad value or a rejection of
            :func:`~simulations.repair.build_trace`.
    """
    columns = [str(c) for c in raw.columns]
    if "timestamp" not in columns:
        raise TraceError(f"{source}:1: no 'timestamp' column (header: {', '.join(columns)})")
    if len(set(columns)) != len(columns):
        dup = next(c for c in columns if columns.count(c) > 1)
        raise TraceError(f"{source}:1: column {dup!r} appears twice")
    metrics: list[Metric] = []
    for col in columns:
        if col != "timestamp":
            try:
                metrics.append(canonical_metric(col))
            except TraceError as exc:
                raise TraceError(f"{source}:1: {exc}") from None
    if not metrics:
        raise TraceError(f"{source}:1: no metric column beside 'timestamp'")
    index = _parse_timestamps(raw["timestamp"], source)
    values = {m.name: _parse_numbers(raw[m.name], m.name, source).to_numpy() for m in metrics}
    frame = pd.DataFrame(values, index=index)
    return build_trace(frame, tuple(metrics), source=source, options=options, incidents=incidents)


def parse_canonical_csv(
    data: bytes | str,
    source: str = "<csv>",
    options: RepairOptions | None = None,
    incidents: tuple[Incident, ...] = (),
) -> Trace:
    """A :class:`Trace` from canonical CSV bytes or text (see the module docstring).

    Raises:
        TraceError: unreadable CSV, or any rejection of :func:`parse_canonical_frame`.
    """
    buf = io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data)
    try:
        raw = pd.read_csv(buf, engine="pyarrow", dtype_backend="numpy_nullable")
    except pd.errors.EmptyDataError:
        raise TraceError(f"{source}: empty file (expected a header 'timestamp,...')") from None
    except _arrow_errors() as exc:
        raise TraceError(f"{source}: not a readable CSV: {_first_line(exc)}") from None
    return parse_canonical_frame(raw, source, options, incidents)


def parse_canonical_parquet(
    data: bytes,
    source: str = "<parquet>",
    options: RepairOptions | None = None,
    incidents: tuple[Incident, ...] = (),
) -> Trace:
    """A :class:`Trace` from canonical Parquet bytes.

    Raises:
        TraceError: unreadable Parquet, or any rejection of :func:`parse_canonical_frame`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        raw = pq.read_table(pa.BufferReader(data)).to_pandas()
    except _arrow_errors() as exc:
        raise TraceError(f"{source}: not a readable Parquet file: {_first_line(exc)}") from None
    return parse_canonical_frame(raw, source, options, incidents)


def load_trace(
    path: str | Path,
    options: RepairOptions | None = None,
    incidents: tuple[Incident, ...] = (),
) -> Trace:
    """Read a canonical ``.csv`` or ``.parquet`` trace file.

    Raises:
        TraceError: the file cannot be read, has another suffix, or is rejected.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise TraceError(f"{p}: unknown trace format {suffix!r} (expected .csv or .parquet)")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise TraceError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if suffix == ".csv":
        return parse_canonical_csv(data, str(p), options, incidents)
    return parse_canonical_parquet(data, str(p), options, incidents)


def _output_frame(trace: Trace) -> pd.DataFrame:
    """The frame as written: ``timestamp`` first, integral counts without a decimal point."""
    out = trace.frame.copy()
    for metric in trace.metrics:
        col = out[metric.name]
        finite = col.dropna()
        if metric.kind in _COUNT_KINDS and bool((finite == np.round(finite)).all()):
            out[metric.name] = col.astype("Int64")
    return out


def format_csv(trace: Trace) -> str:
    """The canonical CSV text of ``trace`` (``Z`` timestamps, empty cells for missing values)."""
    out = _output_frame(trace)
    idx = pd.DatetimeIndex(trace.frame.index)
    whole_seconds = bool((idx.microsecond == 0).all() and (idx.nanosecond == 0).all())
    fmt = "%Y-%m-%dT%H:%M:%SZ" if whole_seconds else "%Y-%m-%dT%H:%M:%S.%fZ"
    out.index = pd.Index(idx.strftime(fmt), name="timestamp")
    return out.to_csv(lineterminator="\n")


def _atomic_bytes(target: Path, write: Callable[[str], None]) -> Path:
    """Run ``write(tmp)`` on a temporary file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_trace(trace: Trace, path: str | Path) -> Path:
    """Write ``trace`` as canonical CSV (``.csv``) or Parquet (``.parquet``), atomically.

    Raises:
        TraceError: the suffix is neither ``.csv`` nor ``.parquet``.
    """
    from planner.io import atomic_write_text

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        return atomic_write_text(target, format_csv(trace))
    if suffix == ".parquet":
        frame = trace.frame.reset_index()

        def write(tmp: str) -> None:
            frame.to_parquet(tmp, engine="pyarrow", index=False)

        return _atomic_bytes(target, write)
    raise TraceError(f"{target}: unknown trace format {suffix!r} (expected .csv or .parquet)")
