"""Argo Rollouts: ``Rollout``s and the ``(Cluster)AnalysisTemplate``s they run, as rule sets.

One rule set per Rollout (its background analysis, its inline ``analysis`` steps and its
blue-green pre/post-promotion analyses); a template that no Rollout of the input references
is a rule set of its own. Each Prometheus metric becomes an ``argo`` rule:
``successCondition`` is the warning bound, ``failureCondition`` the critical one (either alone
is both), ``interval`` (absent: Argo measures once, ``count: 1``), ``count``, ``initialDelay``,
``failureLimit``, ``inconclusiveLimit`` and ``consecutiveErrorLimit`` are kept. A sustained
query with ``failureLimit: 0`` (what ``devops-planner export`` writes) is a ``static`` rule
with that ``for``.

Scope: a matcher whose value is a Rollout argument taken from ``podTemplateHashValue: Latest``
selects the canary, ``Stable`` the stable version; a template read without its Rollout treats
an argument matched by the pod-template-hash label as the canary's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.profile import MetricLabels
from planner.rules_import.comparison import baseline_fields, excess
from planner.rules_import.documents import Document, Note, resource_name
from planner.rules_import.mapping import Scope, parse_condition, query_scope, rule_fields, sli_of
from planner.rules_import.sli import Matcher, QueryNotMapped
from planner.thresholds import format_duration, parse_duration

__all__ = ["import_argo"]

_GROUP = "argoproj.io"
_TEMPLATES = ("AnalysisTemplate", "ClusterAnalysisTemplate")


@dataclass(frozen=True)
class _Ref:
    name: str
    cluster: bool


def _refs(analysis: Any) -> list[_Ref]:
    if not isinstance(analysis, Mapping):
        return []
    out = []
    for t in analysis.get("templates") or []:
        if isinstance(t, Mapping) and isinstance(t.get("templateName"), str):
            out.append(_Ref(t["templateName"], bool(t.get("clusterScope", False))))
    return out


def _args(analysis: Any) -> dict[str, Any]:
    if not isinstance(analysis, Mapping):
        return {}
    out: dict[str, Any] = {}
    for a in analysis.get("args") or []:
        if isinstance(a, Mapping) and isinstance(a.get("name"), str):
            vf = a.get("valueFrom")
            if isinstance(vf, Mapping) and vf.get("podTemplateHashValue") in ("Latest", "Stable"):
                out[a["name"]] = vf["podTemplateHashValue"]
            elif "value" in a:
                out[a["name"]] = str(a["value"])
    return out


def _analyses(rollout: Mapping[str, Any]) -> list[tuple[list[_Ref], dict[str, Any]]]:
    spec = rollout.get("spec")
    strategy = spec.get("strategy") if isinstance(spec, Mapping) else None
    if not isinstance(strategy, Mapping):
        return []
    found: list[tuple[list[_Ref], dict[str, Any]]] = []
    canary = strategy.get("canary")
    if isinstance(canary, Mapping):
        found.append((_refs(canary.get("analysis")), _args(canary.get("analysis"))))
        for step in canary.get("steps") or []:
            if isinstance(step, Mapping) and "analysis" in step:
                found.append((_refs(step["analysis"]), _args(step["analysis"])))
    blue = strategy.get("blueGreen")
    if isinstance(blue, Mapping):
        for key in ("prePromotionAnalysis", "postPromotionAnalysis"):
            found.append((_refs(blue.get(key)), _args(blue.get(key))))
    return [(refs, args) for refs, args in found if refs]


def _classifier(args: Mapping[str, Any], labels: MetricLabels) -> Any:
    def classify(m: Matcher) -> Scope | None:
        for name, value in args.items():
            if f"__args.{name}__" in m.value:
                if value == "Latest":
                    return "canary"
                if value == "Stable":
                    return "stable"
        if m.name == labels.pod_template_hash and "__args." in m.value:
            lowered = m.value.lower()
            return "stable" if "stable" in lowered or "baseline" in lowered else "canary"
        if m.name == labels.version and m.op == "=":
            return {labels.canary: "canary", labels.stable: "stable"}.get(m.value)  # type: ignore[return-value]
        return None

    return classify


def _substitute(query: str, args: Mapping[str, Any]) -> str:
    for name, value in args.items():
        if value not in ("Latest", "Stable"):
            for form in (f"{{{{args.{name}}}}}", f"{{{{ args.{name} }}}}"):
                query = query.replace(form, value)
    return query


def _metric_rule(
    metric: Mapping[str, Any], where: str, args: Mapping[str, Any], labels: MetricLabels
) -> dict[str, Any]:
    provider = metric.get("provider")
    if not isinstance(provider, Mapping) or "prometheus" not in provider:
        kinds = ", ".join(sorted(provider)) if isinstance(provider, Mapping) else "none"
        raise QueryNotMapped(f"provider {kinds} is not Prometheus; skipped")
    prom = provider["prometheus"]
    query = prom.get("query") if isinstance(prom, Mapping) else None
    interval_text = metric.get("interval")
    interval = parse_duration(interval_text, f"{where}.interval") if interval_text else 1.0
    text = _substitute(query, args) if isinstance(query, str) else query
    success = failure = None
    if "successCondition" in metric:
        success = parse_condition(str(metric["successCondition"]), "successCondition")
    if "failureCondition" in metric:
        failure = parse_condition(str(metric["failureCondition"]), "failureCondition")
    compared = (
        excess(text, format_duration(interval), _classifier(args, labels))
        if isinstance(text, str)
        else None
    )
    if compared is not None:
        bound = failure or success
        if bound is None:
            raise QueryNotMapped("a comparison without a success or failure condition")
        warn = success[1] if success else bound[1]
        return baseline_fields(
            str(metric.get("name", "metric")), compared, bound[1], warn, interval
        )
    sli = sli_of(text, format_duration(interval))
    limit = metric.get("failureLimit", 0)
    if limit == -1 or (isinstance(limit, str) and limit.strip() == "-1"):
        raise QueryNotMapped("failureLimit -1: the metric never fails the analysis")
    params: dict[str, Any] = {"interval": format_duration(interval)}
    if not interval_text:
        params["count"] = 1  # no interval: Argo takes one measurement
    for key in ("count", "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit"):
        if key in metric:
            value = metric[key]
            params[key] = int(value) if isinstance(value, str) and value.isdigit() else value
    if "initialDelay" in metric:
        params["initialDelay"] = metric["initialDelay"]
    name = str(metric.get("name", "metric"))
    scope = query_scope(sli, _classifier(args, labels))
    return rule_fields(
        name=name,
        sli=sli,
        success=success,
        failure=failure,
        scope=scope,
        family="argo",
        params=params,
        interval_minutes=interval,
        sustain_ok=params.get("failureLimit", 0) == 0,
    )


def _template_rules(
    template: Document,
    args: Mapping[str, Any],
    labels: MetricLabels,
    notes: list[Note],
) -> list[dict[str, Any]]:
    where = f"{template.path}: {resource_name(template)}"
    spec = template.data.get("spec")
    metrics = spec.get("metrics") if isinstance(spec, Mapping) else None
    rules: list[dict[str, Any]] = []
    for i, metric in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(metric, Mapping):
            continue
        name = metric.get("name", f"metrics[{i}]")
        try:
            rules.append(_metric_rule(metric, f"{where} metric {name}", args, labels))
        except QueryNotMapped as exc:
            notes.append(Note(f"{where} metric {name}", str(exc)))
        except ValueError as exc:  # a bad duration (ThresholdsError)
            notes.append(Note(f"{where} metric {name}", str(exc)))
    return rules


def import_argo(
    documents: Sequence[Document], labels: MetricLabels
) -> tuple[list[dict[str, Any]], list[Note]]:
    """Rule sets (plain thresholds-file fields) and notes from Argo Rollouts documents."""
    argo = [d for d in documents if d.api_group == _GROUP]
    templates: dict[tuple[str, bool], Document] = {}
    for d in argo:
        if d.kind in _TEMPLATES:
            meta = d.data.get("metadata")
            name = meta.get("name") if isinstance(meta, Mapping) else None
            if isinstance(name, str):
                templates[(name, d.kind == "ClusterAnalysisTemplate")] = d
    notes: list[Note] = []
    sets: list[dict[str, Any]] = []
    used: set[tuple[str, bool]] = set()

    def expand(ref: _Ref, seen: set[tuple[str, bool]]) -> list[Document]:
        key = (ref.name, ref.cluster)
        if key in seen or key not in templates:
            return []
        seen.add(key)
        doc = templates[key]
        spec = doc.data.get("spec")
        nested = _refs(spec) if isinstance(spec, Mapping) else []
        return [doc, *(d for r in nested for d in expand(r, seen))]

    for d in argo:
        if d.kind != "Rollout":
            continue
        rules: list[dict[str, Any]] = []
        for refs, args in _analyses(d.data):
            for ref in refs:
                docs = expand(ref, set())
                if not docs:
                    kind = "ClusterAnalysisTemplate" if ref.cluster else "AnalysisTemplate"
                    notes.append(
                        Note(
                            f"{d.path}: {resource_name(d)}",
                            f"{kind} {ref.name!r} is not in the input files; its metrics are "
                            "not imported",
                        )
                    )
                for t in docs:
                    used.add((t.data["metadata"]["name"], t.kind == "ClusterAnalysisTemplate"))
                    rules.extend(_template_rules(t, args, labels, notes))
        if rules:
            sets.append(
                {
                    "name": resource_name(d).split("/", 1)[1],
                    "rules": _unique(rules),
                    "source": d.path,
                }
            )
        elif _analyses(d.data):
            notes.append(Note(f"{d.path}: {resource_name(d)}", "no Prometheus analysis imported"))
    for key, t in templates.items():
        if key in used:
            continue
        rules = _template_rules(t, {}, labels, notes)
        if rules:
            sets.append({"name": key[0], "rules": _unique(rules), "source": t.path})
    return sets, list(dict.fromkeys(notes))


def _unique(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules without repeats (a template run in the background and in a step is one rule)."""
    out: list[dict[str, Any]] = []
    for r in rules:
        if r not in out:
            out.append(r)
    return out
