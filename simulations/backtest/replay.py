"""The SimPy replay model's view of a rule set: blast radius with the plan's stages and response.

The backtest scores rules with the stage-exposure and sample models (:mod:`.exposure`,
:mod:`.noise`), cheap enough to sweep. With a plan, :func:`replay_rule_set` also replays every
trace's labelled incidents through the replay model of :mod:`simulations.replay` (random
onsets in any stage, binomial canary counts, the response: automated abort or paged on-call
with rollback levels) using the rule set's detectors, and returns that model's summary:
detection and false-rollback fractions, time to roll back, and blast radius in failed
requests, users and exposure-minutes.
Relative rules have no counterpart there (the replay computes the raw metric) and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from planner.model import Plan
from planner.thresholds.file import RuleSet
from simulations.detectors.registry import build_detector
from simulations.replay import ReplayConfig, ResponseConfig, build_setup, simulate, summarise
from simulations.traces.model import Trace
from simulations.traces.series import trace_series

__all__ = ["ReplayRequest", "replay_rule_set"]

_KEYS = (
    "runs",
    "detected_fraction",
    "false_rollback_fraction",
    "time_to_detect_minutes",
    "time_to_rollback_minutes",
    "blast_radius",
)


@dataclass(frozen=True)
class ReplayRequest:
    """Replay ``runs`` replications per trace of ``plan`` with ``seed`` (trace i: seed + i)."""

    plan: Plan
    runs: int = 200
    seed: int = 0
    response: Literal["automated", "human"] = "automated"


def replay_rule_set(
    rule_set: RuleSet, traces: Sequence[Trace], request: ReplayRequest
) -> dict[str, Any] | None:
    """The replay model's summary for ``rule_set`` over ``traces`` (None: nothing to replay)."""
    config = ReplayConfig(response=ResponseConfig(mode=request.response), fixed_bake=True)
    frames = []
    order: tuple[str, ...] = ()
    for i, trace in enumerate(traces):
        if not trace.incidents:
            continue
        step = trace.step.total_seconds() / 60.0
        detectors = [
            build_detector(r, step)
            for r in rule_set.rules
            if r.relative is None and trace_series(trace, r.metric) is not None
        ]
        if not detectors:
            continue
        setup = build_setup(request.plan, trace, detectors, config=config)
        sim = simulate(setup, request.runs, request.seed + i, workers=1)
        frames.append(sim.runs)
        order = tuple(s.name for s in setup.stages)
    if not frames:
        return None
    runs = pd.concat(frames, ignore_index=True)
    summary = summarise(runs, order).as_dict()
    with_incident = runs[runs["incident"] != ""]
    mean = float(with_incident["failed_requests"].mean()) if len(with_incident) else None
    return {k: summary[k] for k in _KEYS} | {
        "failed_requests_mean": mean,
        "model": "simulations.replay",
        "response": request.response,
    }
