"""Scoring an alerting policy on replayed deploys: the SRE Workbook's four measures and more.

For each deploy row only the first alarm matters (a rollback happens once). On an incident
replay the alarm *catches* the incident when it is raised no earlier than ``lead`` before the
onset and no later than the incident's end; an earlier alarm (``before-incident``) or a later
one (``after-incident``) is a false alarm, and so is any alarm on a healthy deploy (a false
rollback). Measures:

* precision: caught alarms / all alarms; recall: caught incident replays / incident replays
  (an incident whose metric no rule watches is missed: every replay and deploy counts);
* detection time: alarm time minus onset, minutes (negative when raised within the lead);
* reset time: how long the alert keeps firing after the incident ends (median, minutes),
  measured with the rollback disabled; None for a policy with a latched rule (argo, flagger,
  baseline: a rollback engine's decision is final);
* false rollbacks per 100 healthy deploys;
* blast radius: exposure-minutes of the incident served by the new version until traffic is
  restored ``rollback_minutes`` after the alarm (a minute at 10 % exposure counts 0.1); an alarm
  before the onset restores traffic before any harm. Reported as p50, p95 and mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulations._types import FloatArray, IntArray
from simulations.backtest.deploys import DeployBatch

__all__ = ["Outcome", "Score", "first_alarm_rows", "reset_steps", "score"]


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


def first_alarm_rows(fired: NDArray[np.bool_]) -> IntArray:
    """Index of the first True per row, -1 for rows that never fire."""
    idx = np.argmax(fired, axis=-1).astype(np.int64)
    return np.where(fired.any(axis=-1), idx, -1)


def reset_steps(fired: NDArray[np.bool_], batch: DeployBatch) -> FloatArray:
    """Steps the alert keeps firing from each incident row's end (NaN for healthy rows)."""
    out = np.full(batch.n_rows, np.nan)
    for r in np.flatnonzero(batch.incident_id >= 0):
        after = fired[r, batch.end[r] : batch.length[r]]
        out[r] = float(np.argmin(after)) if (~after).any() else float(after.size)
    return out


def classify(
    batch: DeployBatch, first: IntArray, lead_minutes: float
) -> tuple[NDArray[np.bool_], FloatArray]:
    """Per row: did the alarm catch the incident, and the alarm time minus onset (minutes)."""
    step = batch.step_minutes
    alarm = (first + 1) * step
    onset, end = batch.onset * step, batch.end * step
    caught = (batch.incident_id >= 0) & (first >= 0)
    caught &= (alarm >= onset - lead_minutes - 1e-9) & (alarm <= end + 1e-9)
    return caught, alarm - onset


def blast_radius(batch: DeployBatch, first: IntArray, rollback_minutes: float) -> FloatArray:
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
) -> Score:
    """The measures of one policy from its outcome on each batch."""
    detect: list[FloatArray] = []
    blast: list[FloatArray] = []
    resets: list[FloatArray] = []
    n_inc = n_healthy = caught_n = false_n = false_rb = 0
    has_reset = True
    for batch, out in zip(batches, outcomes, strict=True):
        # Every deploy counts, also where no rule of the policy applies (its metric is absent):
        # such an incident is missed in full, such a healthy deploy is not rolled back.
        ev = out.evaluated
        inc = batch.incident_id >= 0
        healthy = batch.incident_id < 0
        caught, delay = classify(batch, out.first, lead_minutes)
        caught &= ev
        fired = (out.first >= 0) & ev
        n_inc += int(inc.sum())
        n_healthy += int(healthy.sum())
        caught_n += int(caught[inc].sum())
        false_n += int((fired & ~caught).sum())
        false_rb += int((fired & healthy).sum())
        detect.append(delay[caught])
        blast.append(blast_radius(batch, out.first, rollback_minutes)[inc])
        if out.reset is None:
            has_reset = False
        else:
            resets.append(out.reset[caught] * batch.step_minutes)
    d = np.concatenate(detect) if detect else np.empty(0)
    b = np.concatenate(blast) if blast else np.empty(0)
    r = np.concatenate(resets) if resets else np.empty(0)
    alarms = caught_n + false_n
    return Score(
        precision=caught_n / alarms if alarms else None,
        recall=caught_n / n_inc if n_inc else None,
        detection_p50=_q(d, 50),
        detection_p95=_q(d, 95),
        reset_minutes=_q(r, 50) if has_reset else None,
        false_rollbacks_per_100=100.0 * false_rb / n_healthy if n_healthy else None,
        blast_p50=_q(b, 50),
        blast_p95=_q(b, 95),
        blast_mean=float(b.mean()) if b.size else None,
        incident_replays=n_inc,
        healthy_deploys=n_healthy,
        caught=caught_n,
        false_alarms=false_n,
    )
