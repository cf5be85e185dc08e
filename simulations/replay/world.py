"""One run's random choices (:class:`RunDraw`) and the per-step world they produce (:class:`World`).

Everything random in a run comes from ``np.random.default_rng([seed, run])`` in a fixed order,
so a run is the same whichever process or chunk computes it. Times are whole steps from the
deploy start; a batch of runs is built at once (rows), each row with its own generator.
Sample ``i`` has the exposure of the stage active at its start; after the last stage's bake
the exposure stays at the last stage's. The canary's requests are ``Binomial(requests,
exposure)``, drawn by its normal approximation (rounded, clipped to 0..requests; exact at
exposure 0 and 1), and each version's errors are ``Poisson(requests x error ratio)`` clipped
to its requests (the Poisson limit of the binomial for small ratios): low traffic means noisy
ratios and late detection. Stable errors are drawn only when a fleet-scope detector reads the
error ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulations.exceptions import ReplayError
from simulations.replay.setup import ERROR_RATIO, SUCCESS_RATE, Setup

__all__ = ["RunDraw", "World", "build_world", "draw_run", "stage_at", "stage_starts"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


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
    noise: int  # seed of the count noise


def stage_starts(bake: tuple[int, ...]) -> IntArray:
    """Start step of each stage and, last, the end of the rollout."""
    return np.concatenate([[0], np.cumsum(bake)]).astype(np.int64)


def draw_run(setup: Setup, seed: int, run: int) -> RunDraw:
    """The random choices of run ``run`` under ``seed``.

    Raises:
        ReplayError: the trace is too short for the rollout, its history and tail.
    """
    cfg, step = setup.config, setup.step_minutes
    rng = np.random.default_rng([seed, run])
    lo = np.array([s.wait_min for s in setup.stages]) / step
    hi = np.array([s.wait_max for s in setup.stages]) / step
    u = rng.random(len(setup.stages))
    bake_f = lo if cfg.fixed_bake else lo + u * (hi - lo)
    bake = tuple(int(b) for b in np.round(bake_f))
    starts = stage_starts(bake)
    horizon = int(starts[-1]) + round(cfg.tail_minutes / step)
    history = setup.history_steps
    room = setup.n_steps - horizon - history
    if room <= 0:
        raise ReplayError(
            f"trace: {setup.n_steps} steps are too few for a rollout of {horizon} steps "
            f"plus {history} steps of history"
        )
    start = history + int(rng.integers(room))
    incident = int(rng.integers(len(setup.incidents))) if setup.incidents else -1
    r_stage, r_at = rng.random(2)
    if cfg.onset_minutes is not None:
        onset = round(cfg.onset_minutes / step)
    else:
        live = np.flatnonzero(np.array(bake) > 0)
        if live.size == 0:
            onset = 0
        else:
            k = int(live[int(r_stage * live.size)])
            onset = int(starts[k] + int(r_at * bake[k]))
    n_levels = len(setup.levels)
    ack_u = float(rng.random())
    level_u = tuple(float(x) for x in rng.random(n_levels))
    escalate_u = tuple(float(x) for x in rng.random(n_levels))
    noise = int(rng.integers(2**63 - 1))
    return RunDraw(run, bake, start, incident, onset, ack_u, level_u, escalate_u, noise)


@dataclass(frozen=True, eq=False)
class World:
    """Per-step arrays of a batch of runs (rows), from the deploy start (column 0).

    Row ``r`` is valid up to ``horizons[r]`` (padding: no traffic, stable metrics NaN).
    ``history_*`` cover the ``history_steps`` before each deploy (stable version only). Counts
    are whole numbers stored as floats. ``metrics`` are those the detectors read plus the
    error ratio.
    """

    draws: tuple[RunDraw, ...]
    starts: IntArray  # runs x (stages + 1): stage start steps, then the rollout end
    horizons: IntArray
    exposure: FloatArray
    requests: FloatArray
    old: dict[str, FloatArray]
    new: dict[str, FloatArray]
    canary_requests: FloatArray
    canary_errors: FloatArray
    stable_errors: FloatArray
    history_requests: FloatArray
    history_errors: FloatArray
    history_old: dict[str, FloatArray]

    @property
    def excess(self) -> FloatArray:
        """The new version's error ratio above the stable one's, per step (>= 0)."""
        return np.maximum(self.new[ERROR_RATIO] - self.old[ERROR_RATIO], 0.0)

    @property
    def canary_starts(self) -> IntArray:
        """Per run: first step with exposure > 0 (canary analysis starts), else the horizon."""
        live = self.exposure > 0
        return np.where(live.any(axis=1), np.argmax(live, axis=1), self.horizons)


def stage_at(draw: RunDraw, step: int) -> int:
    """Index of the stage active at ``step`` (the last one after the rollout ends)."""
    starts = stage_starts(draw.bake)
    k = int(np.searchsorted(starts[:-1], step, side="right")) - 1
    return min(max(k, 0), len(draw.bake) - 1)


def build_world(setup: Setup, draws: tuple[RunDraw, ...]) -> World:
    """The per-step arrays of a batch of runs."""
    step, n = setup.step_minutes, len(draws)
    starts = np.array([stage_starts(d.bake) for d in draws], dtype=np.int64)
    horizons = starts[:, -1] + round(setup.config.tail_minutes / step)
    width = int(horizons.max())
    history = setup.history_steps
    t = np.arange(width)
    stage = (t[None, :, None] >= starts[:, None, 1:-1]).sum(axis=2)
    exposure = np.array([s.exposure for s in setup.stages])[stage]
    valid = t[None, :] < horizons[:, None]
    exposure = np.where(valid, exposure, 0.0)
    first = np.array([d.start for d in draws], dtype=np.int64)
    idx = np.minimum(first[:, None] + t[None, :], setup.n_steps - 1)
    requests = np.where(valid, setup.requests[idx], 0.0)
    metrics = sorted({ERROR_RATIO, *(d.metric for d in setup.detectors)})
    old = {m: np.where(valid, setup.old[m][idx], np.nan) for m in metrics}
    new = {m: v.copy() for m, v in old.items()}
    for r, d in enumerate(draws):
        if d.incident < 0:
            continue
        shape = setup.incidents[d.incident]
        for m in metrics:
            vals = shape.values.get(ERROR_RATIO if m == SUCCESS_RATE else m)
            if vals is None:
                continue
            a, b = d.onset, min(int(horizons[r]), d.onset + len(vals))
            if b > a:
                seg = vals[: b - a]
                seg = 1.0 - seg if m == SUCCESS_RATE else seg
                new[m][r, a:b] = np.where(np.isnan(seg), old[m][r, a:b], seg)
    hidx = first[:, None] - history + np.arange(history)[None, :]
    h_req = setup.requests[hidx]
    mean = requests * exposure
    sd = np.sqrt(mean * (1.0 - exposure))
    p_new = np.clip(np.nan_to_num(new[ERROR_RATIO]), 0.0, 1.0)
    p_old = np.clip(np.nan_to_num(old[ERROR_RATIO]), 0.0, 1.0)
    fleet = setup.needs_fleet_counts
    canary_req = np.zeros((n, width))
    canary_err = np.zeros((n, width))
    stable_err = np.zeros((n, width))
    h_err = np.zeros((n, history))
    h_lam = h_req * np.clip(setup.old[ERROR_RATIO][hidx], 0.0, 1.0)
    for r, d in enumerate(draws):
        h = int(horizons[r])
        rng = np.random.default_rng(d.noise)
        cr = np.clip(
            np.rint(mean[r, :h] + sd[r, :h] * rng.standard_normal(h)), 0.0, requests[r, :h]
        )
        canary_req[r, :h] = cr
        canary_err[r, :h] = np.minimum(rng.poisson(cr * p_new[r, :h]), cr)
        if fleet:
            sr = requests[r, :h] - cr
            stable_err[r, :h] = np.minimum(rng.poisson(sr * p_old[r, :h]), sr)
            h_err[r] = np.minimum(rng.poisson(h_lam[r]), h_req[r])
    return World(
        draws=draws,
        starts=starts,
        horizons=horizons,
        exposure=exposure,
        requests=requests,
        old=old,
        new=new,
        canary_requests=canary_req,
        canary_errors=canary_err,
        stable_errors=stable_err,
        history_requests=h_req,
        history_errors=h_err,
        history_old={m: setup.old[m][hidx] for m in metrics},
    )
