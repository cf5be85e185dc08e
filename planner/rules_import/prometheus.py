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
from planner.rules_import.comparison import alert_comparison, baseline_fields
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


Records = Mapping[str, Sequence[tuple[str, Mapping[str, str]]]]


def _resolve(text: str, records: Records, interval: str) -> tuple[Sli, str]:
    """The SLI of ``text``: a recorded series is replaced by the expression of the recording
    rule of that name whose labels the selector's matchers accept (Sloth names every SLO's
    records alike and tells them apart by labels)."""
    tree = pq.parse(text)
    while isinstance(tree, pq.ParenExpr):
        tree = tree.expr
    if isinstance(tree, pq.VectorSelector):
        name = tree.name or ""
        (selector,) = selectors(tree)
        fits = [
            expr
            for expr, rlabels in records.get(name, ())
            if all(m.matches(rlabels[m.name]) for m in selector.matchers if m.name in rlabels)
        ]
        if fits:
            sli = sli_of(fits[0], interval)
            return replace(sli, selectors=(*sli.selectors, selector)), name
        raise QueryNotMapped(f"{name} is not a recording rule of the input files")
    return sli_of(text, interval), ""


def import_prometheus(
    documents: Sequence[Document], labels: MetricLabels
) -> tuple[list[dict[str, Any]], list[Note]]:
    """Rule sets (plain thresholds-file fields) and notes from Prometheus rule documents."""
    found = [(d, g) for d in documents if (g := _groups(d)) is not None]
    records: dict[str, list[tuple[str, Mapping[str, str]]]] = {}
    for _, groups in found:
        for group in groups:
            for rule in group.get("rules") or []:
                if isinstance(rule, Mapping) and isinstance(rule.get("record"), str):
                    rlabels = rule.get("labels")
                    plain = (
                        {str(k): str(v) for k, v in rlabels.items()}
                        if isinstance(rlabels, Mapping)
                        else {}
                    )
                    entry = (str(rule.get("expr", "")), plain)
                    records.setdefault(rule["record"], []).append(entry)
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
    records: Records,
    labels: MetricLabels,
    notes: list[Note],
) -> list[dict[str, Any]]:
    pending: dict[tuple[Any, ...], dict[str, Any]] = {}
    burns: list[dict[str, Any]] = []
    for rule in group.get("rules") or []:
        if not isinstance(rule, Mapping) or "alert" not in rule:
            continue
        alert = str(rule["alert"])
        at = f"{where} alert {alert}"
        rlabels = rule.get("labels")
        rlabels = rlabels if isinstance(rlabels, Mapping) else {}
        try:
            compared = alert_comparison(
                str(rule.get("expr", "")),
                lambda text: _resolve(text, records, format_duration(every))[0],
                _classifier(labels),
            )
        except (QueryNotMapped, ValueError) as exc:
            notes.append(Note(at, str(exc)))
            continue
        if compared is not None:
            (cmp, allowed), window = compared, compared[0].sli.ranges_minutes
            fields = baseline_fields(alert, cmp, allowed, allowed, window[0] if window else every)
            severity = str(rlabels.get("severity", ""))
            key = ("baseline", fields["metric"], fields["direction"], fields["interval"])
            slot = pending.setdefault(key, {})
            slot.setdefault("warning" if severity in _WARNING else "critical", []).append(fields)
            continue
        try:
            burn = _burn_rate(str(rule.get("expr", "")), records, rlabels, labels)
        except (QueryNotMapped, ValueError) as exc:
            notes.append(Note(at, str(exc)))
            continue
        if burn is not None:
            _merge_burn(burns, {**burn, "name": alert}, notes, at)
            continue
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
        severity = str(rlabels.get("severity", ""))
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
    return [*out, *burns]


def _terms(tree: Any, op: str) -> list[Any]:
    """The operands of a chain of ``op`` (``a or b or c``), parentheses peeled."""
    while isinstance(tree, pq.ParenExpr):
        tree = tree.expr
    if isinstance(tree, pq.BinaryExpr) and str(tree.op).strip() == op:
        return [*_terms(tree.lhs, op), *_terms(tree.rhs, op)]
    return [tree]


