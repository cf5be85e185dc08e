"""Detectors built from thresholds-file rules.

Each :class:`~planner.thresholds.file.ThresholdRule` becomes the replay model's detector of its
family (:mod:`simulations.detectors`), with the bounds mapped as each engine reads them:

* static: ``critical`` is the Prometheus threshold, ``for`` the sustain window;
* argo: ``critical`` is the ``failureCondition`` bound and ``warning`` the ``successCondition``
  bound (between them a measurement is Inconclusive); with ``warning == critical`` only the
  ``successCondition`` is set, as in Argo's canonical example;
* flagger: ``critical`` is ``thresholdRange.max`` (direction above) or ``.min`` (below);
* burn_rate: the ``critical``-severity windows page; ``warning`` ones are tickets, not rollbacks;
* baseline: ``critical`` is the allowed relative worsening (0.1 = Keptn's ``<=+10%``).


A relative rule sees the ratio / z-score series (:mod:`simulations.traces.relative`) instead of
the raw metric. Durations that are not a multiple of a trace's step are rounded up to one (a 1m
Flagger interval on 5-minute data checks every 5 minutes).
"""

from __future__ import annotations

import math

from planner.thresholds.families import (
    ArgoParams,
    BaselineParams,
    BurnRateParams,
    FlaggerParams,
    StaticParams,
)
from planner.thresholds.file import ThresholdRule
from simulations.detectors import (
    ArgoAnalysis,
    BaselineComparison,
    BurnWindow,
    Detector,
    FlaggerAnalysis,
    MultiBurnRate,
    StaticThreshold,
)

__all__ = ["LATCHED", "build_detector", "step_up"]

LATCHED = frozenset({"argo", "flagger", "baseline"})  # a rollback engine's decision is final


def step_up(minutes: float, step: float) -> float:
    """``minutes`` rounded up to a whole number (>= 1) of steps, in minutes."""
    return max(1, math.ceil(minutes / step - 1e-9)) * step


def build_detector(rule: ThresholdRule, step_minutes: float) -> Detector:
    """The detector of ``rule`` for data sampled every ``step_minutes``."""
    p = rule.params
    name = rule.name or rule.label()
    if isinstance(p, StaticParams):
        return StaticThreshold(
            rule.metric,
            rule.critical,
            rule.direction,
            for_minutes=p.for_minutes,
            evaluation_interval_minutes=step_up(p.evaluation_interval_minutes, step_minutes),
            scope=rule.scope,
            name=name,
        )
    if isinstance(p, ArgoParams):
        two_bounds = rule.warning != rule.critical
        delay = p.initial_delay_minutes
        return ArgoAnalysis(
            rule.metric,
            failure_condition=rule.critical if two_bounds else None,
            success_condition=rule.warning,
            direction=rule.direction,
            interval_minutes=step_up(p.interval_minutes, step_minutes),
            count=p.count,
            initial_delay_minutes=step_up(delay, step_minutes) if delay > 0 else 0.0,
            failure_limit=p.failure_limit,
            inconclusive_limit=p.inconclusive_limit,
            consecutive_error_limit=p.consecutive_error_limit,
            scope=rule.scope,
            name=name,
        )
    if isinstance(p, FlaggerParams):
        above = rule.direction == "above"
        return FlaggerAnalysis(
            rule.metric,
            threshold_range_max=rule.critical if above else None,
            threshold_range_min=None if above else rule.critical,
            interval_minutes=step_up(p.interval_minutes, step_minutes),
            threshold=p.threshold,
            step_weight=p.step_weight,
            max_weight=p.max_weight,
            step_weights=p.step_weights,
            scope=rule.scope,
            name=name,
        )
    if isinstance(p, BurnRateParams):
        windows = tuple(
            BurnWindow(
                step_up(w.long_minutes, step_minutes),
                step_up(w.short_minutes, step_minutes),
                w.factor,
            )
            for w in p.windows
            if w.severity == "critical"
        )
        return MultiBurnRate(p.slo, windows, rule.metric, rule.scope, name)
    assert isinstance(p, BaselineParams)
    return BaselineComparison(
        rule.metric,
        max_increase_percent=rule.critical * 100.0,
        direction=rule.direction,
        interval_minutes=step_up(p.interval_minutes, step_minutes),
        min_absolute_difference=p.min_absolute_difference,
        scope=rule.scope,
        name=name,
    )
