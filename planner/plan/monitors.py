"""Default stage monitors: the reference's thresholds, scaled to the service's baseline.

With the reference baseline (error rate 0.05 %, p95 150 ms, success 99.95 %) these give exactly
its numbers: error rate target < 0.1 % (2x), warning > 0.15 % (3x), critical > 0.5 % (10x);
p95 target < 200 ms (4/3 x), warning > 300 ms (2x), critical > 500 ms (10/3 x); success rate,
read as its failure share (1 - success), target > 99.9 % (2x), warning < 99.8 % (4x), critical
< 99.5 % (10x). Breaching ``critical`` for ``for_minutes`` (10, "sustained for 10 minutes") is a
rollback trigger.
"""

from __future__ import annotations

from planner.model import Monitor
from planner.profile import Baseline

__all__ = ["FOR_MINUTES", "default_monitors", "describe_threshold", "fmt_value"]

FOR_MINUTES = 10.0


def _r(x: float) -> float:
    """Round away float noise (0.0005 * 3 = 0.0015000000000000002)."""
    return float(f"{x:.6g}")


def default_monitors(baseline: Baseline) -> dict[str, Monitor]:
    """The three SLI monitors keyed by metric: ``error_rate``, ``latency_p95``, ``success_rate``."""
    err = baseline.error_rate
    lat = baseline.latency_p95_ms
    fail = 1.0 - baseline.success_rate
    return {
        "error_rate": Monitor(
            "error_rate", "ratio", "above", err, _r(err * 2), _r(err * 3), _r(err * 10), FOR_MINUTES
        ),
        "latency_p95": Monitor(
            "latency_p95",
            "ms",
            "above",
            lat,
            _r(lat * 4 / 3),
            _r(lat * 2),
            _r(lat * 10 / 3),
            FOR_MINUTES,
        ),
        "success_rate": Monitor(
            "success_rate",
            "ratio",
            "below",
            baseline.success_rate,
            _r(1 - fail * 2),
            _r(1 - fail * 4),
            _r(1 - fail * 10),
            FOR_MINUTES,
        ),
    }


def fmt_value(value: float, unit: str) -> str:
    """``0.005`` ratio -> ``0.5%``; ``500`` ms -> ``500ms``; per_hour -> ``1000/hour``."""
    if unit == "ratio":
        return f"{_r(value * 100):g}%"
    if unit == "ms":
        return f"{value:g}ms"
    if unit == "per_hour":
        return f"{value:g}/hour"
    return f"{value:g} {unit}"


def describe_threshold(monitor: Monitor, which: str) -> str:
    """``error_rate`` critical -> ``>0.5%``: the comparison that breaches the threshold."""
    value = float(getattr(monitor, which))
    if which == "target":
        sign = "<" if monitor.direction == "above" else ">"
    else:
        sign = ">" if monitor.direction == "above" else "<"
    return f"{sign}{fmt_value(value, monitor.unit)}"