def _limit(expr: Any) -> tuple[float, float | None]:
    """(threshold, factor) of ``14.4 * 0.001`` (factor 14.4: the operand >= 1), or
    (threshold, None) of a plain number."""
    while isinstance(expr, pq.ParenExpr):
        expr = expr.expr
    if isinstance(expr, pq.NumberLiteral):
        return float(expr.val), None
    if isinstance(expr, pq.BinaryExpr) and str(expr.op).strip() == "*":
        a, b = _limit(expr.lhs)[0], _limit(expr.rhs)[0]
        return a * b, max(a, b)
    raise QueryNotMapped("a burn-rate limit is not a number or factor * budget")


def _severity(rlabels: Mapping[str, Any]) -> str:
    """``critical`` or ``warning`` from an alert's labels (Sloth's ``sloth_severity`` too)."""
    for key in ("sloth_severity", "severity"):
        value = str(rlabels.get(key, "")).lower()
        if value in (*_WARNING, "ticket", "slack"):
            return "warning"
        if value:
            return "critical"
    return "critical"


def _burn_rate(
    expr: str, records: Records, rlabels: Mapping[str, Any], labels: MetricLabels
) -> dict[str, Any] | None:
    """A multiwindow burn-rate alert as ``burn_rate`` rule fields, or None when ``expr`` is not
    an ``or`` of ``(long > limit and short > limit)`` pairs (SRE Workbook, Sloth)."""
    try:
        tree = pq.parse(fill_templating(expr))
    except ValueError:
        return None
    pairs = [_terms(t, "and") for t in _terms(tree, "or")]
    if not all(len(p) == 2 for p in pairs):
        return None
    windows = []
    budgets = set()
    scope = "fleet"
    for pair in pairs:
        sides = []
        for cond in pair:
            # Sloth wraps each condition in max(... > limit) without (sloth_window)
            while isinstance(cond, pq.ParenExpr | pq.AggregateExpr):
                if isinstance(cond, pq.AggregateExpr) and str(cond.op).strip() not in (
                    "max",
                    "min",
                ):
                    break
                cond = cond.expr
            if not isinstance(cond, pq.BinaryExpr) or str(cond.op).strip() not in (">", ">="):
                return None
            sli, _ = _resolve(str(cond.lhs), records, "1m")
            if sli.metric != "error_ratio" or len(sli.ranges_minutes) != 1:
                raise QueryNotMapped(
                    f"a burn-rate window reads {sli.metric} over "
                    f"{len(sli.ranges_minutes)} rate() ranges; one error-ratio range is needed"
                )
            scope = query_scope(sli, _classifier(labels))
            limit, factor = _limit(cond.rhs)
            sides.append((sli.ranges_minutes[0], limit / sli.factor, factor))
        (w1, l1, f1), (w2, l2, f2) = sides
        if abs(l1 - l2) > 1e-12 * max(l1, l2):
            raise QueryNotMapped("a burn-rate pair compares its windows with different limits")
        factor = f1 or f2
        if factor is None:
            slo = rlabels.get("slo")
            if slo is None:
                raise QueryNotMapped(
                    "a burn-rate limit without 'factor * budget' or an 'slo' label"
                )
            factor = l1 / (1.0 - float(slo))
        budgets.add(round(l1 / factor, 12))
        windows.append(
            {
                "long": format_duration(max(w1, w2)),
                "short": format_duration(min(w1, w2)),
                "factor": float(f"{factor:.12g}"),
                "severity": _severity(rlabels),
            }
        )
    if len(budgets) != 1:
        raise QueryNotMapped("the burn-rate pairs imply different SLOs")
    if scope == "stable":
        raise QueryNotMapped("the burn-rate alert watches the stable version only")
    return {
        "family": "burn_rate",
        "metric": "error_ratio",
        "direction": "above",
        "scope": scope,
        "slo": float(f"{1.0 - budgets.pop():.12g}"),
        "windows": windows,
    }


def _merge_burn(
    burns: list[dict[str, Any]], rule: dict[str, Any], notes: list[Note], at: str
) -> None:
    """One burn_rate rule per SLO and scope: a page alert and a ticket alert join."""
    for other in burns:
        if (other["slo"], other["scope"]) == (rule["slo"], rule["scope"]):
            other["windows"].extend(rule["windows"])
            return
    burns.append(rule)
