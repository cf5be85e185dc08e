"""Canary versus baseline: the two versions' series compared, checked in promtool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.crd_schemas import validate
from support.export_plans import fixture_plan, plan_dict, target
from support.promtool_support import run_promtool

from planner.cli import main
from planner.export import build_argo, build_flagger, build_rules, dump_yaml
from planner.export.queries.burnrate import BurnRate
from planner.export.queries.compare import Comparison
from planner.thresholds import BurnWindow

# Keptn's "<=+10%" on the error ratio, compared every minute.
PLUS_10 = Comparison("error_rate", "above", critical=0.1, warning=0.1, interval_minutes=1.0)


def _series(labels: str, errors: float, total: float) -> list[dict[str, str]]:
    ok = total - errors
    return [
        {"series": f'http_requests_total{{{labels},code="500"}}', "values": f"0+{errors}x30"},
        {"series": f'http_requests_total{{{labels},code="200"}}', "values": f"0+{ok}x30"},
    ]


def _promtool(tmp_path: Path, rules: dict[str, Any], series: list[Any], tests: list[Any]) -> str:
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    test = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "group_eval_order": [g["name"] for g in rules["groups"]],
        "tests": [{"interval": "1m", "input_series": series, "promql_expr_test": tests}],
    }
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(test), encoding="utf-8")
    result = run_promtool("test", "rules", tmp_path / "test.yaml")
    return "" if result.returncode == 0 else result.stdout + result.stderr


FIRING = 'count(ALERTS{alertname="CheckoutErrorRateVsBaselineCritical",alertstate="firing"})'
SHOP = 'namespace="shop",service="checkout"'


@pytest.mark.parametrize(
    ("canary_errors", "stable_errors", "least", "fires"),
    [
        (2.0, 1.0, 0.0, True),  # 2 % against 1 %: +100 %, beyond +10 %
        (1.05, 1.0, 0.0, False),  # +5 %: within the allowance
        (2.0, 1.0, 0.05, False),  # +1 point of error ratio, under the 5-point absolute floor
    ],
)
def test_prometheus_alert_compares_the_two_versions(
    tmp_path: Path, canary_errors: float, stable_errors: float, least: float, fires: bool
) -> None:
    comparison = Comparison(
        "error_rate", "above", 0.1, 0.1, interval_minutes=1.0, min_absolute_difference=least
    )
    rules = build_rules(fixture_plan(), target(comparisons=(comparison,)))
    series = [
        *_series(f'{SHOP},version="canary"', canary_errors, 100.0),
        *_series(f'{SHOP},version="stable"', stable_errors, 100.0),
    ]
    expected = [{"labels": "{}", "value": 1}] if fires else []
    failure = _promtool(
        tmp_path, rules, series, [{"expr": FIRING, "eval_time": "10m", "exp_samples": expected}]
    )
    assert failure == ""


def test_argo_excess_query_reads_latest_against_stable_hash(tmp_path: Path) -> None:
    docs = build_argo(fixture_plan(), target(comparisons=(PLUS_10,)))
    rollout, template = docs[0], docs[-1]
    assert rollout["spec"]["strategy"]["canary"]["analysis"]["args"] == [
        {"name": "canary-hash", "valueFrom": {"podTemplateHashValue": "Latest"}},
        {"name": "stable-hash", "valueFrom": {"podTemplateHashValue": "Stable"}},
    ]
    (metric,) = template["spec"]["metrics"]
    assert metric["failureCondition"] == "result[0] > 0.1"
    for doc in yaml.safe_load_all(dump_yaml(docs)):
        validate(doc)
    # What Argo runs once it has filled the arguments in: Prometheus returns the relative
    # excess, (2 % - 1 %) / 1 % = 1.0, far beyond 0.1.
    query = metric["provider"]["prometheus"]["query"]
    query = query.replace("{{args.canary-hash}}", "new").replace("{{args.stable-hash}}", "old")
    series = [
        *_series(f'{SHOP},rollouts_pod_template_hash="new"', 2.0, 100.0),
        *_series(f'{SHOP},rollouts_pod_template_hash="old"', 1.0, 100.0),
    ]
    check = {"expr": query, "eval_time": "10m", "exp_samples": [{"labels": "{}", "value": 1}]}
    assert _promtool(tmp_path, {"groups": []}, series, [check]) == ""


def test_flagger_compares_the_canary_pods_with_the_primary_pods() -> None:
    docs = build_flagger(fixture_plan(), target(comparisons=(PLUS_10,)))
    metric = docs[0]["spec"]["analysis"]["metrics"][-1]
    assert metric["thresholdRange"] == {"max": 0.1}
    query = docs[-1]["spec"]["query"]
    assert 'pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"' in query
    assert 'pod=~"{{ target }}-primary-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"' in query
    for doc in yaml.safe_load_all(dump_yaml(docs)):
        validate(doc)


def test_export_thresholds_with_a_baseline_rule(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_dict()), encoding="utf-8")
    rules = tmp_path / "t.yaml"
    rules.write_text(
        "rule_sets:\n- name: keptn\n  rules:\n"
        "  - {family: static, metric: error_ratio, critical: 0.005, for: 10m}\n"
        "  - {family: baseline, metric: error_ratio, critical: 0.1, interval: 5m}\n",
        encoding="utf-8",
    )
    argv = ["export", "argo-rollouts", "--plan", str(plan), "--thresholds", str(rules)]
    assert main([*argv, "-o", str(tmp_path)]) == 0
    docs = list(yaml.safe_load_all((tmp_path / "argo-rollouts.yaml").read_text(encoding="utf-8")))
    compared = [d for d in docs if d["metadata"]["name"] == "checkout-error-rate-vs-baseline"]
    assert compared and compared[0]["spec"]["metrics"][0]["interval"] == "5m"


@pytest.mark.parametrize(("errors", "fires"), [(5.0, True), (0.1, False)])
def test_burn_rate_alert_stays_service_wide(tmp_path: Path, errors: float, fires: bool) -> None:
    # SRE Workbook pair on a 99.9 % SLO: page above 14.4 x 0.001 = 1.44 % over 1h and 5m. The
    # records read both versions (no version matcher): 5 % errors everywhere fires, 0.1 % not.
    burn = BurnRate("error_rate", 0.999, (BurnWindow(60.0, 5.0, 14.4),))
    rules = build_rules(fixture_plan(), target(burn_rates=(burn,)))
    records = [r["record"] for r in rules["groups"][0]["rules"]]
    assert (
        "service:sli_error_rate:rate60m" in records and "service:sli_error_rate:rate5m" in records
    )
    series = [
        *_series(f'{SHOP},version="canary"', errors, 100.0),
        *_series(f'{SHOP},version="stable"', errors * 9, 900.0),
    ]
    name = "CheckoutErrorBudgetBurnCritical"
    expr = f'count(ALERTS{{alertname="{name}",alertstate="firing"}})'
    expected = [{"labels": "{}", "value": 1}] if fires else []
    # the 1h window needs an hour of data before its rate covers it whole; check at 90m
    check = {"expr": expr, "eval_time": "90m", "exp_samples": expected}
    longer = [{**s, "values": s["values"].replace("x30", "x100")} for s in series]
    assert _promtool(tmp_path, rules, longer, [check]) == ""
