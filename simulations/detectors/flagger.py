"""Flagger canary analysis: a metric check every ``interval``, rollback after ``threshold`` fails.

Field names follow Flagger's ``analysis`` block (``interval``, ``threshold``, ``stepWeight``,
``maxWeight``, ``stepWeights``, a metric's ``thresholdRange {min, max}``) as snake_case
attributes. Checks run at ``interval, 2 * interval, ...`` after the analysis starts; each reads
the metric over the trailing ``interval`` (Flagger templates use ``[{{ interval }}]``). A check
fails when the value is outside ``thresholdRange``; Flagger's ``failedChecks`` counter is not reset
by a passing check, and the canary is rolled back when it reaches ``threshold`` (default 1), so a
step incident starting on a check boundary is caught after exactly ``interval x threshold``. A
check with no data (NaN) is skipped here. Flagger itself counts a "no values found" check as
failed once the canary has weight (its scheduler adds 1 to ``failedChecks`` whenever the
analysis returns false); we skip it so that a gap in the historical trace, or a 0/0 ratio of
a zero-traffic interval, never rolls a replay back: the replay can only be optimistic there.
``stepWeight`` / ``maxWeight`` / ``stepWeights`` give the traffic schedule
(:meth:`FlaggerAnalysis.weights`), used when a replay follows Flagger's own progression.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.exceptions import ThresholdsError
from planner.model import Monitor
from planner.thresholds import FlaggerParams, ThresholdRule
from simulations.detectors.base import (
    BoolArray,
    Direction,
    Family,
    FloatArray,
    Observed,
    Scope,
    breach,
    hold,
    passes_critical,
    step_up,
    steps_per,
    window_value,
)

__all__ = ["FAMILY", "FlaggerAnalysis", "from_monitor", "from_rule"]


@dataclass(frozen=True)
class FlaggerAnalysis:
    """One Flagger analysis with one metric check.

    Attributes:
        metric: canonical metric name the check reads.
        threshold_range_max: Flagger ``thresholdRange.max`` (fail above it), or None.
        threshold_range_min: Flagger ``thresholdRange.min`` (fail below it), or None.
        interval_minutes: Flagger ``interval`` (default 1m; a multiple of the step).
        threshold: Flagger ``threshold``: failed checks before rollback (default 1).
        step_weight: Flagger ``stepWeight`` (percent), or None.
        max_weight: Flagger ``maxWeight`` (percent), or None.
        step_weights: Flagger ``stepWeights`` (percent), overrides ``step_weight``.
        scope: ``"canary"`` (the default, as Flagger queries the canary) or ``"fleet"``.
        name: label used in results.
    """

    metric: str
    threshold_range_max: float | None = None
    threshold_range_min: float | None = None
    interval_minutes: float = 1.0
    threshold: int = 1
    step_weight: float | None = None
    max_weight: float | None = None
    step_weights: tuple[float, ...] = ()
    scope: Scope = "canary"
    name: str = "flagger"

    def __post_init__(self) -> None:
        if self.threshold_range_max is None and self.threshold_range_min is None:
            raise ThresholdsError("flagger.thresholdRange: set min, max or both")
        if self.threshold < 1:
            raise ThresholdsError(f"flagger.threshold(={self.threshold}) must be >= 1")
        if self.interval_minutes <= 0:
            raise ThresholdsError(f"flagger.interval(={self.interval_minutes}) must be > 0")
        weights = [*self.step_weights, self.step_weight or 0, self.max_weight or 0]
        if any(not 0 <= x <= 100 for x in weights):
            raise ThresholdsError(f"flagger weights {weights} must be within 0-100")

    @property
    def direction(self) -> Direction:
        """``"above"`` when a maximum is set (higher is worse), else ``"below"``."""
        return "above" if self.threshold_range_max is not None else "below"

    def weights(self) -> tuple[float, ...]:
        """Canary weights (percent) Flagger steps through, from ``stepWeights`` or the step."""
        if self.step_weights:
            return self.step_weights
        if self.step_weight is None or self.step_weight <= 0:
            return ()
        top = self.max_weight if self.max_weight is not None else 50.0
        n = int(np.floor(top / self.step_weight + 1e-9))
        return tuple(float(self.step_weight * i) for i in range(1, n + 1))

    def failed_checks(self, obs: Observed) -> BoolArray:
        """Per check (one every ``interval``, the first at ``interval``): the check failed."""
        k = steps_per(self.interval_minutes, obs.step_minutes, "flagger.interval")
        v = window_value(obs, k)[..., k - 1 :: k]
        hi, lo = self.threshold_range_max, self.threshold_range_min
        if lo is None and hi is not None:
            return breach(v, hi, "above")
        if hi is None and lo is not None:
            return breach(v, lo, "below")
        return breach(v, hi, "above") | breach(v, lo, "below")  # type: ignore[arg-type]

    def firing(self, obs: Observed) -> BoolArray:
        """Per step: ``failedChecks`` has reached ``threshold`` (rollback)."""
        k = steps_per(self.interval_minutes, obs.step_minutes, "flagger.interval")
        # failedChecks never decreases, so reaching the threshold is already final
        reached = np.cumsum(self.failed_checks(obs), axis=-1) >= self.threshold
        return hold(reached, k, obs.n_steps)


# --- the flagger family's model (registered in simulations.detectors.registry) ---------------


def from_rule(rule: ThresholdRule, p: FlaggerParams, step: float) -> FlaggerAnalysis:
    """``critical`` is ``thresholdRange.max`` (direction above) or ``.min`` (below)."""
    above = rule.direction == "above"
    return FlaggerAnalysis(
        rule.metric,
        threshold_range_max=rule.critical if above else None,
        threshold_range_min=None if above else rule.critical,
        interval_minutes=step_up(p.interval_minutes, step),
        threshold=p.threshold,
        step_weight=p.step_weight,
        max_weight=p.max_weight,
        step_weights=p.step_weights,
        scope=rule.scope,
        name=rule.name or rule.label(),
    )


def from_monitor(metric: str, mon: Monitor, step: float) -> FlaggerAnalysis:
    """``thresholdRange`` at ``critical``, ``interval`` 1m, ``threshold`` = ``for_minutes``
    checks (at least 1), canary scope."""
    up = mon.direction == "above"
    interval = step_up(1.0, step)
    return FlaggerAnalysis(
        metric,
        threshold_range_max=mon.critical if up else None,
        threshold_range_min=None if up else mon.critical,
        interval_minutes=interval,
        threshold=max(1, round(mon.for_minutes / interval)),
        scope=mon.scope or "canary",
    )


def single_sample(p: FlaggerParams, step: float) -> bool:
    """One sample per check when the interval is one step."""
    return step_up(p.interval_minutes, step) == step


def may_fire(
    rule: ThresholdRule, p: FlaggerParams, high: FloatArray, low: FloatArray, gaps: BoolArray
) -> BoolArray:
    """Rows whose extreme sample passes the range."""
    return passes_critical(rule.direction, rule.critical, high, low)


def breaches_needed(p: FlaggerParams, step: float) -> int:
    """``threshold`` failed checks."""
    return p.threshold


def block_minutes(p: FlaggerParams) -> float | None:
    """Every ``interval`` over the last ``interval``; a failed canary stays failed."""
    return p.interval_minutes


FAMILY = Family(
    "flagger",
    FlaggerParams,
    True,
    from_rule,
    from_monitor,
    single_sample,
    may_fire,
    breaches_needed,
    block_minutes=block_minutes,
)
