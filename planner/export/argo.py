"""Argo Rollouts: a canary ``Rollout`` and one ``AnalysisTemplate`` per monitored metric.

Mapping (see ``docs/export.md``):

- each stage becomes ``setWeight: <exposure>`` (stages at 0 % set no weight) followed by
  ``pause: {duration: <wait_minutes.min>}`` (no pause for a zero wait). Argo cannot hold "between
  min and max": the minimum is the automatic bake; extending to the maximum is a human decision.
- the monitors run as *background analysis* from the first monitored stage to the end
  (``startingStep``); each metric is measured every ``interval`` with the sustained query of
  :func:`planner.export.queries.promql.sustained_query`, so one measurement says whether the SLI was
  beyond a threshold for the whole sustain window, like an alert's ``for:``.
- ``successCondition``: within the *warning* threshold; ``failureCondition``: beyond the
  *critical* one; in between the measurement is Inconclusive. ``failureLimit: 0`` aborts the
  rollout at the first sustained critical breach (the plan's rollback trigger);
  ``inconclusiveLimit: 0`` pauses it at the first sustained warning for a human to judge.
  ``count`` is left unset: background analysis runs until the rollout completes.
- canary scope (the default): the query is restricted to the new version's pods by the
  profile's pod-template-hash label (``rollouts_pod_template_hash="{{args.canary-hash}}"``);
  the template declares the ``canary-hash`` argument and the Rollout passes it from
  ``valueFrom.podTemplateHashValue: Latest`` (Argo's hash of the new ReplicaSet). A fleet-scope
  metric queries the whole service. The Rollout also labels the canary's and the stable pods
  with the profile's version label (``canaryMetadata``/``stableMetadata``), the label the
  Prometheus rules select versions by.
"""

from __future__ import annotations

from typing import Any

from planner.export.common import check_reference, metadata, number, whole_percent
from planner.export.names import dns_label, duration, label_value
from planner.export.queries.compare import Comparison, excess_query
from planner.export.queries.promql import render_sli, sustained_query, with_matchers
from planner.export.queries.watch import Watch, watches
from planner.export.target import ExportTarget
from planner.model import Plan

__all__ = [
    "API_VERSION",
    "CANARY_HASH",
    "STABLE_HASH",
    "analysis_template",
    "build_argo",
    "comparison_template",
    "rollout",
]

API_VERSION = "argoproj.io/v1alpha1"
CANARY_HASH = "canary-hash"  # the analysis argument holding the new ReplicaSet's hash
STABLE_HASH = "stable-hash"  # ... and the stable one's (canary-versus-baseline checks)


def _conditions(watch: Watch) -> tuple[str, str]:
    m = watch.monitor
    if m.direction == "above":
        return f"result[0] <= {number(m.warning)}", f"result[0] > {number(m.critical)}"
    return f"result[0] >= {number(m.warning)}", f"result[0] < {number(m.critical)}"


def template_name(target: ExportTarget, watch: Watch) -> str:
    """The AnalysisTemplate's name: ``<service>-<metric>`` as a DNS-1123 label."""
    return dns_label(target.service, watch.monitor.metric, field="service")


def analysis_template(plan: Plan, target: ExportTarget, watch: Watch) -> dict[str, Any]:
    """The ``AnalysisTemplate`` measuring one monitored metric."""
    success, failure = _conditions(watch)
    metric = watch.monitor.metric
    sli = render_sli(metric, target)
    if watch.scope == "canary":
        hash_label = target.labels.pod_template_hash
        sli = with_matchers(
            sli, (f'{hash_label}="{{{{args.{CANARY_HASH}}}}}"',), f"promql.{metric}"
        )
    query = sustained_query(sli, watch.monitor, target.interval_minutes)
    meta = metadata(template_name(target, watch), target, plan)
    meta["annotations"]["devops-planner/stages"] = ", ".join(watch.stages)
    meta["annotations"]["devops-planner/scope"] = watch.scope
    spec: dict[str, Any] = {}
    if watch.scope == "canary":
        spec["args"] = [{"name": CANARY_HASH}]
    return {
        "apiVersion": API_VERSION,
        "kind": "AnalysisTemplate",
        "metadata": meta,
        "spec": {
            **spec,
            "metrics": [
                {
                    "name": dns_label(watch.monitor.metric, field="monitor"),
                    "interval": duration(target.interval_minutes, "interval_minutes"),
                    "successCondition": success,
                    "failureCondition": failure,
                    "failureLimit": 0,
                    "inconclusiveLimit": 0,
                    "provider": {
                        "prometheus": {"address": target.prometheus_address, "query": query}
                    },
                }
            ],
        },
    }


def _hash(target: ExportTarget, arg: str) -> str:
    return f'{target.labels.pod_template_hash}="{{{{args.{arg}}}}}"'


