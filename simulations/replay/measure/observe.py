"""What a detector sees of one run: its metric in its scope, as an :class:`Observed`.

Canary scope (the new version alone) starts at the first step with exposure > 0, as Argo's and
Flagger's analyses start with the canary; the error ratio is the canary's sampled
``errors / requests`` (NaN with no canary request), a latency the canary's sampled percentile
(:mod:`simulations.replay.sampled`; NaN with no canary request) with the stable version's own
sampled percentile as ``baseline``, any other metric the new version's value (NaN with no
canary request). Fleet scope (everyone)
starts ``fleet_history_minutes`` before the deploy with the stable version only; the error
ratio is ``(canary errors + stable errors) / requests``, a latency percentile the mixture
quantile of the two versions (:mod:`.latency`), any other metric the traffic-weighted mean.
``baseline`` is otherwise the stable version's metric over the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulations._types import FloatArray
from simulations.detectors.base import Detector, Observed
from simulations.replay.measure.latency import mixture_quantile, z_of
from simulations.replay.setup import ERROR_RATIO, SUCCESS_RATE, Setup
from simulations.replay.world import World

__all__ = ["View", "observe"]


@dataclass(frozen=True, eq=False)
class View:
    """A 2-D :class:`Observed` (runs x steps) and, per run, the deploy step of column 0."""

    obs: Observed
    offsets: NDArray[np.int64]


def _ratio(errors: FloatArray, requests: FloatArray) -> FloatArray:
    """``errors / requests``; NaN where there is no request (then there is no error either)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(errors / requests, dtype=np.float64)


def _shift(x: FloatArray, c0: NDArray[np.int64], fill: float) -> FloatArray:
    """Row ``r`` of ``x`` from column ``c0[r]`` on, left-aligned, padded with ``fill``."""
    if (c0 == c0[0]).all():  # the usual case: fixed waits before the first exposed stage
        return x[:, int(c0[0]) :]
    width = x.shape[1]
    cols = c0[:, None] + np.arange(width)[None, :]
    out = np.take_along_axis(x, np.minimum(cols, width - 1), axis=1)
    return np.where(cols < width, out, fill)


def observe(setup: Setup, world: World, det: Detector) -> View:
    """The view of ``det`` on every run of ``world``."""
    m, step = det.metric, setup.step_minutes
    if det.scope == "canary":
        c0 = world.canary_starts
        cols = c0 + world.lead
        cr = _shift(world.canary_requests, cols, 0.0)
        ce = _shift(world.canary_errors, cols, 0.0)
        ratio = _ratio(ce, cr)
        base = _shift(world.old[m], cols, np.nan)
        if m == ERROR_RATIO:
            return View(Observed(step, ratio, cr, ce, base), c0)
        if m == SUCCESS_RATE:
            return View(Observed(step, 1.0 - ratio, baseline=base), c0)
        if m in world.canary_latency:  # both versions measured as samples
            value = np.where(cr > 0, _shift(world.canary_latency[m], cols, np.nan), np.nan)
            base = _shift(world.stable_latency[m], cols, np.nan)
            return View(Observed(step, value, baseline=base), c0)
        value = np.where(cr > 0, _shift(world.new[m], cols, np.nan), np.nan)
        return View(Observed(step, value, baseline=base), c0)
    offsets = np.full(len(world.draws), -world.lead, dtype=np.int64)
    base = world.old[m]
    if m in (ERROR_RATIO, SUCCESS_RATE):
        req = world.requests
        err = world.canary_errors + world.stable_errors
        ratio = _ratio(err, req)
        if m == ERROR_RATIO:
            return View(Observed(step, ratio, req, err, base), offsets)
        return View(Observed(step, 1.0 - ratio, baseline=base), offsets)
    e = world.exposure
    if m.startswith("latency_"):
        z = z_of(setup.statistics.get(m))
        value = mixture_quantile(world.new[m], world.old[m], e, z, setup.config.latency_sigma)
    else:
        value = e * world.new[m] + (1 - e) * world.old[m]
    return View(Observed(step, value, baseline=base), offsets)
