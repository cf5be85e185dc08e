"""The canonical trace file: CSV or Parquet with a ``timestamp`` column and canonical metrics.

A canonical CSV has a header ``timestamp,<metric>,...``; ``timestamp`` is ISO 8601 (``Z`` or an
offset; naive times are read as UTC) and every other column is a name from
:data:`~simulations.traces.model.CANONICAL_METRICS` (optionally with a ``{labels}`` suffix). Empty
cells are missing values. Parquet holds the same columns, ``timestamp`` as a timestamp type.
Both are read with pyarrow into arrays that :func:`~simulations.traces.repair.build_trace_arrays`
repairs in place, so a regular million-row file is parsed without extra copies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulations.exceptions import TraceError
from simulations.loaders.writer import format_csv, write_trace
from simulations.traces.model import Incident, Metric, Trace, canonical_metric
from simulations.traces.repair import RepairOptions, build_trace_arrays

__all__ = [
    "format_csv",
    "load_trace",
    "parse_canonical_csv",
    "parse_canonical_parquet",
    "parse_canonical_table",
    "write_trace",
]

_READ_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,  # pyarrow.ArrowInvalid derives from it
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


def _timestamps(column: Any, source: str) -> np.ndarray:
    """UTC nanoseconds (int64) of a pyarrow column; raises naming the first bad line."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_timestamp(column.type) and column.null_count == 0:
        try:
            cast = column.cast(pa.timestamp("ns", tz=column.type.tz)).cast(pa.int64())
        except _arrow_errors():
            pass  # out of the nanosecond range: the slow path names the value
        else:
            # tz-aware values are UTC instants already; naive ones are read as UTC
            return np.asarray(cast.to_numpy(), dtype=np.int64)
    raw = pd.Series(pc.cast(column, pa.string()).to_pandas() if column.num_chunks else [])
    try:
        parsed = pd.to_datetime(raw, utc=True, format="ISO8601", errors="coerce")
    except _READ_ERRORS:
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        value = raw.iloc[i]
        shown = "" if value is None or value is pd.NA else value
        raise TraceError(f"{source}:{i + 2}: timestamp: {shown!r} is not an ISO 8601 time")
    try:
        return np.asarray(pd.DatetimeIndex(parsed).as_unit("ns").asi8, dtype=np.int64)
    except (ValueError, OverflowError):
        raise TraceError(
            f"{source}: timestamps must lie between 1677-09-22 and 2262-04-11 UTC"
        ) from None


def _numbers(column: Any, name: str, source: str) -> np.ndarray:
    """A float64 array of a pyarrow column (nulls -> NaN); raises naming a non-number's line."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_null(kind):
        arr = column.cast(pa.float64()).to_numpy()
        return np.asarray(arr, dtype=np.float64)
    raw = column.cast(pa.string()).to_pandas() if column.num_chunks else pd.Series([])
    text = raw.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = np.flatnonzero((numbers.isna() & text.fillna("").ne("")).to_numpy())
    if bad.size:
        i = int(bad[0])
        raise TraceError(f"{source}:{i + 2}: {name}: {raw.iloc[i]!r} is not a number")
    return np.asarray(numbers.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def parse_canonical_table(
    table: Any,
    source: str,
    options: RepairOptions | None = None,
    incidents: tuple[Incident, ...] = (),
) -> Trace:
    """A :class:`Trace` from a ``pyarrow.Table`` with ``timestamp`` and canonical columns.

    Raises:
        TraceError: no ``timestamp`` column, an unknown or repeated column, a bad value or a
            rejection of :func:`~simulations.traces.repair.build_trace_arrays`.
    """
    columns = [str(c) for c in table.column_names]
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
    if table.num_rows == 0:
        raise TraceError(f"{source}: no usable rows (no data after the header)")
    ns = _timestamps(table.column("timestamp"), source)
    cols = np.empty((len(metrics), table.num_rows), dtype=np.float64)
    for j, m in enumerate(metrics):
        cols[j] = _numbers(table.column(m.name), m.name, source)
    return build_trace_arrays(
        ns, cols, tuple(metrics), source=source, options=options, incidents=incidents
    )


def parse_canonical_csv(
    data: bytes | str,
    source: str = "<csv>",
    options: RepairOptions | None = None,
    incidents: tuple[Incident, ...] = (),
) -> Trace:
    """A :class:`Trace` from canonical CSV bytes or text (see the module docstring).

    Raises:
        TraceError: unreadable CSV, or any rejection of :func:`parse_canonical_table`.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw or raw.isspace():  # isspace stops at the first visible byte; strip copies
        raise TraceError(f"{source}: empty file (expected a header 'timestamp,...')")
    try:
        raw.decode("utf-8")  # pyarrow would fail later, on first use of the column
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise TraceError(
            f"{source}:{line}: byte 0x{raw[exc.start]:02x} is not UTF-8 (expected a UTF-8 CSV)"
        ) from None
    convert = pacsv.ConvertOptions(strings_can_be_null=True)
    try:
        table = pacsv.read_csv(pa.BufferReader(raw), convert_options=convert)
        table.column_names  # noqa: B018  (decodes the header: raises on bad UTF-8)
    except _arrow_errors() as exc:
        raise TraceError(f"{source}: not a readable CSV: {_first_line(exc)}") from None
    return parse_canonical_table(table, source, options, incidents)


def parse_canonical_parquet(
    data: bytes,
    source: str = "<parquet>",
    options: RepairOptions | None = None,
    incidents: tuple[Incident, ...] = (),
) -> Trace:
    """A :class:`Trace` from canonical Parquet bytes.

    Raises:
        TraceError: unreadable Parquet, or any rejection of :func:`parse_canonical_table`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except _arrow_errors() as exc:
        raise TraceError(f"{source}: not a readable Parquet file: {_first_line(exc)}") from None
    return parse_canonical_table(table, source, options, incidents)


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
