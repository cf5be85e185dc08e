"""Canary versus baseline: the ``baseline`` family as a comparison of the two versions' series.

A thresholds file's ``baseline`` rule (Keptn-style; :class:`simulations.detectors
.BaselineComparison`) fails an evaluation when the new version's SLI is worse than the stable
version's by more than ``critical`` (0.1 = +10 %) and by more than ``min_absolute_difference``
in the metric's unit; the first failure rolls back. Every ``interval`` both SLIs are taken over
the last interval (the ``rate()`` window is the rule's interval). Each engine gets it in its own
convention:

- Prometheus rules: the canary and the stable SLI are recorded (``version="canary"`` and
  ``"stable"``) and an alert compares them, ``for: 0m``.
- Argo Rollouts and Flagger: one query returns the relative excess
  ``(C - S) / S``, multiplied by ``(C - S) > bool m`` so that an excess within the absolute
  allowance reads 0 (worse below: ``S - C``); the engine fails above ``critical``. Argo selects
  the versions with the pod-template-hash label and the Rollout's ``podTemplateHashValue:
  Latest`` / ``Stable`` arguments, Flagger with the pods of ``{{ target }}`` and
  ``{{ target }}-primary``. With a stable SLI of 0 the excess is ``+Inf`` (fails when the canary
  is beyond the absolute allowance) or ``NaN`` (never fails), as the detector decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.export.common import number
from planner.export.queries.promql import render_sli, with_matchers
from planner.thresholds import PLAN_METRIC, BaselineParams, ThresholdRule

if TYPE_CHECKING:
    from planner.export.target import ExportTarget

__all__ = ["Comparison", "comparisons_from_rules", "excess_query"]


@dataclass(frozen=True)
class Comparison:
    """One canary-versus-baseline check.

    Attributes:
        metric: the plan's metric name (``error_rate``, ``latency_p95`` ...).
        direction: which way is worse (``above``/``below``).
        critical: allowed relative worsening (0.1 = +10 %); beyond it the check fails.
        warning: the relative worsening that warns (<= ``critical``).
        interval_minutes: how often both versions are compared, and over how long.
        min_absolute_difference: the excess also needed, in the metric's unit.
    """

    metric: str
    direction: str
    critical: float
    warning: float
    interval_minutes: float
    min_absolute_difference: float = 0.0


def comparisons_from_rules(rules: Iterable[ThresholdRule]) -> tuple[Comparison, ...]:
    """The ``baseline`` rules of a rule set, metric names as the plan spells them."""
    out = []
    for rule in rules:
        p = rule.params
        if rule.family != "baseline" or not isinstance(p, BaselineParams):
            continue
        out.append(
            Comparison(
                metric=PLAN_METRIC.get(rule.metric, rule.metric),
                direction=rule.direction,
                critical=rule.critical,
                warning=rule.warning,
                interval_minutes=p.interval_minutes,
                min_absolute_difference=p.min_absolute_difference,
            )
        )
    return tuple(out)


def excess_query(
    target: ExportTarget,
    comparison: Comparison,
    canary: Sequence[str],
    stable: Sequence[str],
    variables: Mapping[str, str] | None = None,
) -> str:
    """``((C - S) / S) * ((C - S) > bool m)`` with ``C``/``S`` the SLI restricted by ``canary`` /
    ``stable`` matchers (worse below: ``S - C``)."""
    from dataclasses import replace

    field = f"promql.{comparison.metric}"
    windowed = replace(target, rate_window_minutes=comparison.interval_minutes)
    sli = render_sli(comparison.metric, windowed, variables)
    c = f"({with_matchers(sli, canary, field)})"
    s = f"({with_matchers(sli, stable, field)})"
    worse = f"({c} - {s})" if comparison.direction == "above" else f"({s} - {c})"
    return f"({worse} / {s}) * ({worse} > bool {number(comparison.min_absolute_difference)})"
