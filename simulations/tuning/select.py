"""Robust selection: cross-validated over time blocks, fold-stable within the budget, validated.

The training deploys are cut into ``K`` folds (:func:`fold_masks`): with at least ``K`` training
traces that have incidents, whole traces go to folds (trace ``i`` to fold ``i mod K``); otherwise
each trace is cut into ``K`` consecutive time blocks by the deploy's start (an incident replay by
its onset). Rules are never fitted, so "training on ``K - 1`` folds" means *selecting* on them:

* a rule set **qualifies** on folds ``F`` when its false rollbacks per 100 healthy deploys are
  within the budget on every fold of ``F`` that has healthy deploys (the budget must hold on each
  stretch of history, not only on their average: a stability margin), and at least one has;
* among the qualifying ones the pick has the least worst-fold mean blast radius (ties: the
  higher worst-fold recall), a preference for rules that are good on every stretch;
* if none qualifies, the pick is the **safest**: the least worst-fold false-rollback rate, and
  it is flagged.

Validation (:func:`validate`) repeats the whole selection with each fold held out and judges its
pick on the held-out fold: the pooled out-of-fold figures, with 95 % Wilson intervals on the
held-out folds' effective deploys, estimate how the procedure's pick does on history it has not
seen. They are reported apart from the test set's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.thresholds.file import ThresholdRule
from simulations.backtest.deploys import DeployBatch
from simulations.backtest.scoring import (
    Outcome,
    Score,
    covered,
    distinct_incidents,
    exposure_until_restored,
    judge_alarms,
)
from simulations.sampling.intervals import wilson

__all__ = ["Judged", "Validation", "fold_masks", "judge", "pick", "validate"]

BoolArray = NDArray[np.bool_]
Masks = list[list[BoolArray]]  # per fold, per batch: outcome rows in the fold


@dataclass(frozen=True)
class Judged:
    """A rule set's outcomes on the training deploys, scored overall and per fold."""

    rules: tuple[ThresholdRule, ...]
    outcomes: tuple[Outcome, ...]
    score: Score
    folds: tuple[Score, ...]


def fold_masks(batches: Sequence[DeployBatch], k: int) -> Masks:
    """Per fold, per batch: which outcome rows (deploy x draw) belong to it (see the docstring)."""
    traces = {t.name for b in batches for t in b.traces if t.incidents}
    by_trace = len(traces) >= k
    masks: Masks = [[] for _ in range(k)]
    for b in batches:
        e = b.expanded
        if by_trace:
            order = {name: i for i, name in enumerate(sorted(traces))}
            names = [t.name for t in b.traces]
            fold = np.asarray([order.get(names[t], t) % k for t in e.trace_id], dtype=np.int64)
        else:
            n = np.asarray([len(t.frame) for t in b.traces], dtype=np.float64)[e.trace_id]
            where = e.start + np.where(e.incident_id >= 0, e.onset, 0)
            fold = np.clip((k * where / np.maximum(n, 1)).astype(np.int64), 0, k - 1)
        for i in range(k):
            masks[i].append(np.asarray(fold == i, dtype=np.bool_))
    return masks


def judge(
    rules: tuple[ThresholdRule, ...],
    outcomes: Sequence[Outcome],
    batches: Sequence[DeployBatch],
    masks: Masks,
    lead: float,
    rollback: float,
) -> Judged:
    """Score ``outcomes`` on all the training deploys and on each fold (brief scores: no
    percentiles; :func:`simulations.backtest.scoring.score` gives the full one)."""
    rows = [row_outcomes(b, o, lead, rollback) for b, o in zip(batches, outcomes, strict=True)]
    every = [np.ones_like(o.evaluated) for o in outcomes]
    overall = _brief(batches, rows, every)
    return Judged(rules, tuple(outcomes), overall, tuple(_brief(batches, rows, m) for m in masks))


