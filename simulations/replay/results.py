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

__all__ = ["summary_document", "write_output"]


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
