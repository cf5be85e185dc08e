"""The time-based train/test split of labelled traces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from simulations.exceptions import BacktestError
from simulations.traces.model import Incident, Trace

__all__ = ["parse_split_time", "split_at"]


def parse_split_time(value: str, option: str = "--split-at") -> pd.Timestamp:
    """``value`` (ISO 8601; naive means UTC) as a UTC timestamp.

    Raises:
        BacktestError: ``value`` is not a time; the message names ``option``.
    """
    try:
        when = pd.Timestamp(value)
    except ValueError:
        raise BacktestError(f"{option}: {value!r} is not a time (e.g. 2026-03-09T00:00Z)") from None
    return when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")


def _part(trace: Trace, keep: pd.Series, incidents: tuple[Incident, ...], tag: str) -> Trace:
    return replace(trace, frame=trace.frame[keep.to_numpy()], incidents=incidents, name=tag)


def split_at(traces: Sequence[Trace], at: pd.Timestamp) -> tuple[list[Trace], list[Trace]]:
    """Each trace cut at ``at``: samples and incidents before it train, the rest test.

    An incident that spans ``at`` is dropped from both halves. A half with no sample is left out.

    Raises:
        BacktestError: ``at`` is not inside any trace.
    """
    train, test = [], []
    for t in traces:
        before = pd.Series(t.frame.index < at)
        early = tuple(i for i in t.incidents if i.end <= at)
        late = tuple(i for i in t.incidents if i.start >= at)
        if before.any():
            train.append(_part(t, before, early, f"{t.name}[:{at.isoformat()}]"))
        if (~before).any():
            test.append(_part(t, ~before, late, f"{t.name}[{at.isoformat()}:]"))
    if not train or not test:
        raise BacktestError(f"--split-at {at.isoformat()}: not inside any trace")
    return train, test