@dataclass(frozen=True)
class _Rows:
    """Per outcome row of one batch: judged incident / healthy, caught, rolled back, blast."""

    inc: BoolArray
    healthy: BoolArray
    caught: BoolArray
    false_rb: BoolArray
    false_alarm: BoolArray
    blast: NDArray[np.float64]


def row_outcomes(batch: DeployBatch, out: Outcome, lead: float, rollback: float) -> _Rows:
    """What :func:`simulations.backtest.scoring.score` sums, per outcome row, computed once."""
    e = batch.expanded
    ev = out.evaluated
    caught, _ = judge_alarms(e, out.first, lead)
    caught &= ev
    fired = (out.first >= 0) & ev
    inc = (e.incident_id >= 0) & ev
    healthy = (e.incident_id < 0) & ev
    blast = exposure_until_restored(e, out.first, rollback)
    return _Rows(inc, healthy, caught & inc, fired & healthy, fired & ~caught, blast)


def _brief(
    batches: Sequence[DeployBatch], rows: Sequence[_Rows], masks: Sequence[BoolArray]
) -> Score:
    """The brief score of the outcome rows in ``masks`` (same sums as the full score)."""
    n_inc = n_healthy = caught = false_rb = false_alarms = 0
    eff_inc = eff_healthy = 0.0
    blast_sum, blast_n = 0.0, 0
    reps = max((b.reps for b in batches), default=1)
    for b, r, m in zip(batches, rows, masks, strict=True):
        inc, healthy = r.inc & m, r.healthy & m
        n_inc += int(inc.sum())
        n_healthy += int(healthy.sum())
        caught += int((r.caught & m).sum())
        false_rb += int((r.false_rb & m).sum())
        false_alarms += int((r.false_alarm & m).sum())
        if inc.any():
            blast_sum += float(r.blast[inc].sum())
            blast_n += int(inc.sum())
            eff_inc += distinct_incidents(b, inc)
        if healthy.any():
            eff_healthy += covered(b, healthy)
    alarms = caught + false_alarms
    fr = false_rb / n_healthy if n_healthy else None
    fr_ci = wilson(fr, eff_healthy)
    recall = caught / n_inc if n_inc else None
    return Score(
        precision=caught / alarms if alarms else None,
        recall=recall,
        detection_p50=None,
        detection_p95=None,
        reset_minutes=None,
        false_rollbacks_per_100=None if fr is None else 100.0 * fr,
        blast_p50=None,
        blast_p95=None,
        blast_mean=blast_sum / blast_n if blast_n else None,
        incident_replays=round(n_inc / reps),
        healthy_deploys=round(n_healthy / reps),
        caught=caught,
        false_alarms=false_alarms,
        recall_ci95=wilson(recall, eff_inc),
        precision_ci95=None,
        false_rollbacks_ci95=None if fr_ci is None else (100.0 * fr_ci[0], 100.0 * fr_ci[1]),
        effective_incidents=eff_inc,
        effective_healthy_deploys=eff_healthy,
        draws=reps,
    )


def _fr(s: Score) -> float | None:
    return s.false_rollbacks_per_100


def qualifies(j: Judged, folds: Sequence[int], budget: float) -> bool:
    """Within ``budget`` on every fold of ``folds`` that has healthy deploys (and one has: a
    rate never measured does not qualify)."""
    rates = [r for f in folds if (r := _fr(j.folds[f])) is not None]
    return bool(rates) and all(r <= budget + 1e-9 for r in rates)


def worst(j: Judged, folds: Sequence[int]) -> tuple[float, float]:
    """(worst-fold mean blast radius, minus the worst-fold recall): smaller is better."""
    blast = [b for f in folds if (b := j.folds[f].blast_mean) is not None]
    recall = [r for f in folds if (r := j.folds[f].recall) is not None]
    return (max(blast) if blast else np.inf, -(min(recall) if recall else 0.0))


