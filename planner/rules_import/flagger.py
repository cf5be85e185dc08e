"""Flagger: ``Canary``s with their builtin checks and ``MetricTemplate``s, as rule sets.

One rule set per Canary. ``analysis.interval`` (the check interval) and ``threshold`` (failed
checks before rollback, default 1 here), ``stepWeight``, ``maxWeight`` and ``stepWeights`` are
kept on every ``flagger`` rule. Builtin checks (docs.flagger.app, "Metrics Analysis"):
``request-success-rate`` (``thresholdRange.min`` in percent) is ``success_rate`` below
``min / 100``; ``request-duration`` (``max`` in milliseconds, P99) is ``latency_p99_ms`` above
``max``; both watch the canary's own workload. A ``templateRef`` metric reads its
``MetricTemplate`` (provider ``prometheus`` only) with ``{{ interval }}`` set to the metric's
interval; each side of ``thresholdRange`` is one rule. A sustained query checked with
``threshold: 1`` (what ``devops-planner export`` writes) is a ``static`` rule with that ``for``.

Scope: a matcher on ``{{ target }}`` selects the canary workload, ``{{ target }}-primary`` the
stable one (Flagger's ``<target>-primary`` Deployment).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from planner.profile import MetricLabels
from planner.rules_import.comparison import baseline_fields, excess
from planner.rules_import.documents import Document, Note, resource_name
from planner.rules_import.mapping import Bound, Scope, query_scope, rule_fields, sli_of
from planner.rules_import.sli import Matcher, QueryNotMapped, Sli
from planner.thresholds import format_duration, parse_duration

__all__ = ["BUILTINS", "import_flagger"]

_GROUP = "flagger.app"
# name -> (metric, factor: check value = factor x metric, worse direction)
BUILTINS: Mapping[str, tuple[str, float]] = {
    "request-success-rate": ("success_rate", 100.0),
    "request-duration": ("latency_p99_ms", 1.0),
}


def _classifier(labels: MetricLabels) -> Any:
    def classify(m: Matcher) -> Scope | None:
        if "__target__" in m.value:
            after = m.value.split("__target__", 1)[1]
            return "stable" if after.startswith("-primary") else "canary"
        if m.name == labels.version and m.op == "=":
            return {labels.canary: "canary", labels.stable: "stable"}.get(m.value)  # type: ignore[return-value]
        return None

    return classify


def _bounds(metric: Mapping[str, Any]) -> list[Bound]:
    """Each side of ``thresholdRange`` as the failure bound it sets."""
    rng = metric.get("thresholdRange")
    legacy = metric.get("threshold")
    if not isinstance(rng, Mapping) and isinstance(legacy, int | float):
        # Flagger's deprecated metric ``threshold``: the success rate's minimum, any other
        # metric's maximum (still in the Kuma tutorial)
        side = "min" if metric.get("name") == "request-success-rate" else "max"
        rng = {side: legacy}
    if not isinstance(rng, Mapping):
        raise QueryNotMapped("no thresholdRange")
    out: list[Bound] = []
    if isinstance(rng.get("min"), int | float) and not isinstance(rng.get("min"), bool):
        out.append(("<", float(rng["min"])))
    if isinstance(rng.get("max"), int | float) and not isinstance(rng.get("max"), bool):
        out.append((">", float(rng["max"])))
    if not out:
        raise QueryNotMapped("thresholdRange has neither a numeric min nor max")
    return out


def _name(doc: Document) -> tuple[str, str]:
    meta = doc.data.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    return str(meta.get("namespace", "")), str(meta.get("name", ""))


def _analysis_params(analysis: Mapping[str, Any], where: str) -> tuple[dict[str, Any], float]:
    text = analysis.get("interval", "1m")
    interval = parse_duration(text, f"{where}.analysis.interval")
    params: dict[str, Any] = {
        "interval": format_duration(interval),
        "threshold": analysis.get("threshold", 1),
    }
    for key in ("stepWeight", "maxWeight", "stepWeights"):
        if key in analysis:
            params[key] = analysis[key]
    return params, interval


def _metric_rules(
    metric: Mapping[str, Any],
    templates: Mapping[tuple[str, str], Document],
    namespace: str,
    params: dict[str, Any],
    interval: float,
    labels: MetricLabels,
) -> list[dict[str, Any]]:
    name = str(metric.get("name", "metric"))
    window = str(metric.get("interval", format_duration(interval)))
    ref = metric.get("templateRef")
    if isinstance(ref, Mapping):
        key = (str(ref.get("namespace", namespace)), str(ref.get("name", "")))
        doc = templates.get(key) or templates.get(("", key[1]))
        if doc is None:
            raise QueryNotMapped(f"MetricTemplate {key[0]}/{key[1]} is not in the input files")
        spec = doc.data.get("spec")
        spec = spec if isinstance(spec, Mapping) else {}
        provider = spec.get("provider")
        kind = provider.get("type", "prometheus") if isinstance(provider, Mapping) else "none"
        if kind != "prometheus":
            raise QueryNotMapped(f"{resource_name(doc)} provider {kind} is not Prometheus; skipped")
        query = spec.get("query")
        compared = excess(query, window, _classifier(labels)) if isinstance(query, str) else None
        if compared is not None:
            rng = metric.get("thresholdRange")
            top = rng.get("max") if isinstance(rng, Mapping) else None
            if not isinstance(top, int | float) or isinstance(top, bool):
                raise QueryNotMapped("a comparison without thresholdRange.max")
            every = parse_duration(window, "interval")
            return [baseline_fields(name, compared, float(top), float(top), every)]
        sli = sli_of(query, window)
        scope = query_scope(sli, _classifier(labels))
    elif name in BUILTINS:
        metric_name, factor = BUILTINS[name]
        sli = Sli(metric_name, factor, None, (), None, 0.0, 0.0, ())
        scope = "canary"
    else:
        raise QueryNotMapped(f"neither a templateRef nor a builtin check ({', '.join(BUILTINS)})")
    return [
        rule_fields(
            name=name,
            sli=sli,
            success=None,
            failure=bound,
            scope=scope,
            family="flagger",
            params=params,
            interval_minutes=interval,
            sustain_ok=params.get("threshold") == 1,
        )
        for bound in _bounds(metric)
    ]


def import_flagger(
    documents: Sequence[Document], labels: MetricLabels
) -> tuple[list[dict[str, Any]], list[Note]]:
    """Rule sets (plain thresholds-file fields) and notes from Flagger documents."""
    flagger = [d for d in documents if d.api_group == _GROUP]
    templates = {_name(d): d for d in flagger if d.kind == "MetricTemplate"}
    notes: list[Note] = []
    sets: list[dict[str, Any]] = []
    used: set[tuple[str, str]] = set()
    for d in flagger:
        if d.kind != "Canary":
            continue
        where = f"{d.path}: {resource_name(d)}"
        namespace, name = _name(d)
        spec = d.data.get("spec")
        analysis = spec.get("analysis") if isinstance(spec, Mapping) else None
        if not isinstance(analysis, Mapping):
            notes.append(Note(where, "no spec.analysis"))
            continue
        try:
            params, interval = _analysis_params(analysis, where)
        except ValueError as exc:
            notes.append(Note(where, str(exc)))
            continue
        rules: list[dict[str, Any]] = []
        for i, metric in enumerate(analysis.get("metrics") or []):
            if not isinstance(metric, Mapping):
                continue
            label = metric.get("name", f"metrics[{i}]")
            ref = metric.get("templateRef")
            if isinstance(ref, Mapping):
                used.add((str(ref.get("namespace", namespace)), str(ref.get("name", ""))))
            try:
                rules.extend(_metric_rules(metric, templates, namespace, params, interval, labels))
            except (QueryNotMapped, ValueError) as exc:
                notes.append(Note(f"{where} metric {label}", str(exc)))
        if rules:
            sets.append({"name": name or "canary", "rules": rules, "source": d.path})
        else:
            notes.append(Note(where, "no Prometheus metric imported"))
    for key, t in templates.items():
        if key not in used and ("", key[1]) not in used:
            notes.append(
                Note(
                    f"{t.path}: {resource_name(t)}",
                    "no Canary of the input uses it; a MetricTemplate has no thresholds of its own",
                )
            )
    return sets, notes
