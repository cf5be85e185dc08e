"""The Canary's step weights are the plan's exposures; waits become manual gates."""

from __future__ import annotations

import pytest
from support.export_plans import fixture_plan, plan_dict, target

from planner.exceptions import ExportError
from planner.export import build_flagger
from planner.model import Plan


def test_step_weights_and_max_weight_match_the_exposed_stages() -> None:
    analysis = build_flagger(fixture_plan(), target())[0]["spec"]["analysis"]
    assert analysis["stepWeights"] == [10, 50, 100]
    assert analysis["maxWeight"] == 100
    assert (analysis["interval"], analysis["threshold"]) == ("1m", 1)


def test_metrics_check_the_critical_threshold_on_the_worse_side() -> None:
    metrics = build_flagger(fixture_plan(), target())[0]["spec"]["analysis"]["metrics"]
    ranges = {m["name"]: m["thresholdRange"] for m in metrics}
    assert ranges == {
        "error-rate": {"max": 0.005},
        "latency-p95": {"max": 500},
        "success-rate": {"min": 0.995},
    }
    assert {m["templateRef"]["name"] for m in metrics} == {
        "checkout-error-rate",
        "checkout-latency-p95",
        "checkout-success-rate",
    }


def test_waits_become_gates_with_what_they_hold() -> None:
    hooks = build_flagger(fixture_plan(), target())[0]["spec"]["analysis"]["webhooks"]
    assert [(h["type"], h["metadata"]["hold"]) for h in hooks] == [
        ("confirm-rollout", "Integration 60m at 0%"),
        ("confirm-traffic-increase", "Canary 120m at 10%; Partial 240m at 50%"),
        ("confirm-promotion", "Full 1440m at 100%"),
    ]
    assert {h["url"] for h in hooks} == {"http://flagger-loadtester.test/gate/check"}


def test_short_waits_need_no_gate() -> None:
    data = plan_dict()
    for stage in data["stages"]:
        stage["wait_minutes"] = {"min": 1, "max": 1}  # one interval: Flagger's own pace
    canary = build_flagger(Plan.from_dict(data), target())[0]
    assert "webhooks" not in canary["spec"]["analysis"]


@pytest.mark.parametrize(
    ("exposures", "message"),
    [
        ([0, 0, 10, 10, 100], r"stages\[Partial\].exposure_percent: 10 does not increase on 10"),
        ([0, 0, 50, 10, 100], r"stages\[Partial\].exposure_percent: 10 does not increase on 50"),
        ([0, 0, 0, 0, 0], "no stage has exposure_percent > 0"),
        ([0, 0, 10, 33.3, 100], r"stages\[Partial\].exposure_percent: 33.3 cannot be expressed"),
    ],
)
def test_exposures_flagger_cannot_express_are_refused(exposures: list[float], message: str) -> None:
    data = plan_dict()
    for stage, exposure in zip(data["stages"], exposures, strict=True):
        stage["exposure_percent"] = exposure
    with pytest.raises(ExportError, match=message):
        build_flagger(Plan.from_dict(data), target())


def test_metric_templates_select_the_canary_pods_in_flaggers_variables() -> None:
    docs = build_flagger(fixture_plan(), target())
    query = docs[1]["spec"]["query"]
    # Flagger fills {{ target }} with the Deployment (the canary; the primary is
    # <target>-primary), {{ namespace }} and {{ interval }} (the metric's interval: 5m).
    assert 'pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"' in query
    assert "[{{ interval }}]" in query and "[5m]" not in query
    assert docs[0]["spec"]["analysis"]["metrics"][0]["interval"] == "5m"


def test_builtin_checks_where_the_mesh_and_the_sustain_window_fit() -> None:
    data = plan_dict()
    for stage in data["stages"]:
        for m in stage["monitors"]:
            m["for_minutes"] = 1
            if m["metric"] == "latency_p95":
                m["metric"] = "latency_p99"
    plan = Plan.from_dict(data)
    docs = build_flagger(plan, target(mesh="istio"))
    canary = docs[0]
    assert canary["spec"]["provider"] == "istio"
    metrics = {m["name"]: m for m in canary["spec"]["analysis"]["metrics"]}
    # Flagger's builtins: success rate in percent (min), P99 duration in milliseconds (max)
    assert metrics["request-success-rate"]["thresholdRange"] == {"min": 99.5}
    assert metrics["request-duration"]["thresholdRange"] == {"max": 500}
    assert "templateRef" not in metrics["request-duration"]
    # the error rate has no builtin: it keeps its MetricTemplate
    assert [d["metadata"]["name"] for d in docs[1:]] == ["checkout-error-rate"]
    assert metrics["error-rate"]["templateRef"]["name"] == "checkout-error-rate"


def test_no_builtin_when_the_sustain_window_is_longer_than_one_check() -> None:
    docs = build_flagger(fixture_plan(), target(mesh="linkerd"))
    names = [m["name"] for m in docs[0]["spec"]["analysis"]["metrics"]]
    assert names == ["error-rate", "latency-p95", "success-rate"]  # for: 10m > interval 1m
