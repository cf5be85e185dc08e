"""Argo Rollouts analysis (an ``AnalysisTemplate`` metric run as background analysis).

Field names follow Argo (``interval``, ``count``, ``initialDelay``, ``successCondition``,
``failureCondition``, ``failureLimit``, ``inconclusiveLimit``, ``consecutiveErrorLimit``) as
snake_case attributes. Measurements are taken at ``initialDelay + n * interval`` (n = 0, 1, ...,
``count - 1``; unlimited without ``count``) from the analysis start; each reads the metric over
the trailing ``query_window_minutes`` (default ``interval``, as ``rate(x[interval])``). A
condition is a bound on ``result``: ``failureCondition`` ``result > f`` and ``successCondition``
``result < s`` for direction above (reversed for below). Argo evaluates failure first:

- failure condition true -> Failed;
- else success condition true -> Successful;
- else both set -> Inconclusive; only success set -> Failed; only failure set -> Successful.

No data (NaN) is a measurement Error. The run ends Failed when failed measurements exceed
``failureLimit`` (default 0), Inconclusive when inconclusive ones exceed ``inconclusiveLimit``
(default 0), Error when consecutive errors exceed ``consecutiveErrorLimit`` (default 4), and
Successful after ``count`` measurements. Failed and Error abort the rollout: the detector fires
from that measurement on. Inconclusive pauses the rollout for a human and never fires. Argo has
no default ``interval``; ours is 1 minute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.exceptions import ThresholdsError
from planner.model import Monitor
from planner.thresholds import ArgoParams, ThresholdRule
from simulations.detectors.base import (
    BoolArray,
    Direction,
    Family,
    FloatArray,
    Observed,
    Scope,
    breach,
    step_up,
    steps_per,
    window_value,
)

__all__ = ["FAMILY", "ArgoAnalysis", "from_monitor", "from_rule"]


@dataclass(frozen=True)
class ArgoAnalysis:
    """One Argo Rollouts analysis metric.

    Attributes:
        metric: canonical metric name the query returns.
        failure_condition: Argo ``failureCondition`` bound (``result > f`` when above), or None.
        success_condition: Argo ``successCondition`` bound (``result < s`` when above), or None.
        direction: ``"above"`` when higher is worse.
        interval_minutes: Argo ``interval`` (a multiple of the step).
        count: Argo ``count``: number of measurements; None runs until the replay ends.
        initial_delay_minutes: Argo ``initialDelay``.
        failure_limit: Argo ``failureLimit`` (default 0).
        inconclusive_limit: Argo ``inconclusiveLimit`` (default 0).
        consecutive_error_limit: Argo ``consecutiveErrorLimit`` (default 4).
        query_window_minutes: range of the query; None means ``interval``.
        scope: ``"canary"`` (the query selects the canary pods, the default) or ``"fleet"``.
        name: label used in results.
    """

    metric: str
    failure_condition: float | None = None
    success_condition: float | None = None
    direction: Direction = "above"
    interval_minutes: float = 1.0
    count: int | None = None
    initial_delay_minutes: float = 0.0
    failure_limit: int = 0
    inconclusive_limit: int = 0
    consecutive_error_limit: int = 4
    query_window_minutes: float | None = None
    scope: Scope = "canary"
    name: str = "argo"

    def __post_init__(self) -> None:
        if self.failure_condition is None and self.success_condition is None:
            raise ThresholdsError("argo: set failure_condition, success_condition or both")
        for field in ("failure_limit", "inconclusive_limit", "consecutive_error_limit"):
            if getattr(self, field) < 0:
                raise ThresholdsError(f"argo.{field}(={getattr(self, field)}) must be >= 0")
        if self.count is not None and self.count < 1:
            raise ThresholdsError(f"argo.count(={self.count}) must be >= 1")
        if self.initial_delay_minutes < 0:
            raise ThresholdsError(
                f"argo.initial_delay_minutes(={self.initial_delay_minutes}) must be >= 0"
            )

    def outcomes(self, obs: Observed) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Measurement step indices (-1 = before the first sample) and outcome codes.

        Codes: 0 Successful, 1 Failed, 2 Inconclusive, 3 Error.
        """
        step = obs.step_minutes
        k = steps_per(self.interval_minutes, step, "argo.interval")
        d = (
            0
            if self.initial_delay_minutes == 0
            else steps_per(self.initial_delay_minutes, step, "argo.initialDelay")
        )
        w = steps_per(self.query_window_minutes or self.interval_minutes, step, "argo.window")
        n = obs.n_steps
        # measurement n at time (d + n k) steps reads samples up to index d + n k - 1
        last = d + np.arange(0, max(0, (n - d) // k + 1)) * k - 1
        last = last[last < n]
        if self.count is not None:
            last = last[: self.count]
        v = window_value(obs, w)
        vals = v[..., np.clip(last, 0, None)]
        vals[..., last < 0] = np.nan
        err = np.isnan(vals)
        inverse: Direction = "below" if self.direction == "above" else "above"
        fail = (
            breach(vals, self.failure_condition, self.direction)
            if self.failure_condition is not None
            else np.zeros_like(err)
        )
        ok = (
            breach(vals, self.success_condition, inverse)
            if self.success_condition is not None
            else ~fail
        )
        code = np.where(ok, 0, 2 if self.failure_condition is not None else 1)
        code = np.where(fail, 1, code)
        code = np.where(err, 3, code)
        return last.astype(np.int64), np.asarray(code, dtype=np.int64)

    def firing(self, obs: Observed) -> BoolArray:
        """Per step: the analysis has ended Failed or Error (the rollout is aborted)."""
        last, code = self.outcomes(obs)
        out = np.zeros(obs.value.shape, dtype=np.bool_)
        if last.size == 0:
            return out
        failed = np.cumsum(code == 1, axis=-1) > self.failure_limit
        inconclusive = np.cumsum(code == 2, axis=-1) > self.inconclusive_limit
        err = code == 3
        m = np.arange(code.shape[-1])
        last_ok = np.maximum.accumulate(np.where(err, -1, m), axis=-1)
        errored = (m - last_ok) > self.consecutive_error_limit
        terminal = failed | inconclusive | errored
        first = np.argmax(terminal, axis=-1)
        ends = terminal.any(axis=-1)
        aborts = (
            ends
            & ~np.take_along_axis(inconclusive & ~failed & ~errored, first[..., None], axis=-1)[
                ..., 0
            ]
        )
        at = np.clip(last[first], 0, None)  # a decision before the first sample shows at step 0
        steps = np.arange(obs.n_steps)
        out = aborts[..., None] & (steps >= np.asarray(at)[..., None])
        return np.asarray(out, dtype=np.bool_)


# --- the argo family's model (registered in simulations.detectors.registry) ------------------


def from_rule(rule: ThresholdRule, p: ArgoParams, step: float) -> ArgoAnalysis:
    """``critical`` is the ``failureCondition`` bound, ``warning`` the ``successCondition`` bound
    (between them Inconclusive); with ``warning == critical`` only ``successCondition`` is set."""
    two_bounds = rule.warning != rule.critical
    delay = p.initial_delay_minutes
    return ArgoAnalysis(
        rule.metric,
        failure_condition=rule.critical if two_bounds else None,
        success_condition=rule.warning,
        direction=rule.direction,
        interval_minutes=step_up(p.interval_minutes, step),
        count=p.count,
        initial_delay_minutes=step_up(delay, step) if delay > 0 else 0.0,
        failure_limit=p.failure_limit,
        inconclusive_limit=p.inconclusive_limit,
        consecutive_error_limit=p.consecutive_error_limit,
        scope=rule.scope,
        name=rule.name or rule.label(),
    )


def from_monitor(metric: str, mon: Monitor, step: float) -> ArgoAnalysis:
    """``failureCondition`` at ``critical``, ``interval`` 5m, ``failureLimit`` 1, canary scope."""
    return ArgoAnalysis(
        metric,
        failure_condition=mon.critical,
        direction=mon.direction,
        interval_minutes=step_up(5.0, step),
        failure_limit=1,
        scope=mon.scope or "canary",
    )


def single_sample(p: ArgoParams, step: float) -> bool:
    """One sample per measurement when the interval is one step."""
    return step_up(p.interval_minutes, step) == step


def may_fire(
    rule: ThresholdRule, p: ArgoParams, high: FloatArray, low: FloatArray, gaps: BoolArray
) -> BoolArray:
    """Rows that reach the ``successCondition`` bound, or miss a sample (a measurement error)."""
    reach = high >= rule.warning if rule.direction == "above" else low <= rule.warning
    return np.asarray(reach | gaps, dtype=np.bool_)


def breaches_needed(p: ArgoParams, step: float) -> int:
    """``failureLimit + 1`` failed measurements."""
    return p.failure_limit + 1


def block_minutes(p: ArgoParams) -> float | None:
    """Every ``interval`` over the last ``interval`` when measuring from the start without an end
    (no ``initialDelay``, no ``count``); a failed analysis stays failed."""
    return p.interval_minutes if p.initial_delay_minutes == 0 and p.count is None else None


FAMILY = Family(
    "argo",
    ArgoParams,
    True,
    from_rule,
    from_monitor,
    single_sample,
    may_fire,
    breaches_needed,
    fires_on_gaps=True,
    block_minutes=block_minutes,
)
