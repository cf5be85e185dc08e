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
from simulations.detectors.base import Detector
from simulations.detectors.registry import ALIASES, NAMES, monitor_detectors
from simulations.exceptions import ReplayError

__all__ = ["detectors_from_plan", "plan_monitor"]


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


def detectors_from_plan(
    plan: Plan, metric: str, families: Sequence[str], step_minutes: float = 1.0
) -> tuple[Detector, ...]:
    """One detector per family in ``families`` from the plan's monitor of ``metric``.

    ``step_minutes`` is the trace's sample spacing: intervals and windows are rounded up to it.

    Raises:
        ReplayError: an unknown family, or no monitor of ``metric`` in an exposed stage.
    """
    for family in families:
        if ALIASES.get(family, family) not in NAMES:
            known = ", ".join((*NAMES, *ALIASES))
            raise ReplayError(f"--detector: {family!r} is not one of {known}")
    mon = plan_monitor(plan, metric)
    try:
        return monitor_detectors(metric, mon, families, step_minutes)
    except ValueError as exc:
        raise ReplayError(str(exc)) from None
