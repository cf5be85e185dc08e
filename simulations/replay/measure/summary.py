"""Summaries of a Monte Carlo replay: percentiles overall and per onset stage, as frozen records.

Percentiles (p50, p95, p99, linear interpolation) are over the runs where the quantity exists:
time to detect over runs detected after the onset, time to roll back over detected runs, blast
radius over runs with an incident (undetected ones count until the horizon). ``None`` where no
run qualifies. :meth:`ReplaySummary.as_dict` is the JSON document's ``summary``.

The two rates carry a 95 % Wilson interval (:func:`simulations.sampling.intervals.wilson`) on
the number of *independent* runs, not on the run count: Monte Carlo runs redraw the noise but
replay the same history, and more draws on the same history tell no more about it.

* ``detected_fraction`` is judged on ``distinct_incidents``: every incident run replays one of
  the labelled incidents, so the runs of one incident share its shape. Assumption (falsifiable):
  incidents differ in how detectable they are more than one incident's runs differ among
  themselves; then the history's information is its incidents. If the per-incident detected
  shares agreed within binomial noise over their runs, the interval would be conservative.
* ``false_rollback_fraction`` is judged on ``effective_runs``: runs start anywhere in the trace
  and judge ``deploy_steps`` of it (stages plus the tail), so overlapping runs share the
  trace's own noise. As the backtest counts overlapping healthy deploys
  (:func:`~simulations.sampling.intervals.covered_deploys`): the union of the stretches the
  runs judge, in run lengths, at most the number of runs. Assumption (falsifiable): false
  rollbacks come from the history (its error spikes and latency swings) at least as much as
  from the sampling noise; if they came from the noise alone, runs would be independent and
  the interval conservative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulations.sampling.intervals import covered_deploys, wilson

__all__ = [
    "PERCENTILES",
    "BlastPercentiles",
    "Percentiles",
    "ReplaySummary",
    "SummaryBlock",
    "percentiles",
    "summarise",
]

PERCENTILES = (50, 95, 99)


@dataclass(frozen=True)
class Percentiles:
    """p50, p95 and p99 of a quantity (None when no run qualifies)."""

    p50: float | None
    p95: float | None
    p99: float | None

    def as_dict(self) -> dict[str, float | None]:
        """``{"p50": ..., "p95": ..., "p99": ...}``."""
        return {"p50": self.p50, "p95": self.p95, "p99": self.p99}


@dataclass(frozen=True)
class BlastPercentiles:
    """Percentiles of the blast radius over the runs with an incident."""

    failed_requests: Percentiles
    users: Percentiles
    exposure_minutes: Percentiles

    def as_dict(self) -> dict[str, dict[str, float | None]]:
        """The three percentile dicts by name, in field order."""
        return {
            "failed_requests": self.failed_requests.as_dict(),
            "users": self.users.as_dict(),
            "exposure_minutes": self.exposure_minutes.as_dict(),
        }


@dataclass(frozen=True)
class SummaryBlock:
    """Detection, timing and blast radius of a set of runs (all of them, or one onset stage).

    Attributes:
        runs: runs in the block.
        detected_fraction: share of the runs with an incident rolled back at or after the onset
            (None without any incident run).
        false_rollback_fraction: share of the runs rolled back without an incident or before
            its onset (None without runs).
        runs_with_incident: runs that replayed an incident.
        distinct_incidents: labelled incidents among them: the detected share's sample size.
        detected_fraction_ci95: Wilson 95 % interval of ``detected_fraction`` on
            ``distinct_incidents`` (None without an incident run).
        effective_runs: independent runs' worth of trace the runs judge: the false-rollback
            share's sample size (None: the run length is unknown).
        false_rollback_fraction_ci95: Wilson 95 % interval of ``false_rollback_fraction`` on
            ``effective_runs`` (None without either).
    """

    runs: int
    detected_fraction: float | None
    false_rollback_fraction: float | None
    time_to_detect_minutes: Percentiles
    time_to_rollback_minutes: Percentiles
    time_to_recover_minutes: Percentiles
    blast_radius: BlastPercentiles
    runs_with_incident: int = 0
    distinct_incidents: int = 0
    detected_fraction_ci95: tuple[float, float] | None = None
    effective_runs: float | None = None
    false_rollback_fraction_ci95: tuple[float, float] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The block as the JSON summary writes it: each rate followed by its interval."""
        return {
            "runs": self.runs,
            "runs_with_incident": self.runs_with_incident,
            "distinct_incidents": self.distinct_incidents,
            "detected_fraction": self.detected_fraction,
            "detected_fraction_ci95": _pair(self.detected_fraction_ci95),
            "effective_runs": self.effective_runs,
            "false_rollback_fraction": self.false_rollback_fraction,
            "false_rollback_fraction_ci95": _pair(self.false_rollback_fraction_ci95),
            "time_to_detect_minutes": self.time_to_detect_minutes.as_dict(),
            "time_to_rollback_minutes": self.time_to_rollback_minutes.as_dict(),
            "time_to_recover_minutes": self.time_to_recover_minutes.as_dict(),
            "blast_radius": self.blast_radius.as_dict(),
        }