def worst_fr(j: Judged, folds: Sequence[int]) -> float:
    """The highest false-rollback rate over ``folds`` (0 where none has healthy deploys)."""
    rates = [r for f in folds if (r := _fr(j.folds[f])) is not None]
    return max(rates) if rates else 0.0


def pick(cands: Sequence[Judged], folds: Sequence[int], budget: float) -> tuple[Judged, bool]:
    """The pick on ``folds`` and whether it qualifies (else: the safest, flagged)."""
    ok = [c for c in cands if qualifies(c, folds, budget)]
    if ok:
        return min(ok, key=lambda c: worst(c, folds)), True
    return min(cands, key=lambda c: (worst_fr(c, folds), *worst(c, folds))), False


@dataclass(frozen=True)
class Validation:
    """Pooled out-of-fold figures of the selection procedure."""

    folds: int
    false_rollbacks_per_100: float | None
    false_rollbacks_ci95: tuple[float, float] | None
    recall: float | None
    recall_ci95: tuple[float, float] | None
    effective_healthy_deploys: float
    effective_incidents: float
    per_fold: tuple[dict[str, Any], ...]

    def within(self, budget: float) -> bool | None:
        """The pooled out-of-fold rate is within ``budget`` (None: no healthy deploy held out)."""
        fr = self.false_rollbacks_per_100
        return None if fr is None else fr <= budget + 1e-9

    def to_dict(self, budget: float) -> dict[str, Any]:
        ci = self.false_rollbacks_ci95
        return {
            "method": f"{self.folds}-fold cross-validation over time blocks (or whole traces)",
            "false_rollbacks_per_100_deploys": self.false_rollbacks_per_100,
            "false_rollbacks_per_100_deploys_ci95": None if ci is None else list(ci),
            "recall": self.recall,
            "recall_ci95": None if self.recall_ci95 is None else list(self.recall_ci95),
            "effective_healthy_deploys": round(self.effective_healthy_deploys, 2),
            "effective_incidents": round(self.effective_incidents, 2),
            "within_budget": self.within(budget),
            "folds": list(self.per_fold),
        }


def validate(
    k: int, budget: float, select: Callable[[Sequence[int]], tuple[Judged, bool]]
) -> Validation:
    """Run ``select`` on every ``k - 1`` folds and judge its pick on the fold held out."""
    fr_num = fr_den = rc_num = rc_den = eff_h = eff_i = 0.0
    rows = []
    for held in range(k):
        chosen, met = select([f for f in range(k) if f != held])
        s = chosen.folds[held]
        rows.append(
            {
                "fold": held,
                "rules": [r.label() for r in chosen.rules],
                "qualified_on_other_folds": met,
                "false_rollbacks_per_100_deploys": s.false_rollbacks_per_100,
                "healthy_deploys": s.healthy_deploys,
                "recall": s.recall,
                "incident_replays": s.incident_replays,
            }
        )
        if s.false_rollbacks_per_100 is not None:
            fr_num += s.false_rollbacks_per_100 / 100 * s.effective_healthy_deploys
            fr_den += s.effective_healthy_deploys
            eff_h += s.effective_healthy_deploys
        if s.recall is not None:
            rc_num += s.recall * s.effective_incidents
            rc_den += s.effective_incidents
            eff_i += s.effective_incidents
    fr = fr_num / fr_den if fr_den else None
    rc = rc_num / rc_den if rc_den else None
    fr_ci = wilson(fr, eff_h)
    return Validation(
        folds=k,
        false_rollbacks_per_100=None if fr is None else 100 * fr,
        false_rollbacks_ci95=None if fr_ci is None else (100 * fr_ci[0], 100 * fr_ci[1]),
        recall=rc,
        recall_ci95=wilson(rc, eff_i),
        effective_healthy_deploys=eff_h,
        effective_incidents=eff_i,
        per_fold=tuple(rows),
    )
