"""Point labels to incident windows, and the strict timestamp syntax of the benchmark files."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from simulations.exceptions import TraceError
from simulations.traces.model import Incident

__all__ = ["parse_point_time", "runs_to_incidents"]

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


def parse_point_time(text: str, where: str) -> pd.Timestamp:
    """``2018-06-17T00:00:00Z`` or ``2018-05-10 00:00:00`` (naive = UTC) as a UTC timestamp.

    Raises:
        TraceError: ``text`` is not such a time; the message starts with ``where``.
    """
    value = text.strip()
    if _TIME.fullmatch(value):
        try:
            ts = pd.Timestamp(value).as_unit("ns")
        except (ValueError, OverflowError):  # OutOfBoundsDatetime is a ValueError
            pass
        else:
            return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    raise TraceError(
        f"{where}: {text!r} is not a time like 2018-06-17T00:00:00Z or 2018-05-10 00:00:00"
    )


def runs_to_incidents(
    labelled: Iterable[pd.Timestamp],
    grid: pd.DatetimeIndex,
    step: pd.Timedelta,
    *,
    cause: str,
    metric: str | None,
    severity: str = "unknown",
) -> tuple[Incident, ...]:
    """Windows ``[first, last + step)`` over runs of consecutive labelled grid slots.

    A labelled time between grid points counts for the slot it falls in; times outside the grid
    are ignored.
    """
    if len(grid) == 0:
        return ()
    origin, step_ns = int(grid.asi8[0]), int(step.value)
    slots = {(int(t.value) - origin) // step_ns for t in labelled}
    marks = np.zeros(len(grid), dtype=np.int8)
    for s in slots:
        if 0 <= s < len(grid):
            marks[s] = 1
    edges = np.diff(np.concatenate(([0], marks, [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return tuple(
        Incident(
            start=grid[int(s)],
            end=grid[int(e) - 1] + step,
            severity=severity,
            cause=cause,
            metric=metric,
        )
        for s, e in zip(starts, ends, strict=True)
    )
