"""SLI PromQL: defaults for common conventions, profile overrides, escaped label values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from support.export_plans import HOSTILE, target
from support.promtool_support import run_promtool

from planner.exceptions import ExportError
from planner.export.queries.promql import render_sli, sustained_query, with_matchers
from planner.model import Monitor


def test_default_error_rate_uses_http_requests_total_with_code() -> None:
    assert render_sli("error_rate", target()) == (
        '(sum(rate(http_requests_total{namespace="shop",service="checkout",code=~"5.."}[5m]))'
        " or vector(0))"
        ' / sum(rate(http_requests_total{namespace="shop",service="checkout"}[5m]))'
    )


@pytest.mark.parametrize(
    ("metric", "codes", "expected"),
    [
        ("error_rate", ("200",), 0),  # healthy: no 5xx series exists at all
        ("success_rate", ("200",), 1),
        ("success_rate", ("503",), 0),  # every request fails: no non-5xx series
        ("error_rate", ("503",), 1),
        ("error_rate", ("200", "500"), 0.5),
    ],
)
def test_default_ratio_slis_have_a_value_whenever_there_is_traffic(
    tmp_path: Path, metric: str, codes: tuple[str, ...], expected: float
) -> None:
    # An empty query result is an error for the engines: Argo Rollouts aborts the rollout after
    # consecutive errors (argo-rollouts#1466), Flagger fails the check ("no values found").
    # With traffic, the ratio must be a number even when one side of it has no series.
    query = sustained_query(
        render_sli(metric, target()),
        Monitor(metric, "ratio", "above", 0, 0, 0.1, 0.2, 10),
        1,
    )
    series = [
        {
            "series": f'http_requests_total{{namespace="shop",service="checkout",code="{c}"}}',
            "values": "0+60x30",
        }
        for c in codes
    ]
    test = {
        "rule_files": [],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": series,
                "promql_expr_test": [
                    {
                        "expr": query,
                        "eval_time": "25m",
                        "exp_samples": [{"labels": "{}", "value": expected}],
                    }
                ],
            }
        ],
    }
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(test), encoding="utf-8")
    result = run_promtool("test", "rules", tmp_path / "test.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("metric", "quantile"), [("latency_p95", "0.95"), ("latency_p99_ms", "0.99")]
)
def test_default_latency_is_a_histogram_quantile_in_ms(metric: str, quantile: str) -> None:
    assert render_sli(metric, target()) == (
        f"1000 * histogram_quantile({quantile}, sum by (le) (rate("
        'http_request_duration_seconds_bucket{namespace="shop",service="checkout"}[5m])))'
    )


def test_profile_template_overrides_the_default() -> None:
    tgt = target(
        promql={"error_rate": 'sum(rate(errs{job="${service}",dep="${deployment}"}[${window}]))'},
        rate_window_minutes=2,
        deployment="checkout-api",
    )
    assert render_sli("error_rate", tgt) == 'sum(rate(errs{job="checkout",dep="checkout-api"}[2m]))'


def test_hostile_label_value_stays_inside_its_string() -> None:
    query = render_sli("error_rate", target(service=HOSTILE))
    values = re.findall(r'service=("(?:[^"\\]|\\.)*")', query)
    assert [json.loads(v) for v in values] == [HOSTILE, HOSTILE]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("rate(x{job=${service}}[5m])", r"\$\{service\} must be inside a double-quoted"),
        ("rate(x{job='${service}'}[5m])", r"\$\{service\} must be inside a double-quoted"),
        ('rate(x[5m]) > "${window}"', r"\$\{window\} must be outside strings"),
        ('rate(x{a="${nope}"}[5m])', r"unknown placeholder \$\{nope\}"),
        ('rate(x{a="b}[5m])', "unterminated string literal"),
        ("rate(x[5m]) $ 2", "a lone '\\$'"),
    ],
)
def test_bad_templates_are_refused(template: str, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        render_sli("error_rate", target(promql={"error_rate": template}))


def test_metric_without_template_names_the_fix() -> None:
    with pytest.raises(ExportError, match=r"monitor 'token_refresh': no PromQL template; add pro"):
        render_sli("token_refresh", target())


def test_sustained_query_reads_the_worse_side_over_the_window() -> None:
    above = Monitor("error_rate", "ratio", "above", 0, 0, 0.1, 0.2, 10)
    below = Monitor("success_rate", "ratio", "below", 1, 1, 0.9, 0.8, 2.5)
    instant = Monitor("error_rate", "ratio", "above", 0, 0, 0.1, 0.2, 0)
    assert sustained_query("q", above, 1) == "min_over_time((q)[10m:1m])"
    assert sustained_query("q", below, 0.5) == "max_over_time((q)[150s:30s])"
    assert sustained_query("q", instant, 1) == "q"


def test_a_selector_without_braces_cannot_be_scoped() -> None:
    with pytest.raises(ExportError, match=r"promql.error_rate: selector errors_total has no"):
        with_matchers(
            'sum(rate(errors_total[5m])) / sum(rate(requests_total{app="a"}[5m]))',
            ('version="canary"',),
            "promql.error_rate",
        )


def test_matchers_go_into_every_selector_but_not_into_strings_or_templates() -> None:
    expr = 'sum(rate(x{a="{b}"}[{{ interval }}])) / sum(rate(x{}[5m]))'
    out = with_matchers(expr, ('v="c"',), "q")
    assert out == 'sum(rate(x{v="c",a="{b}"}[{{ interval }}])) / sum(rate(x{v="c"}[5m]))'
