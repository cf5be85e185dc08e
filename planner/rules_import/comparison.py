"""Canary-versus-baseline checks read back as ``baseline`` rules.

Two shapes, the ones ``devops-planner export`` writes (``planner/export/queries/compare.py``):

- a relative excess, ``((C - S) / S) * ((C - S) > bool m)`` (worse below: ``S - C``), with
  ``C`` and ``S`` one SLI restricted to the canary and to the stable version: an Argo Rollouts
  ``failureCondition`` or a Flagger ``thresholdRange.max`` on it is the allowed worsening;
- a Prometheus alert ``C > ignoring(v) k * S and ignoring(v) (C - ignoring(v) S) > m``
  (``<`` and ``S - C`` when worse below): the allowed worsening is ``k - 1`` (``1 - k``).

Which side is which version comes from the engine's own scope matchers (see ``mapping``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import promql_parser as pq

from planner.rules_import.mapping import Scope, query_scope
from planner.rules_import.sli import Matcher, QueryNotMapped, Sli, fill_templating, recognise_sli

__all__ = ["Excess", "alert_comparison", "baseline_fields", "excess"]

Classify = Callable[[Matcher], Scope | None]


@dataclass(frozen=True)
class Excess:
    """A recognised comparison: the SLI, the worse direction and the absolute allowance (in
    the SLI's own unit, the query's factor divided out)."""

    sli: Sli
    direction: str
    min_absolute_difference: float


def baseline_fields(
    name: str, compared: Excess, critical: float, warning: float, interval_minutes: float
) -> dict[str, Any]:
    """A ``baseline`` rule (plain thresholds-file fields) of a recognised comparison."""
    from planner.thresholds import format_duration

    return {
        "family": "baseline",
        "name": name,
        "metric": compared.sli.metric,
        "direction": compared.direction,
        "scope": "canary",
        "warning": float(f"{warning:.12g}"),
        "critical": float(f"{critical:.12g}"),
        "interval": format_duration(interval_minutes),
        "min_absolute_difference": float(f"{compared.min_absolute_difference:.12g}"),
    }


def _peel(expr: Any) -> Any:
    while isinstance(expr, pq.ParenExpr):
        expr = expr.expr
    return expr


def _op(expr: Any) -> str:
    return str(expr.op).strip() if isinstance(expr, pq.BinaryExpr) else ""


def _side(text: str, classify: Classify) -> tuple[Sli, Scope]:
    sli = recognise_sli(text)
    return sli, query_scope(sli, classify)


def _direction(first: Scope, second: Scope) -> str:
    """``above`` when the difference is canary - stable, ``below`` when stable - canary."""
    if (first, second) == ("canary", "stable"):
        return "above"
    if (first, second) == ("stable", "canary"):
        return "below"
    raise QueryNotMapped("a comparison that does not set the canary against the stable version")


def excess(query: str, interval: str, classify: Classify) -> Excess | None:
    """The comparison in an engine's query, None when the query has another shape.

    Raises:
        QueryNotMapped: the shape is a comparison whose parts cannot be mapped.
    """
    try:
        tree = _peel(pq.parse(fill_templating(query, interval)))
    except ValueError:
        return None
    if _op(tree) != "*":
        return None
    ratio, gate = _peel(tree.lhs), _peel(tree.rhs)
    if _op(ratio) != "/" or _op(gate) != ">" or gate.modifier is None:
        return None
    if not gate.modifier.return_bool:
        return None
    diff = _peel(ratio.lhs)
    if _op(diff) != "-" or str(_peel(gate.lhs)) != str(diff):
        return None
    least = _peel(gate.rhs)
    if not isinstance(least, pq.NumberLiteral):
        return None
    (x, sx), (y, sy) = _side(str(diff.lhs), classify), _side(str(diff.rhs), classify)
    divisor = str(_peel(ratio.rhs))
    stable_text = str(diff.rhs) if sx == "canary" else str(diff.lhs)
    if divisor.strip("() ") != stable_text.strip("() "):
        return None
    if x.metric != y.metric:
        raise QueryNotMapped(f"the comparison sets {x.metric} against {y.metric}")
    return Excess(x, _direction(sx, sy), float(least.val) / x.factor)


def alert_comparison(
    expr: str, resolve: Callable[[str], Sli], classify: Classify
) -> tuple[Excess, float] | None:
    """(comparison, allowed worsening) of a Prometheus comparison alert, or None."""
    try:
        tree = _peel(pq.parse(fill_templating(expr)))
    except ValueError:
        return None
    if _op(tree) != "and":
        return None
    first, second = _peel(tree.lhs), _peel(tree.rhs)
    if _op(first) not in (">", "<") or _op(second) != ">":
        return None
    scaled = _peel(first.rhs)
    if _op(scaled) != "*" or not isinstance(_peel(scaled.lhs), pq.NumberLiteral):
        return None
    k = float(_peel(scaled.lhs).val)
    canary = resolve(str(first.lhs))
    stable = resolve(str(scaled.rhs))
    sides = (query_scope(canary, classify), query_scope(stable, classify))
    if sides != ("canary", "stable") or canary.metric != stable.metric:
        return None
    diff, least = _peel(second.lhs), _peel(second.rhs)
    if _op(diff) != "-" or not isinstance(least, pq.NumberLiteral):
        return None
    direction = "above" if _op(first) == ">" else "below"
    allowed = k - 1.0 if direction == "above" else 1.0 - k
    return Excess(canary, direction, float(least.val) / canary.factor), allowed
