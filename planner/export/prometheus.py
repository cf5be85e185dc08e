"""Prometheus rules: recording rules for the SLIs, alerting rules for every threshold.

One rule file with two groups. ``<service>-sli`` records each monitored SLI as
``service:sli_<metric>:rate<window>`` labelled with the service and namespace.
``<service>-alerts`` has, per monitored metric, a ``warning`` and a ``critical`` alert:
``expr`` compares the recorded SLI with the threshold (strictly, like the plan), ``for:`` is
the monitor's sustain window, ``labels.severity`` the level, and the annotations carry the
summary, the stages, the rollback level to execute and its commands. Alert labels and
annotations are Go templates in Prometheus: every text taken from the plan is escaped for it.
"""

from __future__ import annotations

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
from planner.export.promql import render_sli
from planner.export.target import ExportTarget
from planner.export.watch import Watch, rollback_command, rollback_name, watches
from planner.model import Monitor, Plan
from planner.plan.monitors import fmt_value

__all__ = ["LEVELS", "alert_name", "alerting_rule", "build_rules", "record_name", "sli_selector"]

LEVELS = ("warning", "critical")


def record_name(target: ExportTarget, metric: str) -> str:
    """The recorded SLI series: ``service:sli_<metric>:rate<window>``."""
    window = duration(target.rate_window_minutes, "rate_window_minutes")
    return f"service:sli_{metric_name(metric, 'monitor')}:rate{window}"


def alert_name(target: ExportTarget, metric: str, level: str) -> str:
    """``CheckoutErrorRateCritical``: service, metric and level in CamelCase."""
    return camel(target.service, "service") + camel(metric, "monitor") + level.capitalize()


def sli_selector(target: ExportTarget, metric: str) -> str:
    """The recorded SLI series of ``metric`` for ``target``, as a PromQL selector."""
    ns, svc = promql_string(target.namespace), promql_string(target.service)
    return f"{record_name(target, metric)}{{namespace={ns},service={svc}}}"


def _summary(target: ExportTarget, m: Monitor, level: str) -> str:
    threshold = m.critical if level == "critical" else m.warning
    side = "above" if m.direction == "above" else "below"
    return (
        f"{m.metric} of {target.service} in {target.namespace} is {side} the {level} "
        f"threshold {fmt_value(threshold, m.unit)} for {duration(m.for_minutes)}"
    )


def alerting_rule(plan: Plan, target: ExportTarget, watch: Watch, level: str) -> dict[str, Any]:
    """The alert for one threshold (``level`` is ``"warning"`` or ``"critical"``)."""
    m = watch.monitor
    threshold = m.critical if level == "critical" else m.warning
    op = ">" if m.direction == "above" else "<"
    annotations = {
        "summary": _summary(target, m, level),
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
        "expr": f"{sli_selector(target, m.metric)} {op} {number(threshold)}",
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


def recording_rule(target: ExportTarget, metric: str) -> dict[str, Any]:
    """The recording rule of one SLI (recording-rule labels are not templated)."""
    return {
        "record": record_name(target, metric),
        "expr": render_sli(metric, target),
        "labels": {"service": target.service, "namespace": target.namespace},
    }


def build_rules(plan: Plan, target: ExportTarget) -> dict[str, Any]:
    """The rule file (``groups:``) as a plain dict (dump with safe_dump).

    Raises:
        ExportError: a bad name, conflicting thresholds, a metric without PromQL.
    """
    check_reference(target.namespace, "namespace")
    ws = watches(plan)
    base = dns_label(target.service, field="service")
    every = duration(target.interval_minutes, "interval_minutes")
    return {
        "groups": [
            {
                "name": f"{base}-sli",
                "interval": every,
                "rules": [recording_rule(target, w.monitor.metric) for w in ws],
            },
            {
                "name": f"{base}-alerts",
                "interval": every,
                "rules": [alerting_rule(plan, target, w, lv) for w in ws for lv in LEVELS],
            },
        ]
    }
