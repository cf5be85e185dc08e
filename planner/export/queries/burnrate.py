"""Error-budget burn rate: a thresholds file's ``burn_rate`` rules as Prometheus alerts.

The Google SRE Workbook's multiwindow, multi-burn-rate alert ("Alerting on SLOs"): page when
the error ratio over both a long and a short window exceeds ``factor x (1 - slo)`` for some
window pair (the replay's :class:`simulations.detectors.MultiBurnRate`). It watches the whole
service: an error budget belongs to the service, not to one version, so the SLI is recorded
service-wide over every window the rule names (``service:sli_error_rate:rate1h`` ...), and the
rule's ``critical`` windows make a ``critical`` alert, its ``warning`` windows a ``warning`` one.
Argo Rollouts and Flagger get no burn-rate check: it is an alert, not a canary analysis.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.thresholds import PLAN_METRIC, BurnRateParams, BurnWindow, ThresholdRule

if TYPE_CHECKING:
    from planner.export.target import ExportTarget

__all__ = ["BurnRate", "burn_rates_from_rules", "window_targets"]


@dataclass(frozen=True)
class BurnRate:
    """One burn-rate rule: the plan's metric (``error_rate`` or ``success_rate``), the SLO and
    the window pairs with their factors and severities."""

    metric: str
    slo: float
    windows: tuple[BurnWindow, ...]


def burn_rates_from_rules(rules: Iterable[ThresholdRule]) -> tuple[BurnRate, ...]:
    """The ``burn_rate`` rules of a rule set, metric names as the plan spells them."""
    return tuple(
        BurnRate(PLAN_METRIC.get(r.metric, r.metric), r.params.slo, r.params.windows)
        for r in rules
        if r.family == "burn_rate" and isinstance(r.params, BurnRateParams)
    )


def window_targets(target: ExportTarget, burn: BurnRate) -> list[ExportTarget]:
    """``target`` with the ``rate()`` range set to each window of ``burn``, distinct, in order."""
    from dataclasses import replace

    minutes: list[float] = []
    for w in burn.windows:
        for m in (w.long_minutes, w.short_minutes):
            if m not in minutes:
                minutes.append(m)
    return [replace(target, rate_window_minutes=m) for m in minutes]
