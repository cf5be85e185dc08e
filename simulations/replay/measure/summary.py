"""Summaries of a Monte Carlo replay: percentiles overall and per onset stage.

Percentiles (p50, p95, p99, linear interpolation) are over the runs where the quantity exists:
time to detect over runs detected after the onset, time to roll back over detected runs, blast
radius over runs with an incident (undetected ones count until the horizon). ``None`` where no
run qualifies.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PERCENTILES", "percentiles", "summarise"]

PERCENTILES = (50, 95, 99)


def percentiles(values: pd.Series) -> dict[str, float | None]:
    """``{"p50": ..., "p95": ..., "p99": ...}`` of the non-NaN values (None when empty)."""
    v = values.to_numpy(dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {f"p{p}": None for p in PERCENTILES}
    return {f"p{p}": float(np.percentile(v, p)) for p in PERCENTILES}


def _block(runs: pd.DataFrame) -> dict[str, Any]:
    with_incident = runs[runs["incident"] != ""]
    true_detect = runs[runs["detected"] & ~runs["false_rollback"]]
    n_inc = len(with_incident)
    return {
        "runs": len(runs),
        "detected_fraction": (
            float((with_incident["detected"] & ~with_incident["false_rollback"]).mean())
            if n_inc
            else None
        ),
        "false_rollback_fraction": float(runs["false_rollback"].mean()) if len(runs) else None,
        "time_to_detect_minutes": percentiles(true_detect["time_to_detect_minutes"]),
        "time_to_rollback_minutes": percentiles(runs["time_to_rollback_minutes"]),
        "time_to_recover_minutes": percentiles(true_detect["time_to_recover_minutes"]),
        "blast_radius": {
            "failed_requests": percentiles(with_incident["failed_requests"]),
            "users": percentiles(with_incident["users"]),
            "exposure_minutes": percentiles(with_incident["exposure_minutes"]),
        },
    }


def summarise(
    runs: pd.DataFrame, stage_order: tuple[str, ...] = (), detectors: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The summary document: the overall block plus ``by_onset_stage`` (stage name -> block).

    ``detected_fraction`` is the share of runs with an incident (None without any) rolled back
    at or after the onset; a rollback before the onset is a false rollback, not a detection.
    ``false_rollbacks_by_detector`` counts the false rollbacks by the detector whose alarm came
    first (every name in ``detectors`` listed, 0 when it caused none), so a pooled rate never
    hides which detector rolls back healthy deploys.
    """
    out = _block(runs)
    false = runs.loc[runs["false_rollback"], "detector"].value_counts() if len(runs) else None
    names = sorted({*detectors, *(false.index if false is not None else ())})
    out["false_rollbacks_by_detector"] = {
        n: int(false.get(n, 0)) if false is not None else 0 for n in names
    }
    stages = [s for s in stage_order if s in set(runs["onset_stage"])] or sorted(
        s for s in set(runs["onset_stage"]) if s
    )
    out["by_onset_stage"] = {s: _block(runs[runs["onset_stage"] == s]) for s in stages}
    return out
