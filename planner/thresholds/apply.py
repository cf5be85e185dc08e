"""A thresholds file's rules as the plan's stage monitors (and so its rollback triggers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from planner.model import Monitor, Plan, Stage
from planner.thresholds.file import Thresholds
from planner.thresholds.waits import apply_stage_waits

__all__ = [
    "PLAN_METRIC",
    "apply_thresholds",
    "monitors_from_thresholds",
    "rule_set_source",
    "tuned_stage_monitors",
]


# Trace column names (simulations.traces.model) -> the plan's monitor names (planner.plan.monitors).
PLAN_METRIC = {
    "error_ratio": "error_rate",
    "latency_p50_ms": "latency_p50",
    "latency_p95_ms": "latency_p95",
    "latency_p99_ms": "latency_p99",
}
_UNITS = {
    "error_rate": "ratio",
    "success_rate": "ratio",
    "saturation": "ratio",
    "requests": "requests/step",
    "request_rate": "requests/s",
}


def monitors_from_thresholds(
    thresholds: Thresholds,
    defaults: Sequence[Monitor] = (),
    rule_set: str | None = None,
) -> tuple[Monitor, ...]:
    """Stage monitors (and so rollback triggers) from one rule set of a thresholds file.

    The rule set is ``rule_set`` or the file's first one (``tune`` writes its recommendation
    first). Each rule with absolute bounds in the static, flagger or argo family becomes a
    :class:`Monitor` with ``for_minutes`` = ``for`` (static), ``interval x threshold`` (flagger)
    or ``initialDelay + interval x (failureLimit + 1)`` (argo), and ``source`` =
    ``"<file>#<rule set>"``. It replaces the default monitor of the same metric and direction
    (keeping that monitor's unit, baseline and target); other defaults are kept unchanged. Trace
    metric names become the plan's (:data:`PLAN_METRIC`: ``error_ratio`` -> ``error_rate``).
    Relative, burn-rate and baseline rules have no absolute bound and are left out.
    """
    chosen = thresholds.get(rule_set) if rule_set else thresholds.rule_sets[0]
    source = f"{thresholds.source}#{chosen.name}"
    tuned: list[Monitor] = []
    for rule in chosen.rules:
        sustain = rule.params.sustain_minutes()
        if rule.relative is not None or sustain is None:
            continue
        metric = PLAN_METRIC.get(rule.metric, rule.metric)
        base = next(
            (m for m in defaults if m.metric == metric and m.direction == rule.direction),
            None,
        )
        unit = (
            base.unit if base else _UNITS.get(rule.metric, "ms" if "latency" in rule.metric else "")
        )
        tuned.append(
            Monitor(
                metric=metric,
                unit=unit,
                direction=rule.direction,
                baseline=base.baseline if base else rule.warning,
                target=base.target if base else rule.warning,
                warning=rule.warning,
                critical=rule.critical,
                for_minutes=sustain,
                source=source,
                scope=rule.scope,
            )
        )
    covered = {(m.metric, m.direction) for m in tuned}
    kept = [m for m in defaults if (m.metric, m.direction) not in covered]
    return (*kept, *tuned)


def rule_set_source(thresholds: Thresholds, rule_set: str | None = None) -> str:
    """``"<file>#<rule set>"``: where tuned monitors came from, as plans and exports record it."""
    chosen = thresholds.get(rule_set) if rule_set else thresholds.rule_sets[0]
    return f"{thresholds.source}#{chosen.name}"


def tuned_stage_monitors(
    stages: Sequence[Stage], thresholds: Thresholds, rule_set: str | None = None
) -> dict[str, tuple[Monitor, ...]]:
    """Stage name -> monitors with the rule set applied, for every stage that has monitors.

    Every monitored stage (Integration's smoke test included) gets the same bounds, because the
    engines' exported rules apply one threshold per metric to the whole rollout.
    """
    return {
        s.name: monitors_from_thresholds(thresholds, s.monitors, rule_set)
        for s in stages
        if s.monitors
    }


def apply_thresholds(plan: Plan, thresholds: Thresholds, rule_set: str | None = None) -> Plan:
    """``plan`` with the rule set's monitors on every monitored stage (the one way to apply one).

    ``plan --thresholds`` builds with the same :func:`tuned_stage_monitors`, so a plan built
    with a thresholds file and a plan given one afterwards watch the same things.
    """
    tuned = tuned_stage_monitors(plan.stages, thresholds, rule_set)
    stages = tuple(
        replace(s, monitors=tuned[s.name]) if s.name in tuned else s for s in plan.stages
    )
    out = replace(plan, stages=stages, thresholds_source=rule_set_source(thresholds, rule_set))
    return out if thresholds.stage_waits is None else apply_stage_waits(out, thresholds.stage_waits)
