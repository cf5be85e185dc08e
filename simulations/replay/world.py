"""One run's random choices (:class:`RunDraw`) and the per-step world they produce (:class:`World`).

Everything random in a run comes from its own stretch of one PCG64 stream (:func:`draw_runs`)
in a fixed order, so a run is the same whichever process or chunk computes it. Times are whole
steps from the deploy start; a batch of runs is built at once (rows), each from its own stream.
Sample ``i`` has the exposure of the stage active at its start; after the last stage's bake
the exposure stays at the last stage's. The canary's requests are ``Binomial(requests,
exposure)``, drawn by its normal approximation (rounded, clipped to 0..requests; exact at
exposure 0 and 1). Errors as the stable version would make them are the trace's own counts
(real noise; ``Poisson(requests x stable ratio)`` where the trace has none or inside labelled
incidents); each falls on the canary with probability ``exposure`` (binomial thinning). While
the incident replays, the canary's errors are ``Poisson(canary requests x incident ratio)``.
All clipped to the requests: low canary traffic means noisy ratios and late detection.
A latency a canary-scope detector watches is measured as a sample too, for the canary and the
stable version apart (:mod:`.sampled`), from a generator of its own per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import numpy as np

from simulations._types import FloatArray, IntArray
from simulations.exceptions import ReplayError
from simulations.replay.sampled import LatencyRow, sample_latency
from simulations.replay.setup import ERROR_RATIO, SUCCESS_RATE, Setup

__all__ = [
    "RunDraw",
    "Workspace",
    "World",
    "build_world",
    "draw_run",
    "draw_runs",
    "stage_at",
    "stage_starts",
]


@dataclass(frozen=True)
class RunDraw:
    """The random choices of one run (steps are trace steps)."""

    run: int
    bake: tuple[int, ...]  # steps per stage
    start: int  # trace index of the deploy start
    incident: int  # index into Setup.incidents; -1: no incident
    onset: int  # steps after the deploy start
    ack_u: float  # uniform for the acknowledgement time
    level_u: tuple[float, ...]  # uniforms for level durations
    escalate_u: tuple[float, ...]  # uniforms for level failures
    noise: dict[str, Any]  # PCG64 state the count noise starts from
    seed: int = 0  # the Monte Carlo seed (the latency noise's generator is keyed by it)


def stage_starts(bake: tuple[int, ...]) -> IntArray:
    """Start step of each stage and, last, the end of the rollout."""
    return np.fromiter(accumulate(bake, initial=0), dtype=np.int64, count=len(bake) + 1)


STREAM = 2**64  # PCG64 draws reserved for each run: far more than a run uses


def draw_runs(setup: Setup, seed: int, runs: Sequence[int]) -> tuple[RunDraw, ...]:
    """The random choices of each run in ``runs`` under ``seed``.

    Run ``r`` uses its own stretch of one PCG64 stream, ``advance(r x 2**64)`` from the seed's
    start, so a run is the same whichever batch, process or machine draws it.

    Raises:
        ReplayError: a negative seed, or a trace too short for the rollout, history and tail.
    """
    if seed < 0:
        raise ReplayError(f"seed(={seed}) must be >= 0")
    bit = np.random.PCG64(seed)
    base = bit.state
    rng = np.random.Generator(bit)
    out = []
    for run in runs:
        bit.state = base
        bit.advance(run * STREAM)
        out.append(_draw(setup, rng, run, seed))
    return tuple(out)


def draw_run(setup: Setup, seed: int, run: int) -> RunDraw:
    """The random choices of one run (see :func:`draw_runs`)."""
    return draw_runs(setup, seed, [run])[0]


def _draw(setup: Setup, rng: np.random.Generator, run: int, seed: int) -> RunDraw:
    cfg, step = setup.config, setup.step_minutes
    k, n_levels = len(setup.stages), len(setup.levels)
    u = rng.random(k + 5 + 2 * n_levels).tolist()  # every choice of the run from one draw
    bake = tuple(
        round(
            s.wait_min / step
            if cfg.fixed_bake
            else (s.wait_min + x * (s.wait_max - s.wait_min)) / step
        )
        for s, x in zip(setup.stages, u[:k], strict=True)
    )
    starts = list(accumulate(bake, initial=0))
    horizon = starts[-1] + round(cfg.tail_minutes / step)
    history = setup.history_steps
    room = setup.n_steps - horizon - history
    if room <= 0:
        raise ReplayError(
            f"trace: {setup.n_steps} steps are too few for a rollout of {horizon} steps "
            f"plus {history} steps of history"
        )
    start = history + min(room - 1, int(u[k] * room))
    n_inc = len(setup.incidents)
    incident = min(n_inc - 1, int(u[k + 1] * n_inc)) if n_inc else -1
    r_stage, r_at = u[k + 2], u[k + 3]
    if cfg.onset_minutes is not None:
        onset = round(cfg.onset_minutes / step)
    else:
        live = [k for k, b in enumerate(bake) if b > 0]
        if not live:
            onset = 0
        else:
            j = live[int(r_stage * len(live))]
            onset = starts[j] + int(r_at * bake[j])
    ack_u = u[k + 4]
    level_u = tuple(u[k + 5 : k + 5 + n_levels])
    escalate_u = tuple(u[k + 5 + n_levels :])
    noise = dict(rng.bit_generator.state)  # the count noise continues this run's stream
    return RunDraw(run, bake, start, incident, onset, ack_u, level_u, escalate_u, noise, seed)


@dataclass(frozen=True, eq=False)
class World:
    """Per-step arrays of a batch of runs (rows); column ``j`` is deploy step ``j - lead``.

    The first ``lead`` columns are the stable-only history before the deploy (exposure 0);
    row ``r`` is valid up to deploy step ``horizons[r]`` (padding after it: zeros, never
    judged). Counts are whole numbers stored as floats; ``stable_errors`` covers the history too.
    ``old``/``new`` hold the metrics the detectors read plus the error ratio (true levels);
    ``canary_latency``/``stable_latency`` what each version measures of a latency a canary
    detector watches (sampled where traffic is split, the level elsewhere).
    """

    draws: tuple[RunDraw, ...]
    starts: IntArray  # runs x (stages + 1): stage start steps, then the rollout end
    horizons: IntArray
    lead: int
    exposure: FloatArray
    requests: FloatArray
    old: dict[str, FloatArray]
    new: dict[str, FloatArray]
    canary_requests: FloatArray
    canary_errors: FloatArray
    stable_errors: FloatArray
    canary_latency: dict[str, FloatArray]
    stable_latency: dict[str, FloatArray]

    @property
    def canary_starts(self) -> IntArray:
        """Per run: first deploy step with exposure > 0 (canary analysis), else the horizon."""
        live = self.exposure > 0
        return np.where(live.any(axis=1), np.argmax(live, axis=1) - self.lead, self.horizons)


def stage_at(draw: RunDraw, step: int) -> int:
    """Index of the stage active at ``step`` (the last one after the rollout ends)."""
    k, t = 0, 0
    for j, bake in enumerate(draw.bake[:-1]):  # the last stage with start <= step
        t += bake
        if t <= step:
            k = j + 1
    return k


def _insert_incidents(
    setup: Setup,
    draws: tuple[RunDraw, ...],
    world_new: dict[str, FloatArray],
    old: dict[str, FloatArray],
    lead: int,
    horizons: IntArray,
) -> None:
    for r, d in enumerate(draws):
        if d.incident < 0:
            continue
        shape = setup.incidents[d.incident]
        for m, arr in world_new.items():
            vals = shape.values.get(ERROR_RATIO if m == SUCCESS_RATE else m)
            if vals is None:
                continue
            a, b = d.onset, min(int(horizons[r]), d.onset + len(vals))
            if b > a:
                seg = vals[: b - a]
                seg = 1.0 - seg if m == SUCCESS_RATE else seg
                cols = slice(lead + a, lead + b)
                arr[r, cols] = np.where(np.isnan(seg), old[m][r, cols], seg)


def _segments(setup: Setup, draw: RunDraw, lead: int, horizon: int) -> list[tuple[int, int, float]]:
    """Column ranges ``[a, b)`` of one run with their exposure: history, stages, then the tail.

    Neighbours with the same exposure are merged.
    """
    out: list[tuple[int, int, float]] = []
    t = 0

    def add(b: int, e: float) -> None:
        nonlocal t
        if b <= t:
            return
        if out and out[-1][2] == e:
            out[-1] = (out[-1][0], b, e)
        else:
            out.append((t, b, e))
        t = b

    add(lead, 0.0)
    for stage, bake in zip(setup.stages, draw.bake, strict=True):
        add(t + bake, stage.exposure)
    add(lead + horizon, setup.stages[-1].exposure)
    return out


def _counts(
    setup: Setup,
    draws: tuple[RunDraw, ...],
    world: dict[str, FloatArray],
    lead: int,
    horizons: IntArray,
    work: Workspace | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Canary requests, canary errors and stable errors of a batch (see the module docstring).

    Random numbers come from each run's own stream, in a fixed order per run: Poisson counts
    where the trace has none, a normal per split-exposure step, a uniform per error on those
    steps, then the incident's Poisson errors. Stages at 0 % or 100 % are copies; the split
    stages of all runs are computed together.
    """
    requests, old_er, new_er = world["requests"], world["old"], world["new"]
    n, width = requests.shape
    total = np.minimum(world["trace_err"], requests)  # padding: 0 requests, 0 errors
    cr = _buffer(work, "canary requests", n, width)
    canary = _buffer(work, "canary errors", n, width)
    stable = _buffer(work, "stable errors", n, width)
    bit = np.random.PCG64(0)
    rng = np.random.Generator(bit)
    gaps = setup.error_gaps  # trace steps without a usable error count
    rows: list[int] = []  # split-exposure stages of every run: (row, a, b, e)
    spans: list[tuple[int, int, float]] = []
    normals, uniforms, states = [], [], []
    for r, d in enumerate(draws):
        bit.state = d.noise  # type: ignore[assignment]
        h = lead + int(horizons[r])
        tot, req = total[r], requests[r]
        if gaps.size:
            s0 = d.start - lead
            lo, hi = np.searchsorted(gaps, (s0, s0 + h))
            bad = gaps[lo:hi] - s0
            if bad.size:  # no usable trace count: Poisson at the stable version's ratio
                lam = req[bad] * np.minimum(np.maximum(old_er[r, bad], 0.0), 1.0)
                tot[bad] = np.minimum(rng.poisson(lam), req[bad])
        cr[r, h:] = canary[r, h:] = stable[r, h:] = 0.0  # padding
        n_split, n_errors = 0, 0
        for a, b, e in _segments(setup, d, lead, int(horizons[r])):
            if e <= 0.0:
                stable[r, a:b] = tot[a:b]
                cr[r, a:b] = canary[r, a:b] = 0.0
            elif e >= 1.0:
                cr[r, a:b] = req[a:b]
                canary[r, a:b] = tot[a:b]
                stable[r, a:b] = 0.0
            else:
                rows.append(r)
                spans.append((a, b, e))
                n_split += b - a
                n_errors += int(tot[a:b].sum())
        normals.append(rng.standard_normal(n_split))  # canary requests on split stages
        uniforms.append(rng.random(n_errors))  # one per error on split stages (thinning)
        states.append(dict(bit.state))
    if spans:  # split exposure, every run at once
        lengths = [b - a for a, b, _ in spans]
        ri = np.repeat(rows, lengths)
        ci = np.concatenate([np.arange(a, b) for a, b, _ in spans])
        ek = np.repeat([e for _, _, e in spans], lengths)
        rk, tk = requests[ri, ci], total[ri, ci]
        mean = rk * ek
        c = np.rint(mean + np.sqrt(mean * (1.0 - ek)) * np.concatenate(normals))
        cr[ri, ci] = np.minimum(np.maximum(c, 0.0), rk)
        # each error falls on the canary with probability e: binomial thinning, error by error
        owner = np.repeat(np.arange(ci.size), tk.astype(np.int64))
        on_canary = np.concatenate(uniforms) < ek[owner]
        hits = np.bincount(owner, weights=on_canary, minlength=ci.size)
        canary[ri, ci] = hits
        stable[ri, ci] = tk - hits
    for r, d in enumerate(draws):  # the new version's own errors while it misbehaves
        if d.incident < 0:
            continue
        a = lead + d.onset
        b = min(lead + int(horizons[r]), a + setup.incidents[d.incident].length)
        if b > a:
            bit.state = states[r]  # type: ignore[assignment]
            p = np.minimum(np.maximum(new_er[r, a:b], 0.0), 1.0)
            canary[r, a:b] = rng.poisson(cr[r, a:b] * p)
    return cr, np.minimum(canary, cr, out=canary), stable


