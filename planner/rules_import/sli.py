"""What an engine's PromQL query measures: an error ratio, a success rate or a latency quantile.

:func:`recognise_sli` parses the query with a real PromQL parser (``promql-parser``, Prometheus
2.45 grammar) and reads its shape:

- a ratio of two ``sum(rate(C{...}[w]))`` of one counter ``C`` whose numerator keeps only the
  server errors (``code=~"5.."``, ``response_code=~"5.*"``, ``classification="failure"``,
  ``grpc_code!="OK"``) is the **error ratio**; one whose numerator drops them
  (``code!~"5.."``) is the **success rate**; ``or vector(0)`` around a part is allowed;
- ``histogram_quantile(q, sum by (le) (rate(H_bucket[w])))`` is the **latency quantile**
  ``latency_p<100q>_ms``, in seconds when ``H`` says ``seconds`` and milliseconds when it says
  ``milliseconds``/``ms`` (Envoy's ``rq_time`` is milliseconds);
- a constant factor (``* 100`` for a percentage, ``1000 *`` for milliseconds) and a complement
  (``100 - error percentage`` is a success percentage) are folded into :attr:`Sli.factor`;
- the engines' sustained form ``min_over_time((SLI)[10m:1m])`` (``max_over_time`` when worse
  below) gives :attr:`Sli.sustain_minutes`.

Engine templating is replaced before parsing: ``{{ interval }}`` by the metric's interval and
any other ``{{ x }}`` by the text ``__x__`` (``{{args.canary-hash}}`` -> ``__args.canary-hash__``),
so a selector's matchers still say which workload or version the query watches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import promql_parser as pq

__all__ = [
    "Matcher",
    "QueryNotMapped",
    "Selector",
    "Sli",
    "fill_templating",
    "parsed_selectors",
    "recognise_sli",
    "selectors",
]

_TEMPLATE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_QUANTILES = {0.5: "latency_p50_ms", 0.95: "latency_p95_ms", 0.99: "latency_p99_ms"}
# Status vocabularies: (server errors, successes, client errors), chosen by the label's name.
_HTTP = (("500", "502", "503", "504"), ("200", "201", "204", "302"), ("400", "404", "429"))
_GRPC = (
    ("Internal", "Unavailable", "Unknown", "DeadlineExceeded"),
    ("OK",),
    ("NotFound", "InvalidArgument", "PermissionDenied"),
)
_CLASSIFICATION = (("failure",), ("success",), ())
_COUNTER_FUNCS = frozenset({"rate", "irate", "increase"})


class QueryNotMapped(ValueError):
    """The query is not one of the shapes :func:`recognise_sli` knows; the message says why."""


@dataclass(frozen=True)
class Matcher:
    """A label matcher: ``op`` is ``=``, ``!=``, ``=~`` or ``!~``."""

    name: str
    op: str
    value: str

    def matches(self, value: str) -> bool:
        """Whether a series whose label has ``value`` is selected (regexes are anchored)."""
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        try:
            hit = re.fullmatch(self.value, value) is not None
        except re.error:
            return False
        return hit if self.op == "=~" else not hit

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.name}{self.op}"{escaped}"'


@dataclass(frozen=True)
class Selector:
    """One vector selector of a query: metric name and matchers."""

    metric: str
    matchers: tuple[Matcher, ...]

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a series with ``labels`` (``__name__`` aside) is selected."""
        return all(m.matches(labels.get(m.name, "")) for m in self.matchers)


