"""Write canonical trace files: CSV (``Z`` timestamps, empty cells for NaN) or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulations.exceptions import TraceError
from simulations.traces.model import Trace

__all__ = ["format_csv", "write_trace"]

_COUNT_KINDS = ("request_count", "error_count")


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
    ns = pd.DatetimeIndex(trace.frame.index).tz_convert("UTC").as_unit("ns").asi8
    unit = "ns"
    for candidate, size in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if not (ns % size).any():
            unit = candidate
            break
    stamps: np.ndarray[Any, np.dtype[np.datetime64]] = ns.astype("datetime64[ns]")
    text = np.datetime_as_string(stamps, unit=unit)  # type: ignore[call-overload]  # fast, naive
    out.index = pd.Index(np.char.add(text, "Z"), name="timestamp")
    return out.to_csv(lineterminator="\n")


def write_trace(trace: Trace, path: str | Path) -> Path:
    """Write ``trace`` as canonical CSV (``.csv``) or Parquet (``.parquet``), atomically.

    Raises:
        TraceError: the suffix is neither ``.csv`` nor ``.parquet``.
    """
    from planner.io import atomic_write, atomic_write_text

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        return atomic_write_text(target, format_csv(trace))
    if suffix == ".parquet":
        frame = trace.frame.reset_index()

        def write(tmp: str) -> None:
            frame.to_parquet(tmp, engine="pyarrow", index=False)

        return atomic_write(target, write)
    raise TraceError(f"{target}: unknown trace format {suffix!r} (expected .csv or .parquet)")
