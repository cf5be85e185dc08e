"""The time-based train/test split of labelled traces, and whether the held-out part moved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from simulations._types import FloatArray
from simulations.exceptions import BacktestError
from simulations.traces.model import Incident, Trace
from simulations.traces.series import healthy_values

__all__ = ["SHIFTED", "auto_split", "beyond_training", "parse_split_time", "split_at"]


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


def split_at(
    traces: Sequence[Trace], at: pd.Timestamp, option: str = "--split-at"
) -> tuple[list[Trace], list[Trace]]:
    """Each trace cut at ``at``: samples and incidents before it train, the rest test.

    An incident that spans ``at`` is dropped from both halves. A half with no sample is left out.

    Raises:
        BacktestError: ``at`` is not inside any trace; the message names ``option`` and the
            traces' spans.
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
        spans = ", ".join(
            f"{t.name} {t.frame.index[0].isoformat()}..{t.frame.index[-1].isoformat()}"
            for t in traces
            if len(t.frame)
        )
        raise BacktestError(
            f"{option} {at.isoformat()}: not inside any trace ({spans or 'no samples'})"
        )
    return train, test


def auto_split(trace: Trace) -> pd.Timestamp | None:
    """A split time that fits ``trace``: between its middle two labelled incidents.

    With the incidents in time order, the cut lies halfway between the end of incident
    ``ceil(n / 2)`` and the start of the next one, floored to the hour when that stays inside
    the gap, so about half the incidents train and the rest test, and none is cut in two.
    ``None`` (tune on everything, no test) when there are fewer than two incidents or the
    middle incidents overlap.
    """
    incidents = sorted(trace.incidents, key=lambda i: (i.start, i.end))
    if len(incidents) < 2:
        return None
    k = (len(incidents) + 1) // 2
    gap_start = max(i.end for i in incidents[:k])
    gap_end = incidents[k].start
    if gap_end <= gap_start:
        return None
    middle = gap_start + (gap_end - gap_start) / 2
    hour = middle.floor("h")
    return hour if hour >= gap_start else middle


SHIFTED = 0.05  # share of held-out healthy samples beyond the training's 99th percentile


def beyond_training(
    train: Sequence[Trace], test: Sequence[Trace], metric: str, direction: str
) -> float | None:
    """Share of the test part's healthy samples of ``metric`` beyond the training part's
    healthy 99th percentile (the 1st when lower is worse): about 0.01 when the level held;
    over :data:`SHIFTED` the held-out history moved where training never was, and no fixed
    threshold tuned on training can be expected to hold there. ``None`` without the metric.
    """

    def values(traces: Sequence[Trace]) -> FloatArray:
        parts = [v for t in traces if (v := healthy_values(t, metric)) is not None]
        joined = np.concatenate(parts) if parts else np.empty(0)
        return joined[np.isfinite(joined)]

    before, after = values(train), values(test)
    if before.size == 0 or after.size == 0:
        return None
    if direction == "above":
        return float(np.mean(after > np.percentile(before, 99)))
    return float(np.mean(after < np.percentile(before, 1)))
