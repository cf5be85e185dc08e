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
from planner.thresholds.families import SRE_WINDOWS, BurnWindow
from simulations.detectors.base import (
    BoolArray,
    Direction,
    Observed,
    Scope,
    breach,
    steps_per,
    window_value,
)

__all__ = ["SRE_WINDOWS", "BurnWindow", "MultiBurnRate"]


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