Workspace = dict[str, FloatArray]


def _latencies(
    setup: Setup,
    draws: tuple[RunDraw, ...],
    arrays: dict[str, FloatArray],
    new: dict[str, FloatArray],
    old: dict[str, FloatArray],
    work: Workspace | None,
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Canary and stable measured latencies: the levels, sampled on split-exposure steps."""
    canary: dict[str, FloatArray] = {}
    stable: dict[str, FloatArray] = {}
    if not setup.latency_noise:
        return canary, stable
    exposure, requests, canary_req = arrays["exposure"], arrays["requests"], arrays["canary"]
    n, width = exposure.shape
    split = (exposure > 0) & (exposure < 1)  # padding has exposure 0: never sampled
    for m, noise in setup.latency_noise.items():
        c, s = _buffer(work, f"canary {m}", n, width), _buffer(work, f"stable {m}", n, width)
        np.copyto(c, new[m])
        np.copyto(s, old[m])
        for r, d in enumerate(draws):
            cols = np.flatnonzero(split[r])
            if cols.size:
                row = LatencyRow(
                    new[m][r, cols],
                    old[m][r, cols],
                    requests[r, cols],
                    canary_req[r, cols],
                    exposure[r, cols],
                )
                c[r, cols], s[r, cols] = sample_latency(noise, row, d.seed, m, d.run)
        canary[m], stable[m] = c, s
    return canary, stable


def _buffer(work: Workspace | None, name: str, n: int, width: int) -> FloatArray:
    """An ``n x width`` array: fresh zeros, or a reused buffer from ``work`` (contents stale).

    Reusing memory across batches spares the page faults of fresh large allocations; every
    caller writes each row up to its horizon and zeroes the padding after it.
    """
    if work is None:
        return np.zeros((n, width))
    buf = work.get(name)
    if buf is None or buf.shape[0] < n or buf.shape[1] < width:
        buf = work[name] = np.zeros((n, width))
    return buf[:n, :width]


def build_world(setup: Setup, draws: tuple[RunDraw, ...], work: Workspace | None = None) -> World:
    """The per-step arrays of a batch of runs.

    Args:
        work: buffers to reuse across batches (the previous batch's :class:`World` is then
            overwritten); None allocates fresh arrays.
    """
    step, n = setup.step_minutes, len(draws)
    starts = np.array([stage_starts(d.bake) for d in draws], dtype=np.int64)
    horizons = starts[:, -1] + round(setup.config.tail_minutes / step)
    lead = setup.history_steps
    width = lead + int(horizons.max())
    levels = np.array([s.exposure for s in setup.stages])
    metrics = sorted({ERROR_RATIO, *(d.metric for d in setup.detectors)})
    exposure = _buffer(work, "exposure", n, width)
    requests = _buffer(work, "requests", n, width)
    trace_err = _buffer(work, "trace_err", n, width)
    old = {m: _buffer(work, f"old {m}", n, width) for m in metrics}
    new = {m: _buffer(work, f"new {m}", n, width) for m in metrics}
    for r, d in enumerate(draws):
        h, s0 = lead + int(horizons[r]), d.start - lead  # the run's trace window
        sched = np.repeat(levels, d.bake)
        exposure[r, :lead] = 0.0
        exposure[r, lead : lead + len(sched)] = sched
        exposure[r, lead + len(sched) : h] = levels[-1]
        requests[r, :h] = setup.requests[s0 : s0 + h]
        trace_err[r, :h] = np.nan if setup.errors is None else setup.errors[s0 : s0 + h]
        for m in metrics:
            old[m][r, :h] = setup.old[m][s0 : s0 + h]
        # padding after a run's horizon is never judged (alarms there are ignored): zeros
        for arr in (exposure, requests, trace_err, *old.values()):
            arr[r, h:] = 0.0
    for m in metrics:
        np.copyto(new[m], old[m])
    _insert_incidents(setup, draws, new, old, lead, horizons)
    arrays = {
        "requests": requests,
        "trace_err": trace_err,
        "old": old[ERROR_RATIO],
        "new": new[ERROR_RATIO],
    }
    canary_req, canary_err, stable_err = _counts(setup, draws, arrays, lead, horizons, work)
    sampled = {"exposure": exposure, "requests": requests, "canary": canary_req}
    canary_lat, stable_lat = _latencies(setup, draws, sampled, new, old, work)
    return World(
        draws=draws,
        starts=starts,
        horizons=horizons,
        lead=lead,
        exposure=exposure,
        requests=requests,
        old=old,
        new=new,
        canary_requests=canary_req,
        canary_errors=canary_err,
        stable_errors=stable_err,
        canary_latency=canary_lat,
        stable_latency=stable_lat,
    )
