"""``devops-planner export``: one file per target; bad input is one line, exit 2, no file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from support.export_plans import plan_dict
from support.paths import ROOT

from planner.cli import main

THRESHOLDS = ROOT / "data" / "thresholds" / "defaults.yaml"


def _plan(tmp_path: Path) -> Path:
    data = plan_dict()
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("target", "kinds"),
    [
        ("argo-rollouts", ["Rollout", "AnalysisTemplate", "AnalysisTemplate", "AnalysisTemplate"]),
        ("flagger", ["Canary", "MetricTemplate", "MetricTemplate", "MetricTemplate"]),
    ],
)
def test_each_target_writes_one_yaml_file(tmp_path: Path, target: str, kinds: list[str]) -> None:
    out = tmp_path / "out"
    assert main(["export", target, "--plan", str(_plan(tmp_path)), "-o", str(out)]) == 0
    docs = list(yaml.safe_load_all((out / f"{target}.yaml").read_text(encoding="utf-8")))
    assert [d["kind"] for d in docs] == kinds


def test_prometheus_rules_target(tmp_path: Path) -> None:
    assert (
        main(["export", "prometheus-rules", "--plan", str(_plan(tmp_path)), "-o", str(tmp_path)])
        == 0
    )
    rules = yaml.safe_load((tmp_path / "prometheus-rules.yaml").read_text(encoding="utf-8"))
    assert [g["name"] for g in rules["groups"]] == ["checkout-sli", "checkout-alerts"]


def test_service_profile_sets_namespace_deployment_and_promql(tmp_path: Path) -> None:
    profile = tmp_path / "service.yaml"
    profile.write_text(
        yaml.safe_dump(
            {
                "service": "ignored-plan-wins",
                "namespace": "payments",
                "deployment": "checkout-api",
                "replicas": 4,
                "promql": {"error_rate": 'sum(rate(errors_total{app="${service}"}[${window}]))'},
                "labels": {"pod_template_hash": "rs_hash"},
            }
        ),
        encoding="utf-8",
    )
    argv = ["export", "argo-rollouts", "--plan", str(_plan(tmp_path)), "--service", str(profile)]
    assert main([*argv, "--prometheus-url", "http://prom:9090", "-o", str(tmp_path)]) == 0
    rollout, error_rate, *_ = yaml.safe_load_all(
        (tmp_path / "argo-rollouts.yaml").read_text(encoding="utf-8")
    )
    assert rollout["metadata"]["namespace"] == "payments"
    assert rollout["spec"]["workloadRef"]["name"] == "checkout-api"
    assert rollout["spec"]["replicas"] == 4
    prometheus = error_rate["spec"]["metrics"][0]["provider"]["prometheus"]
    assert prometheus["address"] == "http://prom:9090"
    # Canary scope: the profile's pod-template-hash label selects the new ReplicaSet's pods,
    # whose hash the Rollout passes from podTemplateHashValue: Latest.
    assert prometheus["query"] == (
        "min_over_time((sum(rate(errors_total"
        '{rs_hash="{{args.canary-hash}}",app="checkout"}[5m])))[10m:1m])'
    )
    assert error_rate["spec"]["args"] == [{"name": "canary-hash"}]
    assert rollout["spec"]["strategy"]["canary"]["analysis"]["args"] == [
        {"name": "canary-hash", "valueFrom": {"podTemplateHashValue": "Latest"}}
    ]


def test_thresholds_file_replaces_the_monitors(tmp_path: Path) -> None:
    # data/thresholds/defaults.yaml rule set reference-plan: error rate warning 0.2 %, critical
    # 0.5 %, for 10m; the fixture's warning is 0.15 %.
    argv = ["export", "argo-rollouts", "--plan", str(_plan(tmp_path)), "-o", str(tmp_path)]
    assert main([*argv, "--thresholds", str(THRESHOLDS), "--rule-set", "reference-plan"]) == 0
    docs = list(yaml.safe_load_all((tmp_path / "argo-rollouts.yaml").read_text(encoding="utf-8")))
    error_rate = next(d for d in docs if d["metadata"]["name"] == "checkout-error-rate")
    assert error_rate["spec"]["metrics"][0]["successCondition"] == "result[0] <= 0.002"
    assert error_rate["metadata"]["annotations"]["devops-planner/thresholds-source"].endswith(
        "defaults.yaml#reference-plan"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "kubernetes"], "target: 'kubernetes' is not one of argo-rollouts, flagger"),
        (
            ["export", "flagger", "--exposures", "Partial=10"],
            r"stages\[Partial\].exposure_percent: 10 does not increase on 10",
        ),
        # the plan file is named: "where" as well as "what"
        (["export", "flagger", "--schema", "2.0"], r"plan\.json: schema_version: '2.0' is not"),
        (["export", "argo-rollouts", "--thresholds", "missing.yaml"], "missing.yaml: cannot read"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    data = plan_dict()
    if "--exposures" in argv:
        argv = argv[:2]
        data["stages"][3]["exposure_percent"] = 10
    if "--schema" in argv:
        argv = argv[:2]
        data["schema_version"] = "2.0"
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data), encoding="utf-8")
    argv = [a if a != "missing.yaml" else str(tmp_path / a) for a in argv]
    out = tmp_path / "out"
    assert main([*argv, "--plan", str(plan), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(message, err)
    assert not out.exists()


def test_a_bad_prometheus_url_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "flagger", "--plan", str(_plan(tmp_path)), "-o", str(tmp_path / "o")]
    assert main([*argv, "--prometheus-url", "prom:9090 evil"]) == 2
    assert "prometheus_address: 'prom:9090 evil' is not an http(s) URL" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
