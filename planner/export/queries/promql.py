"""SLI PromQL: default templates for common conventions, overridable per service.

A template is PromQL with placeholders in ``string.Template`` syntax:

- ``${namespace}``, ``${service}``, ``${deployment}``: label values. They must sit inside a
  double-quoted string (``service="${service}"``); they are escaped for it.
- ``${window}``: the ``rate()`` range, e.g. ``5m``. It must sit outside any string.

The query must return one series whose value is in the monitor's unit (``ratio``: a fraction,
``ms``: milliseconds). The defaults assume ``http_requests_total`` with a ``code`` label and the
``http_request_duration_seconds`` histogram, both labelled ``namespace`` and ``service``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from planner.exceptions import ExportError
from planner.export.names import duration, promql_string
from planner.export.target import ExportTarget
from planner.model import Monitor

__all__ = [
    "DEFAULT_TEMPLATES",
    "render_scoped_sli",
    "render_sli",
    "scope_matchers",
    "sli_template",
    "sustained_query",
    "with_matchers",
]

_SELECTOR = 'namespace="${namespace}",service="${service}"'
_REQUESTS = "sum(rate(http_requests_total{%s}[${window}]))"
_LATENCY = (
    "1000 * histogram_quantile(%s, sum by (le) "
    "(rate(http_request_duration_seconds_bucket{" + _SELECTOR + "}[${window}])))"
)

# A counter series exists only once its label set was seen: a healthy service has no 5xx
# series. "or vector(0)" makes the numerator 0 then, so the ratio is a number whenever there is
# traffic (an empty result aborts an Argo analysis and fails a Flagger check).
_PART = "(" + _REQUESTS + " or vector(0))"
DEFAULT_TEMPLATES: Mapping[str, str] = {
    "error_rate": (_PART % (_SELECTOR + ',code=~"5.."') + " / " + _REQUESTS % _SELECTOR),
    "success_rate": (_PART % (_SELECTOR + ',code!~"5.."') + " / " + _REQUESTS % _SELECTOR),
}
_LATENCY_NAME = re.compile(r"latency_p(\d{2})(?:_ms)?")
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}|\$(\w+)|\$\$")
_LABEL_KEYS = ("namespace", "service", "deployment")


def sli_template(metric: str, overrides: Mapping[str, str]) -> str:
    """The template for monitor ``metric``: the profile's, else a default.

    Raises:
        ExportError: no template for ``metric``.
    """
    if metric in overrides:
        return overrides[metric]
    if metric in DEFAULT_TEMPLATES:
        return DEFAULT_TEMPLATES[metric]
    latency = _LATENCY_NAME.fullmatch(metric)
    if latency:
        return _LATENCY % f"0.{latency.group(1)}"
    known = sorted({*DEFAULT_TEMPLATES, "latency_pNN", *overrides})
    raise ExportError(
        f"monitor {metric!r}: no PromQL template; add promql.{metric} to the service profile "
        f"(templates exist for {', '.join(known)})"
    )


def render_sli(
    metric: str, target: ExportTarget, variables: Mapping[str, str] | None = None
) -> str:
    """The PromQL of monitor ``metric`` for ``target``, placeholders filled and escaped.

    ``variables`` replaces placeholders by an engine's own template variables, written as they
    are (Flagger: ``{"namespace": "{{ namespace }}", "window": "{{ interval }}"}``).

    Raises:
        ExportError: no template, an unknown placeholder, or a placeholder in the wrong place.
    """
    template = sli_template(metric, target.promql)
    values = {
        "namespace": target.namespace,
        "service": target.service,
        "deployment": target.deployment_name,
    }
    raw = dict(variables or {})
    window = raw.get("window") or duration(target.rate_window_minutes, "rate_window_minutes")
    out: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "$":
            m = _PLACEHOLDER.match(template, i)
            if m is None:
                raise ExportError(f"promql.{metric}: a lone '$' at offset {i}; write $$")
            name = m.group(1) or m.group(2)
            if name is None:
                out.append("$")
            elif name in _LABEL_KEYS:
                if quote != '"':
                    raise ExportError(
                        f"promql.{metric}: ${{{name}}} must be inside a double-quoted label "
                        f'value, e.g. {name}="${{{name}}}"'
                    )
                out.append(raw[name] if name in raw else promql_string(values[name])[1:-1])
            elif name == "window":
                if quote is not None:
                    raise ExportError(f"promql.{metric}: ${{window}} must be outside strings")
                out.append(window)
            else:
                raise ExportError(
                    f"promql.{metric}: unknown placeholder ${{{name}}} "
                    "(use namespace, service, deployment, window)"
                )
            i = m.end()
            continue
        if quote is None and ch in "\"'`":
            quote = ch
        elif quote is not None and ch == "\\" and quote != "`":
            out.append(template[i : i + 2])
            i += 2
            continue
        elif ch == quote:
            quote = None
        out.append(ch)
        i += 1
    if quote is not None:
        raise ExportError(f"promql.{metric}: unterminated string literal {quote}")
    return "".join(out)


def sustained_query(expr: str, monitor: Monitor, interval_minutes: float) -> str:
    """The SLI's level held for the whole sustain window, sampled every ``interval_minutes``.

    For a monitor that is worse ``above``, the minimum over ``for_minutes``: it exceeds a
    threshold exactly when every sample in the window did, which is Prometheus ``for:`` read
    at one instant. ``below`` uses the maximum. ``for_minutes == 0`` is the SLI itself. The
    window is ``for_minutes`` rounded up to whole intervals, as a ``for:`` is evaluated.
    """
    if monitor.for_minutes == 0:
        return expr
    fn = "min_over_time" if monitor.direction == "above" else "max_over_time"
    # A `for:` shorter than the interval still needs two evaluations in breach: the window
    # is a whole number of intervals (10m at a 60m interval is [60m:60m], two points).
    held = math.ceil(monitor.for_minutes / interval_minutes - 1e-9) * interval_minutes
    window = duration(held, f"monitor {monitor.metric}: for_minutes")
    step = duration(interval_minutes, "interval_minutes")
    return f"{fn}(({expr})[{window}:{step}])"


def with_matchers(expr: str, matchers: Sequence[str], field: str) -> str:
    """``expr`` with ``matchers`` (``'version="canary"'``) added to every vector selector.

    The matchers go first in each ``{...}`` outside string literals; a selector written without
    braces cannot be scoped and is an error, checked on the parsed query.

    Raises:
        ExportError: a selector without ``{...}``, or a query that does not parse.
    """
    if not matchers:
        return expr
    text = ",".join(matchers)
    out: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(expr):
        ch = expr[i]
        if quote is None and ch == "#":
            end = expr.find("\n", i)
            end = len(expr) if end < 0 else end
            out.append(expr[i:end])
            i = end
            continue
        if quote is None and ch in "\"'`":
            quote = ch
        elif quote is not None and ch == "\\" and quote != "`":
            out.append(expr[i : i + 2])
            i += 2
            continue
        elif ch == quote:
            quote = None
        elif quote is None and expr.startswith("{{", i):  # an engine's template action
            end = expr.find("}}", i)
            end = len(expr) if end < 0 else end + 2
            out.append(expr[i:end])
            i = end
            continue
        elif quote is None and ch == "{":
            rest = expr[i + 1 :].lstrip()
            out.append("{" + text + ("" if rest.startswith("}") else ","))
            i += 1
            continue
        out.append(ch)
        i += 1
    scoped = "".join(out)
    _check_scoped(scoped, matchers, field)
    return scoped


def _check_scoped(expr: str, matchers: Sequence[str], field: str) -> None:
    from planner.rules_import.sli import QueryNotMapped, parsed_selectors

    names = {m.split("=", 1)[0].rstrip("!~") for m in matchers}
    try:
        found = parsed_selectors(expr)
    except QueryNotMapped as exc:
        raise ExportError(f"{field}: {exc}") from None
    for sel in found:
        if not names <= {m.name for m in sel.matchers}:
            raise ExportError(
                f"{field}: selector {sel.metric} has no {{...}} to add {', '.join(matchers)} "
                f"to; write {sel.metric}{{}} in the template"
            )


def scope_matchers(target: ExportTarget, scope: str) -> tuple[str, ...]:
    """The Prometheus-rule matchers that select ``scope``'s version (none for the fleet)."""
    if scope == "fleet":
        return ()
    value = target.labels.canary if scope == "canary" else target.labels.stable
    return (f"{target.labels.version}={promql_string(value)}",)


def render_scoped_sli(metric: str, target: ExportTarget, scope: str) -> str:
    """The SLI of ``metric`` restricted to ``scope``'s version by the profile's version label."""
    return with_matchers(
        render_sli(metric, target), scope_matchers(target, scope), f"promql.{metric}"
    )
