"""The fast replay: detection from vectorised detectors over whole runs, SimPy for the events.

For a batch of runs, every detector judges all runs at once on a 2-D :class:`Observed`
(runs x steps). A run's detection is the earliest alarm of any detector at a deploy step in
``[0, horizon)``; the detection time is the end of that sample. Only then does SimPy run the
few discrete events (stages, detection, page, rollback levels) of each run. Before the
detection the exposure follows the schedule, so the precomputed observations are exactly what
monitoring would have seen; afterwards they no longer matter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulations.replay.events import Event, run_timelines
from simulations.replay.measure.observe import View, observe
from simulations.replay.measure.outcome import RunResult, build_result
from simulations.replay.setup import Setup
from simulations.replay.world import Workspace, World, build_world, draw_runs

__all__ = ["BATCH", "detect", "replay_runs", "run_events"]

BATCH = 16  # runs judged together: amortises numpy calls; small arrays stay in cache


def detect(setup: Setup, world: World) -> list[tuple[int | None, str]]:
    """Per run: the detection step (end of the first alarmed sample) and the detector."""
    n = len(world.draws)
    best = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    who = np.full(n, -1)
    horizons = world.horizons
    views: dict[tuple[str, str], View] = {}
    for d, det in enumerate(setup.detectors):
        key = (det.scope, det.metric)
        view = views[key] = views.get(key) or observe(setup, world, det)
        fired = det.firing(view.obs)
        offsets = view.offsets
        if (offsets == offsets[0]).all() and offsets[0] <= 0:  # one slice drops the history
            ok = fired[:, -int(offsets[0]) :]
            offsets = np.zeros_like(offsets)
        else:
            steps = offsets[:, None] + np.arange(fired.shape[-1])[None, :]
            ok = fired & (steps >= 0)
        first = np.argmax(ok, axis=-1)
        hit = ok[np.arange(len(first)), first]  # the row fires at all (argmax of all-False is 0)
        at = offsets + first + 1
        at = np.where(hit & (at <= horizons), at, np.iinfo(np.int64).max)
        better = at < best
        best = np.where(better, at, best)
        who = np.where(better, d, who)
    return [
        (None, "") if w < 0 else (int(b), setup.detectors[int(w)].name)
        for b, w in zip(best, who, strict=True)
    ]


def replay_runs(setup: Setup, seed: int, runs: Sequence[int]) -> list[RunResult]:
    """Replay the given run numbers under ``seed`` (results in the order of ``runs``)."""
    out: list[RunResult] = []
    work: Workspace = {}  # buffers reused by every batch: no fresh large allocations
    for i in range(0, len(runs), BATCH):
        world = build_world(setup, draw_runs(setup, seed, runs[i : i + BATCH]), work)
        found = detect(setup, world)
        timelines = run_timelines(setup, world.draws, [step for step, _ in found])
        for row, ((step, name), timeline) in enumerate(zip(found, timelines, strict=True)):
            out.append(build_result(setup, world, row, step, name, timeline))
    return out


def run_events(setup: Setup, seed: int, run: int) -> tuple[Event, ...]:
    """The event log of one run, ``(minute, kind, detail)`` in time order, for timeline plots.

    The run is replayed again on its own (same random numbers, so the same run).
    """
    world = build_world(setup, draw_runs(setup, seed, [run]))
    ((step, _),) = detect(setup, world)
    return run_timelines(setup, world.draws, [step])[0].events
