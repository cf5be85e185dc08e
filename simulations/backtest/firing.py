"""A thresholds-file rule (or rule set) judged on a batch of deploys, vectorised over rows.

The detector itself comes from :func:`simulations.detectors.registry.build_detector`; this
module decides which rows can fire at all (a cheap pre-filter) and where each first fires.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from planner.thresholds.file import RuleSet, ThresholdRule
from simulations._types import BoolArray, IntArray
from simulations.backtest.deploys import DeployBatch
from simulations.detectors import Observed
from simulations.detectors.registry import build_detector, family_of

__all__ = ["observed_key", "rule_firing", "rule_first_alarm", "rule_set_firing"]


def observed_key(rule: ThresholdRule, step_minutes: float) -> tuple[str, str, str, int]:
    """The (metric, scope, relative method, window steps) a rule's detector sees."""
    rel = rule.relative
    window = 0 if rel is None else max(1, round(rel.window_minutes / step_minutes))
    return rule.metric, rule.scope, "" if rel is None else rel.method, window


def _one_step(rule: ThresholdRule, step: float) -> bool:
    """The rule's detector reads single samples: request/error counts add nothing."""
    return family_of(rule.params).single_sample(rule.params, step)


def _observed(rule: ThresholdRule, batch: DeployBatch) -> tuple[Observed, BoolArray]:
    """What the rule's detector sees; without counts when it reads single samples (faster)."""
    key = observed_key(rule, batch.step_minutes)
    return batch.observed(*key, counts=not _one_step(rule, batch.step_minutes))


def rule_first_alarm(rule: ThresholdRule, batch: DeployBatch) -> tuple[IntArray, BoolArray]:
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


def _may_fire(rule: ThresholdRule, batch: DeployBatch, obs: Observed) -> BoolArray:
    """Rows on which ``rule`` can fire at all (the family's pre-filter on the rows' extremes)."""
    high, low, gaps = batch.row_extremes(obs)
    return family_of(rule.params).may_fire(rule, rule.params, high, low, gaps)


def rule_firing(rule: ThresholdRule, batch: DeployBatch) -> tuple[BoolArray, BoolArray]:
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
