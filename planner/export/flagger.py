"""Flagger: a ``Canary`` whose step weights are the plan's exposures, and ``MetricTemplate``s.

Mapping (see ``docs/export.md``):

- ``stepWeights``: the exposures of the stages that expose users, which Flagger requires to
  increase strictly within (0, 100]; ``maxWeight`` is the last of them.
- ``interval``: how often Flagger checks the metrics and may advance one step. Flagger holds
  every weight for one interval and cannot hold weights for different durations, so the plan's
  stage waits become manual gates (Flagger's load tester ``/gate/check`` by default):
  ``confirm-rollout`` holds the start while the stages at 0 % bake, ``confirm-traffic-increase``
  holds each weight until its stage's minimum wait has passed, ``confirm-promotion`` holds the
  last weight for the last stage's wait. Each gate's metadata says what it waits for.
- metrics: one per monitored metric with ``thresholdRange`` at the *critical* threshold
  (``max`` when worse above, ``min`` when worse below). The query is the sustained query, so a
  failed check means the breach held for the sustain window, and ``threshold: 1`` rolls back at
  the first one, like the plan's trigger. Flagger has no warning level; the warning thresholds
  live in the Prometheus alerting rules.
- queries are Flagger templates: ``${namespace}`` is ``{{ namespace }}``, ``${deployment}``
  ``{{ target }}`` and the ``rate()`` window ``{{ interval }}`` (the metric's ``interval``). A
  canary-scope metric (the default) selects the canary Deployment's pods by the profile's pod
  label, Flagger's own convention: ``pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"`` (the
  primary's pods are ``{{ target }}-primary-...`` and do not match).
- builtin checks: with a ``mesh`` in the profile (``spec.provider``), a ``success_rate`` or
  ``latency_p99`` monitor whose sustain window fits in one check (``for_minutes`` <= the
  interval) uses Flagger's ``request-success-rate`` (``thresholdRange.min`` in percent) or
  ``request-duration`` (``max`` in milliseconds) instead of a MetricTemplate.
"""

from __future__ import annotations

from typing import Any

from planner.exceptions import ExportError
from planner.export.common import check_reference, metadata, whole_percent
from planner.export.names import dns_label, duration
from planner.export.queries.compare import Comparison, excess_query
from planner.export.queries.promql import render_sli, sustained_query, with_matchers
from planner.export.queries.watch import Watch, exposed, watches
from planner.export.target import ExportTarget
from planner.model import Plan, Stage

__all__ = [
    "API_VERSION",
    "FLAGGER_VARIABLES",
    "build_flagger",
    "builtin_check",
    "canary",
    "comparison_template",
    "metric_template",
    "step_weights",
]

API_VERSION = "flagger.app/v1beta1"
# Profile placeholders written as Flagger's own template variables.
FLAGGER_VARIABLES = {
    "namespace": "{{ namespace }}",
    "deployment": "{{ target }}",
    "window": "{{ interval }}",
}
_CANARY_PODS = "{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"
_PRIMARY_PODS = "{{ target }}-primary-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"


def step_weights(plan: Plan) -> list[int]:
    """The exposures of the exposed stages, checked to increase strictly within (0, 100].

    Raises:
        ExportError: no stage exposes users, a fractional exposure, or a non-increasing one.
    """
    stages = exposed(plan)
    if not stages:
        raise ExportError("stages: no stage has exposure_percent > 0; Flagger has nothing to shift")
    weights: list[int] = []
    for stage in stages:
        weight = whole_percent(stage, "Flagger")
        if weights and weight <= weights[-1]:
            raise ExportError(
                f"stages[{stage.name}].exposure_percent: {weight} does not increase on "
                f"{weights[-1]}; Flagger stepWeights must increase strictly within (0, 100]"
            )
        weights.append(weight)
    return weights


def builtin_check(target: ExportTarget, watch: Watch) -> dict[str, Any] | None:
    """Flagger's builtin check for ``watch`` when the profile names a mesh and it fits."""
    m = watch.monitor
    if target.mesh is None or watch.scope != "canary" or m.for_minutes > target.interval_minutes:
        return None
    if m.metric == "success_rate" and m.direction == "below":
        bound: dict[str, Any] = {"min": _plain(m.critical * 100)}
        name = "request-success-rate"
    elif m.metric in ("latency_p99", "latency_p99_ms") and m.direction == "above":
        bound, name = {"max": _plain(m.critical)}, "request-duration"
    else:
        return None
    return {
        "name": name,
        "thresholdRange": bound,
        "interval": duration(target.rate_window_minutes, "rate_window_minutes"),
    }


def _plain(value: float) -> int | float:
    rounded = round(value, 10)
    return int(rounded) if float(rounded).is_integer() else rounded


def comparison_template(plan: Plan, target: ExportTarget, comparison: Comparison) -> dict[str, Any]:
    """The ``MetricTemplate`` of a canary-versus-baseline check: the canary's pods against the
    primary's (Flagger's stable version), the relative excess as one number."""
    pods = target.labels.pod
    query = excess_query(
        target,
        comparison,
        (f'{pods}=~"{_CANARY_PODS}"',),
        (f'{pods}=~"{_PRIMARY_PODS}"',),
        FLAGGER_VARIABLES,
    )
    name = dns_label(target.service, comparison.metric, "vs-baseline", field="service")
    return {
        "apiVersion": API_VERSION,
        "kind": "MetricTemplate",
        "metadata": metadata(name, target, plan),
        "spec": {
            "provider": {"type": "prometheus", "address": target.prometheus_address},
            "query": query,
        },
    }