@dataclass(frozen=True)
class Sli:
    """A recognised query.

    Attributes:
        metric: the trace metric it measures (``error_ratio``, ``success_rate``,
            ``latency_p99_ms`` ...).
        factor: query value = ``factor`` x metric value in the trace's unit (``100`` for a
            percentage, ``0.001`` for a latency in seconds).
        counter: the request counter of a ratio (None for a latency).
        numerator: matchers only the ratio's numerator has (the status class it keeps).
        bucket: the histogram's ``_bucket`` series of a latency (None for a ratio).
        bucket_ms: milliseconds per unit of that histogram (1000 for seconds; 1 otherwise).
        ranges_minutes: the distinct ``rate()`` ranges the SLI reads (``[5m]``: 5.0).
        sustain_minutes: the window of a ``min/max_over_time`` subquery (0: none).
        sustain_step_minutes: that subquery's step (0: none).
        selectors: every vector selector of the query.
    """

    metric: str
    factor: float
    counter: str | None
    numerator: tuple[Matcher, ...]
    bucket: str | None
    sustain_minutes: float
    sustain_step_minutes: float
    selectors: tuple[Selector, ...]
    bucket_ms: float = 1.0
    ranges_minutes: tuple[float, ...] = ()


def fill_templating(query: str, interval: str = "1m") -> str:
    """``query`` with Flagger/Argo ``{{ ... }}`` replaced so that a PromQL parser reads it."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        if name == "interval":
            return interval
        return "__" + re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + "__"

    return _TEMPLATE.sub(one, query)


def _minutes(delta: Any) -> float:
    return float(delta.total_seconds()) / 60.0 if delta is not None else 0.0


def _op(token: Any) -> str:
    return str(token).strip()


_MATCH_OPS = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}


def _matcher(m: Any) -> Matcher:
    kind = str(m.op).rsplit(".", 1)[-1]
    return Matcher(m.name, _MATCH_OPS.get(kind, kind), m.value)


def _selector(vs: Any) -> Selector:
    matchers = tuple(_matcher(m) for m in vs.matchers.matchers if m.name != "__name__")
    name = vs.name or next((m.value for m in vs.matchers.matchers if m.name == "__name__"), "")
    return Selector(name or "", matchers)


def selectors(expr: Any) -> tuple[Selector, ...]:
    """Every vector selector of a parsed expression, in order."""
    found: list[Selector] = []

    def visit(node: Any) -> bool:
        if isinstance(node, pq.VectorSelector):
            found.append(_selector(node))
        return True

    pq.walk(expr, visit)
    return tuple(found)


def _ranges(expr: Any) -> tuple[float, ...]:
    found: list[float] = []

    def visit(node: Any) -> bool:
        if isinstance(node, pq.MatrixSelector):
            minutes = _minutes(node.range)
            if minutes not in found:
                found.append(minutes)
        return True

    pq.walk(expr, visit)
    return tuple(found)


def parsed_selectors(query: str, interval: str = "1m") -> tuple[Selector, ...]:
    """Every vector selector of ``query`` (engine templating filled in first).

    Raises:
        QueryNotMapped: not valid PromQL.
    """
    try:
        return selectors(pq.parse(fill_templating(query, interval)))
    except ValueError as exc:
        raise QueryNotMapped(f"not valid PromQL ({exc})") from None


def _peel(expr: Any) -> Any:
    while isinstance(expr, pq.ParenExpr):
        expr = expr.expr
    return expr


def _number(expr: Any) -> float | None:
    expr = _peel(expr)
    if isinstance(expr, pq.NumberLiteral):
        return float(expr.val)
    if isinstance(expr, pq.BinaryExpr) and _op(expr.op) in "*/+-":
        a, b = _number(expr.lhs), _number(expr.rhs)
        if a is not None and b is not None:
            ops: dict[str, Callable[[float, float], float]] = {
                "*": lambda x, y: x * y,
                "/": lambda x, y: x / y,
                "+": lambda x, y: x + y,
                "-": lambda x, y: x - y,
            }
            return ops[_op(expr.op)](a, b)
    return None


def _scaled(expr: Any) -> tuple[float, Any]:
    """``(k, X)`` for ``k * X``, ``X * k`` or ``X / k`` (``k`` a number), else ``(1, expr)``."""
    expr = _peel(expr)
    if isinstance(expr, pq.BinaryExpr) and _op(expr.op) in ("*", "/"):
        op = _op(expr.op)
        k = _number(expr.rhs)
        if k is not None and (op == "*" or k != 0):
            factor, inner = _scaled(expr.lhs)
            return (factor * k if op == "*" else factor / k), inner
        k = _number(expr.lhs) if op == "*" else None
        if k is not None:
            factor, inner = _scaled(expr.rhs)
            return factor * k, inner
    return 1.0, expr


def _counter_sum(expr: Any) -> Selector | None:
    """The selector of ``sum(rate(C[w]))`` or ``rate(C[w])`` (``or vector(0)`` allowed)."""
    expr = _peel(expr)
    if isinstance(expr, pq.BinaryExpr) and _op(expr.op) == "or":
        rhs = _peel(expr.rhs)
        if isinstance(rhs, pq.Call) and rhs.func.name == "vector":
            return _counter_sum(expr.lhs)
        return None
    if isinstance(expr, pq.AggregateExpr):
        if _op(expr.op) != "sum":
            return None
        expr = _peel(expr.expr)
    if isinstance(expr, pq.Call) and expr.func.name in _COUNTER_FUNCS:
        arg = expr.args[0]
        if isinstance(arg, pq.MatrixSelector):
            return _selector(arg.vector_selector)
    return None


def _vocabulary(label: str) -> tuple[tuple[str, ...], ...]:
    if "grpc" in label:
        return _GRPC
    if "classification" in label:
        return _CLASSIFICATION
    return _HTTP


def _ratio(num: Selector, den: Selector) -> tuple[str, tuple[Matcher, ...]]:
    """``error_ratio`` or ``success_rate`` from the numerator's extra matchers."""
    if num.metric != den.metric:
        raise QueryNotMapped(
            f"the ratio divides {num.metric} by {den.metric}; only a ratio of one request "
            "counter is mapped"
        )
    extra = tuple(m for m in num.matchers if m not in den.matchers)
    text = ",".join(str(m) for m in extra)
    if not extra:
        raise QueryNotMapped(f"the numerator selects the same {num.metric} series as the total")
    labels = {m.name for m in extra}
    if len(labels) != 1:
        raise QueryNotMapped(f"the numerator adds {{{text}}}; expected one status label")
    errors, good, client = _vocabulary(labels.pop())
    kept = {v for v in (*errors, *good, *client) if all(m.matches(v) for m in extra)}
    # Client errors may count either way (gRPC's grpc_code!="OK" counts NotFound too).
    if set(errors) <= kept and not kept & set(good):
        return "error_ratio", extra
    if set(good) <= kept and not kept & set(errors):
        return "success_rate", extra
    if kept and kept <= set(errors):
        raise QueryNotMapped(
            f"{{{text}}} keeps only some server errors ({', '.join(sorted(kept))})"
        )
    raise QueryNotMapped(
        f"{{{text}}} does not split server errors (5xx) from the rest; not an error ratio or "
        "success rate"
    )