def comparison_template(plan: Plan, target: ExportTarget, comparison: Comparison) -> dict[str, Any]:
    """The ``AnalysisTemplate`` comparing the new ReplicaSet's SLI with the stable one's."""
    query = excess_query(
        target, comparison, (_hash(target, CANARY_HASH),), (_hash(target, STABLE_HASH),)
    )
    name = dns_label(comparison.metric, "vs-baseline", field="monitor")
    metric: dict[str, Any] = {
        "name": name,
        "interval": duration(comparison.interval_minutes, "baseline interval"),
        "failureCondition": f"result[0] > {number(comparison.critical)}",
        "failureLimit": 0,
    }
    if comparison.warning < comparison.critical:
        metric["successCondition"] = f"result[0] <= {number(comparison.warning)}"
        metric["inconclusiveLimit"] = 0
    metric["provider"] = {"prometheus": {"address": target.prometheus_address, "query": query}}
    meta = metadata(dns_label(target.service, name, field="service"), target, plan)
    meta["annotations"]["devops-planner/scope"] = "canary vs stable"
    return {
        "apiVersion": API_VERSION,
        "kind": "AnalysisTemplate",
        "metadata": meta,
        "spec": {"args": [{"name": CANARY_HASH}, {"name": STABLE_HASH}], "metrics": [metric]},
    }


def _steps(plan: Plan, exposed_only: bool) -> tuple[list[dict[str, Any]], int | None]:
    """The canary steps and the step the background analysis starts at: the first monitored
    stage, or with ``exposed_only`` the first monitored stage that sends users to the canary
    (before it the canary serves no traffic, so a canary-scoped query has nothing to measure).
    """
    steps: list[dict[str, Any]] = []
    start: int | None = None
    for stage in plan.stages:
        weight = whole_percent(stage, "Argo Rollouts")
        if start is None and stage.monitors and (weight > 0 or not exposed_only):
            start = len(steps)
        if weight > 0:
            steps.append({"setWeight": weight})
        if stage.wait_minutes.min > 0:
            wait = duration(stage.wait_minutes.min, f"stages[{stage.name}].wait_minutes.min")
            steps.append({"pause": {"duration": wait}})
    return steps, start


def _version_labels(target: ExportTarget) -> dict[str, Any]:
    name = target.labels.version
    return {
        "canaryMetadata": {"labels": {name: label_value(target.labels.canary, "labels.canary")}},
        "stableMetadata": {"labels": {name: label_value(target.labels.stable, "labels.stable")}},
    }


def rollout(
    plan: Plan,
    target: ExportTarget,
    templates: list[str],
    canary_hash: bool = False,
    stable_hash: bool = False,
) -> dict[str, Any]:
    """The ``Rollout`` taking over the target Deployment (``workloadRef``).

    ``canary_hash``/``stable_hash``: a template takes the ``canary-hash`` (canary-scope queries)
    or the ``stable-hash`` argument (canary-versus-baseline checks).
    """
    deployment = check_reference(target.deployment_name, "deployment", subdomain=True)
    steps, start = _steps(plan, exposed_only=canary_hash)
    canary: dict[str, Any] = {**_version_labels(target), "steps": steps}
    if templates:
        analysis: dict[str, Any] = {"templates": [{"templateName": t} for t in templates]}
        if start:
            analysis["startingStep"] = start
        args = [(CANARY_HASH, "Latest", canary_hash), (STABLE_HASH, "Stable", stable_hash)]
        if canary_hash or stable_hash:
            analysis["args"] = [
                {"name": name, "valueFrom": {"podTemplateHashValue": value}}
                for name, value, used in args
                if used
            ]
        canary = {"analysis": analysis, **canary}
    meta = metadata(dns_label(deployment, field="deployment"), target, plan)
    spec: dict[str, Any] = {}
    if target.replicas is not None:
        spec["replicas"] = target.replicas
    spec.update(
        {
            "selector": {"matchLabels": dict(target.selector_labels)},
            "workloadRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": deployment,
                "scaleDown": "progressively",
            },
            "strategy": {"canary": canary},
        }
    )
    return {"apiVersion": API_VERSION, "kind": "Rollout", "metadata": meta, "spec": spec}


def build_argo(plan: Plan, target: ExportTarget) -> list[dict[str, Any]]:
    """The Rollout followed by its AnalysisTemplates, as plain dicts (dump with safe_dump).

    Raises:
        ExportError: an exposure with a fraction, a bad name, a metric without PromQL.
    """
    ws = watches(plan)
    templates = [analysis_template(plan, target, w) for w in ws]
    templates += [comparison_template(plan, target, c) for c in target.comparisons]
    names = [t["metadata"]["name"] for t in templates]
    hashed = any(w.scope == "canary" for w in ws) or bool(target.comparisons)
    doc = rollout(plan, target, names, canary_hash=hashed, stable_hash=bool(target.comparisons))
    return [doc, *templates]
