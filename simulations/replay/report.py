"""The summary as a text table and the result files (JSON summary, CSV/Parquet runs)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from planner.io import atomic_write_text
from simulations.replay.montecarlo import Simulation
from simulations.replay.setup import Setup

__all__ = ["format_table", "summary_document", "write_output"]


def _f(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.0f}%"


def format_table(summary: dict[str, Any]) -> str:
    """Overall and per-onset-stage rows: detection, time to roll back, blast radius."""
    head = (
        f"{'onset stage':<14}{'runs':>6}{'detected':>9}{'false rb':>9}"
        f"{'detect p50':>11}{'rollback p50/p95/p99 min':>26}{'failed req p50/p95/p99':>28}"
        f"{'users p95':>10}{'exp-min p95':>12}"
    )
    rows = [head, "-" * len(head)]
    blocks = [("all", summary), *summary.get("by_onset_stage", {}).items()]
    for name, b in blocks:
        ttr, fr = b["time_to_rollback_minutes"], b["blast_radius"]["failed_requests"]
        det = b["detected_fraction"]
        rows.append(
            f"{name:<14}{b['runs']:>6}{_pct(det):>9}"
            f"{_pct(b['false_rollback_fraction']):>9}"
            f"{_f(b['time_to_detect_minutes']['p50']):>11}"
            f"{'/'.join(_f(ttr[p]) for p in ('p50', 'p95', 'p99')):>26}"
            f"{'/'.join(_f(fr[p], 0) for p in ('p50', 'p95', 'p99')):>28}"
            f"{_f(b['blast_radius']['users']['p95'], 0):>10}"
            f"{_f(b['blast_radius']['exposure_minutes']['p95']):>12}"
        )
    by = summary.get("false_rollbacks_by_detector") or {}
    if any(by.values()):
        runs = summary["runs"]
        parts = ", ".join(f"{name} {n}/{runs} runs" for name, n in by.items())
        rows.append(f"false rollbacks by first alarm: {parts}")
    return "\n".join(rows)


def summary_document(result: Simulation, setup: Setup) -> dict[str, Any]:
    """The JSON document: settings and ``summary``."""
    cfg = setup.config
    return {
        "seed": result.seed,
        "detectors": [
            {"name": d.name, "metric": d.metric, "scope": d.scope} for d in setup.detectors
        ],
        "incidents": [s.name for s in setup.incidents],
        "response": {
            "mode": cfg.response.mode,
            "ack_minutes": cfg.response.ack_minutes,
            "night_ack_minutes": cfg.response.night_ack_minutes,
            "escalation_probability": cfg.response.escalation_probability,
        },
        "summary": result.summary,
    }


def write_output(result: Simulation, setup: Setup, path: str) -> Path:
    """Write JSON (summary) or CSV/Parquet (one row per run) atomically; returns the path."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        text = json.dumps(summary_document(result, setup), indent=2, allow_nan=False)
        return atomic_write_text(target, text + "\n")
    if suffix == ".csv":
        return atomic_write_text(target, result.runs.to_csv(index=False))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        result.runs.to_parquet(tmp, index=False)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