_LATENCY_UNITS = (
    ("_milliseconds", 1.0),
    ("_ms_", 1.0),
    ("_ms", 1.0),
    ("envoy_cluster_upstream_rq_time", 1.0),
    ("_seconds", 1000.0),
)


def _latency(expr: Any) -> tuple[str, float, Selector]:
    """(metric, milliseconds per bucket unit, bucket selector) of a histogram_quantile."""
    q = _number(expr.args[0])
    if q is None:
        raise QueryNotMapped("histogram_quantile's quantile is not a number")
    metric = _QUANTILES.get(round(q, 6))
    if metric is None:
        raise QueryNotMapped(f"quantile {q:g} has no trace column (p50, p95, p99)")
    found = [s for s in selectors(expr.args[1]) if s.metric.endswith("_bucket")]
    if len(found) != 1:
        raise QueryNotMapped("histogram_quantile does not read exactly one _bucket series")
    bucket = found[0]
    for marker, ms in _LATENCY_UNITS:
        if marker in bucket.metric:
            return metric, ms, bucket
    raise QueryNotMapped(
        f"{bucket.metric}: unit unknown (expected seconds or milliseconds in the name)"
    )


@dataclass
class _Shape:
    metric: str = ""
    factor: float = 1.0
    offset: float = 0.0
    counter: str | None = None
    numerator: tuple[Matcher, ...] = ()
    bucket: str | None = None
    bucket_ms: float = 1.0


