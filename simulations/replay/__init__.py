"""Replay a staged rollout over historical incidents: blast radius and time to roll back.

The model (full text in ``docs/replay.md``): a deployment-controller SimPy process walks the
plan's stages (exposure, bake drawn in ``wait_minutes``); the new version behaves like a
labelled incident window replayed from an onset placed in any stage, the stable version like
the same trace outside incidents; detectors (:mod:`simulations.detectors`) watch the canary
alone (counts drawn from its share of traffic, latency percentiles sampled as the backtest
samples them) or the fleet (traffic-weighted mixture; latency
from the mixture of two log-normals); the first alarm triggers an automated abort or pages an
on-call ``Resource`` who runs rollback levels that may escalate. Per run: onset stage,
detection, levels, time to roll back and recover, blast radius (failed requests, users,
exposure-minutes), false rollbacks, an event log. :func:`simulate` runs N seeded replications
on local processes or dask; :func:`replay_runs` is the fast path, checked against the per-tick
reference in ``tests/support/replay_reference.py``.

Modules:

- ``config``: replay settings (response, users, onsets, latency shape and pod variance).
- ``events``: the discrete events of one run as SimPy processes.
- ``fast``: the fast replay: vectorised detection, SimPy for the events.
- ``measure``: what detectors observe, outcomes and the Monte Carlo summary (subpackage).
- ``montecarlo``: N seeded replications on local processes or dask.
- ``results``: the JSON summary document and the CSV/Parquet runs.
- ``sampled``: the canary's latency percentile as a sample.
- ``setup``: the replay's inputs in array form.
- ``world``: one run's random choices and the per-step world they produce.
"""

from simulations.replay.config import ReplayConfig, ResponseConfig
from simulations.replay.fast import detect, replay_runs, run_events
from simulations.replay.measure.outcome import BlastRadius, RunResult
from simulations.replay.measure.summary import ReplaySummary, SummaryBlock, summarise
from simulations.replay.montecarlo import Simulation, simulate
from simulations.replay.setup import (
    IncidentShape,
    LevelSpec,
    Setup,
    StageSpec,
    build_setup,
    incident_shapes,
    step_incident,
)

__all__ = [
    "BlastRadius",
    "IncidentShape",
    "LevelSpec",
    "ReplayConfig",
    "ReplaySummary",
    "ResponseConfig",
    "RunResult",
    "Setup",
    "Simulation",
    "StageSpec",
    "SummaryBlock",
    "build_setup",
    "detect",
    "incident_shapes",
    "replay_runs",
    "run_events",
    "simulate",
    "step_incident",
    "summarise",
]