@dataclass(frozen=True)
class ReplaySummary(SummaryBlock):
    """The overall block, false rollbacks by detector, and one block per onset stage.

    Attributes:
        false_rollbacks_by_detector: (detector, false rollbacks it caused first), by name.
        by_onset_stage: (stage name, block) in rollout order.
    """

    false_rollbacks_by_detector: tuple[tuple[str, int], ...] = ()
    by_onset_stage: tuple[tuple[str, SummaryBlock], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON document's ``summary``: the overall block's keys, then the two mappings."""
        out = super().as_dict()
        out["false_rollbacks_by_detector"] = dict(self.false_rollbacks_by_detector)
        out["by_onset_stage"] = {s: b.as_dict() for s, b in self.by_onset_stage}
        return out


def _pair(ci: tuple[float, float] | None) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


def percentiles(values: pd.Series) -> Percentiles:
    """p50, p95 and p99 of the non-NaN values (None when empty)."""
    v = values.to_numpy(dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return Percentiles(None, None, None)
    p50, p95, p99 = (float(np.percentile(v, p)) for p in PERCENTILES)
    return Percentiles(p50, p95, p99)


def _block(runs: pd.DataFrame, deploy_steps: int | None) -> SummaryBlock:
    with_incident = runs[runs["incident"] != ""]
    true_detect = runs[runs["detected"] & ~runs["false_rollback"]]
    n_inc = len(with_incident)
    detected = (
        float((with_incident["detected"] & ~with_incident["false_rollback"]).mean())
        if n_inc
        else None
    )
    false = float(runs["false_rollback"].mean()) if len(runs) else None
    incidents = int(with_incident["incident"].nunique())
    effective = None
    if deploy_steps is not None and len(runs):
        starts = runs["deploy_start"].to_numpy(dtype=np.int64)
        effective = covered_deploys(starts, deploy_steps)
    return SummaryBlock(
        runs=len(runs),
        detected_fraction=detected,
        false_rollback_fraction=false,
        time_to_detect_minutes=percentiles(true_detect["time_to_detect_minutes"]),
        time_to_rollback_minutes=percentiles(runs["time_to_rollback_minutes"]),
        time_to_recover_minutes=percentiles(true_detect["time_to_recover_minutes"]),
        blast_radius=BlastPercentiles(
            failed_requests=percentiles(with_incident["failed_requests"]),
            users=percentiles(with_incident["users"]),
            exposure_minutes=percentiles(with_incident["exposure_minutes"]),
        ),
        runs_with_incident=n_inc,
        distinct_incidents=incidents,
        detected_fraction_ci95=wilson(detected, incidents),
        effective_runs=effective,
        false_rollback_fraction_ci95=None if effective is None else wilson(false, effective),
    )


def summarise(
    runs: pd.DataFrame,
    stage_order: tuple[str, ...] = (),
    detectors: tuple[str, ...] = (),
    deploy_steps: int | None = None,
) -> ReplaySummary:
    """The summary: the overall block plus one block per onset stage.

    ``deploy_steps`` is the trace steps one run judges (its ``deploy_start`` on); None (runs
    from several traces, or an unknown length) leaves the false-rollback interval out.

    ``detected_fraction`` is the share of runs with an incident (None without any) rolled back
    at or after the onset; a rollback before the onset is a false rollback, not a detection.
    ``false_rollbacks_by_detector`` counts the false rollbacks by the detector whose alarm came
    first (every name in ``detectors`` listed, 0 when it caused none), so a pooled rate never
    hides which detector rolls back healthy deploys.
    """
    overall = _block(runs, deploy_steps)
    false = runs.loc[runs["false_rollback"], "detector"].value_counts() if len(runs) else None
    names = sorted({*detectors, *(false.index if false is not None else ())})
    by_detector = tuple((n, int(false.get(n, 0)) if false is not None else 0) for n in names)
    stages = [s for s in stage_order if s in set(runs["onset_stage"])] or sorted(
        s for s in set(runs["onset_stage"]) if s
    )
    return ReplaySummary(
        **vars(overall),
        false_rollbacks_by_detector=by_detector,
        by_onset_stage=tuple(
            (s, _block(runs[runs["onset_stage"] == s], deploy_steps)) for s in stages
        ),
    )
