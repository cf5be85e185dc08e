"""Prometheus alerting rules (``PrometheusRule`` or a rule file's ``groups:``) as rule sets.

One rule set per rule group that has a mapped alert. An alert whose ``expr`` compares an SLI
with a number (``SLI > 0.005``, ``0.99 > SLI``) is a ``static`` rule: ``for`` is kept and the
group's ``interval`` (default 1m, Prometheus's global default) is ``evaluation_interval``. The
SLI is the expression itself or, when it is a recorded series, the recording rule's
expression (from any input file). Alerts on the same SLI, direction and ``for`` pair up:
``severity: warning`` (or ``ticket``/``info``) gives the warning bound, any other severity the
critical one; a warning alone is imported as its own rule (its bound is then the critical).

Scope: the profile's version label (``version="canary"``) selects the canary, the stable value
the stable version; an alert on neither is fleet-wide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import promql_parser as pq

from planner.profile import MetricLabels
from planner.rules_import.documents import Document, Note, resource_name
from planner.rules_import.mapping import Scope, query_scope, rule_fields, sli_of
from planner.rules_import.sli import Matcher, QueryNotMapped, Sli, fill_templating, selectors
from planner.thresholds import format_duration, parse_duration

__all__ = ["import_prometheus"]

_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">="}
_WARNING = ("warning", "ticket", "info")


def _groups(doc: Document) -> list[Mapping[str, Any]] | None:
    if doc.kind == "PrometheusRule":
        spec = doc.data.get("spec")
        groups = spec.get("groups") if isinstance(spec, Mapping) else None
    elif not doc.kind and "groups" in doc.data:
        groups = doc.data.get("groups")
    else:
        return None
    return [g for g in groups if isinstance(g, Mapping)] if isinstance(groups, list) else []


def _classifier(labels: MetricLabels) -> Any:
    def classify(m: Matcher) -> Scope | None:
        if m.name != labels.version:
            return None
        if m.op == "=":
            return {labels.canary: "canary", labels.stable: "stable"}.get(m.value)  # type: ignore[return-value]
        if m.op == "=~" and m.matches(labels.canary) and not m.matches(labels.stable):
            return "canary"
        return None

    return classify


def _comparison(expr: str) -> tuple[str, str, float]:
    """(SLI text, operator with the SLI on the left, bound) of ``SLI op number``."""
    try:
        tree = pq.parse(fill_templating(expr))
    except ValueError as exc:
        raise QueryNotMapped(f"not valid PromQL ({exc})") from None
    while isinstance(tree, pq.ParenExpr):
        tree = tree.expr
    if not isinstance(tree, pq.BinaryExpr) or str(tree.op).strip() not in _FLIP:
        raise QueryNotMapped(
            "expr is not one comparison 'SLI <op> <number>' (and/or of several conditions, "
            "such as a multiwindow burn rate, is not mapped)"
        )
    if tree.modifier is not None and tree.modifier.return_bool:
        raise QueryNotMapped("a 'bool' comparison never fires an alert by itself")
    op = str(tree.op).strip()
    for side, other, flip in ((tree.rhs, tree.lhs, False), (tree.lhs, tree.rhs, True)):
        inner = side
        while isinstance(inner, pq.ParenExpr):
            inner = inner.expr
        if isinstance(inner, pq.NumberLiteral):
            return str(other), _FLIP[op] if flip else op, float(inner.val)
    raise QueryNotMapped("expr compares two expressions, not an SLI with a number")


def _resolve(text: str, records: Mapping[str, str], interval: str) -> tuple[Sli, str]:
    """The SLI of ``text`` (a recorded series is replaced by its recording rule)."""
    tree = pq.parse(text)
    while isinstance(tree, pq.ParenExpr):
        tree = tree.expr
    if isinstance(tree, pq.VectorSelector):
        name = tree.name or ""
        if name in records:
            sli = sli_of(records[name], interval)
            extra = selectors(tree)
            return replace(sli, selectors=(*sli.selectors, *extra)), name
        raise QueryNotMapped(f"{name} is not a recording rule of the input files")
    return sli_of(text, interval), ""


def import_prometheus(
    documents: Sequence[Document], labels: MetricLabels
) -> tuple[list[dict[str, Any]], list[Note]]:
    """Rule sets (plain thresholds-file fields) and notes from Prometheus rule documents."""
    found = [(d, g) for d in documents if (g := _groups(d)) is not None]
    records: dict[str, str] = {}
    for _, groups in found:
        for group in groups:
            for rule in group.get("rules") or []:
                if isinstance(rule, Mapping) and isinstance(rule.get("record"), str):
                    records.setdefault(rule["record"], str(rule.get("expr", "")))
    notes: list[Note] = []
    sets: list[dict[str, Any]] = []
    for doc, groups in found:
        for group in groups:
            gname = str(group.get("name", "group"))
            where = f"{doc.path}: " + (
                f"{resource_name(doc)} group {gname}" if doc.kind else f"group {gname}"
            )
            try:
                every = parse_duration(group.get("interval", "1m"), f"{where}.interval")
            except ValueError as exc:
                notes.append(Note(where, str(exc)))
                continue
            rules = _group_rules(group, where, every, records, labels, notes)
            if rules:
                sets.append({"name": gname, "rules": rules, "source": doc.path})
    return sets, notes


def _group_rules(
    group: Mapping[str, Any],
    where: str,
    every: float,
    records: Mapping[str, str],
    labels: MetricLabels,
    notes: list[Note],
) -> list[dict[str, Any]]:
    pending: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rule in group.get("rules") or []:
        if not isinstance(rule, Mapping) or "alert" not in rule:
            continue
        alert = str(rule["alert"])
        at = f"{where} alert {alert}"
        try:
            text, op, bound = _comparison(str(rule.get("expr", "")))
            sli, _record = _resolve(text, records, format_duration(every))
            scope = query_scope(sli, _classifier(labels))
            wait = parse_duration(rule.get("for", 0), f"{at}.for")
            fields = rule_fields(
                name=alert,
                sli=sli,
                success=None,
                failure=(op, bound),
                scope=scope,
                family="static",
                params={
                    "for": format_duration(wait),
                    "evaluation_interval": format_duration(every),
                },
                interval_minutes=every,
                sustain_ok=True,
            )
        except (QueryNotMapped, ValueError) as exc:
            notes.append(Note(at, str(exc)))
            continue
        rlabels = rule.get("labels")
        severity = str(rlabels.get("severity", "")) if isinstance(rlabels, Mapping) else ""
        key = (fields["metric"], fields["direction"], fields["scope"], fields.get("for"))
        slot = pending.setdefault(key, {})
        slot.setdefault("warning" if severity in _WARNING else "critical", []).append(fields)
    out: list[dict[str, Any]] = []
    for slot in pending.values():
        crits, warns = slot.get("critical", []), slot.get("warning", [])
        for crit in crits:
            rule = dict(crit)
            worse_up = rule["direction"] == "above"
            fits = [
                w["critical"]
                for w in warns
                if (
                    w["critical"] <= rule["critical"]
                    if worse_up
                    else w["critical"] >= rule["critical"]
                )
            ]
            if fits:
                rule["warning"] = max(fits) if worse_up else min(fits)
            out.append(rule)
        if not crits:
            out.extend(warns)
    return out
