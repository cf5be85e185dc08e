"""Canary versus baseline comparison with a relative criterion (Keptn quality-gate style).

Every ``interval_minutes`` the canary's metric over the last interval is compared with the
stable version's (``Observed.baseline``) over the same samples. An evaluation fails when the
canary is worse than the baseline by more than ``max_increase_percent`` (Keptn's ``<=+10%``)
and by more than ``min_absolute_difference`` in the metric's unit (so that 0.0002 against
0.0001 does not count as +100 %). The first failed evaluation calls for rollback, as a failed
Keptn evaluation does. Evaluations with no data on either side neither pass nor fail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.exceptions import ThresholdsError
from planner.model import Monitor
from planner.thresholds import BaselineParams, ThresholdRule
from simulations.detectors.base import (
    BoolArray,
    Direction,
    Family,
    FloatArray,
    Observed,
    Scope,
    hold,
    latch,
    step_up,
    steps_per,
    window_value,
)

__all__ = ["FAMILY", "BaselineComparison", "from_monitor", "from_rule"]


@dataclass(frozen=True)
class BaselineComparison:
    """Fail when the canary is more than ``max_increase_percent`` worse than the baseline.

    Attributes:
        metric: canonical metric name compared.
        max_increase_percent: allowed relative degradation in percent (10 = Keptn ``<=+10%``).
        direction: ``"above"`` when higher is worse (for ``"below"`` the allowance is a drop).
        interval_minutes: evaluation period and comparison window (a multiple of the step).
        min_absolute_difference: also needed excess, in the metric's unit (>= 0).
        scope: ``"canary"`` (the default) or ``"fleet"``.
        name: label used in results.
    """

    metric: str
    max_increase_percent: float = 10.0
    direction: Direction = "above"
    interval_minutes: float = 1.0
    min_absolute_difference: float = 0.0
    scope: Scope = "canary"
    name: str = "baseline"

    def __post_init__(self) -> None:
        if self.max_increase_percent < 0:
            raise ThresholdsError(
                f"baseline.max_increase_percent(={self.max_increase_percent}) must be >= 0"
            )
        if self.min_absolute_difference < 0:
            raise ThresholdsError(
                f"baseline.min_absolute_difference(={self.min_absolute_difference}) must be >= 0"
            )

    def firing(self, obs: Observed) -> BoolArray:
        """Per step: an evaluation has failed (latched)."""
        if obs.baseline is None:
            raise ThresholdsError(f"{self.name}: the baseline comparison needs Observed.baseline")
        k = steps_per(self.interval_minutes, obs.step_minutes, "baseline.interval")
        canary = window_value(obs, k)[..., k - 1 :: k]
        base = window_value(Observed(obs.step_minutes, obs.baseline), k)[..., k - 1 :: k]
        rel = self.max_increase_percent / 100.0
        with np.errstate(invalid="ignore"):
            if self.direction == "above":
                bad = (canary > base * (1 + rel)) & (canary - base > self.min_absolute_difference)
            else:
                bad = (canary < base * (1 - rel)) & (base - canary > self.min_absolute_difference)
        return hold(latch(np.asarray(bad, dtype=np.bool_)), k, obs.n_steps)


# --- the baseline family's model (registered in simulations.detectors.registry) --------------


def from_rule(rule: ThresholdRule, p: BaselineParams, step: float) -> BaselineComparison:
    """``critical`` is the allowed relative worsening (0.1 = Keptn's ``<=+10%``)."""
    return BaselineComparison(
        rule.metric,
        max_increase_percent=rule.critical * 100.0,
        direction=rule.direction,
        interval_minutes=step_up(p.interval_minutes, step),
        min_absolute_difference=p.min_absolute_difference,
        scope=rule.scope,
        name=rule.name or rule.label(),
    )


def from_monitor(metric: str, mon: Monitor, step: float) -> BaselineComparison:
    """At most +10 % over the stable version and worse by more than ``|warning - baseline|``,
    every 5 minutes, canary scope."""
    return BaselineComparison(
        metric,
        10.0,
        mon.direction,
        interval_minutes=step_up(5.0, step),
        min_absolute_difference=abs(mon.warning - mon.baseline),
    )


def single_sample(p: BaselineParams, step: float) -> bool:
    """One sample per comparison when the interval is one step."""
    return step_up(p.interval_minutes, step) == step


def may_fire(
    rule: ThresholdRule, p: BaselineParams, high: FloatArray, low: FloatArray, gaps: BoolArray
) -> BoolArray:
    """Any row: the bound is relative to the baseline, which the extremes do not bound."""
    return np.ones(high.shape, dtype=np.bool_)


def breaches_needed(p: BaselineParams, step: float) -> int:
    """One comparison can fail: no narrowing."""
    return 1


def block_minutes(p: BaselineParams) -> float | None:
    """Every ``interval`` over the last ``interval``; a failed comparison stays failed."""
    return p.interval_minutes


FAMILY = Family(
    "baseline",
    BaselineParams,
    True,
    from_rule,
    from_monitor,
    single_sample,
    may_fire,
    breaches_needed,
    block_minutes=block_minutes,
)
