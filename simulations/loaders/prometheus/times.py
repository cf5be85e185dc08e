"""Times and durations as Prometheus' HTTP API and ``promtool`` write them."""

from __future__ import annotations

import math

import pandas as pd

from planner.thresholds.durations import duration_seconds
from simulations.exceptions import PrometheusError

__all__ = ["parse_prom_duration", "parse_prom_time"]


def parse_prom_duration(text: str) -> pd.Timedelta:
    """A Prometheus duration (``30s``, ``1m``, ``1h30m``) or plain seconds (``60``).

    Raises:
        PrometheusError: not a positive duration.
    """
    value = text.strip()
    seconds: float | None
    try:
        seconds = float(value)
    except ValueError:
        seconds = duration_seconds(value)
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise PrometheusError(f"step: {text!r} is not a positive duration like 60s, 5m or 1h")
    return pd.Timedelta(seconds=seconds)


def parse_prom_time(text: str, now: pd.Timestamp | None = None) -> pd.Timestamp:
    """An RFC 3339 time (naive = UTC), Unix seconds, ``now`` or ``now-<duration>``, in UTC.

    Args:
        text: the time.
        now: the current time (default: the clock, whole seconds), for ``now`` forms.

    Raises:
        PrometheusError: none of these forms.
    """
    value = text.strip()
    if value == "now" or value.startswith("now-"):
        clock = now if now is not None else pd.Timestamp.now(tz="UTC").floor("s")
        if value == "now":
            return clock
        try:
            return clock - parse_prom_duration(value[4:])
        except PrometheusError:
            raise PrometheusError(
                f"time: {text!r} is not now-<duration> (e.g. now-14d, now-1h30m)"
            ) from None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        if math.isfinite(seconds) and abs(seconds) < 9e9:
            return pd.Timestamp(round(seconds * 1e9), unit="ns", tz="UTC")
    try:
        if not value[:1].isdigit():  # pandas would take "today" as local wall time
            raise ValueError(value)
        ts = pd.Timestamp(value).as_unit("ns")
    except (ValueError, OverflowError):
        raise PrometheusError(f"time: {text!r} is not RFC 3339 or Unix seconds") from None
    if pd.isna(ts):
        raise PrometheusError(f"time: {text!r} is not RFC 3339 or Unix seconds")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
