"""Replay a staged rollout over historical incidents: blast radius and time to roll back.

The model is described in ``docs/replay.md``: a deployment controller walks the plan's stages,
the new version behaves like a labelled incident replayed from its onset, detectors watch the
canary or the fleet, and an automated abort or a paged human rolls back.
"""

from simulations.replay.config import ReplayConfig, ResponseConfig
from simulations.replay.fast import detect, replay_runs, run_events
from simulations.replay.montecarlo import Simulation, simulate
from simulations.replay.outcome import BlastRadius, RunResult
from simulations.replay.setup import (
    IncidentShape,
    LevelSpec,
    Setup,
    StageSpec,
    build_setup,
    incident_shapes,
    step_incident,
)
from simulations.replay.summary import summarise

__all__ = [
    "BlastRadius",
    "IncidentShape",
    "LevelSpec",
    "ReplayConfig",
    "ResponseConfig",
    "RunResult",
    "Setup",
    "Simulation",
    "StageSpec",
    "build_setup",
    "detect",
    "incident_shapes",
    "replay_runs",
    "run_events",
    "simulate",
    "step_incident",
    "summarise",
]
