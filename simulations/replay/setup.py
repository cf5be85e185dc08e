"""The replay's inputs in array form: stages and levels from the plan, the stable version's
metrics from the trace, and incident shapes (the new version's behaviour from onset).

The stable version ("old") is the trace's metric with labelled incident windows and gaps filled
by the median of the remaining samples (the same metric outside incidents). An incident shape is
the trace's metrics inside a labelled window, replayed from its onset; a synthetic shape is a
constant level (:func:`step_incident`). Traffic is the trace's ``requests`` column, else
``request_rate x 60 x step``, else ``ReplayConfig.requests_per_step``. The error ratio is the
``error_ratio`` column, else ``errors / requests``, else 0 (no error data: no failed requests).
``success_rate`` is derived as ``1 - error_ratio``. The trace's own ``errors`` counts outside
labelled incidents are kept as the stable version's real error noise (:mod:`.world`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.model import Plan
from simulations._types import FloatArray
from simulations.detectors.base import Detector
from simulations.exceptions import ReplayError
from simulations.replay.config import ReplayConfig
from simulations.replay.sampled import LatencyNoise, latency_noise
from simulations.traces.model import Incident, Trace
from simulations.traces.series import trace_series

__all__ = [
    "IncidentShape",
    "LevelSpec",
    "Setup",
    "StageSpec",
    "build_setup",
    "incident_shapes",
    "step_incident",
]

ERROR_RATIO = "error_ratio"
SUCCESS_RATE = "success_rate"


@dataclass(frozen=True)
class StageSpec:
    """A stage: exposure fraction (0-1), bake bounds (minutes), rollback level to start from."""

    name: str
    exposure: float
    wait_min: float
    wait_max: float
    rollback_level: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.exposure <= 1:
            raise ReplayError(f"stages[{self.name}].exposure: {self.exposure} is outside 0-1")
        if not 0 <= self.wait_min <= self.wait_max:
            raise ReplayError(
                f"stages[{self.name}].wait_minutes: need 0 <= min <= max, "
                f"got {self.wait_min}, {self.wait_max}"
            )


@dataclass(frozen=True)
class LevelSpec:
    """A rollback level usable by a human: number, name, estimated minutes (> 0)."""

    level: int
    name: str
    estimated_minutes: float

    def __post_init__(self) -> None:
        if self.estimated_minutes < 0:
            raise ReplayError(
                f"rollback.levels[{self.level}].estimated_minutes: {self.estimated_minutes} "
                "must be >= 0"
            )


@dataclass(frozen=True, eq=False)
class IncidentShape:
    """The new version's metrics from the incident onset on, one array per metric (NaN: as old)."""

    name: str
    values: Mapping[str, FloatArray]

    @cached_property
    def length(self) -> int:
        """Number of steps the shape lasts."""
        return max((len(v) for v in self.values.values()), default=0)


def step_incident(
    levels: Mapping[str, float], minutes: float, step_minutes: float
) -> IncidentShape:
    """A synthetic incident: each metric jumps to a constant ``levels[metric]`` for ``minutes``."""
    if minutes <= 0:
        raise ReplayError(f"incident duration {minutes} min must be > 0")
    n = max(1, round(minutes / step_minutes))
    return IncidentShape(
        f"step {minutes:g} min", {m: np.full(n, float(x)) for m, x in levels.items()}
    )


