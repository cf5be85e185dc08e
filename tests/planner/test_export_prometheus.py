"""Prometheus rules: recording rules, one alert per threshold, accepted by promtool."""

from __future__ import annotations

from pathlib import Path

import yaml
from support.export_plans import HOSTILE, fixture_plan, hostile_plan, target
from support.paths import GOLDEN
from support.promtool_support import run_promtool

from planner.export import build_rules, export_files
from planner.export.names import promql_string


def test_one_warning_and_one_critical_alert_per_monitored_metric() -> None:
    rules = build_rules(fixture_plan(), target())
    records, alerts = rules["groups"][0]["rules"], rules["groups"][1]["rules"]
    assert [r["record"] for r in records] == [
        "service:sli_error_rate:rate5m",
        "service:sli_latency_p95:rate5m",
        "service:sli_success_rate:rate5m",
    ]
    critical = next(a for a in alerts if a["alert"] == "CheckoutErrorRateCritical")
    assert critical["expr"] == (
        'service:sli_error_rate:rate5m{namespace="shop",service="checkout"} > 0.005'
    )
    assert (critical["for"], critical["labels"]["severity"]) == ("10m", "critical")
    assert critical["annotations"]["rollback_level"] == "1"
    assert critical["annotations"]["rollback_command"] == (
        "kubectl -n shop set env deployment/checkout FEATURE_CHECKOUT_V2=false"
    )
    warning = next(a for a in alerts if a["alert"] == "CheckoutSuccessRateWarning")
    assert warning["expr"].endswith(" < 0.998")
    assert len(alerts) == 6


def test_promtool_accepts_the_rules(tmp_path: Path) -> None:
    for name, plan, tgt in (
        ("plain", fixture_plan(), target()),
        ("hostile", hostile_plan(), target(service=HOSTILE, deployment="checkout")),
    ):
        (text,) = export_files("prometheus-rules", plan, tgt).values()
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        result = run_promtool("check", "rules", path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "SUCCESS: 9 rules found" in result.stdout


def test_promtool_accepts_the_golden_rules() -> None:
    golden = sorted((GOLDEN / "export").glob("*/prometheus-rules.yaml"))
    assert len(golden) == 2
    result = run_promtool("check", "rules", *golden)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hostile_names_reach_prometheus_unchanged(tmp_path: Path) -> None:
    # promtool's own rule engine: a series labelled with the hostile service name is matched by
    # the recording rule, and the alert renders the hostile text verbatim in its labels and
    # annotations (no template action ran, no string was cut short).
    plan, tgt = hostile_plan(), target(service=HOSTILE, deployment="checkout")
    (text,) = export_files("prometheus-rules", plan, tgt).values()
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    rules = yaml.safe_load(text)
    alert = next(a for a in rules["groups"][1]["rules"] if a["alert"].endswith("ErrorRateCritical"))
    labels = f"namespace={promql_string('shop')},service={promql_string(HOSTILE)}"
    errors = f"http_requests_total{{{labels},code={promql_string('500')}}}"
    total = f"http_requests_total{{{labels},code={promql_string('200')}}}"
    test = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                # 60 requests/min of which 30 fail: error ratio 0.5, far above critical 0.005.
                "input_series": [
                    {"series": errors, "values": "0+30x40"},
                    {"series": total, "values": "0+30x40"},
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "30m",
                        "alertname": alert["alert"],
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "severity": "critical",
                                    "service": HOSTILE,
                                    "namespace": "shop",
                                    "metric": "error_rate",
                                    "managed_by": "devops-planner",
                                },
                                "exp_annotations": {
                                    "summary": f"error_rate of {HOSTILE} in shop is above the "
                                    "critical threshold 0.5% for 10m",
                                    "stages": f"Integration, {HOSTILE}, Partial, Full",
                                    "rollback_level": "1",
                                    "rollback": f"Level 1: {HOSTILE}",
                                    "rollback_command": HOSTILE,
                                    "action": f"Roll back now: Level 1: {HOSTILE}",
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(test), encoding="utf-8")
    result = run_promtool("test", "rules", tmp_path / "test.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
