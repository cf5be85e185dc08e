"""Detectors built from the plan's monitors, one per family, for ``devops-planner simulate``.

The monitor is the first one for the metric in the first exposed stage (exposure > 0) that has
it (plan names: ``error_rate``, ``latency_p95``, ``success_rate`` ...). Its ``critical`` bound,
``direction`` and ``for_minutes`` become:

- ``static``: a Prometheus rule ``metric > critical for: for_minutes``, fleet scope;
- ``argo``: ``failureCondition`` at ``critical``, ``interval`` 5m, ``failureLimit`` 1,
  canary scope (Argo defaults otherwise);
- ``flagger``: ``thresholdRange`` at ``critical``, ``interval`` 1m and ``threshold`` =
  ``for_minutes`` checks (at least 1), canary scope;
- ``burnrate`` (or ``burn_rate``): the SRE Workbook pairs with ``slo`` = 1 - the monitor's
  ``target`` error ratio (error ratio or success rate only), fleet scope;
- ``baseline``: at most +10 % over the stable version and worse by more than
  ``|warning - baseline|``, every 5 minutes, canary scope.

A tuned monitor's own ``scope`` (``plan --thresholds`` carries the rule's) wins over these.

On a trace sampled coarser than these intervals (5-minute NAB, hourly Microsoft series) every
interval and window is rounded up to a whole number of steps, as ``backtest`` does for rules,
and Flagger's ``threshold`` becomes ``for_minutes / interval`` checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.model import Monitor, Plan
from planner.thresholds.apply import PLAN_METRIC
from simulations.detectors import (
    ArgoAnalysis,
    BaselineComparison,
    Detector,
    FlaggerAnalysis,
    MultiBurnRate,
    StaticThreshold,
)
from simulations.detectors.burnrate import SRE_WINDOWS, BurnWindow
from simulations.detectors.from_rules import step_up
from simulations.exceptions import ReplayError

__all__ = ["FAMILIES", "detectors_from_plan", "plan_monitor"]

FAMILIES = ("static", "argo", "flagger", "burnrate", "baseline")
# Thresholds files and ``tune --family`` spell the burn-rate family ``burn_rate``.
ALIASES = {"burn_rate": "burnrate"}


def plan_monitor(plan: Plan, metric: str) -> Monitor:
    """The plan's monitor for canonical ``metric``; raises :class:`ReplayError` if none."""
    name = PLAN_METRIC.get(metric, metric)
    for stage in plan.stages:
        if stage.exposure_percent <= 0:
            continue
        for mon in stage.monitors:
            if mon.metric in (name, metric):
                return mon
    raise ReplayError(f"plan: no exposed stage monitors {name!r} (for --metric {metric})")


def _one(family: str, metric: str, mon: Monitor, step: float) -> Detector:
    up = mon.direction == "above"
    if family == "static":
        return StaticThreshold(
            metric,
            mon.critical,
            mon.direction,
            for_minutes=mon.for_minutes,
            evaluation_interval_minutes=step_up(1.0, step),
            scope=mon.scope or "fleet",
        )
    if family == "argo":
        return ArgoAnalysis(
            metric,
            failure_condition=mon.critical,
            direction=mon.direction,
            interval_minutes=step_up(5.0, step),
            failure_limit=1,
            scope=mon.scope or "canary",
        )
    if family == "flagger":
        interval = step_up(1.0, step)
        return FlaggerAnalysis(
            metric,
            threshold_range_max=mon.critical if up else None,
            threshold_range_min=None if up else mon.critical,
            interval_minutes=interval,
            threshold=max(1, round(mon.for_minutes / interval)),
            scope=mon.scope or "canary",
        )
    if family == "burnrate":
        if metric not in ("error_ratio", "success_rate"):
            raise ReplayError(f"--detector burnrate: needs the error ratio, not {metric!r}")
        target = mon.target if metric == "error_ratio" else 1.0 - mon.target
        windows = tuple(
            BurnWindow(step_up(w.long_minutes, step), step_up(w.short_minutes, step), w.factor)
            for w in SRE_WINDOWS
        )
        return MultiBurnRate(slo=1.0 - target, windows=windows)
    if family == "baseline":
        return BaselineComparison(
            metric,
            10.0,
            mon.direction,
            interval_minutes=step_up(5.0, step),
            min_absolute_difference=abs(mon.warning - mon.baseline),
        )
    raise ReplayError(f"--detector: {family!r} is not one of {', '.join(FAMILIES)}")


def detectors_from_plan(
    plan: Plan, metric: str, families: Sequence[str], step_minutes: float = 1.0
) -> tuple[Detector, ...]:
    """One detector per family in ``families`` from the plan's monitor of ``metric``.

    ``step_minutes`` is the trace's sample spacing: intervals and windows are rounded up to it.

    Raises:
        ReplayError: an unknown family, or no monitor of ``metric`` in an exposed stage.
    """
    names = [ALIASES.get(f, f) for f in families]
    for family in names:
        if family not in FAMILIES:
            raise ReplayError(f"--detector: {family!r} is not one of {', '.join(FAMILIES)}")
    mon = plan_monitor(plan, metric)
    return tuple(_one(f, metric, mon, step_minutes) for f in names)
