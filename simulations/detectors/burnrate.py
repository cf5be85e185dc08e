"""Multi-window, multi-burn-rate SLO alert (Google SRE Workbook, "Alerting on SLOs", ch. 5).

The burn rate is the error ratio divided by the error budget ``1 - slo``. The page fires when,
for any window pair, the error ratio over both the long and the short window exceeds
``factor x (1 - slo)``: by default 14.4x over 1h and 5m (2 % of a 30-day budget in an hour) or
6x over 6h and 30m (5 % in six hours). Windows at the start of the observation use the samples
they have (as ``rate()`` over a partly empty range does). Evaluated at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.exceptions import ThresholdsError
from planner.model import Monitor
from planner.thresholds import BurnRateParams, ThresholdRule
from planner.thresholds.families import SRE_WINDOWS, BurnWindow
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

__all__ = ["FAMILY", "SRE_WINDOWS", "BurnWindow", "MultiBurnRate", "from_monitor", "from_rule"]


@dataclass(frozen=True)
class MultiBurnRate:
    """Page on a fast error-budget burn.

    Attributes:
        slo: availability objective, a fraction in (0, 1) (0.999 = 99.9 %).
        windows: the window pairs (default: the SRE Workbook's page pairs).
        metric: the error ratio column.
        scope: ``"fleet"`` (an SLO is service-wide, the default) or ``"canary"``.
        name: label used in results.
    """

    slo: float = 0.999
    windows: tuple[BurnWindow, ...] = SRE_WINDOWS
    metric: str = "error_ratio"
    scope: Scope = "fleet"
    name: str = "burnrate"

    def __post_init__(self) -> None:
        if not 0 < self.slo < 1:
            raise ThresholdsError(f"burnrate.slo(={self.slo}) must be within (0, 1)")
        if not self.windows:
            raise ThresholdsError("burnrate.windows: need at least one window pair")

    @property
    def direction(self) -> Direction:
        """Always ``"above"``: an error ratio is worse when higher."""
        return "above"

    def firing(self, obs: Observed) -> BoolArray:
        """Per step: some window pair burns faster than its factor in both windows."""
        budget = 1.0 - self.slo
        out = np.zeros(obs.value.shape, dtype=np.bool_)
        for win in self.windows:
            limit = win.factor * budget
            long_ = window_value(obs, steps_per(win.long_minutes, obs.step_minutes, "long"))
            short = window_value(obs, steps_per(win.short_minutes, obs.step_minutes, "short"))
            out |= breach(long_, limit, "above") & breach(short, limit, "above")
        return out


# --- the burn_rate family's model (registered in simulations.detectors.registry) -------------


def from_rule(rule: ThresholdRule, p: BurnRateParams, step: float) -> MultiBurnRate:
    """The ``critical``-severity windows page; ``warning`` ones are tickets, not rollbacks."""
    windows = tuple(
        BurnWindow(step_up(w.long_minutes, step), step_up(w.short_minutes, step), w.factor)
        for w in p.windows
        if w.severity == "critical"
    )
    return MultiBurnRate(p.slo, windows, rule.metric, rule.scope, rule.name or rule.label())


def from_monitor(metric: str, mon: Monitor, step: float) -> MultiBurnRate:
    """The SRE Workbook pairs with ``slo`` = 1 - the monitor's target error ratio, fleet scope.

    Raises:
        ValueError: ``metric`` is neither the error ratio nor the success rate.
    """
    if metric not in ("error_ratio", "success_rate"):
        raise ValueError(f"--detector burnrate: needs the error ratio, not {metric!r}")
    target = mon.target if metric == "error_ratio" else 1.0 - mon.target
    windows = tuple(
        BurnWindow(step_up(w.long_minutes, step), step_up(w.short_minutes, step), w.factor)
        for w in SRE_WINDOWS
    )
    return MultiBurnRate(slo=1.0 - target, windows=windows)


def single_sample(p: BurnRateParams, step: float) -> bool:
    """Burn rates aggregate counts over windows."""
    return False


def may_fire(
    rule: ThresholdRule, p: BurnRateParams, high: FloatArray, low: FloatArray, gaps: BoolArray
) -> BoolArray:
    """Rows whose extreme error ratio passes the lowest paging burn."""
    limits = [w.factor * (1 - p.slo) for w in p.windows if w.severity == "critical"]
    return np.asarray(high > min(limits)) if limits else np.zeros(high.shape, dtype=np.bool_)


def breaches_needed(p: BurnRateParams, step: float) -> int:
    """One window average can page: no narrowing."""
    return 1


FAMILY = Family(
    "burn_rate",
    BurnRateParams,
    False,
    from_rule,
    from_monitor,
    single_sample,
    may_fire,
    breaches_needed,
)