@dataclass(frozen=True, eq=False)
class Setup:
    """Everything a run needs, as arrays over the trace's steps."""

    stages: tuple[StageSpec, ...]
    levels: tuple[LevelSpec, ...]
    step_minutes: float
    hours: NDArray[np.int64]  # UTC hour of each trace sample
    requests: FloatArray  # requests per step (whole numbers)
    old: Mapping[str, FloatArray]  # the stable version's metrics
    incidents: tuple[IncidentShape, ...]
    detectors: tuple[Detector, ...]
    config: ReplayConfig = field(default_factory=ReplayConfig)
    statistics: Mapping[str, str | None] = field(default_factory=dict)  # latency percentile names
    errors: FloatArray | None = None  # the trace's failed requests per step; NaN: not usable
    latency_noise: Mapping[str, LatencyNoise] = field(default_factory=dict)  # canary latencies

    def __post_init__(self) -> None:
        if not self.stages:
            raise ReplayError("stages: a plan needs at least one stage")
        if not self.detectors:
            raise ReplayError("detectors: give at least one detector")
        onset, cfg = self.config.onset_minutes, self.config
        end = sum(s.wait_min for s in self.stages) + cfg.tail_minutes
        if onset is not None and onset >= end:
            raise ReplayError(
                f"replay.onset_minutes(={onset:g}) is not before the replay's end ({end:g} min: "
                "the stages' shortest waits plus the tail); the incident would never be replayed"
            )
        if self.config.response.mode == "human" and not self.levels:
            raise ReplayError("rollback.levels: no applicable level with estimated_minutes")
        for det in self.detectors:
            if det.metric not in self.old:
                raise ReplayError(
                    f"detector {det.name}: metric {det.metric!r} is not in the trace "
                    f"(has {', '.join(sorted(self.old))})"
                )

    @property
    def n_steps(self) -> int:
        """Trace length in steps."""
        return len(self.requests)

    @cached_property
    def error_gaps(self) -> NDArray[np.int64]:
        """Trace steps without a usable error count (all of them without ``errors``)."""
        if self.errors is None:
            return np.arange(self.n_steps, dtype=np.int64)
        return np.flatnonzero(np.isnan(self.errors)).astype(np.int64)

    @cached_property
    def run_steps(self) -> int:
        """Trace steps a typical run judges from its deploy start: every stage's mean bake
        (its shortest with ``fixed_bake``) and the tail."""
        cfg, step = self.config, self.step_minutes
        bakes = (
            s.wait_min if cfg.fixed_bake else (s.wait_min + s.wait_max) / 2 for s in self.stages
        )
        return max(1, round(sum(bakes) / step) + round(cfg.tail_minutes / step))

    @cached_property
    def history_steps(self) -> int:
        """Steps of stable-only history before the deploy (see ``fleet_history_minutes``)."""
        minutes = self.config.fleet_history_minutes
        if minutes is None:
            fleet = [d for d in self.detectors if d.scope == "fleet"]
            longs = [w.long_minutes for d in fleet for w in getattr(d, "windows", ())]
            minutes = max(longs, default=60.0) if fleet else 0.0
        return round(minutes / self.step_minutes)


def calendar_holds(plan: Plan) -> dict[int, float]:
    """Stage index -> minutes the calendar keeps it before the next stage, for each stage whose
    successor the calendar holds for a deployment window (``held_until``); empty without a
    schedule."""
    if not plan.schedule:
        return {}
    starts = {s.stage: pd.Timestamp(s.start) for s in plan.schedule}
    held = {s.stage for s in plan.schedule if s.held_until}
    out: dict[int, float] = {}
    for i, (stage, nxt) in enumerate(zip(plan.stages, plan.stages[1:], strict=False)):
        if nxt.name in held and stage.name in starts and nxt.name in starts:
            out[i] = (starts[nxt.name] - starts[stage.name]).total_seconds() / 60.0
    return out


def plan_stages(plan: Plan) -> tuple[StageSpec, ...]:
    """The plan's stages as :class:`StageSpec` (exposure percent -> fraction).

    A scheduled plan's calendar holds are kept: before a held stage, the wait is at least the
    calendar's gap between the two stage starts (:func:`calendar_holds`). Assumption: a wait
    drawn longer than that gap starts the next stage when it ends, as if a window were open
    then (the calendar would wait for the next window).
    """
    holds = calendar_holds(plan)
    return tuple(
        StageSpec(
            s.name,
            s.exposure_percent / 100.0,
            max(s.wait_minutes.min, holds.get(i, 0.0)),
            max(s.wait_minutes.max, holds.get(i, 0.0)),
            s.rollback_level,
        )
        for i, s in enumerate(plan.stages)
    )


def plan_levels(plan: Plan) -> tuple[LevelSpec, ...]:
    """Applicable rollback levels with an estimate, in level order."""
    usable = [
        LevelSpec(lv.level, lv.name, float(lv.estimated_minutes))
        for lv in plan.rollback.levels
        if lv.applicable and lv.estimated_minutes is not None
    ]
    return tuple(sorted(usable, key=lambda lv: lv.level))


def _fill(values: FloatArray, mask: NDArray[np.bool_]) -> FloatArray:
    """``values`` with masked and NaN samples replaced by the median of the rest."""
    keep = ~mask & ~np.isnan(values)
    med = float(np.median(values[keep])) if keep.any() else 0.0
    return np.where(keep, values, med)


