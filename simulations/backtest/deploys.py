"""Replayed deploys cut from labelled traces: incident replays and healthy deploys, as matrices.

Every labelled incident is replayed once per rollout stage: a deploy starts so that the
incident's onset falls at the start of that stage (a replay whose deploy would start before the
trace is skipped, except the canary one, which starts at the onset). The row runs until
``horizon`` after the incident ends. The stretches with no incident (none within ``lead`` before
or ``horizon`` after) are cut into healthy deploys of the rollout's whole duration, one starting
every ``stride``. Rows of one step size share a :class:`DeployBatch`; what a detector sees for a
(metric, scope, relative) triple is built once and cached (:meth:`DeployBatch.observed`).

The new version's behaviour is the trace; the stable version's is the same metric with the
labelled incident samples replaced by the trailing hour's median of the healthy samples (the
model's assumption: incidents are caused by the deploy). The baseline a canary-vs-baseline rule
compares with is that level (the trailing median), not the trace itself, which would be the
canary's own noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from planner.limits import MAX_CELLS
from simulations.backtest.exposure import Rollout, in_scope
from simulations.detectors.base import Observed
from simulations.exceptions import BacktestError
from simulations.traces.model import Trace
from simulations.traces.relative import transform
from simulations.traces.series import SeriesCache, healthy_values, incident_steps, trace_series

__all__ = [
    "DeployBatch",
    "DeploySampling",
    "build_batches",
    "healthy_values",
    "trace_series",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_COUNTED = ("error_ratio", "success_rate")


@dataclass(frozen=True)
class DeploySampling:
    """How deploys are cut: ``lead`` and ``horizon`` minutes, a healthy deploy every ``stride``."""

    rollout: Rollout
    lead_minutes: float = 15.0
    horizon_minutes: float = 60.0
    stride_minutes: float = 120.0


@dataclass(frozen=True)
class DeployBatch:
    """Deploy rows of one step size; ``incident`` rows carry onset/end steps, others -1."""

    step_minutes: float
    traces: tuple[Trace, ...]
    trace_id: IntArray
    start: IntArray
    length: IntArray
    incident_id: IntArray  # index into incidents(), -1 for a healthy deploy
    stage: IntArray  # stage in which the onset falls, -1 for a healthy deploy
    onset: IntArray
    end: IntArray
    exposure: FloatArray
    series: SeriesCache
    _cache: dict[tuple[str, str, str, int], tuple[Observed, NDArray[np.bool_]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # id(values) -> (max, min, gaps, values); the values are kept so the id stays theirs.
    _extremes: dict[int, tuple[FloatArray, FloatArray, NDArray[np.bool_], FloatArray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @cached_property
    def valid(self) -> NDArray[np.bool_]:
        """(rows x steps): the step lies inside the row's deploy (rows are padded to one width)."""
        return np.asarray(np.arange(self.n_steps) < self.length[:, None], dtype=np.bool_)

    def row_extremes(self, obs: Observed) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
        """Per row: largest and smallest value in the deploy, and whether a sample is missing."""
        key = id(obs.value)
        if key not in self._extremes:
            v = obs.value
            finite = self.valid & np.isfinite(v)
            high = np.max(np.where(finite, v, -np.inf), axis=-1)
            low = np.min(np.where(finite, v, np.inf), axis=-1)
            gaps = np.any(self.valid & np.isnan(v), axis=-1)
            self._extremes[key] = (high, low, gaps, obs.value)
        high, low, gaps, _ = self._extremes[key]
        return high, low, gaps

    @property
    def n_rows(self) -> int:
        return int(self.start.size)

    @property
    def n_steps(self) -> int:
        return int(self.exposure.size)

    def _gather(self, per_trace: Sequence[FloatArray | None]) -> FloatArray:
        n = [len(t.frame) for t in self.traces]
        flat = np.concatenate(
            [p if p is not None else np.full(k, np.nan) for p, k in zip(per_trace, n, strict=True)]
            + [np.array([np.nan])]
        )
        offsets = np.concatenate([[0], np.cumsum(n)])[self.trace_id]
        steps = np.arange(self.n_steps)
        idx = offsets[:, None] + self.start[:, None] + steps
        idx = np.where(steps < self.length[:, None], idx, flat.size - 1)
        return np.asarray(flat[idx], dtype=np.float64)

    def observed(
        self,
        metric: str,
        scope: str,
        relative: str = "",
        window_steps: int = 0,
        counts: bool = True,
    ) -> tuple[Observed, NDArray[np.bool_]]:
        """What a ``scope`` detector of ``metric`` sees on each row, and which rows have it.

        ``relative`` is ``""`` (absolute), ``"ratio"`` or ``"zscore"`` over ``window_steps``.
        ``counts=False`` drops the request/error counts (same values; for one-sample reads).
        """
        key = (metric, scope, relative, window_steps)
        if key not in self._cache:
            self._cache[key] = self._build(metric, scope, relative, window_steps)
        obs, available = self._cache[key]
        if counts or obs.requests is None:
            return obs, available
        bare = (metric, scope, relative, -1 - window_steps)  # the same, without counts
        if bare not in self._cache:
            self._cache[bare] = (
                Observed(obs.step_minutes, obs.value, baseline=obs.baseline),
                available,
            )
        return self._cache[bare]

    def _build(
        self, metric: str, scope: str, relative: str, window_steps: int
    ) -> tuple[Observed, NDArray[np.bool_]]:
        cache = self.series
        new = cache.new(metric)
        available = np.asarray([new[t] is not None for t in self.trace_id], dtype=np.bool_)
        e = self.exposure
        if metric in _COUNTED and cache.counted():
            obs = self._counted(metric, scope)
        else:
            v_new, v_old = self._gather(new), self._gather(cache.old(metric))
            value = in_scope(metric, scope, v_new, v_old, e)
            level = self._gather(cache.level(metric))
            base = in_scope(metric, "canary", level, level, e) if scope == "canary" else level
            obs = Observed(self.step_minutes, value, baseline=base)
        if relative:
            stats = cache.stats(metric, window_steps)
            med = self._gather([None if s is None else s.median for s in stats])
            scale = self._gather([None if s is None else s.scale for s in stats])
            if scope == "canary" and metric in ("requests", "errors", "request_rate"):
                med, scale = med * e, scale * e
            obs = Observed(self.step_minutes, transform(obs.value, med, scale, relative))
        return obs, available

    def _counted(self, metric: str, scope: str) -> Observed:
        cache = self.series
        e = self.exposure
        r_new, e_new = self._gather(cache.new("requests")), self._gather(cache.new("errors"))
        if scope == "canary":
            requests, errors = e * r_new, e * e_new
        else:
            r_old = self._gather(cache.old("requests"))
            e_old = r_old * self._gather(cache.old("error_ratio"))
            requests, errors = e * r_new + (1 - e) * r_old, e * e_new + (1 - e) * e_old
        base = self._gather(cache.level("error_ratio"))
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(requests > 0, errors / np.where(requests > 0, requests, 1.0), np.nan)
        if metric == "success_rate":
            return Observed(self.step_minutes, 1 - value, requests, requests - errors, 1 - base)
        return Observed(self.step_minutes, value, requests, errors, base)

    def incidents(self) -> list[tuple[int, int]]:
        """(trace id, incident index in that trace) for each incident id."""
        return [(t, i) for t, tr in enumerate(self.traces) for i in range(len(tr.incidents))]


