"""Prometheus rules: recording rules, one alert per threshold, accepted by promtool."""

from __future__ import annotations

from pathlib import Path

import yaml
from support.export_plans import HOSTILE, fixture_plan, hostile_plan, plan_dict, target
from support.paths import GOLDEN
from support.promtool_support import run_promtool

from planner.export import build_rules, export_files
from planner.export.names import promql_string
from planner.model import Plan
from planner.profile import MetricLabels
from planner.rules_import.sli import Matcher, parsed_selectors


def test_one_warning_and_one_critical_alert_per_monitored_metric() -> None:
    rules = build_rules(fixture_plan(), target())
    records, alerts = rules["groups"][0]["rules"], rules["groups"][1]["rules"]
    # Canary scope (the default, what the replay and the tuner model): the new version's series.
    assert [r["record"] for r in records] == [
        "service_version:sli_error_rate:rate5m",
        "service_version:sli_latency_p95:rate5m",
        "service_version:sli_success_rate:rate5m",
    ]
    assert all(r["labels"]["version"] == "canary" for r in records)
    critical = next(a for a in alerts if a["alert"] == "CheckoutErrorRateCritical")
    assert critical["expr"] == (
        "service_version:sli_error_rate:rate5m"
        '{namespace="shop",service="checkout",version="canary"} > 0.005'
    )
    assert (critical["for"], critical["labels"]["severity"]) == ("10m", "critical")
    assert critical["annotations"]["rollback_level"] == "1"
    assert critical["annotations"]["rollback_command"] == (
        "kubectl -n shop set env deployment/checkout FEATURE_CHECKOUT_V2=false"
    )
    warning = next(a for a in alerts if a["alert"] == "CheckoutSuccessRateWarning")
    assert warning["expr"].endswith(" < 0.998")
    assert len(alerts) == 6


def test_every_selector_of_a_canary_record_selects_the_new_version() -> None:
    records = build_rules(fixture_plan(), target())["groups"][0]["rules"]
    for record in records:
        selectors = parsed_selectors(record["expr"])
        assert selectors
        assert all(Matcher("version", "=", "canary") in s.matchers for s in selectors), record


def test_fleet_scope_stays_service_wide_and_uses_the_profile_label() -> None:
    data = plan_dict()
    for stage in data["stages"]:
        for monitor in stage["monitors"]:
            if monitor["metric"] == "error_rate":
                monitor["scope"] = "fleet"
    tgt = target(labels=MetricLabels(version="track", canary="next", stable="current"))
    rules = build_rules(Plan.from_dict(data), tgt)
    records = {r["record"]: r for r in rules["groups"][0]["rules"]}
    fleet = records["service:sli_error_rate:rate5m"]
    assert "track" not in fleet["expr"] and "track" not in fleet["labels"]
    scoped = records["service_version:sli_latency_p95:rate5m"]
    assert 'track="next"' in scoped["expr"] and scoped["labels"]["track"] == "next"
    alert = next(
        a for a in rules["groups"][1]["rules"] if a["alert"] == "CheckoutErrorRateCritical"
    )
    assert alert["expr"].startswith('service:sli_error_rate:rate5m{namespace="shop",')


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
    canary, stable = f'{labels},version="canary"', f'{labels},version="stable"'
    errors = f"http_requests_total{{{canary},code={promql_string('500')}}}"
    total = f"http_requests_total{{{canary},code={promql_string('200')}}}"
    # The stable version is healthy and nine times as busy: a service-wide ratio would be
    # 0.05, still above critical, but only the canary's series may reach the alert.
    stable_ok = f"http_requests_total{{{stable},code={promql_string('200')}}}"
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
                    {"series": stable_ok, "values": "0+540x40"},
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
                                    "version": "canary",
                                },
                                "exp_annotations": {
                                    "summary": "error_rate of the new version (version=canary) "
                                    f"of {HOSTILE} in shop is above the critical threshold 0.5% "
                                    "for 10m",
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
