"""From a recognised query and an engine's bounds to a thresholds-file rule (plain fields)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from planner.rules_import.sli import Matcher, QueryNotMapped, Sli, recognise_sli
from planner.thresholds import format_duration

__all__ = ["Bound", "Scope", "parse_condition", "query_scope", "rule_fields", "sli_of"]

Scope = Literal["canary", "fleet", "stable"]
Bound = tuple[str, float]  # (comparison operator, value in the query's unit)
_CONDITION = re.compile(
    r"\s*result(?:\[0\])?\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*"
)


def parse_condition(text: str, field: str) -> Bound:
    """``result[0] >= 0.95`` -> ``(">=", 0.95)``.

    Raises:
        QueryNotMapped: any other condition (the message quotes it).
    """
    m = _CONDITION.fullmatch(text)
    if m is None:
        raise QueryNotMapped(f"{field} {text!r} is not 'result[0] <op> <number>'")
    return m.group(1), float(m.group(2))


def sli_of(query: Any, interval: str) -> Sli:
    """The recognised SLI of an engine's ``query`` field.

    Raises:
        QueryNotMapped: no query, or not a known shape.
    """
    if not isinstance(query, str) or not query.strip():
        raise QueryNotMapped("no query")
    return recognise_sli(query, interval)


def query_scope(sli: Sli, classify: Callable[[Matcher], Scope | None]) -> Scope:
    """``canary`` or ``stable`` when a matcher selects one version, else ``fleet``.

    Raises:
        QueryNotMapped: the query selects both versions in different parts (a comparison).
    """
    seen = {s for sel in sli.selectors for m in sel.matchers if (s := classify(m)) is not None}
    if len(seen) > 1:
        raise QueryNotMapped(
            "the query reads both the canary and the stable version (a canary-vs-baseline "
            "comparison is not mapped)"
        )
    return seen.pop() if seen else "fleet"


def _clean(value: float) -> float:
    return float(f"{value:.12g}")


def rule_fields(
    *,
    name: str,
    sli: Sli,
    success: Bound | None,
    failure: Bound | None,
    scope: Scope,
    family: str,
    params: dict[str, Any],
    interval_minutes: float,
    sustain_ok: bool,
) -> dict[str, Any]:
    """A thresholds-file rule (plain fields) from an engine's success/failure bounds.

    ``success`` is the bound a healthy value stays within (Argo ``successCondition``), ``failure``
    the one whose breach fails (Argo ``failureCondition``, Flagger's ``thresholdRange``); bounds
    are divided by the query's factor (a percentage becomes a ratio). A sustained query
    (``min_over_time((SLI)[10m:1m])``) checked so that one failure rolls back (``sustain_ok``)
    is a Prometheus-style ``for``: a ``static`` rule evaluated every ``interval_minutes``.

    Raises:
        QueryNotMapped: no bound, bounds in opposite directions, a stable-only query, or a
            sustained query whose failures accumulate.
    """
    if scope == "stable":
        raise QueryNotMapped("the query watches the stable version only")
    directions = set()
    for bound, healthy in ((success, True), (failure, False)):
        if bound is not None:
            op = bound[0]
            up = op in (">", ">=")
            # healthy when above => worse below; failing when above => worse above
            directions.add(
                ("below" if up else "above") if healthy else ("above" if up else "below")
            )
    if not directions:
        raise QueryNotMapped("no success or failure bound")
    if len(directions) > 1:
        raise QueryNotMapped("the success and failure bounds point in opposite directions")
    direction = directions.pop()
    warn = _clean(success[1] / sli.factor) if success else None
    crit = _clean(failure[1] / sli.factor) if failure else None
    critical = crit if crit is not None else warn
    warning = warn if warn is not None else critical
    out: dict[str, Any] = {
        "family": family,
        "name": name,
        "metric": sli.metric,
        "direction": direction,
        "scope": scope,
        "warning": warning,
        "critical": critical,
    }
    if sli.sustain_minutes > 0:
        if not sustain_ok:
            raise QueryNotMapped(
                f"a query sustained over {format_duration(sli.sustain_minutes)} whose failed "
                "checks accumulate has no thresholds family"
            )
        out["family"] = "static"
        out["for"] = format_duration(sli.sustain_minutes)
        out["evaluation_interval"] = format_duration(interval_minutes)
        return out
    return out | params
