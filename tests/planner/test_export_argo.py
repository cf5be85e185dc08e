"""The Rollout's steps reproduce the plan's stages; the analysis encodes its thresholds."""

from __future__ import annotations

from typing import Any

import pytest
from support.export_plans import fixture_plan, plan_dict, target

from planner.exceptions import ExportError
from planner.export import build_argo
from planner.model import Plan


def test_steps_reproduce_stage_weights_and_minimum_waits() -> None:
    rollout = build_argo(fixture_plan(), target())[0]
    # Fixture stages: Infrastructure 0% 0m, Integration 0% 60m, Canary 10% 120-240m,
    # Partial 50% 240-480m, Full 100% 1440m. 0% sets no weight; a zero wait has no pause.
    assert rollout["spec"]["strategy"]["canary"]["steps"] == [
        {"pause": {"duration": "60m"}},
        {"setWeight": 10},
        {"pause": {"duration": "120m"}},
        {"setWeight": 50},
        {"pause": {"duration": "240m"}},
        {"setWeight": 100},
        {"pause": {"duration": "1440m"}},
    ]


def test_background_analysis_starts_at_the_first_monitored_stage() -> None:
    data = plan_dict()
    data["stages"][1]["monitors"] = []  # Integration no longer monitored: Canary is the first
    canary = build_argo(Plan.from_dict(data), target())[0]["spec"]["strategy"]["canary"]
    assert canary["analysis"]["startingStep"] == 1  # step 0 is Integration's pause
    assert [t["templateName"] for t in canary["analysis"]["templates"]] == [
        "checkout-error-rate",
        "checkout-latency-p95",
        "checkout-success-rate",
    ]


def _metric(docs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    template = next(d for d in docs if d["metadata"]["name"] == name)
    metric: dict[str, Any] = template["spec"]["metrics"][0]
    return metric


@pytest.mark.parametrize(
    ("template", "success", "failure"),
    [
        # error_rate is worse above: warning 0.15 % is the success bound, critical 0.5 % fails
        ("checkout-error-rate", "result[0] <= 0.0015", "result[0] > 0.005"),
        # latency p95 in ms: warning 300, critical 500
        ("checkout-latency-p95", "result[0] <= 300", "result[0] > 500"),
        # success_rate is worse below: warning 99.8 %, critical 99.5 %
        ("checkout-success-rate", "result[0] >= 0.998", "result[0] < 0.995"),
    ],
)
def test_warning_is_the_success_bound_and_critical_the_failure(
    template: str, success: str, failure: str
) -> None:
    metric = _metric(build_argo(fixture_plan(), target()), template)
    assert (metric["successCondition"], metric["failureCondition"]) == (success, failure)
    assert (metric["failureLimit"], metric["inconclusiveLimit"], metric["interval"]) == (
        0,
        0,
        "1m",
    )
    assert "count" not in metric  # background analysis runs until the rollout completes


def test_query_holds_the_sli_over_the_sustain_window() -> None:
    docs = build_argo(fixture_plan(), target())
    query = _metric(docs, "checkout-error-rate")["provider"]["prometheus"]["query"]
    assert query.startswith("min_over_time(((sum(rate(http_requests_total{")
    assert query.endswith(")[10m:1m])")
    below = _metric(docs, "checkout-success-rate")["provider"]["prometheus"]["query"]
    assert below.startswith("max_over_time(")


def test_fractional_exposure_cannot_be_a_weight() -> None:
    data = plan_dict()
    data["stages"][2]["exposure_percent"] = 12.5
    with pytest.raises(ExportError, match=r"stages\[Canary\].exposure_percent: 12.5 cannot be"):
        build_argo(Plan.from_dict(data), target())


def test_invalid_deployment_name_is_refused_not_rewritten() -> None:
    with pytest.raises(ExportError, match=r"deployment: 'Check Out' is not a valid Kubernetes"):
        build_argo(fixture_plan(), target(deployment="Check Out"))


def test_metric_with_different_thresholds_per_stage_is_refused() -> None:
    data = plan_dict()
    data["stages"][3]["monitors"][0]["critical"] = 0.01
    with pytest.raises(ExportError, match=r"stages\[Partial\].monitors\[error_rate\]: thresholds"):
        build_argo(Plan.from_dict(data), target())
