"""The result files of a replay: the JSON summary document (a record) and CSV/Parquet runs."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.io import atomic_write_text
from simulations.replay.config import ResponseConfig
from simulations.replay.measure.summary import ReplaySummary
from simulations.replay.montecarlo import Simulation
from simulations.replay.setup import Setup

__all__ = ["DetectorEntry", "SummaryDocument", "summary_document", "write_output"]


@dataclass(frozen=True)
class DetectorEntry:
    """A detector as the document lists it."""

    name: str
    metric: str
    scope: str


@dataclass(frozen=True)
class SummaryDocument:
    """The JSON document: the settings of a replay and its ``summary``."""

    seed: int
    detectors: tuple[DetectorEntry, ...]
    incidents: tuple[str, ...]
    response: ResponseConfig
    summary: ReplaySummary

    def as_dict(self) -> dict[str, Any]:
        """The document as plain JSON values (keys in field order)."""
        r = self.response
        return {
            "seed": self.seed,
            "detectors": [
                {"name": d.name, "metric": d.metric, "scope": d.scope} for d in self.detectors
            ],
            "incidents": list(self.incidents),
            "response": {
                "mode": r.mode,
                "ack_minutes": r.ack_minutes,
                "night_ack_minutes": r.night_ack_minutes,
                "escalation_probability": r.escalation_probability,
            },
            "summary": self.summary.as_dict(),
        }

    def to_json(self) -> str:
        """The JSON text (2-space indent, no NaN), without a final newline."""
        return json.dumps(self.as_dict(), indent=2, allow_nan=False)


def summary_document(result: Simulation, setup: Setup) -> SummaryDocument:
    """The document of ``result`` replayed on ``setup``."""
    return SummaryDocument(
        seed=result.seed,
        detectors=tuple(DetectorEntry(d.name, d.metric, d.scope) for d in setup.detectors),
        incidents=tuple(s.name for s in setup.incidents),
        response=setup.config.response,
        summary=result.summary,
    )


def write_output(result: Simulation, setup: Setup, path: str) -> Path:
    """Write JSON (summary) or CSV/Parquet (one row per run) atomically; returns the path."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        return atomic_write_text(target, summary_document(result, setup).to_json() + "\n")
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
