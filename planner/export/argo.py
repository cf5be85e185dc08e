"""Argo Rollouts: a canary ``Rollout`` and one ``AnalysisTemplate`` per monitored metric.

Mapping (see ``docs/export.md``):

- each stage becomes ``setWeight: <exposure>`` (stages at 0 % set no weight) followed by
  ``pause: {duration: <wait_minutes.min>}`` (no pause for a zero wait). Argo cannot hold "between
  min and max": the minimum is the automatic bake; extending to the maximum is a human decision.
- the monitors run as *background analysis* from the first monitored stage to the end
  (``startingStep``); each metric is measured every ``interval`` with the sustained query of
  :func:`planner.export.promql.sustained_query`, so one measurement says whether the SLI was
  beyond a threshold for the whole sustain window, like an alert's ``for:``.
- ``successCondition``: within the *warning* threshold; ``failureCondition``: beyond the
  *critical* one; in between the measurement is Inconclusive. ``failureLimit: 0`` aborts the
  rollout at the first sustained critical breach (the plan's rollback trigger);
  ``inconclusiveLimit: 0`` pauses it at the first sustained warning for a human to judge.
  ``count`` is left unset: background analysis runs until the rollout completes.
"""

from __future__ import annotations

from typing import Any

from planner.export.common import check_reference, metadata, number, whole_percent
from planner.export.names import dns_label, duration
from planner.export.promql import render_sli, sustained_query
from planner.export.target import ExportTarget
from planner.export.watch import Watch, watches
from planner.model import Plan

__all__ = ["API_VERSION", "analysis_template", "build_argo", "rollout"]

API_VERSION = "argoproj.io/v1alpha1"


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
    query = sustained_query(
        render_sli(watch.monitor.metric, target), watch.monitor, target.interval_minutes
    )
    meta = metadata(template_name(target, watch), target, plan)
    meta["annotations"]["devops-planner/stages"] = ", ".join(watch.stages)
    return {
        "apiVersion": API_VERSION,
        "kind": "AnalysisTemplate",
        "metadata": meta,
        "spec": {
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
            ]
        },
    }


def _steps(plan: Plan) -> tuple[list[dict[str, Any]], int | None]:
    steps: list[dict[str, Any]] = []
    start: int | None = None
    for stage in plan.stages:
        weight = whole_percent(stage, "Argo Rollouts")
        if start is None and stage.monitors:
            start = len(steps)
        if weight > 0:
            steps.append({"setWeight": weight})
        if stage.wait_minutes.min > 0:
            wait = duration(stage.wait_minutes.min, f"stages[{stage.name}].wait_minutes.min")
            steps.append({"pause": {"duration": wait}})
    return steps, start


def rollout(plan: Plan, target: ExportTarget, templates: list[str]) -> dict[str, Any]:
    """The ``Rollout`` taking over the target Deployment (``workloadRef``)."""
    deployment = check_reference(target.deployment_name, "deployment", subdomain=True)
    steps, start = _steps(plan)
    canary: dict[str, Any] = {"steps": steps}
    if templates:
        analysis: dict[str, Any] = {"templates": [{"templateName": t} for t in templates]}
        if start:
            analysis["startingStep"] = start
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
    names = [t["metadata"]["name"] for t in templates]
    return [rollout(plan, target, names), *templates]
