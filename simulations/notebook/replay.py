"""A replay as notebooks show it: the Monte Carlo runs, and one run told step by step.

:func:`run_replay` runs ``simulations.replay`` for a plan and a labelled trace from notebook
parameters. :func:`run_story` re-runs one replication (same seed, same run number, so the same
draws) and keeps what a timeline figure needs: per step the stable and new version's metric and
the exposure, the stage boundaries, the onset, the detection, the restore, and the event log.
Minutes are from the deploy start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.model import Plan
from simulations.detectors.from_plan import detectors_from_plan, plan_monitor
from simulations.notebook.tuning import load_labelled_trace
from simulations.replay import (
    ReplayConfig,
    ResponseConfig,
    Setup,
    Simulation,
    build_setup,
    detect,
    simulate,
)
from simulations.replay.events import Event, run_timeline
from simulations.replay.world import build_world, draw_run, stage_starts

__all__ = ["ReplayInputs", "RunStory", "pick_run", "run_replay", "run_story"]


@dataclass(frozen=True)
class ReplayInputs:
    """What to replay: a labelled trace, the watched metric, detectors and the response.

    ``detectors`` are family names (static, argo, flagger, burnrate, baseline) configured from
    the plan's monitor of ``metric``; ``response`` is ``human`` or ``automated``; ``runs`` is the
    number of replications under ``seed``; ``trace_format`` one of
    :data:`~simulations.loaders.detect.FORMATS`.
    """

    trace_path: str
    labels_path: str = ""
    metric: str = "error_ratio"
    detectors: tuple[str, ...] = ("static",)
    response: str = "human"
    runs: int = 200
    seed: int = 0
    trace_format: str = "auto"


def run_replay(plan: Plan, inputs: ReplayInputs) -> tuple[Setup, Simulation]:
    """The replay set-up and its Monte Carlo result (in this process: notebooks stay simple).

    Raises:
        ReplayError: no monitor of the metric, bad detectors, a trace too short for the rollout.
        TraceError: the trace or labels cannot be read.
    """
    trace = load_labelled_trace(
        inputs.trace_path, inputs.labels_path, inputs.trace_format, inputs.metric
    )
    config = ReplayConfig(response=ResponseConfig(mode=inputs.response))  # type: ignore[arg-type]
    step = trace.step.total_seconds() / 60.0  # a coarser trace rounds the monitors' intervals up
    detectors = detectors_from_plan(plan, inputs.metric, inputs.detectors, step)
    setup = build_setup(plan, trace, detectors, trace.incidents, config)
    return setup, simulate(setup, inputs.runs, inputs.seed, workers=1)


@dataclass(frozen=True, eq=False)
class RunStory:
    """One replication, for a timeline figure.

    ``frame`` is indexed by minutes from the deploy start and has ``stable`` and ``new`` (the
    metric of each version; ``new`` is NaN once traffic is restored), ``exposure_percent``
    (0 from the restore on); ``stages`` holds (name, start, end) minutes.
    """

    run: int
    metric: str
    threshold: float
    frame: pd.DataFrame
    stages: tuple[tuple[str, float, float], ...]
    onset_minutes: float | None
    detected_minutes: float | None
    restored_minutes: float | None
    detector: str
    events: tuple[Event, ...]


def pick_run(simulation: Simulation) -> int:
    """A telling run: the first one whose incident was detected, else the first run."""
    runs = simulation.runs
    hit = runs[runs["detected"] & ~runs["false_rollback"] & (runs["incident"] != "")]
    return int(hit["run"].iloc[0]) if len(hit) else int(runs["run"].iloc[0])


def run_story(plan: Plan, setup: Setup, seed: int, run: int, metric: str) -> RunStory:
    """Replay run ``run`` under ``seed`` again, keeping its timeline (the Monte Carlo draws).

    Raises:
        ReplayError: as :func:`simulations.replay.simulate`.
    """
    draw = draw_run(setup, seed, run)
    world = build_world(setup, (draw,))
    ((detect_step, detector),) = detect(setup, world)
    timeline = run_timeline(setup, draw, detect_step)
    step = setup.step_minutes
    width = world.exposure.shape[1]
    minutes = (np.arange(width) - world.lead) * step
    valid = minutes < world.horizons[0] * step
    frame = pd.DataFrame(
        {
            "stable": world.old[metric][0][valid],
            "new": world.new[metric][0][valid],
            "exposure_percent": world.exposure[0][valid] * 100,
        },
        index=pd.Index(minutes[valid], name="minutes"),
    )
    if timeline.restored_at is not None:
        # rolled back: from the restore on, no traffic reaches the new version (the Monte Carlo
        # world keeps its schedule only because later steps no longer count for this run)
        after = frame.index >= timeline.restored_at
        frame.loc[after, "exposure_percent"] = 0.0
        frame.loc[after, "new"] = np.nan
    starts = stage_starts(draw.bake) * step
    stages = tuple(
        (s.name, float(starts[i]), float(starts[i + 1])) for i, s in enumerate(setup.stages)
    )
    return RunStory(
        run=run,
        metric=metric,
        threshold=plan_monitor(plan, metric).critical,
        frame=frame,
        stages=stages,
        onset_minutes=draw.onset * step if draw.incident >= 0 else None,
        detected_minutes=None if detect_step is None else detect_step * step,
        restored_minutes=timeline.restored_at,
        detector=detector,
        events=timeline.events,
    )
