"""Names and literals that are safe in the fields the engines read.

Kubernetes object names are DNS-1123 labels; Prometheus metric, record and alert names follow
the metric-name grammar; PromQL label values are double-quoted string literals; Prometheus
alert labels and annotations are Go templates. Each function either returns a value that cannot
leave its field or raises :class:`~planner.exceptions.ExportError` naming what is impossible.
YAML quoting is never done here: documents are dumped with ``yaml.safe_dump``.
"""

from __future__ import annotations

import hashlib
import math
import re

from planner.exceptions import ExportError

__all__ = [
    "camel",
    "dns_label",
    "duration",
    "go_template_literal",
    "label_value",
    "metric_name",
    "promql_string",
]

_DNS_MAX = 63
_NOT_DNS = re.compile(r"[^a-z0-9]+")
_NOT_METRIC = re.compile(r"[^a-zA-Z0-9_:]+")
_NOT_LABEL_VALUE = re.compile(r"[^A-Za-z0-9_.-]+")
_WORDS = re.compile(r"[A-Za-z0-9]+")


def dns_label(*parts: str, field: str = "name") -> str:
    """A DNS-1123 label (``[a-z0-9-]``, alphanumeric ends, at most 63 characters) from ``parts``.

    Characters outside the alphabet become ``-``; a name longer than 63 characters is cut and
    ends with 8 hex digits of its SHA-256, so two long names stay distinct.

    Raises:
        ExportError: nothing alphanumeric is left; names ``field`` and the value.
    """
    pieces = [_NOT_DNS.sub("-", p.lower()).strip("-") for p in parts]
    if not pieces or not pieces[0]:
        raise ExportError(
            f"{field}: {parts[0] if parts else ''!r} has no letters or digits to build a "
            "Kubernetes name from (DNS-1123: a-z, 0-9, '-')"
        )
    return _fit(_DNS_MAX, "-".join(p for p in pieces if p), "-")


def label_value(value: str, field: str = "label") -> str:
    """A Kubernetes label value (``[A-Za-z0-9_.-]``, alphanumeric ends, at most 63).

    Raises:
        ExportError: nothing usable is left.
    """
    text = _NOT_LABEL_VALUE.sub("-", value).strip("-_.")
    if not text:
        raise ExportError(f"{field}: {value!r} has nothing usable in a Kubernetes label value")
    return _fit(_DNS_MAX, text, "-_.")


def _fit(limit: int, text: str, strip: str) -> str:
    """``text`` cut to ``limit`` characters, ending in a hash of the whole so cuts stay unique."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{text[: limit - 9].rstrip(strip)}-{digest}"


def metric_name(value: str, field: str = "metric") -> str:
    """A Prometheus metric/record name (``[a-zA-Z_:][a-zA-Z0-9_:]*``) from ``value``.

    Raises:
        ExportError: nothing usable is left.
    """
    text = _NOT_METRIC.sub("_", value).strip("_")
    if not text:
        raise ExportError(f"{field}: {value!r} has nothing usable in a Prometheus metric name")
    return f"_{text}" if text[0].isdigit() else text


def camel(value: str, field: str = "name") -> str:
    """``"checkout-v2 api"`` -> ``"CheckoutV2Api"``: a Prometheus-valid alert name part.

    Raises:
        ExportError: no letters or digits in ``value``.
    """
    words = _WORDS.findall(value)
    if not words:
        raise ExportError(f"{field}: {value!r} has no letters or digits for an alert name")
    text = "".join(w[:1].upper() + w[1:] for w in words)
    return f"X{text}" if text[0].isdigit() else text


def promql_string(value: str) -> str:
    """``value`` as a double-quoted PromQL string literal, quotes included.

    Escapes backslash, double quote and control characters (PromQL uses Go's escapes), and
    writes ``{`` and ``}`` as ``\\u007b`` / ``\\u007d`` so the engines' own query templating
    (Argo Rollouts and Flagger both expand ``{{ ... }}``) never sees a brace from user data.
    The literal is also a valid JSON string, which is how the tests read it back.
    """
    out = ['"']
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch in "{}" or ord(ch) < 0x20 or ch in "\x7f\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_template_literal(value: str) -> str:
    """``value`` as Go ``text/template`` text that renders to exactly ``value``.

    Prometheus expands alert labels and annotations as Go templates; every ``{`` is written as
    the action ``{{"{"}}`` so user text can never open an action of its own.
    """
    return value.replace("{", '{{"{"}}')


def duration(minutes: float, field: str = "duration") -> str:
    """Minutes as a duration string the engines accept: ``"10m"``, or ``"90s"`` when not whole.

    Seconds are rounded up, so a duration is never shorter than asked.

    Raises:
        ExportError: negative or not finite.
    """
    if not math.isfinite(minutes) or minutes < 0:
        raise ExportError(f"{field}: {minutes!r} minutes is not a duration >= 0")
    if float(minutes).is_integer():
        return f"{int(minutes)}m"
    return f"{math.ceil(minutes * 60 - 1e-9)}s"