def _columns(trace: Trace, config: ReplayConfig) -> dict[str, FloatArray]:
    """Per-step arrays: requests, error_ratio, success_rate and every other numeric column."""
    frame = trace.frame
    cols = {str(c): frame[c].to_numpy(dtype=np.float64) for c in frame.columns}
    step_min = trace.step.total_seconds() / 60.0
    if "requests" not in cols:
        if "request_rate" in cols:
            cols["requests"] = cols["request_rate"] * 60.0 * step_min
        else:
            cols["requests"] = np.full(len(frame), config.requests_per_step)
    if ERROR_RATIO not in cols:
        if "errors" in cols:
            with np.errstate(invalid="ignore", divide="ignore"):
                cols[ERROR_RATIO] = cols["errors"] / cols["requests"]
        else:
            cols[ERROR_RATIO] = np.zeros(len(frame))
    cols[SUCCESS_RATE] = 1.0 - cols[ERROR_RATIO]
    return cols


def _check_watchable(trace: Trace, detector: Detector) -> None:
    """Reject a detector whose metric the trace does not measure.

    The error-ratio column :func:`_columns` makes up for a trace without errors (all zero, so
    the blast radius counts no failed requests) must never be watched as if it were data.
    """
    metric = detector.metric
    cols = set(trace.frame.columns)
    derived = trace_series(trace, metric) is not None
    if derived or (metric == "requests" and "request_rate" in cols):
        return
    raise ReplayError(
        f"detector {detector.name}: metric {metric!r} is not in the trace {trace.name!r} "
        f"(it measures {', '.join(map(str, trace.frame.columns))}; pick one with --metric)"
    )


def _positions(trace: Trace, incident: Incident) -> tuple[int, int]:
    idx = trace.frame.index
    first, last = idx[0], idx[-1] + trace.step
    if incident.start < first or incident.end > last:
        raise ReplayError(
            f"incident {incident.start.isoformat()}/{incident.end.isoformat()} is outside the "
            f"trace {first.isoformat()}/{last.isoformat()}"
        )
    a, b = int(idx.searchsorted(incident.start)), int(idx.searchsorted(incident.end))
    if b <= a:
        raise ReplayError(
            f"incident {incident.start.isoformat()}/{incident.end.isoformat()} covers no sample "
            f"of the trace (one every {trace.step}); widen it to at least one step"
        )
    return a, b


def incident_shapes(trace: Trace, incidents: Sequence[Incident]) -> tuple[IncidentShape, ...]:
    """Each labelled window's metrics, replayed from its onset.

    Raises:
        ReplayError: an incident lies (partly) outside the trace.
    """
    cols = _columns(trace, ReplayConfig())
    shapes = []
    for inc in incidents:
        a, b = _positions(trace, inc)
        name = f"{inc.start.isoformat()} {inc.cause}".strip()
        shapes.append(IncidentShape(name, {m: v[a:b].copy() for m, v in cols.items()}))
    return tuple(shapes)


def build_setup(
    plan: Plan,
    trace: Trace,
    detectors: Sequence[Detector],
    incidents: Sequence[Incident] | None = None,
    config: ReplayConfig | None = None,
    shapes: Sequence[IncidentShape] = (),
) -> Setup:
    """Arrays for replaying ``plan`` over ``trace``.

    Args:
        incidents: labelled windows to replay; None uses ``trace.incidents``.
        shapes: extra (synthetic) incident shapes.

    Raises:
        ReplayError: an incident outside the trace, a detector metric the trace lacks, no stage.
    """
    config = config or ReplayConfig()
    for det in detectors:
        _check_watchable(trace, det)
    chosen = tuple(trace.incidents if incidents is None else incidents)
    cols = _columns(trace, config)
    mask = np.zeros(len(trace.frame), dtype=np.bool_)
    for inc in (*trace.incidents, *chosen):
        a, b = _positions(trace, inc)
        mask[a:b] = True
    old = {m: _fill(v, mask) for m, v in cols.items() if m != "requests"}
    requests = np.round(_fill(cols["requests"], np.zeros_like(mask)))
    index = pd.DatetimeIndex(trace.frame.index).tz_convert("UTC")
    stats = {m.name: m.statistic for m in trace.metrics}
    return Setup(
        stages=plan_stages(plan),
        levels=plan_levels(plan),
        step_minutes=trace.step.total_seconds() / 60.0,
        hours=np.asarray(index.hour, dtype=np.int64),
        requests=requests,
        old=old,
        incidents=(*incident_shapes(trace, chosen), *shapes),
        detectors=tuple(detectors),
        config=config,
        statistics=stats,
        errors=np.where(mask, np.nan, cols["errors"]) if "errors" in cols else None,
        latency_noise=latency_noise(trace, detectors, config, cols, mask),
    )
