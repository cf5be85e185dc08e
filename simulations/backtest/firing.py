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
from simulations.detectors import Detector, Observed
from simulations.detectors.base import step_up
from simulations.detectors.registry import build_detector, family_of

__all__ = [
    "observed_key",
    "prepare_noisy",
    "rule_firing",
    "rule_first_alarm",
    "rule_set_firing",
]


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
    """First firing step per outcome row (-1: none) and the rows where the rule's metric exists.

    Outcome rows are the batch's deploy rows, each repeated once per noise draw
    (:attr:`DeployBatch.reps`, row ``r`` draw ``d`` at ``r x reps + d``). A canary-scope rule
    sees each draw's sampled canary over the split steps (:meth:`DeployBatch.noisy`) and the
    trace from the promotion to 100 % on; a fleet-scope rule sees the trace, the same in every
    draw. Rows are padded at the end, so a first firing at or past a row's length means none.
    """
    k, split = batch.reps, batch.split_steps
    noisy = k > 1 and rule.scope == "canary" and split > 0
    obs, available = _observed(rule, batch)
    exact = _first(rule, batch, obs, available, batch.valid, split if noisy else 0)
    if k == 1:
        return exact, available
    if not noisy:
        return np.repeat(exact, k), np.repeat(available, k)
    n_obs, n_avail = _noisy(rule, batch)
    first = _first(rule, batch, n_obs, n_avail, batch.noisy_valid, 0)
    return np.where(first >= 0, first, np.repeat(exact, k)), n_avail


def _first(
    rule: ThresholdRule,
    batch: DeployBatch,
    obs: Observed,
    available: BoolArray,
    valid: BoolArray,
    since: int,
) -> IntArray:
    """First firing step at or after ``since`` per row of ``obs`` (-1: none).

    A rule that evaluates every ``k`` steps over the last ``k`` steps (Flagger, Argo without an
    initial delay, a baseline comparison) is judged on the batch's ``k``-step blocks
    (:meth:`DeployBatch.blocks`, built once for every rule that reads them): its evaluations
    are exactly the blocks' values, and block ``j``'s alarm is step ``(j + 1) k - 1``.
    """
    k = _block(rule, batch.step_minutes)
    if k == 1:
        detector = build_detector(rule, batch.step_minutes)
        return _first_core(rule, detector, batch, obs, available, valid, since)
    c_obs, c_valid = batch.blocks(obs, valid, k)
    detector = build_detector(rule, batch.step_minutes * k)
    first = _first_core(rule, detector, batch, c_obs, available, c_valid, 0)
    # these families latch: firing from block j's alarm on, so from ``since`` on if earlier
    fine = np.where(first >= 0, np.maximum((first + 1) * k - 1, since), -1)
    return np.where(fine < valid.sum(axis=-1), fine, -1)


def _block(rule: ThresholdRule, step: float) -> int:
    """``k`` when the rule evaluates every ``k`` steps over exactly the last ``k`` and latches
    (its first failure is final; the family's :attr:`Family.block_minutes`), else 1."""
    minutes = family_of(rule.params).block_minutes(rule.params)
    return 1 if minutes is None else round(step_up(minutes, step) / step)


