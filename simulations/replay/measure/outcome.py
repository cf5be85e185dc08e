"""One run's result: detection, time to roll back, blast radius.

Blast radius (failed requests attributable to the change) is ``requests x exposure x excess
error ratio`` summed per step from the onset until traffic is restored (a partly covered last
step counts pro rata; undetected: until the horizon or the end of the incident). The exposure
is the stage schedule until the detection, then frozen at the exposure of the last sample seen
(promotion halts). Sums use ``math.fsum`` so the order of addition never changes a result.

Users affected: users keep their version (sticky canary) and send ``k = requests_per_user``
requests each during the exposure; failures fall at random among the ``N`` canary requests
from the onset until restore, so a user escapes with probability ``(1 - F/N)^k`` and
``users = N/k x (1 - (1 - F/N)^k)`` (about ``F`` when failures are rare, ``N/k`` when all fail).

Exposure-minutes: exposure fraction x minutes from the onset until restore or the incident's
end, whichever is first (10 % for an hour is 6); users are counted over the same window. A
rollback on a run without incident, or before the incident's onset, is a false rollback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from simulations.replay.events import Timeline, stage_before
from simulations.replay.setup import ERROR_RATIO, Setup
from simulations.replay.world import World, stage_at

__all__ = ["BlastRadius", "RunResult", "blast_radius", "build_result", "users_affected"]


@dataclass(frozen=True)
class BlastRadius:
    """Failed requests, users affected and exposure-minutes of one run."""

    failed_requests: float
    users: float
    exposure_minutes: float


def users_affected(failed: float, canary_requests: float, requests_per_user: float) -> float:
    """Distinct users with at least one failed request (see the module docstring)."""
    if canary_requests <= 0 or failed <= 0:
        return 0.0
    share = min(1.0, failed / canary_requests)
    k = requests_per_user
    return float(canary_requests / k * (1.0 - (1.0 - share) ** k))


def actual_exposure(world: World, row: int, detect_step: int | None) -> NDArray[np.float64]:
    """The schedule, frozen from ``detect_step`` at the exposure of sample ``detect_step - 1``."""
    e = world.exposure[row, world.lead : world.lead + world.horizons[row]].copy()
    if detect_step is not None and 0 < detect_step < len(e):
        e[detect_step:] = e[detect_step - 1]
    return e


def blast_radius(
    setup: Setup, world: World, row: int, detect_step: int | None, restored_at: float | None
) -> BlastRadius:
    """Blast radius of run ``row`` of ``world`` (zero without an incident)."""
    draw, horizon = world.draws[row], int(world.horizons[row])
    if draw.incident < 0:
        return BlastRadius(0.0, 0.0, 0.0)
    step = setup.step_minutes
    end = horizon if restored_at is None else min(horizon, restored_at / step)
    onset = draw.onset
    end = min(end, onset + setup.incidents[draw.incident].length)  # then it behaves again
    last = math.ceil(end)
    if last <= onset:
        return BlastRadius(0.0, 0.0, 0.0)
    e = actual_exposure(world, row, detect_step)[onset:last]
    frac = np.ones(last - onset)
    frac[-1] = min(1.0, end - (last - 1))
    cols = slice(world.lead + onset, world.lead + last)
    requests = world.requests[row, cols]
    excess = np.maximum(world.new[ERROR_RATIO][row, cols] - world.old[ERROR_RATIO][row, cols], 0.0)
    x = requests * e * excess
    canary = requests * e
    if frac[-1] < 1.0:
        x[-1] *= frac[-1]
        canary[-1] *= frac[-1]
    failed = math.fsum(x[x != 0].tolist())  # zeros change no exact sum
    exposure = math.fsum((e * frac).tolist()) * step
    users = users_affected(failed, math.fsum(canary.tolist()), setup.config.requests_per_user)
    return BlastRadius(failed, users, exposure)


@dataclass(frozen=True)
class RunResult:
    """One replication. Minutes are from the deploy start unless named ``time_to_*``."""

    run: int
    incident: str
    onset_stage: str
    onset_minutes: float
    detected: bool
    detector: str
    detection_minutes: float
    detection_stage: str
    time_to_detect_minutes: float
    time_to_rollback_minutes: float
    time_to_recover_minutes: float
    levels: str
    failed_requests: float
    users: float
    exposure_minutes: float
    false_rollback: bool
    deploy_start: int

    def row(self) -> dict[str, Any]:
        """A plain dict for a DataFrame row."""
        return dict(self.__dict__)  # fields in order; shallow (all plain values)


def build_result(
    setup: Setup,
    world: World,
    row: int,
    detect_step: int | None,
    detector: str,
    timeline: Timeline,
) -> RunResult:
    """Assemble the :class:`RunResult` of run ``row`` from its detection and timeline."""
    step, draw = setup.step_minutes, world.draws[row]
    has_incident = draw.incident >= 0
    onset = draw.onset * step if has_incident else math.nan
    detected = detect_step is not None
    det_min = detect_step * step if detect_step is not None else math.nan
    restored = math.nan if timeline.restored_at is None else timeline.restored_at
    recovered = math.nan if timeline.recovered_at is None else timeline.recovered_at
    blast = blast_radius(setup, world, row, detect_step, timeline.restored_at)
    return RunResult(
        run=draw.run,
        incident=setup.incidents[draw.incident].name if has_incident else "",
        onset_stage=setup.stages[stage_at(draw, draw.onset)].name if has_incident else "",
        onset_minutes=onset,
        detected=detected,
        detector=detector,
        detection_minutes=det_min,
        detection_stage=(
            setup.stages[stage_before(draw, detect_step)].name if detect_step is not None else ""
        ),
        time_to_detect_minutes=det_min - onset,
        time_to_rollback_minutes=restored - det_min,
        time_to_recover_minutes=recovered - onset,
        levels=",".join(str(lv) for lv in timeline.levels),
        failed_requests=blast.failed_requests,
        users=blast.users,
        exposure_minutes=blast.exposure_minutes,
        false_rollback=detected and (not has_incident or det_min <= onset),
        deploy_start=draw.start,
    )
