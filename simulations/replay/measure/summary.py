"""Summaries of a Monte Carlo replay: percentiles overall and per onset stage, as frozen records.

Percentiles (p50, p95, p99, linear interpolation) are over the runs where the quantity exists:
time to detect over runs detected after the onset, time to roll back over detected runs, blast
radius over runs with an incident (undetected ones count until the horizon). ``None`` where no
run qualifies. :meth:`ReplaySummary.as_dict` is the JSON document's ``summary``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

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
    """

    runs: int
    detected_fraction: float | None
    false_rollback_fraction: float | None
    time_to_detect_minutes: Percentiles
    time_to_rollback_minutes: Percentiles
    time_to_recover_minutes: Percentiles
    blast_radius: BlastPercentiles

    def as_dict(self) -> dict[str, Any]:
        """The block as the JSON summary writes it (field order)."""
        return {
            "runs": self.runs,
            "detected_fraction": self.detected_fraction,
            "false_rollback_fraction": self.false_rollback_fraction,
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


def percentiles(values: pd.Series) -> Percentiles:
    """p50, p95 and p99 of the non-NaN values (None when empty)."""
    v = values.to_numpy(dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return Percentiles(None, None, None)
    p50, p95, p99 = (float(np.percentile(v, p)) for p in PERCENTILES)
    return Percentiles(p50, p95, p99)


def _block(runs: pd.DataFrame) -> SummaryBlock:
    with_incident = runs[runs["incident"] != ""]
    true_detect = runs[runs["detected"] & ~runs["false_rollback"]]
    n_inc = len(with_incident)
    return SummaryBlock(
        runs=len(runs),
        detected_fraction=(
            float((with_incident["detected"] & ~with_incident["false_rollback"]).mean())
            if n_inc
            else None
        ),
        false_rollback_fraction=float(runs["false_rollback"].mean()) if len(runs) else None,
        time_to_detect_minutes=percentiles(true_detect["time_to_detect_minutes"]),
        time_to_rollback_minutes=percentiles(runs["time_to_rollback_minutes"]),
        time_to_recover_minutes=percentiles(true_detect["time_to_recover_minutes"]),
        blast_radius=BlastPercentiles(
            failed_requests=percentiles(with_incident["failed_requests"]),
            users=percentiles(with_incident["users"]),
            exposure_minutes=percentiles(with_incident["exposure_minutes"]),
        ),
    )


def summarise(
    runs: pd.DataFrame, stage_order: tuple[str, ...] = (), detectors: tuple[str, ...] = ()
) -> ReplaySummary:
    """The summary: the overall block plus one block per onset stage.

    ``detected_fraction`` is the share of runs with an incident (None without any) rolled back
    at or after the onset; a rollback before the onset is a false rollback, not a detection.
    ``false_rollbacks_by_detector`` counts the false rollbacks by the detector whose alarm came
    first (every name in ``detectors`` listed, 0 when it caused none), so a pooled rate never
    hides which detector rolls back healthy deploys.
    """
    overall = _block(runs)
    false = runs.loc[runs["false_rollback"], "detector"].value_counts() if len(runs) else None
    names = sorted({*detectors, *(false.index if false is not None else ())})
    by_detector = tuple((n, int(false.get(n, 0)) if false is not None else 0) for n in names)
    stages = [s for s in stage_order if s in set(runs["onset_stage"])] or sorted(
        s for s in set(runs["onset_stage"]) if s
    )
    return ReplaySummary(
        **vars(overall),
        false_rollbacks_by_detector=by_detector,
        by_onset_stage=tuple((s, _block(runs[runs["onset_stage"] == s])) for s in stages),
    )
