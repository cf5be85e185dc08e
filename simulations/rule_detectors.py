"""Detectors built from thresholds-file rules, and a rule set judged on a batch of deploys.

Each :class:`~planner.thresholds.Rule` becomes the replay model's detector of its family
(:mod:`simulations.detectors`), with the bounds mapped as each engine reads them:

* static: ``critical`` is the Prometheus threshold, ``for`` the sustain window;
* argo: ``critical`` is the ``failureCondition`` bound and ``warning`` the ``successCondition``
  bound (between them a measurement is Inconclusive); with ``warning == critical`` only the
  ``successCondition`` is set, as in Argo's canonical example;
* flagger: ``critical`` is ``thresholdRange.max`` (direction above) or ``.min`` (below);
* burn_rate: the ``critical``-severity windows page; ``warning`` ones are tickets, not rollbacks;
* baseline: ``critical`` is the allowed relative worsening (0.1 = Keptn's ``<=+10%``).

A relative rule sees the ratio / z-score series (:mod:`simulations.relative`) instead of the raw
metric. Durations that are not a multiple of a trace's step are rounded up to one (a 1m Flagger
interval on 5-minute data checks every 5 minutes).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from planner.thresholds import Rule, RuleSet
from planner.thresholds_fields import (
    ArgoParams,
    BaselineParams,
    BurnRateParams,
    FlaggerParams,
    StaticParams,
)
from simulations.deploys import DeployBatch
from simulations.detectors import (
    ArgoAnalysis,
    BaselineComparison,
    BurnWindow,
    Detector,
    FlaggerAnalysis,
    MultiBurnRate,
    Observed,
    StaticThreshold,
)

__all__ = [
    "LATCHED",
    "build_detector",
    "observed_key",
    "rule_firing",
    "rule_first_alarm",
    "rule_set_firing",
]

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
LATCHED = frozenset({"argo", "flagger", "baseline"})  # a rollback engine's decision is final


def _up(minutes: float, step: float) -> float:
    """``minutes`` rounded up to a whole number (>= 1) of steps, in minutes."""
    return max(1, math.ceil(minutes / step - 1e-9)) * step


def build_detector(rule: Rule, step_minutes: float) -> Detector:
    """The detector of ``rule`` for data sampled every ``step_minutes``."""
    p = rule.params
    name = rule.name or rule.label()
    if isinstance(p, StaticParams):
        return StaticThreshold(
            rule.metric,
            rule.critical,
            rule.direction,
            for_minutes=p.for_minutes,
            evaluation_interval_minutes=_up(p.evaluation_interval_minutes, step_minutes),
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
            interval_minutes=_up(p.interval_minutes, step_minutes),
            count=p.count,
            initial_delay_minutes=_up(delay, step_minutes) if delay > 0 else 0.0,
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
            interval_minutes=_up(p.interval_minutes, step_minutes),
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
                w.factor, _up(w.long_minutes, step_minutes), _up(w.short_minutes, step_minutes)
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
        interval_minutes=_up(p.interval_minutes, step_minutes),
        min_absolute_difference=p.min_absolute_difference,
        scope=rule.scope,
        name=name,
    )


def observed_key(rule: Rule, step_minutes: float) -> tuple[str, str, str, int]:
    """The (metric, scope, relative method, window steps) a rule's detector sees."""
    rel = rule.relative
    window = 0 if rel is None else max(1, round(rel.window_minutes / step_minutes))
    return rule.metric, rule.scope, "" if rel is None else rel.method, window


def _one_step(rule: Rule, step: float) -> bool:
    """The rule's detector reads single samples: request/error counts add nothing."""
    p = rule.params
    if isinstance(p, StaticParams):
        return True
    if isinstance(p, FlaggerParams | ArgoParams):
        return _up(p.interval_minutes, step) == step
    if isinstance(p, BaselineParams):
        return _up(p.interval_minutes, step) == step
    return False


def _observed(rule: Rule, batch: DeployBatch) -> tuple[Observed, BoolArray]:
    """What the rule's detector sees; without counts when it reads single samples (faster)."""
    key = observed_key(rule, batch.step_minutes)
    return batch.observed(*key, counts=not _one_step(rule, batch.step_minutes))


def rule_first_alarm(rule: Rule, batch: DeployBatch) -> tuple[IntArray, BoolArray]:
    """First firing step per row (-1: none) and the rows where the rule's metric exists.

    Rows are padded at the end, so a first firing at or past a row's length means none.
    """
    obs, available = _observed(rule, batch)
    rows = _may_fire(rule, batch, obs) & available
    out = np.full(batch.n_rows, -1, dtype=np.int64)
    if not rows.any():
        return out, available
    if rows.mean() < 0.7:  # judge only the rows that can reach the bound (rows are independent)
        obs = _rows(obs, rows)
    fired = build_detector(rule, batch.step_minutes).firing(obs)
    first = np.argmax(fired, axis=-1).astype(np.int64)
    length = batch.length[rows] if fired.shape[0] != batch.n_rows else batch.length
    hit = fired[np.arange(fired.shape[0]), first] & (first < length)
    found = np.where(hit, first, -1)
    if fired.shape[0] != batch.n_rows:
        out[rows] = found
    else:
        out = np.where(rows, found, -1)
    return out, available


def _rows(obs: Observed, rows: BoolArray) -> Observed:
    def pick(a: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
        return None if a is None else a[rows]

    return Observed(
        obs.step_minutes,
        obs.value[rows],
        pick(obs.requests),
        pick(obs.errors),
        pick(obs.baseline),
    )


def _may_fire(rule: Rule, batch: DeployBatch, obs: Observed) -> BoolArray:
    """Rows on which ``rule`` can fire at all: some value reaches its bound (or, for Argo, a
    sample is missing: a measurement error). A window's value is a (weighted) mean of samples,
    so it never exceeds the row's extreme sample."""
    high, low, gaps = batch.row_extremes(obs)
    p = rule.params
    above = rule.direction == "above"
    if isinstance(p, StaticParams | FlaggerParams):
        return high > rule.critical if above else low < rule.critical
    if isinstance(p, ArgoParams):
        reach = high >= rule.warning if above else low <= rule.warning
        return np.asarray(reach | gaps, dtype=np.bool_)
    if isinstance(p, BurnRateParams):
        limits = [w.factor * (1 - p.slo) for w in p.windows if w.severity == "critical"]
        return high > min(limits) if limits else np.zeros(batch.n_rows, dtype=np.bool_)
    return np.ones(batch.n_rows, dtype=np.bool_)


def rule_firing(rule: Rule, batch: DeployBatch) -> tuple[BoolArray, BoolArray]:
    """(rows x steps) firing of one rule on ``batch`` and the rows where its metric exists."""
    obs, available = _observed(rule, batch)
    fired = build_detector(rule, batch.step_minutes).firing(obs)
    return fired & batch.valid & available[:, None], available


def rule_set_firing(rule_set: RuleSet, batch: DeployBatch) -> tuple[BoolArray, BoolArray]:
    """Firing of a rule set (any rule's critical) and the rows where at least one rule applies."""
    fired = np.zeros((batch.n_rows, batch.n_steps), dtype=np.bool_)
    evaluated = np.zeros(batch.n_rows, dtype=np.bool_)
    for rule in rule_set.rules:
        f, ok = rule_firing(rule, batch)
        fired |= f
        evaluated |= ok
    return fired, evaluated