def _first_core(
    rule: ThresholdRule,
    detector: Detector,
    batch: DeployBatch,
    obs: Observed,
    available: BoolArray,
    valid: BoolArray,
    since: int,
) -> IntArray:
    """:func:`_first` on ``obs`` as given.

    Detectors are causal (a step's state depends on earlier samples only), so from ``since ==
    0`` the rows are first judged on short prefixes and only those that have not fired yet on
    longer ones: a rule that fires early on most rows costs a fraction of the full width.
    """
    n = obs.value.shape[0]
    out = np.full(n, -1, dtype=np.int64)
    if since >= obs.n_steps:  # every step is judged elsewhere (a deploy shorter than the split)
        return out
    rows = _may_fire(rule, obs, batch.row_extremes(obs, valid)) & available
    if not rows.any():
        return out
    rows = _enough(rule, obs, valid, rows, batch.step_minutes)
    if not rows.any():
        return out
    length = valid.sum(axis=-1)
    width = obs.n_steps
    widths = [w for w in _PREFIXES if since == 0 and w < width // 2] + [width]
    todo = np.flatnonzero(rows)
    for w in widths:
        if todo.size >= 0.7 * n:  # most rows: a view of the columns, no copy; pick rows after
            fired = detector.firing(_cols(obs, w) if w < width else obs)[todo, since:]
        else:
            fired = detector.firing(_rows(obs, todo, w))[:, since:]
        first = np.argmax(fired, axis=-1).astype(np.int64)
        hit = fired[np.arange(fired.shape[0]), first] & (first + since < length[todo])
        out[todo[hit]] = first[hit] + since
        if w < width:  # a row that has not fired by the prefix's end goes on
            todo = todo[~hit & (w < length[todo])]
            if todo.size == 0:
                break
    return out


_PREFIXES = (30, 120)  # prefix widths (steps) tried before the full width


def prepare_noisy(rule: ThresholdRule, batch: DeployBatch) -> None:
    """Build (and cache) the noisy measurements ``rule`` reads, before threads share ``batch``."""
    if batch.reps > 1 and rule.scope == "canary" and batch.split_steps > 0:
        obs, _ = _noisy(rule, batch)
        batch.row_extremes(obs, batch.noisy_valid)


def _noisy(rule: ThresholdRule, batch: DeployBatch) -> tuple[Observed, BoolArray]:
    """What a canary-scope rule sees over the split steps, per (deploy, draw)."""
    metric, _, relative, window = observed_key(rule, batch.step_minutes)
    return batch.noisy(metric, relative, window, counts=not _one_step(rule, batch.step_minutes))


def _cols(obs: Observed, width: int) -> Observed:
    """``obs`` up to step ``width`` (views, no copy)."""

    def cut(a: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
        return None if a is None else a[:, :width]

    return Observed(
        obs.step_minutes,
        obs.value[:, :width],
        cut(obs.requests),
        cut(obs.errors),
        cut(obs.baseline),
    )


def _rows(obs: Observed, rows: IntArray, width: int) -> Observed:
    """The ``rows`` of ``obs`` up to step ``width``."""

    def pick(a: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
        return None if a is None else a[rows, :width]

    return Observed(
        obs.step_minutes,
        obs.value[rows, :width],
        pick(obs.requests),
        pick(obs.errors),
        pick(obs.baseline),
    )


def _may_fire(
    rule: ThresholdRule,
    obs: Observed,
    extremes: tuple[NDArray[np.float64], NDArray[np.float64], BoolArray],
) -> BoolArray:
    """Rows on which ``rule`` can fire at all (the family's pre-filter on the rows' extremes:
    a window's value is a (weighted) mean of samples, so it never passes the row's extreme)."""
    high, low, gaps = extremes
    return family_of(rule.params).may_fire(rule, rule.params, high, low, gaps)


def _enough(
    rule: ThresholdRule, obs: Observed, valid: BoolArray, rows: BoolArray, step: float
) -> BoolArray:
    """``rows`` narrowed to those with enough samples beyond the bound to fire at all.

    A rule that needs ``m`` breaching evaluations (Flagger's ``threshold``, Argo's
    ``failureLimit + 1``, a static rule's ``for`` in evaluations + 1) needs ``m`` samples beyond
    its bound: each evaluation's window holds one at least, and the windows of distinct
    evaluations do not overlap. A row with a missing sample may fire on it (Argo) and stays.
    """
    family = family_of(rule.params)
    need = family.breaches_needed(rule.params, step)
    if need <= 1:
        return rows
    idx = np.flatnonzero(rows)
    v = obs.value[idx]
    bound = rule.warning if family.fires_on_gaps else rule.critical
    with np.errstate(invalid="ignore"):
        beyond = v >= bound if rule.direction == "above" else v <= bound
        beyond &= valid[idx]
    count = beyond.sum(axis=-1)
    keep = count >= need
    if family.fires_on_gaps:  # a missing sample is a failed measurement (Argo)
        keep |= (np.isnan(v) & valid[idx]).any(axis=-1)
    out = np.zeros_like(rows)
    out[idx[keep]] = True
    return out


def rule_firing(rule: ThresholdRule, batch: DeployBatch) -> tuple[BoolArray, BoolArray]:
    """(outcome rows x steps) firing of one rule and the rows where its metric exists.

    Outcome rows as in :func:`rule_first_alarm`; steps the batch's.
    """
    obs, available = _observed(rule, batch)
    detector = build_detector(rule, batch.step_minutes)
    fired = detector.firing(obs) & batch.valid & available[:, None]
    k, split = batch.reps, batch.split_steps
    if k == 1:
        return fired, available
    fired = np.repeat(fired, k, axis=0)
    if rule.scope != "canary" or split == 0:
        return fired, np.repeat(available, k)
    n_obs, n_avail = _noisy(rule, batch)
    fired[:, :split] = detector.firing(n_obs) & batch.noisy_valid & n_avail[:, None]
    return fired, n_avail


def rule_set_firing(rule_set: RuleSet, batch: DeployBatch) -> tuple[BoolArray, BoolArray]:
    """Firing of a rule set (any rule's critical) and the rows where at least one rule applies."""
    n = batch.n_rows * batch.reps
    fired = np.zeros((n, batch.n_steps), dtype=np.bool_)
    evaluated = np.zeros(n, dtype=np.bool_)
    for rule in rule_set.rules:
        f, ok = rule_firing(rule, batch)
        fired |= f
        evaluated |= ok
    return fired, evaluated