def build_batches(traces: Sequence[Trace], settings: DeploySampling) -> list[DeployBatch]:
    """Incident replays and healthy deploys of ``traces``, one pair of batches per step size.

    Raises:
        BacktestError: an incident lies outside its trace.
    """
    by_step: dict[float, list[Trace]] = {}
    for t in traces:
        by_step.setdefault(t.step.total_seconds() / 60.0, []).append(t)
    batches = []
    for step, group in sorted(by_step.items()):
        cache = SeriesCache(group, step)
        for kind in ("incident", "healthy"):
            batch = _batch(tuple(group), step, settings, kind, cache)
            if batch is not None:
                batches.append(batch)
    return batches


def _steps(minutes: float, step: float) -> int:
    return int(np.ceil(minutes / step - 1e-9))


def _batch(
    traces: tuple[Trace, ...], step: float, s: DeploySampling, kind: str, cache: SeriesCache
) -> DeployBatch | None:
    rows: list[tuple[int, int, int, int, int, int, int]] = []
    lead, horizon = _steps(s.lead_minutes, step), _steps(s.horizon_minutes, step)
    deploy = max(1, _steps(s.rollout.duration_minutes, step))
    offsets = [_steps(m, step) for m in s.rollout.stage_starts()]
    gid = 0
    for t, trace in enumerate(traces):
        n = len(trace.frame)
        spans = incident_steps(trace)
        if kind == "incident":
            for i_s, i_e in spans:
                for stage, off in enumerate(offsets):
                    start = i_s - off
                    if start < 0 and stage > 0:
                        continue
                    end = min(n, i_e + horizon)
                    rows.append((t, start, end - start, gid, stage, i_s - start, i_e - start))
                gid += 1
            continue
        starts = np.arange(0, n - deploy + 1, max(1, _steps(s.stride_minutes, step)))
        ok = np.ones(starts.size, dtype=np.bool_)
        for i_s, i_e in spans:
            ok &= (starts + deploy <= i_s - lead) | (starts >= i_e + horizon)
        rows.extend((t, int(a), deploy, -1, -1, -1, -1) for a in starts[ok])
    if not rows:
        return None
    cols = np.asarray(rows, dtype=np.int64).T
    width = int(cols[2].max())
    MAX_CELLS.check(
        f"{kind} deploys: {len(rows):,} deploys x {width:,} steps of {step:g} min "
        "(fewer with a longer --deploy-every or a shorter trace)",
        len(rows) * width,
        BacktestError,
    )
    return DeployBatch(
        step_minutes=step,
        traces=traces,
        trace_id=cols[0],
        start=cols[1],
        length=cols[2],
        incident_id=cols[3],
        stage=cols[4],
        onset=cols[5],
        end=cols[6],
        exposure=s.rollout.exposure(width, step),
        series=cache,
    )
