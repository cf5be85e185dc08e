"""Scoring an alerting policy on replayed deploys: the SRE Workbook's four measures and more.

For each deploy row only the first alarm matters (a rollback happens once). On an incident
replay the alarm *catches* the incident when it is raised no earlier than ``lead`` before the
onset and no later than the incident's end; an earlier alarm (``before-incident``) or a later
one (``after-incident``) is a false alarm, and so is any alarm on a healthy deploy (a false
rollback). Measures:

* precision: caught alarms / all alarms; recall: caught incident replays / incident replays,
  over the rows the policy can watch (a trace none of its rules' metrics is in is "not
  applicable" there and left out; a policy that can watch no incident has no recall, not 0);
* detection time: alarm time minus onset, minutes (negative when raised within the lead);
* reset time: how long the alert keeps firing after the incident ends (median, minutes),
  measured with the rollback disabled; None for a policy with a latched rule (argo, flagger,
  baseline: a rollback engine's decision is final);
* false rollbacks per 100 healthy deploys;
* blast radius: exposure-minutes of the incident served by the new version until traffic is
  restored ``rollback_minutes`` after the alarm (a minute at 10 % exposure counts 0.1); an alarm
  before the onset restores traffic before any harm. Reported as p50, p95 and mean.

With noise draws (:class:`simulations.sampling.noise.SampleNoise`) every deploy row is judged
once per draw; rates average over the draws, counts are per deploy. Every rate has a 95 % Wilson
interval on the effective number of independent deploys (:mod:`simulations.sampling.intervals`):
distinct incidents for recall, the healthy deploys' time coverage in deploy lengths for false
rollbacks, and for precision the alarms scaled by the same design effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulations._types import FloatArray, IntArray
from simulations.backtest.deploys import DeployBatch
from simulations.sampling.intervals import covered_deploys, wilson

__all__ = [
    "Outcome",
    "Score",
    "covered",
    "distinct_incidents",
    "exposure_until_restored",
    "first_alarm_rows",
    "judge_alarms",
    "reset_steps",
    "score",
]


@dataclass(frozen=True)
class Outcome:
    """One policy on one batch: first alarm step per row (-1: none), rows it could judge."""

    first: IntArray
    evaluated: NDArray[np.bool_]
    reset: FloatArray | None = None  # steps of firing after the incident end, per row


@dataclass(frozen=True)
class Score:
    """The measures of one policy over every batch (None where undefined)."""

    precision: float | None
    recall: float | None
    detection_p50: float | None
    detection_p95: float | None
    reset_minutes: float | None
    false_rollbacks_per_100: float | None
    blast_p50: float | None
    blast_p95: float | None
    blast_mean: float | None
    incident_replays: int
    healthy_deploys: int
    caught: int
    false_alarms: int
    recall_ci95: tuple[float, float] | None = None
    precision_ci95: tuple[float, float] | None = None
    false_rollbacks_ci95: tuple[float, float] | None = None  # per 100 deploys
    effective_incidents: float = 0.0
    effective_healthy_deploys: float = 0.0
    draws: int = 1

    @property
    def applicable(self) -> bool:
        """The policy could watch at least one replayed deploy."""
        return self.incident_replays + self.healthy_deploys > 0


def first_alarm_rows(fired: NDArray[np.bool_]) -> IntArray:
    """Index of the first True per row, -1 for rows that never fire."""
    idx = np.argmax(fired, axis=-1).astype(np.int64)
    return np.where(fired.any(axis=-1), idx, -1)


def reset_steps(fired: NDArray[np.bool_], batch: DeployBatch) -> FloatArray:
    """Steps the alert keeps firing from each incident row's end (NaN for healthy rows).

    ``fired`` has one row per outcome row (:attr:`DeployBatch.reps` per deploy).
    """
    batch = batch.expanded
    out = np.full(batch.n_rows, np.nan)
    for r in np.flatnonzero(batch.incident_id >= 0):
        after = fired[r, batch.end[r] : batch.length[r]]
        out[r] = float(np.argmin(after)) if (~after).any() else float(after.size)
    return out


def judge_alarms(
    batch: DeployBatch, first: IntArray, lead_minutes: float
) -> tuple[NDArray[np.bool_], FloatArray]:
    """Per row: did the alarm catch the incident, and the alarm time minus onset (minutes)."""
    step = batch.step_minutes
    alarm = (first + 1) * step
    onset, end = batch.onset * step, batch.end * step
    caught = (batch.incident_id >= 0) & (first >= 0)
    caught &= (alarm >= onset - lead_minutes - 1e-9) & (alarm <= end + 1e-9)
    return caught, alarm - onset


def exposure_until_restored(
    batch: DeployBatch, first: IntArray, rollback_minutes: float
) -> FloatArray:
    """Exposure-minutes of each incident row until traffic is restored (NaN for healthy rows)."""
    step = batch.step_minutes
    cum = np.concatenate([[0.0], np.cumsum(batch.exposure * step)])
    rb = int(np.ceil(rollback_minutes / step - 1e-9))
    restore = np.where(first >= 0, first + 1 + rb, np.iinfo(np.int64).max // 2)
    stop = np.clip(np.minimum(batch.end, restore), 0, batch.n_steps)
    onset = np.clip(batch.onset, 0, batch.n_steps)
    out = np.maximum(cum[np.maximum(stop, onset)] - cum[onset], 0.0)
    return np.where(batch.incident_id >= 0, out, np.nan)


def _q(values: Sequence[float] | FloatArray, p: float) -> float | None:
    arr = np.asarray(values, dtype=np.float64)
    return float(np.percentile(arr, p)) if arr.size else None


def score(
    batches: Sequence[DeployBatch],
    outcomes: Sequence[Outcome],
    lead_minutes: float,
    rollback_minutes: float,
    select: Sequence[NDArray[np.bool_]] | None = None,
    brief: bool = False,
) -> Score:
    """The measures of one policy from its outcome on each batch.

    Outcomes are per outcome row (deploy x draw, :attr:`DeployBatch.reps`). ``select`` keeps
    only some outcome rows per batch (a cross-validation fold). ``brief`` skips the detection
    and blast-radius percentiles (None), for the many scores a selection compares.
    """
    detect: list[FloatArray] = []
    blast: list[FloatArray] = []
    resets: list[FloatArray] = []
    n_inc = n_healthy = caught_n = false_n = false_rb = 0
    eff_inc = eff_healthy = 0.0
    has_reset = True
    reps = max((b.reps for b in batches), default=1)
    for i, (batch0, out) in enumerate(zip(batches, outcomes, strict=True)):
        batch = batch0.expanded
        # A deploy no rule of the policy can watch (its metric is absent) is not applicable.
        ev = out.evaluated if select is None else out.evaluated & select[i]
        inc = (batch.incident_id >= 0) & ev
        healthy = (batch.incident_id < 0) & ev
        caught, delay = judge_alarms(batch, out.first, lead_minutes)
        caught &= ev
        fired = (out.first >= 0) & ev
        n_inc += int(inc.sum())
        n_healthy += int(healthy.sum())
        caught_n += int(caught[inc].sum())
        false_n += int((fired & ~caught).sum())
        false_rb += int((fired & healthy).sum())
        eff_inc += distinct_incidents(batch0, inc)
        eff_healthy += covered(batch0, healthy)
        detect.append(delay[caught])
        blast.append(exposure_until_restored(batch, out.first, rollback_minutes)[inc])
        if out.reset is None:
            has_reset = False
        else:
            resets.append(out.reset[caught] * batch.step_minutes)
    d = np.concatenate(detect) if detect else np.empty(0)
    b = np.concatenate(blast) if blast else np.empty(0)
    r = np.concatenate(resets) if resets else np.empty(0)
    alarms = caught_n + false_n
    recall = caught_n / n_inc if n_inc else None
    precision = caught_n / alarms if alarms else None
    fr = false_rb / n_healthy if n_healthy else None
    rows = (n_inc + n_healthy) / reps
    deff = (eff_inc + eff_healthy) / rows if rows else 0.0
    fr_ci = wilson(fr, eff_healthy)
    return Score(
        precision=precision,
        recall=recall,
        detection_p50=None if brief else _q(d, 50),
        detection_p95=None if brief else _q(d, 95),
        reset_minutes=_q(r, 50) if has_reset and not brief else None,
        false_rollbacks_per_100=None if fr is None else 100.0 * fr,
        blast_p50=None if brief else _q(b, 50),
        blast_p95=None if brief else _q(b, 95),
        blast_mean=float(b.mean()) if b.size else None,
        incident_replays=round(n_inc / reps),
        healthy_deploys=round(n_healthy / reps),
        caught=caught_n,
        false_alarms=false_n,
        recall_ci95=wilson(recall, eff_inc),
        precision_ci95=wilson(precision, alarms / reps * deff),
        false_rollbacks_ci95=None if fr_ci is None else (100.0 * fr_ci[0], 100.0 * fr_ci[1]),
        effective_incidents=eff_inc,
        effective_healthy_deploys=eff_healthy,
        draws=reps,
    )


def _deploys(batch: DeployBatch, rows: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The deploy rows with at least one of their outcome rows in ``rows``."""
    return np.asarray(rows.reshape(batch.n_rows, batch.reps).any(axis=1), dtype=np.bool_)


def distinct_incidents(batch: DeployBatch, rows: NDArray[np.bool_]) -> float:
    """How many distinct incidents the outcome ``rows`` replay."""
    key = ("incidents", np.packbits(rows).tobytes())
    if key not in batch.memo:
        batch.memo[key] = float(np.unique(batch.incident_id[_deploys(batch, rows)]).size)
    return batch.memo[key]


def covered(batch: DeployBatch, rows: NDArray[np.bool_]) -> float:
    """Independent healthy deploys' worth among the outcome ``rows`` (per trace, overlap
    removed; :func:`simulations.sampling.intervals.covered_deploys`)."""
    key = ("covered", np.packbits(rows).tobytes())
    if key not in batch.memo:
        mine = _deploys(batch, rows)
        total = 0.0
        for t in np.unique(batch.trace_id[mine]):
            of_t = mine & (batch.trace_id == t)
            total += covered_deploys(batch.start[of_t], int(batch.length[of_t].max()))
        batch.memo[key] = total
    return batch.memo[key]
