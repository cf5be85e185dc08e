"""The discrete events of one run as SimPy processes: stages, detection, page, rollback.

``controller`` walks the stages; the detection interrupts it and promotion halts (the
exposure then stays where it was until traffic is restored). ``responder`` is the response:
an automated abort, or a page to the on-call ``Resource``, an acknowledgement delay and rollback
levels that may fail and escalate. :func:`run_timelines` owns the ``Environment`` and returns
frozen :class:`Timeline` records with the event log (minutes from the deploy start, kind, detail).
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy

from simulations.replay.setup import LevelSpec, Setup
from simulations.replay.world import RunDraw

__all__ = [
    "Event",
    "RunState",
    "Timeline",
    "ack_minutes",
    "level_minutes",
    "levels_from",
    "run_timeline",
    "run_timelines",
    "stage_before",
]

Event = tuple[float, str, str]


@dataclass(frozen=True)
class Timeline:
    """When traffic was restored and the service recovered (minutes from the deploy start)."""

    restored_at: float | None
    recovered_at: float | None
    levels: tuple[int, ...]
    events: tuple[Event, ...]


def ack_minutes(setup: Setup, draw: RunDraw, hour: int) -> float:
    """Exponential acknowledgement time (mean per hour of day) from the run's uniform."""
    return -setup.config.response.ack_mean(hour) * math.log1p(-draw.ack_u)


def level_minutes(estimate: float, u: float) -> float:
    """Triangular(0.5 e, e, 2 e) duration at quantile ``u`` (inverse CDF)."""
    a, c, b = 0.5 * estimate, estimate, 2.0 * estimate
    if b == a:
        return estimate
    if u < (c - a) / (b - a):
        return a + math.sqrt(u * (b - a) * (c - a))
    return b - math.sqrt((1 - u) * (b - a) * (b - c))


def levels_from(setup: Setup, start_level: int | None) -> list[tuple[int, LevelSpec]]:
    """(index in ``setup.levels``, level) from ``start_level`` up; all of them if none is."""
    first = start_level or 1
    chosen = [(i, lv) for i, lv in enumerate(setup.levels) if lv.level >= first]
    return chosen or list(enumerate(setup.levels))


def controller(
    env: simpy.Environment, setup: Setup, draw: RunDraw, log: list[Event]
) -> Generator[Any, Any, None]:
    """Walk the stages; a detection interrupts it and promotion stops."""
    step = setup.step_minutes
    for stage, bake in zip(setup.stages, draw.bake, strict=True):
        log.append((env.now, "stage", f"{stage.name} {stage.exposure * 100:g}%"))
        if bake == 0:
            continue
        try:
            yield env.timeout(bake * step)
        except simpy.Interrupt:
            log.append((env.now, "halted", stage.name))
            return
    log.append((env.now, "rollout complete", ""))


@dataclass
class RunState:
    """What one run's processes share while the clock runs (mutable; read once it stops).

    Attributes:
        log: the run's events, in time order.
        levels: rollback levels started, in order.
        restored: minute traffic was back on the stable version (None: never).
        recovered: minute the response finished (scale-down, or the level's end).
        controller: the deployment controller's process, interrupted by a detection.
    """

    log: list[Event] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    restored: float | None = None
    recovered: float | None = None
    controller: simpy.Process | None = None


def responder(
    env: simpy.Environment,
    setup: Setup,
    draw: RunDraw,
    start_level: int | None,
    hour: int,
    on_call: simpy.Resource | None,
    state: RunState,
) -> Generator[Any, Any, None]:
    """Restore traffic after a detection: automated abort or a paged human's rollback.

    ``on_call`` is the engineers' ``Resource`` (None: one of ``response.on_call`` is made).
    """
    resp, log = setup.config.response, state.log
    if resp.mode == "automated":
        log.append((env.now, "abort", "traffic to stable"))
        yield env.timeout(resp.abort_traffic_minutes)
        state.restored = env.now
        log.append((env.now, "restored", "automated abort"))
        yield env.timeout(resp.abort_scale_down_delay_seconds / 60.0)
        state.recovered = env.now
        log.append((env.now, "scaled down", ""))
        return
    log.append((env.now, "paged", f"hour {hour:02d} UTC"))
    if on_call is None:
        on_call = simpy.Resource(env, capacity=resp.on_call)
    with on_call.request() as req:
        yield req
        yield env.timeout(ack_minutes(setup, draw, hour))
        log.append((env.now, "acknowledged", ""))
        chosen = levels_from(setup, start_level)
        for n, (i, lv) in enumerate(chosen):
            state.levels.append(lv.level)
            log.append((env.now, "level start", f"{lv.level} {lv.name}"))
            yield env.timeout(level_minutes(lv.estimated_minutes, draw.level_u[i]))
            last = n == len(chosen) - 1
            if not last and draw.escalate_u[i] < resp.escalation_probability:
                log.append((env.now, "level failed", str(lv.level)))
                continue
            state.restored = state.recovered = env.now
            log.append((env.now, "restored", f"level {lv.level}"))
            return


def run_timelines(
    setup: Setup, draws: Sequence[RunDraw], detect_steps: Sequence[int | None]
) -> list[Timeline]:
    """Run each run's stages and, where its detection step is set, its response.

    The runs share one ``Environment`` (they are independent processes on the same clock),
    so a batch pays for one event loop.
    """
    env = simpy.Environment()
    states: list[RunState] = []
    for draw, step in zip(draws, detect_steps, strict=True):
        state = RunState()
        if step is not None:  # created first: at equal times, detection precedes promotion
            env.process(_detection(env, setup, draw, step, state))
        state.controller = env.process(controller(env, setup, draw, state.log))
        states.append(state)
    env.run()
    return [Timeline(st.restored, st.recovered, tuple(st.levels), tuple(st.log)) for st in states]


def run_timeline(setup: Setup, draw: RunDraw, detect_step: int | None) -> Timeline:
    """Run one run's stages and, if ``detect_step`` is set, the response from that step on."""
    return run_timelines(setup, [draw], [detect_step])[0]


def _detection(
    env: simpy.Environment,
    setup: Setup,
    draw: RunDraw,
    detect_step: int,
    state: RunState,
) -> Generator[Any, Any, None]:
    yield env.timeout(detect_step * setup.step_minutes)
    state.log.append((env.now, "detected", ""))
    walk = state.controller
    if walk is not None and walk.is_alive:
        walk.interrupt("detected")
    stage = stage_before(draw, detect_step)
    hour = int(setup.hours[min(draw.start + detect_step, setup.n_steps - 1)])
    yield from responder(env, setup, draw, setup.stages[stage].rollback_level, hour, None, state)


def stage_before(draw: RunDraw, step: int) -> int:
    """The stage of sample ``step - 1`` (the exposure frozen by a detection at ``step``)."""
    t, k_last = 0, 0
    for k, bake in enumerate(draw.bake):
        if bake > 0:
            if t <= step - 1 < t + bake:
                return k
            k_last = k
        t += bake
    return len(draw.bake) - 1 if step - 1 >= t else k_last
