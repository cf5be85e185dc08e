"""Thresholds relative to a trailing baseline: ``ratio`` and robust ``zscore`` transforms.

A relative rule compares the monitored value at each step with the stable version's level over
the trailing ``window`` before that step (samples ``[t - window, t)``, NaN ignored):

* ``ratio``: ``value / median`` (1.5 = 50 % above the baseline);
* ``zscore``: ``(value - median) / (1.4826 x MAD)``, the robust z-score. The MAD is approximated
  by the trailing median of ``|x - trailing median|`` (two rolling medians, O(n log w)); it is
  floored at 1e-3 of the median's magnitude (and 1e-12) so a flat baseline does not divide by 0.

The statistics are computed once per (series, window) on the 1-D stable series and gathered per
replay row by the caller, so a sweep over thresholds reuses them. The transformed value is then
checked against the rule's bounds by the usual detector, so one rule travels across services
whose levels differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulations._types import FloatArray

__all__ = ["TrailingStats", "trailing_stats", "transform"]

MAD_SCALE = 1.4826  # MAD of a normal distribution x 1.4826 = its standard deviation


@dataclass(frozen=True)
class TrailingStats:
    """Per-step trailing median and scale (1.4826 x MAD) of a series; NaN before any data."""

    median: FloatArray
    scale: FloatArray


def trailing_stats(series: FloatArray, window_steps: int) -> TrailingStats:
    """Median and robust scale of ``series`` over samples ``[t - window_steps, t)`` at each ``t``.

    A window with no data carries the last known statistics forward.
    """
    s = pd.Series(series, dtype="float64")
    w = max(1, int(window_steps))
    med = s.rolling(w, min_periods=1).median()
    dev = (s - med).abs().rolling(w, min_periods=1).median()
    med = med.shift(1).ffill()
    dev = dev.shift(1).ffill()
    floor = np.maximum(1e-3 * np.abs(med.to_numpy()), 1e-12)
    scale = np.fmax(MAD_SCALE * dev.to_numpy(), floor)
    return TrailingStats(med.to_numpy(dtype=np.float64), np.asarray(scale, dtype=np.float64))


def transform(value: FloatArray, median: FloatArray, scale: FloatArray, method: str) -> FloatArray:
    """``value`` as a ratio to ``median`` or a robust z-score; NaN where undefined."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "ratio":
            out = np.where(median != 0, value / np.where(median != 0, median, 1.0), np.nan)
        else:
            out = (value - median) / scale
    return np.asarray(out, dtype=np.float64)