def _shape(expr: Any) -> _Shape:
    expr = _peel(expr)
    if isinstance(expr, pq.BinaryExpr):
        op = _op(expr.op)
        if op == "/":
            (k_num, lhs), (k_den, rhs) = _scaled(expr.lhs), _scaled(expr.rhs)
            num, den = _counter_sum(lhs), _counter_sum(rhs)
            if num is not None and den is not None and k_den != 0:
                metric, extra = _ratio(num, den)
                return _Shape(metric, factor=k_num / k_den, counter=num.metric, numerator=extra)
            k = _number(expr.rhs)
            if k is not None and k != 0:
                inner = _shape(expr.lhs)
                inner.factor /= k
                inner.offset /= k
                return inner
        if op == "*":
            for a, b in ((expr.lhs, expr.rhs), (expr.rhs, expr.lhs)):
                k = _number(a)
                if k is not None:
                    inner = _shape(b)
                    inner.factor *= k
                    inner.offset *= k
                    return inner
        if op == "-":
            k = _number(expr.lhs)
            if k is not None:
                inner = _shape(expr.rhs)
                inner.factor, inner.offset = -inner.factor, k - inner.offset
                return inner
        raise QueryNotMapped(f"the operator {op!r} here is not part of a known SLI shape")
    if isinstance(expr, pq.Call) and expr.func.name == "histogram_quantile":
        metric, ms, bucket = _latency(expr)
        return _Shape(metric, factor=1.0 / ms, bucket=bucket.metric, bucket_ms=ms)
    raise QueryNotMapped(
        "not a ratio of two sum(rate(...)) of one counter nor a histogram_quantile"
    )


def _normalise(shape: _Shape) -> tuple[str, float]:
    """(metric, factor) with the complement folded: value = factor x metric."""
    if shape.offset == 0:
        return shape.metric, shape.factor
    if shape.metric in ("error_ratio", "success_rate") and abs(shape.offset + shape.factor) < 1e-9:
        # offset - f*ratio with offset == -f... i.e. k - k*ratio = k*(1 - ratio)
        other = "success_rate" if shape.metric == "error_ratio" else "error_ratio"
        return other, shape.offset
    raise QueryNotMapped(
        f"{shape.metric} shifted by {shape.offset:g} is not a complement (100 - percentage)"
    )


def recognise_sli(query: str, interval: str = "1m") -> Sli:
    """What ``query`` measures.

    Raises:
        QueryNotMapped: not valid PromQL, or not a shape this module maps; says why.
    """
    text = fill_templating(query, interval)
    try:
        expr = pq.parse(text)
    except ValueError as exc:
        raise QueryNotMapped(f"not valid PromQL ({exc})") from None
    sustain = step = 0.0
    body = _peel(expr)
    if (
        isinstance(body, pq.Call)
        and body.func.name in ("min_over_time", "max_over_time")
        and isinstance(body.args[0], pq.SubqueryExpr)
    ):
        sub = body.args[0]
        sustain, step = _minutes(sub.range), _minutes(sub.step)
        body = sub.expr
    shape = _shape(body)
    metric, factor = _normalise(shape)
    if factor <= 0:
        raise QueryNotMapped(f"{metric} enters with a negative factor {factor:g}")
    return Sli(
        metric=metric,
        factor=factor,
        counter=shape.counter,
        numerator=shape.numerator,
        bucket=shape.bucket,
        sustain_minutes=sustain,
        sustain_step_minutes=step,
        selectors=selectors(expr),
        bucket_ms=shape.bucket_ms,
        ranges_minutes=_ranges(body),
    )
