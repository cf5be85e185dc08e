"""Prometheus rules: recording rules for the SLIs, alerting rules for every threshold.

One rule file with two groups. ``<service>-sli`` records each monitored SLI: a canary-scope
metric (the default) as ``service_version:sli_<metric>:rate<window>``, the template restricted
to the new version by the profile's version label (``version="canary"``) and labelled with it;
a fleet-scope one as ``service:sli_<metric>:rate<window>`` over the whole service. Both carry
the ``service`` and ``namespace`` labels. ``<service>-alerts`` has, per monitored metric, a
``warning`` and a ``critical`` alert: ``expr`` compares the recorded SLI with the threshold
(strictly, like the plan), ``for:`` is the monitor's sustain window, ``labels.severity`` the
level, and the annotations carry the summary, the stages, the rollback level to execute and its
commands. Alert labels and annotations are Go templates in Prometheus: every text taken from
the plan is escaped for it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from planner.export.common import MANAGED_BY, check_reference, number
from planner.export.names import (
    camel,
    dns_label,
    duration,
    go_template_literal,
    metric_name,
    promql_string,
)
from planner.export.queries.burnrate import BurnRate, window_targets
from planner.export.queries.compare import Comparison
from planner.export.queries.promql import render_scoped_sli
from planner.export.queries.watch import Watch, rollback_command, rollback_name, watches
from planner.export.target import ExportTarget
from planner.model import Plan
from planner.plan.monitors import fmt_value

__all__ = [
    "LEVELS",
    "alert_name",
    "alerting_rule",
    "build_rules",
    "burn_rate_rule",
    "comparison_rule",
    "record_labels",
    "record_name",
    "recording_rule",
    "sli_selector",
]

LEVELS = ("warning", "critical")


def record_name(target: ExportTarget, metric: str, scope: str = "fleet") -> str:
    """The recorded SLI: ``service:sli_<metric>:rate<window>`` (fleet) or
    ``service_version:sli_<metric>:rate<window>`` (one version)."""
    window = duration(target.rate_window_minutes, "rate_window_minutes")
    level = "service" if scope == "fleet" else "service_version"
    return f"{level}:sli_{metric_name(metric, 'monitor')}:rate{window}"


def record_labels(target: ExportTarget, scope: str = "fleet") -> dict[str, str]:
    """Labels of a recorded SLI: service, namespace and, for one version, its version label."""
    labels = {"service": target.service, "namespace": target.namespace}
    if scope != "fleet":
        version = target.labels.canary if scope == "canary" else target.labels.stable
        labels[target.labels.version] = version
    return labels


def alert_name(target: ExportTarget, metric: str, level: str) -> str:
    """``CheckoutErrorRateCritical``: service, metric and level in CamelCase."""
    return camel(target.service, "service") + camel(metric, "monitor") + level.capitalize()


def sli_selector(target: ExportTarget, metric: str, scope: str = "fleet") -> str:
    """The recorded SLI series of ``metric`` in ``scope``, as a PromQL selector."""
    labels = record_labels(target, scope)
    body = ",".join(f"{k}={promql_string(v)}" for k, v in sorted(labels.items()))
    return f"{record_name(target, metric, scope)}{{{body}}}"


def _summary(target: ExportTarget, watch: Watch, level: str) -> str:
    m = watch.monitor
    threshold = m.critical if level == "critical" else m.warning
    side = "above" if m.direction == "above" else "below"
    who = (
        f"the new version ({target.labels.version}={target.labels.canary}) of {target.service}"
        if watch.scope == "canary"
        else target.service
    )
    return (
        f"{m.metric} of {who} in {target.namespace} is {side} the {level} "
        f"threshold {fmt_value(threshold, m.unit)} for {duration(m.for_minutes)}"
    )


def alerting_rule(plan: Plan, target: ExportTarget, watch: Watch, level: str) -> dict[str, Any]:
    """The alert for one threshold (``level`` is ``"warning"`` or ``"critical"``)."""
    m = watch.monitor
    threshold = m.critical if level == "critical" else m.warning
    op = ">" if m.direction == "above" else "<"
    annotations = {
        "summary": _summary(target, watch, level),
        "stages": ", ".join(watch.stages),
    }
    if watch.rollback_levels:
        first = watch.rollback_levels[0]
        name = rollback_name(plan, first)
        annotations["rollback_level"] = str(first)
        annotations["rollback"] = name
        annotations["rollback_command"] = rollback_command(plan, first)
        annotations["action"] = (
            f"Roll back now: {name}"
            if level == "critical"
            else f"Evaluate: investigate; if it reaches critical, {name}"
        )
    return {
        "alert": alert_name(target, m.metric, level),
        "expr": f"{sli_selector(target, m.metric, watch.scope)} {op} {number(threshold)}",
        "for": duration(m.for_minutes, f"monitor {m.metric}: for_minutes"),
        "labels": {
            "severity": level,
            "service": go_template_literal(target.service),
            "namespace": go_template_literal(target.namespace),
            "metric": go_template_literal(m.metric),
            "managed_by": MANAGED_BY,
        },
        "annotations": {k: go_template_literal(v) for k, v in annotations.items() if v},
    }


def recording_rule(target: ExportTarget, metric: str, scope: str = "fleet") -> dict[str, Any]:
    """The recording rule of one SLI in ``scope`` (recording-rule labels are not templated)."""
    return {
        "record": record_name(target, metric, scope),
        "expr": render_scoped_sli(metric, target, scope),
        "labels": record_labels(target, scope),
    }


def comparison_rule(
    plan: Plan, target: ExportTarget, comparison: Comparison, level: str
) -> dict[str, Any]:
    """The alert comparing the new version's SLI with the stable version's (baseline family)."""
    windowed = replace(target, rate_window_minutes=comparison.interval_minutes)
    canary = sli_selector(windowed, comparison.metric, "canary")
    stable = sli_selector(windowed, comparison.metric, "stable")
    bound = comparison.critical if level == "critical" else comparison.warning
    least = number(comparison.min_absolute_difference)
    on = f"ignoring({target.labels.version})"
    if comparison.direction == "above":
        expr = (
            f"{canary} > {on} {number(1 + bound)} * {stable} "
            f"and {on} ({canary} - {on} {stable}) > {least}"
        )
        side = "above"
    else:
        expr = (
            f"{canary} < {on} {number(1 - bound)} * {stable} "
            f"and {on} ({stable} - {on} {canary}) > {least}"
        )
        side = "below"
    every = duration(comparison.interval_minutes, "baseline interval")
    summary = (
        f"{comparison.metric} of the new version of {target.service} in {target.namespace} is "
        f"more than {bound:.0%} {side} the stable version's (and by more than {least}) over "
        f"the last {every}"
    )
    annotations = {
        "summary": summary,
        "action": "Roll back now" if level == "critical" else "Evaluate: investigate",
    }
    return {
        "alert": camel(target.service, "service")
        + camel(comparison.metric, "monitor")
        + "VsBaseline"
        + level.capitalize(),
        "expr": expr,
        "for": "0m",
        "labels": {
            "severity": level,
            "service": go_template_literal(target.service),
            "namespace": go_template_literal(target.namespace),
            "metric": go_template_literal(comparison.metric),
            "comparison": "baseline",
            "managed_by": MANAGED_BY,
        },
        "annotations": {k: go_template_literal(v) for k, v in annotations.items()},
    }


def burn_rate_rule(target: ExportTarget, burn: BurnRate, level: str) -> dict[str, Any]:
    """The multiwindow burn-rate alert of ``level``'s windows (SRE Workbook), service-wide."""
    budget = 1.0 - burn.slo
    pairs = []
    for w in burn.windows:
        if w.severity != level:
            continue
        limit = number(round(w.factor * budget, 12))
        sides = []
        for minutes in (w.long_minutes, w.short_minutes):
            windowed = replace(target, rate_window_minutes=minutes)
            sli = sli_selector(windowed, burn.metric, "fleet")
            # a success rate burns its budget as 1 - success
            sides.append(
                f"{sli} > {limit}" if burn.metric != "success_rate" else f"1 - {sli} > {limit}"
            )
        pairs.append(f"({sides[0]} and {sides[1]})")
    windows = ", ".join(
        f"{duration(w.long_minutes)}/{duration(w.short_minutes)} x{w.factor:g}"
        for w in burn.windows
        if w.severity == level
    )
    summary = (
        f"{target.service} in {target.namespace} burns its {burn.slo:.2%} SLO error budget too "
        f"fast ({burn.metric}; windows {windows})"
    )
    return {
        "alert": camel(target.service, "service") + "ErrorBudgetBurn" + level.capitalize(),
        "expr": " or ".join(pairs),
        "labels": {
            "severity": level,
            "service": go_template_literal(target.service),
            "namespace": go_template_literal(target.namespace),
            "metric": go_template_literal(burn.metric),
            "slo": number(burn.slo),
            "managed_by": MANAGED_BY,
        },
        "annotations": {"summary": go_template_literal(summary)},
    }


