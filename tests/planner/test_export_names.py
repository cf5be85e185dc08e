"""Names and literals the exporters put in engine fields cannot leave those fields."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.exceptions import ExportError
from planner.export.names import (
    camel,
    dns_label,
    duration,
    go_template_literal,
    label_value,
    metric_name,
    promql_string,
)

DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("checkout",), "checkout"),  # already valid
        (("Checkout_V2",), "checkout-v2"),  # upper case and underscore
        (("my service", "error_rate"), "my-service-error-rate"),  # joined parts
        (("--a..b--",), "a-b"),  # runs of invalid characters collapse, ends trimmed
    ],
)
def test_dns_label_sanitises(parts: tuple[str, ...], expected: str) -> None:
    assert dns_label(*parts) == expected


def test_dns_label_long_names_are_cut_and_stay_distinct() -> None:
    a, b = dns_label("x" * 80 + "a"), dns_label("x" * 80 + "b")
    assert len(a) == len(b) == 63
    assert a != b


@given(st.text(min_size=1))
def test_dns_label_is_valid_or_refused(text: str) -> None:
    try:
        name = dns_label(text)
    except ExportError as exc:
        assert "no letters or digits" in str(exc)
    else:
        assert DNS_LABEL.fullmatch(name) and len(name) <= 63


def test_dns_label_without_alphanumerics_is_an_error() -> None:
    with pytest.raises(ExportError, match=r"service: '\{\{ \}\}' has no letters or digits"):
        dns_label("{{ }}", field="service")


def test_label_value_and_metric_name_refuse_empty_results() -> None:
    with pytest.raises(ExportError, match="nothing usable in a Kubernetes label value"):
        label_value("///")
    with pytest.raises(ExportError, match="nothing usable in a Prometheus metric name"):
        metric_name("%%%")
    assert metric_name("9 lives") == "_9_lives"
    assert label_value("a b/c") == "a-b-c"


@given(st.text())
def test_promql_string_reads_back_unchanged(text: str) -> None:
    # A PromQL double-quoted literal uses Go escapes; ours is also JSON, so json reads it back.
    literal = promql_string(text)
    assert json.loads(literal) == text
    inner = literal[1:-1]
    # No unescaped quote, newline or brace can end the literal or open engine templating.
    assert not re.search(r'(?<!\\)(\\\\)*"', inner)
    assert "\n" not in inner and "{" not in inner and "}" not in inner


def test_promql_string_escapes_the_dangerous_characters() -> None:
    assert promql_string('a"b\\c\nd{e}') == '"a\\"b\\\\c\\nd\\u007be\\u007d"'


@given(st.text())
def test_go_template_literal_has_no_action_of_its_own(text: str) -> None:
    out = go_template_literal(text)
    # Removing our escape actions must give the text back and leave no '{' at all.
    pieces = out.split('{{"{"}}')
    assert "{".join(pieces) == text
    assert not any("{" in p for p in pieces)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, "0m"), (10, "10m"), (1440, "1440m"), (1.5, "90s"), (0.01, "1s")],
)
def test_duration_text(minutes: float, expected: str) -> None:
    assert duration(minutes) == expected


def test_duration_refuses_negative() -> None:
    with pytest.raises(ExportError, match=r"wait: -1 minutes is not a duration >= 0"):
        duration(-1, "wait")


def test_camel_builds_alert_name_parts() -> None:
    assert camel("checkout-v2 api") == "CheckoutV2Api"
    assert camel("5xx") == "X5xx"
    with pytest.raises(ExportError, match="no letters or digits for an alert name"):
        camel("!!")
