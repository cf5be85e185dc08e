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
model's assumption: incidents are caused by the deploy). While traffic is split, a canary-scope
detector sees each noise draw's sampled canary and, as its baseline, the stable version's own
sampled measurement (:meth:`DeployBatch.noisy`, :mod:`simulations.sampling.noise`); the exact
view (:meth:`DeployBatch.observed`) compares with the level itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from planner.limits import MAX_CELLS
from simulations._types import FloatArray, IntArray
from simulations.backtest.exposure import Rollout, in_scope
from simulations.detectors.base import Observed, window_value
from simulations.exceptions import BacktestError
from simulations.sampling.noise import (
    DEFAULT_NOISE,
    NO_NOISE,
    SampleNoise,
    calibrated_pod_variance,
    generator,
    quantile_spread,
    short_term_variance,
    split_counts,
    split_level,
    split_log_quantile,
)
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

_COUNTED = ("error_ratio", "success_rate")
_QUANTILES = {"latency_p50_ms": 0.5, "latency_p95_ms": 0.95, "latency_p99_ms": 0.99}


@dataclass(frozen=True)
class DeploySampling:
    """How deploys are cut: ``lead`` and ``horizon`` minutes, a healthy deploy every ``stride``."""

    rollout: Rollout
    lead_minutes: float = 15.0
    horizon_minutes: float = 60.0
    stride_minutes: float = 120.0
    noise: SampleNoise = DEFAULT_NOISE


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
    noise: SampleNoise = NO_NOISE
    key: int = 0  # the batch's number among build_batches' (part of its noise seed)
    _cache: dict[tuple[str, str, str, int], tuple[Observed, NDArray[np.bool_]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # id(values) -> (max, min, gaps, values); the values are kept so the id stays theirs.
    _extremes: dict[int, tuple[FloatArray, FloatArray, NDArray[np.bool_], FloatArray]] = field(
        default_factory=dict, compare=False, repr=False
    )
    memo: dict[tuple[str, bytes], float] = field(default_factory=dict, compare=False, repr=False)
    # (id(values), k) -> (blocks, valid blocks, values); the values keep their id theirs
    _blocks: dict[tuple[int, int], tuple[Observed, NDArray[np.bool_], FloatArray]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _noise_memo: dict[
        tuple[str, str, str, int],
        tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None],
    ] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def valid(self) -> NDArray[np.bool_]:
        """(rows x steps): the step lies inside the row's deploy (rows are padded to one width)."""
        return np.asarray(np.arange(self.n_steps) < self.length[:, None], dtype=np.bool_)

    @cached_property
    def noisy_valid(self) -> NDArray[np.bool_]:
        """:attr:`valid` over the split steps, each row repeated once per draw."""
        return np.repeat(self.valid[:, : self.split_steps], self.reps, axis=0)

    def row_extremes(
        self, obs: Observed, valid: NDArray[np.bool_] | None = None
    ) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
        """Per row: largest and smallest value in the deploy, and whether a sample is missing.

        ``valid`` marks the samples inside each row (default :attr:`valid`).
        """
        key = id(obs.value)
        if key not in self._extremes:
            v = obs.value
            ok = self.valid if valid is None else valid
            finite = ok & np.isfinite(v)
            high = np.max(np.where(finite, v, -np.inf), axis=-1)
            low = np.min(np.where(finite, v, np.inf), axis=-1)
            gaps = np.any(ok & np.isnan(v), axis=-1)
            self._extremes[key] = (high, low, gaps, obs.value)
        high, low, gaps, _ = self._extremes[key]
        return high, low, gaps

    def blocks(
        self, obs: Observed, valid: NDArray[np.bool_], k: int
    ) -> tuple[Observed, NDArray[np.bool_]]:
        """``obs`` over consecutive ``k``-step blocks, and which blocks hold a valid sample.

        A block's value is what a detector reading the last ``k`` steps sees at the block's last
        step, computed by the same :func:`simulations.detectors.base.window_value` (pooled counts
        when ``obs`` has them, else the mean of the block's samples), so the numbers are the
        detector's own to the last bit. Cached per ``obs``.
        """
        key = (id(obs.value), k)
        if key not in self._blocks:
            rows, n = obs.value.shape
            m = n // k  # the evaluations at steps k-1, 2k-1, ... below n
            step = obs.step_minutes * k
            # the very numbers the detector computes at its evaluations (same operations)
            value = window_value(obs, k)[:, k - 1 :: k][:, :m]
            base = None
            if obs.baseline is not None:
                base = window_value(Observed(obs.step_minutes, obs.baseline), k)
                base = base[:, k - 1 :: k][:, :m]
            if obs.requests is not None and obs.errors is not None:
                r = window_value(Observed(obs.step_minutes, obs.requests), k)[:, k - 1 :: k][:, :m]
                coarse = Observed(step, value, r, value * r, base)
            else:
                coarse = Observed(step, value, baseline=base)
            ok = np.asarray(valid[:, : m * k].reshape(rows, m, k).any(axis=-1), dtype=np.bool_)
            self._blocks[key] = (coarse, ok, obs.value)
        coarse, ok, _ = self._blocks[key]
        return coarse, ok

    @property
    def n_rows(self) -> int:
        return int(self.start.size)

    @property
    def reps(self) -> int:
        """Outcome rows per deploy row: the noise draws (1 for the exact model)."""
        return max(1, self.noise.draws)

    @cached_property
    def split_steps(self) -> int:
        """Steps from the deploy start to the end of the last split stage (0 < exposure < 1).

        Only there do canary and stable measure apart; from then on the new version serves
        everyone and its measurement is the trace's.
        """
        split = np.flatnonzero((self.exposure > 0) & (self.exposure < 1))
        return int(split[-1]) + 1 if split.size else 0

    @cached_property
    def expanded(self) -> DeployBatch:
        """The batch with each row repeated :attr:`reps` times (row ``r``, draw ``d`` at
        ``r x reps + d``): what the outcomes of a noisy evaluation are indexed by."""
        if self.reps == 1:
            return self
        k = self.reps

        def rep(a: IntArray) -> IntArray:
            return np.repeat(a, k)

        return DeployBatch(
            self.step_minutes,
            self.traces,
            rep(self.trace_id),
            rep(self.start),
            rep(self.length),
            rep(self.incident_id),
            rep(self.stage),
            rep(self.onset),
            rep(self.end),
            self.exposure,
            self.series,
            NO_NOISE,
            self.key,
        )

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

    def noisy(
        self, metric: str, relative: str = "", window_steps: int = 0, counts: bool = True
    ) -> tuple[Observed, NDArray[np.bool_]]:
        """What a canary-scope detector sees over the split steps, one row per (deploy, draw).

        Shapes ``(rows x draws, split_steps)``: the canary's own sampled measurement and, as
        ``baseline``, the stable version's (:mod:`simulations.sampling.noise`). Draws are
        seeded by (noise seed, batch key, metric), so every rule on a metric sees the same
        measurements.
        """
        key = ("~" + metric, "canary", relative, window_steps if counts else -1 - window_steps)
        if key not in self._cache:
            _, available = self.observed(metric, "canary", relative, window_steps, counts=False)
            canary, stable, req, err = self._noisy_base(metric)
            if relative:
                stats = self.series.stats(metric, window_steps)
                med = self._draws(self._gather([None if s is None else s.median for s in stats]))
                scale = self._draws(self._gather([None if s is None else s.scale for s in stats]))
                if metric in ("requests", "errors", "request_rate"):
                    e = self.exposure[: self.split_steps]
                    med, scale = med * e, scale * e
                obs = Observed(self.step_minutes, transform(canary, med, scale, relative))
            elif counts and req is not None and err is not None:
                obs = Observed(self.step_minutes, canary, req, err, stable)
            else:
                obs = Observed(self.step_minutes, canary, baseline=stable)
            self._cache[key] = (obs, np.repeat(available, self.reps))
        return self._cache[key]

    def _draws(self, a: FloatArray) -> FloatArray:
        """The split steps of ``a``, each row repeated once per draw."""
        return np.repeat(a[:, : self.split_steps], self.reps, axis=0)

    def _noisy_base(
        self, metric: str
    ) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None]:
        """(canary value, stable value, canary requests, canary errors) of ``metric``."""
        memo = ("~base", metric, "", 0)
        if memo in self._noise_memo:
            return self._noise_memo[memo]
        cache, e = self.series, self.exposure[: self.split_steps]
        inc = self._draws(self._gather([m.astype(np.float64) for m in cache.masks])) > 0
        traffic = metric in ("requests", "request_rate") and self._has_requests()
        counted = traffic or (cache.counted() and metric in (*_COUNTED, "errors"))
        req = err = None
        if counted or (metric.startswith("latency_") and self._has_requests()):
            n = self._draws(self._gather(cache.new("requests")))
            c_req = self._canary_requests(n, e)
        if traffic:
            s_req = n - c_req
            scale = self._draws(self._gather(cache.new(metric))) / np.where(n > 0, n, np.nan)
            canary, stable = c_req * scale, s_req * scale * e / (1 - e)
        elif counted:
            k_new = self._draws(self._gather(cache.new("errors")))
            c_err, s_err = self._errors(n, c_req, k_new, inc, e)
            s_req = n - c_req
            if metric == "errors":
                canary, stable = c_err, s_err * e / (1 - e)
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    canary = np.where(c_req > 0, c_err / np.where(c_req > 0, c_req, 1.0), np.nan)
                    stable = np.where(s_req > 0, s_err / np.where(s_req > 0, s_req, 1.0), np.nan)
                req, err = c_req, c_err
                if metric == "success_rate":
                    canary, stable = 1 - canary, 1 - stable
                    err = c_req - c_err
        elif metric.startswith("latency_"):
            q = self._draws(self._gather(cache.new(metric)))
            q_old = self._draws(self._gather(cache.old(metric)))
            rng = generator(self.noise.seed, self.key, metric)
            p = _QUANTILES.get(metric, 0.5)
            s2_unit = quantile_spread(self.noise.latency_sigma, p) ** 2
            has_n = self._has_requests()
            s2, tau2 = self._per_row(metric, s2_unit if has_n else 0.0)
            if not has_n:
                n = c_req = np.ones_like(q)
                c_req = n * e
            canary, stable = split_log_quantile(rng, q, q_old, ~inc, n, c_req, e, s2, tau2)
        else:
            v = self._draws(self._gather(cache.new(metric)))
            v_old = self._draws(self._gather(cache.old(metric)))
            _, var = self._per_row(metric, None)
            rng = generator(self.noise.seed, self.key, metric)
            canary, stable = split_level(rng, v, v_old, e, var)
        out = (canary, stable, req, err)
        self._noise_memo[memo] = out
        return out

    def _has_requests(self) -> bool:
        return all("requests" in t.frame.columns for t in self.traces)

    def _canary_requests(self, n: FloatArray, e: FloatArray) -> FloatArray:
        memo = ("~requests", "", "", 0)
        if memo not in self._noise_memo:
            rng = generator(self.noise.seed, self.key, "requests")
            c = split_counts(rng, n, np.broadcast_to(e, n.shape))
            self._noise_memo[memo] = (c, c, None, None)
        return self._noise_memo[memo][0]

    def _errors(
        self, n: FloatArray, c_req: FloatArray, k: FloatArray, inc: NDArray[np.bool_], e: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Canary and stable errors: each error falls on the canary with the canary's share of
        the step's requests (binomial thinning, as the replay draws them) and the rest are the
        stable version's; inside an incident the stable version's are Poisson at its level."""
        memo = ("~errors", "", "", 0)
        if memo not in self._noise_memo:
            rng = generator(self.noise.seed, self.key, "errors")
            ok = np.isfinite(n) & np.isfinite(k) & (n > 0)
            nn = np.where(ok, np.rint(n), 0).astype(np.int64)
            kk = np.minimum(np.where(ok, np.rint(k), 0).astype(np.int64), nn)
            cc = np.minimum(np.where(ok, c_req, 0).astype(np.int64), nn)
            # each error is the canary's with its share of the requests: binomial thinning
            c_err = np.zeros(kk.shape)
            some = np.flatnonzero((kk > 0).ravel())
            share = cc.reshape(-1)[some] / np.maximum(nn.reshape(-1)[some], 1)
            c_err.reshape(-1)[some] = rng.binomial(kk.reshape(-1)[some], share)
            s_err = kk - c_err
            cells = np.flatnonzero((inc & ok).ravel())
            if cells.size:  # inside incidents: the stable version's own errors at its level
                level = self._draws(self._gather(self.series.level("error_ratio")))
                lam = np.clip(level.reshape(-1)[cells], 0, 1) * (nn - cc).reshape(-1)[cells]
                lam = np.where(np.isfinite(lam), lam, 0.0)
                s_err.reshape(-1)[cells] = rng.poisson(lam)
            c_err = np.where(ok, c_err, np.nan)
            s_err = np.where(ok, s_err, np.nan)
            self._noise_memo[memo] = (c_err, s_err, None, None)
        c_err, s_err, _, _ = self._noise_memo[memo]
        return c_err, s_err

    def _per_row(self, metric: str, s2: float | None) -> tuple[FloatArray, FloatArray]:
        """Per (row, draw), column vectors: the sampling ``s^2`` and the short-term variance
        beyond it (pod variance of ln values for a latency, plain variance otherwise)."""
        log = metric.startswith("latency_")
        fixed = self.noise.pod_variance
        tau = []
        for t in self.traces:
            values = healthy_values(t, metric)
            if values is None:
                tau.append(0.0)
                continue
            if fixed is not None and log:
                tau.append(fixed)
                continue
            if not log:
                tau.append(short_term_variance(values, False))
                continue
            med = 0.0
            if s2 and "requests" in t.frame.columns:
                r = t.frame["requests"].to_numpy(dtype=np.float64)
                med = float(np.nanmedian(r)) if np.isfinite(r).any() else 0.0
            tau.append(calibrated_pod_variance(values, s2 or 0.0, med))
        per = np.repeat(np.asarray(tau)[self.trace_id], self.reps)[:, None]
        return np.full_like(per, s2 or 0.0), per

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
    batches: list[DeployBatch] = []
    for step, group in sorted(by_step.items()):
        cache = SeriesCache(group, step)
        for kind in ("incident", "healthy"):
            batch = _batch(tuple(group), step, settings, kind, cache)
            if batch is not None:
                batches.append(replace(batch, noise=settings.noise, key=len(batches)))
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