def _comparison_metric(target: ExportTarget, comparison: Comparison) -> dict[str, Any]:
    return {
        "name": dns_label(comparison.metric, "vs-baseline", field="monitor"),
        "templateRef": {
            "name": dns_label(target.service, comparison.metric, "vs-baseline", field="service"),
            "namespace": target.namespace,
        },
        "thresholdRange": {"max": comparison.critical},
        "interval": duration(comparison.interval_minutes, "baseline interval"),
    }


def metric_template(plan: Plan, target: ExportTarget, watch: Watch) -> dict[str, Any]:
    """The ``MetricTemplate`` holding one metric's sustained PromQL query."""
    metric = watch.monitor.metric
    sli = render_sli(metric, target, FLAGGER_VARIABLES)
    if watch.scope == "canary":
        pods = f'{target.labels.pod}=~"{_CANARY_PODS}"'
        sli = with_matchers(sli, (pods,), f"promql.{metric}")
    query = sustained_query(sli, watch.monitor, target.interval_minutes)
    meta = metadata(dns_label(target.service, watch.monitor.metric, field="service"), target, plan)
    return {
        "apiVersion": API_VERSION,
        "kind": "MetricTemplate",
        "metadata": meta,
        "spec": {
            "provider": {"type": "prometheus", "address": target.prometheus_address},
            "query": query,
        },
    }


def _metric(target: ExportTarget, watch: Watch, template: str) -> dict[str, Any]:
    m = watch.monitor
    bound = "max" if m.direction == "above" else "min"
    return {
        "name": dns_label(m.metric, field="monitor"),
        "templateRef": {"name": template, "namespace": target.namespace},
        "thresholdRange": {bound: int(m.critical) if m.critical.is_integer() else m.critical},
        "interval": duration(target.rate_window_minutes, "rate_window_minutes"),
    }


def _hold(stage: Stage) -> str:
    wait = duration(stage.wait_minutes.min, f"stages[{stage.name}].wait_minutes.min")
    return f"{stage.name} {wait} at {stage.exposure_percent:g}%"


def _gates(plan: Plan, target: ExportTarget) -> list[dict[str, Any]]:
    stages = exposed(plan)
    first = plan.stages.index(stages[0])
    longer = [s for s in plan.stages if s.wait_minutes.min > target.interval_minutes]
    before = [s for s in plan.stages[:first] if s in longer]
    between = [s for s in stages[:-1] if s in longer]
    gates: list[dict[str, Any]] = []
    for kind, held in (
        ("confirm-rollout", before),
        ("confirm-traffic-increase", between),
        ("confirm-promotion", [stages[-1]] if stages[-1] in longer else []),
    ):
        if held:
            gates.append(
                {
                    "name": kind.removeprefix("confirm-") + "-gate",
                    "type": kind,
                    "url": target.gate_url,
                    "metadata": {
                        "hold": "; ".join(_hold(s) for s in held),
                        "open": "after the hold has passed and the monitors are healthy",
                    },
                }
            )
    return gates


def canary(plan: Plan, target: ExportTarget, templates: list[str]) -> dict[str, Any]:
    """The ``Canary`` for the target Deployment; ``templates`` name the MetricTemplates of
    the watches that have no builtin check, in order."""
    deployment = check_reference(target.deployment_name, "deployment", subdomain=True)
    weights = step_weights(plan)
    names = iter(templates)
    metrics = []
    for w in watches(plan):
        builtin = builtin_check(target, w)
        metrics.append(builtin if builtin is not None else _metric(target, w, next(names)))
    metrics += [_comparison_metric(target, c) for c in target.comparisons]
    analysis: dict[str, Any] = {
        "interval": duration(target.interval_minutes, "interval_minutes"),
        "threshold": 1,
        "maxWeight": weights[-1],
        "stepWeights": weights,
        "metrics": metrics,
    }
    gates = _gates(plan, target)
    if gates:
        analysis["webhooks"] = gates
    return {
        "apiVersion": API_VERSION,
        "kind": "Canary",
        "metadata": metadata(dns_label(deployment, field="deployment"), target, plan),
        "spec": {
            **({"provider": target.mesh} if target.mesh else {}),
            "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
            "service": {"port": target.port},
            "analysis": analysis,
        },
    }


def build_flagger(plan: Plan, target: ExportTarget) -> list[dict[str, Any]]:
    """The Canary followed by its MetricTemplates, as plain dicts (dump with safe_dump).

    Raises:
        ExportError: an exposure Flagger cannot express, a bad name, a metric without PromQL.
    """
    templates = [
        metric_template(plan, target, w) for w in watches(plan) if builtin_check(target, w) is None
    ]
    names = [t["metadata"]["name"] for t in templates]
    compared = [comparison_template(plan, target, c) for c in target.comparisons]
    return [canary(plan, target, names), *templates, *compared]