def _burn_rate_records(target: ExportTarget) -> list[dict[str, Any]]:
    return [
        recording_rule(windowed, burn.metric, "fleet")
        for burn in target.burn_rates
        for windowed in window_targets(target, burn)
    ]


def _comparison_records(target: ExportTarget) -> list[dict[str, Any]]:
    out = []
    for c in target.comparisons:
        windowed = replace(target, rate_window_minutes=c.interval_minutes)
        for scope in ("canary", "stable"):
            out.append(recording_rule(windowed, c.metric, scope))
    return out


def build_rules(plan: Plan, target: ExportTarget) -> dict[str, Any]:
    """The rule file (``groups:``) as a plain dict (dump with safe_dump).

    Raises:
        ExportError: a bad name, conflicting thresholds, a metric without PromQL.
    """
    check_reference(target.namespace, "namespace")
    ws = watches(plan)
    base = dns_label(target.service, field="service")
    every = duration(target.interval_minutes, "interval_minutes")
    records = [recording_rule(target, w.monitor.metric, w.scope) for w in ws]
    for extra in (*_comparison_records(target), *_burn_rate_records(target)):
        if extra not in records:
            records.append(extra)
    alerts = [alerting_rule(plan, target, w, lv) for w in ws for lv in LEVELS]
    for c in target.comparisons:
        levels = LEVELS if c.warning < c.critical else ("critical",)
        alerts += [comparison_rule(plan, target, c, lv) for lv in levels]
    for burn in target.burn_rates:
        severities = [lv for lv in LEVELS if any(w.severity == lv for w in burn.windows)]
        alerts += [burn_rate_rule(target, burn, lv) for lv in severities]
    return {
        "groups": [
            {"name": f"{base}-sli", "interval": every, "rules": records},
            {"name": f"{base}-alerts", "interval": every, "rules": alerts},
        ]
    }
