"""A vectorised stage-exposure model of a staged rollout, for backtests and threshold sweeps.

A deploy starts at minute 0 and walks ``Rollout.stages`` (name, exposure percent, bake minutes);
the last stage lasts until the replay ends. Sample ``i`` (minutes ``[i*step, (i+1)*step)``) has
the exposure of the stage active at its start. What monitoring sees (:func:`in_scope`):

* canary scope: the new version's own metric; request and error counts are its share of the
  traffic (``exposure x count``), ratios and latencies are unchanged;
* fleet scope: the traffic-weighted mixture of the new and the stable version: counts and rates
  add up, an error ratio is ``(e*errors_new + (1-e)*errors_old) / (e*req_new + (1-e)*req_old)``,
  and a latency percentile is the percentile of the mixture of two log-normal latency
  distributions with a common shape ``sigma`` (:data:`LATENCY_SIGMA`), never an average of
  percentiles.

The canary's sampling noise is added on top by :mod:`simulations.sampling.noise`. This model
knows nothing of on-call response: a rollback restores traffic ``Rollout.rollback_minutes``
after the alarm. The SimPy replay model (issue 4) is the detailed one; this one is cheap enough
to sweep 1,000 rule configurations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.model import Plan
from planner.plan.stages import DEFAULT_STAGES
from simulations._types import FloatArray
from simulations.exceptions import BacktestError
from simulations.replay.measure.latency import DEFAULT_SIGMA, mixture_quantile, z_of

__all__ = [
    "DEFAULT_ROLLOUT",
    "LATENCY_SIGMA",
    "Rollout",
    "in_scope",
    "latency_mixture_quantile",
]

LATENCY_SIGMA = DEFAULT_SIGMA  # log-normal shape of request latency (the replay model's)


@dataclass(frozen=True)
class Rollout:
    """Exposure stages as (name, exposure percent, bake minutes); a rollback takes minutes.

    Raises:
        BacktestError: no stage, an exposure outside (0, 100], a negative bake or rollback.
    """

    stages: tuple[tuple[str, float, float], ...]
    rollback_minutes: float = 5.0

    def __post_init__(self) -> None:
        if not self.stages:
            raise BacktestError("rollout: needs at least one stage with exposure > 0")
        for name, percent, bake in self.stages:
            if not 0 < percent <= 100:
                raise BacktestError(f"rollout stage {name}: exposure {percent} is outside (0, 100]")
            if bake < 0:
                raise BacktestError(f"rollout stage {name}: bake {bake} min must be >= 0")
        if self.rollback_minutes < 0:
            raise BacktestError(f"rollout: rollback_minutes {self.rollback_minutes} must be >= 0")

    @classmethod
    def from_plan(cls, plan: Plan, rollback_minutes: float = 5.0) -> Rollout:
        """The plan's stages that carry traffic, each baked for its minimum wait."""
        stages = tuple(
            (s.name, s.exposure_percent, s.wait_minutes.min)
            for s in plan.stages
            if s.exposure_percent > 0
        )
        return cls(stages, rollback_minutes)

    @property
    def duration_minutes(self) -> float:
        """Minutes of one whole deploy: every stage's bake (the last stage's included)."""
        return float(sum(bake for _, _, bake in self.stages))

    def stage_starts(self) -> tuple[float, ...]:
        """Minute at which each stage starts."""
        starts = np.concatenate([[0.0], np.cumsum([b for _, _, b in self.stages])[:-1]])
        return tuple(float(x) for x in starts)

    def exposure(self, n_steps: int, step_minutes: float) -> FloatArray:
        """Exposure fraction (0-1) of each sample of a deploy that starts at sample 0."""
        t = np.arange(n_steps) * step_minutes
        starts = np.asarray(self.stage_starts())
        which = np.searchsorted(starts, t, side="right") - 1
        percents = np.asarray([p for _, p, _ in self.stages]) / 100.0
        return np.asarray(percents[which], dtype=np.float64)


# The planner's reference stages at their minimum waits: Canary 10 % 2 h, Partial 50 % 4 h,
# Full 100 % 24 h (one definition: :data:`planner.plan.stages.DEFAULT_STAGES`).
DEFAULT_ROLLOUT = Rollout(DEFAULT_STAGES)


def latency_mixture_quantile(
    q_new: FloatArray,
    q_old: FloatArray,
    share_new: FloatArray,
    p: float,
    sigma: float = LATENCY_SIGMA,
) -> FloatArray:
    """The ``p``-quantile of a mixture of two log-normal latency distributions.

    Each version's latency is log-normal with shape ``sigma`` and the given ``p``-quantile
    (``q_new``, ``q_old``, same unit); ``share_new`` (0-1) of the requests go to the new one.
    The replay model's :func:`simulations.replay.measure.latency.mixture_quantile`, so both models
    make
    the same assumption. NaN in, NaN out.
    """
    z = {0.5: 0.0, 0.95: z_of("p95"), 0.99: z_of("p99")}[p]
    return mixture_quantile(q_new, q_old, share_new, z, sigma)


_QUANTILE = {"latency_p50_ms": 0.50, "latency_p95_ms": 0.95, "latency_p99_ms": 0.99}


def in_scope(
    metric: str, scope: str, new: FloatArray, old: FloatArray, exposure: FloatArray
) -> FloatArray:
    """The value monitoring sees of a non-ratio metric (see the module docstring).

    ``new`` and ``old`` are (rows x steps); ``exposure`` is (steps,) or broadcastable.
    Counts (``requests``, ``errors``, ``request_rate``) are scaled by the canary's share in canary
    scope and mixed in fleet scope; latencies are mixed as log-normal distributions; any other
    metric (saturation, ratios without counts) is the traffic-weighted mean.
    """
    counts = metric in ("requests", "errors", "request_rate", "successes")
    if scope == "canary":
        return np.asarray(new * exposure if counts else new, dtype=np.float64)
    if metric in _QUANTILE:
        # Where both versions have the same percentile so has the mixture: solve only elsewhere.
        share = np.broadcast_to(exposure, new.shape)
        out = np.array(new, dtype=np.float64)
        differ = (new != old) & np.isfinite(new) & np.isfinite(old)
        out[differ] = latency_mixture_quantile(
            new[differ], old[differ], share[differ], _QUANTILE[metric]
        )
        out[np.isnan(old)] = np.nan
        return out
    return np.asarray(exposure * new + (1 - exposure) * old, dtype=np.float64)
