"""``devops-planner import-rules``: round trip with ``export``, notes, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.export_plans import plan_dict
from support.paths import FIXTURES, ROOT

from planner.cli import main
from planner.thresholds import load_thresholds

DOCS = FIXTURES / "rules_import"
DEFAULTS = ROOT / "data" / "thresholds" / "defaults.yaml"
ENGINES = ("argo-rollouts", "flagger", "prometheus-rules")


def _plan(tmp_path: Path, scope: str = "canary") -> Path:
    """The fixture plan with every monitored stage watching the same metrics: a thresholds
    file applies its rules to every monitored stage, so only such a plan comes back whole."""
    data = plan_dict()
    monitored = [s for s in data["stages"] if s["monitors"]]
    for stage in monitored:
        stage["monitors"] = [{**m, "scope": scope} for m in monitored[-1]["monitors"]]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _documents(path: Path) -> list[Any]:
    """The exported documents without the annotation that names where thresholds came from."""
    docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    for doc in docs:
        annotations = doc.get("metadata", {}).get("annotations", {})
        annotations.pop("devops-planner/thresholds-source", None)
    return docs


@pytest.mark.parametrize("scope", ["canary", "fleet"])
@pytest.mark.parametrize("engine", ENGINES)
def test_export_then_import_gives_the_same_rules(tmp_path: Path, engine: str, scope: str) -> None:
    plan = _plan(tmp_path, scope)
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["export", engine, "--plan", str(plan), "-o", str(first)]) == 0
    imported = tmp_path / "imported.yaml"
    assert main(["import-rules", engine, str(first / f"{engine}.yaml"), "-o", str(imported)]) == 0
    (rule_set,) = load_thresholds(imported).rule_sets
    # The plan's monitors, one rule each: sustained 10m, in the monitors' scope
    by_metric = {r.metric: r for r in rule_set.rules}
    assert sorted(by_metric) == ["error_ratio", "latency_p95_ms", "success_rate"]
    assert by_metric["error_ratio"].critical == 0.005
    assert by_metric["success_rate"].critical == 0.995
    assert by_metric["latency_p95_ms"].critical == 500
    assert {r.family for r in rule_set.rules} == {"static"}
    assert {r.scope for r in rule_set.rules} == {scope}
    argv = ["export", engine, "--plan", str(plan), "--thresholds", str(imported)]
    assert main([*argv, "-o", str(second)]) == 0
    assert _documents(second / f"{engine}.yaml") == _documents(first / f"{engine}.yaml")


def test_notes_go_to_stderr_and_into_the_file_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.yaml"
    files = [str(DOCS / "flagger-metrics-docs.yaml"), str(DOCS / "argo-job-templates.yaml")]
    assert main(["import-rules", "flagger", *files, "-o", str(out)]) == 0
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 4  # three metrics not mapped, one file of another engine
    assert all(line.startswith("import-rules: ") for line in lines)
    assert "argo-job-templates.yaml: holds no flagger resource" in captured.err
    text = out.read_text(encoding="utf-8")
    assert text.count("# not imported: ") == 4
    assert load_thresholds(out).rule_sets


def test_nothing_imported_is_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.yaml"
    argv = ["import-rules", "argo-rollouts", str(DOCS / "argo-job-templates.yaml")]
    assert main([*argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "provider job is not Prometheus" in err
    assert err.strip().splitlines()[-1].startswith("devops-planner: error: ")
    assert "nothing could be imported" in err
    assert not out.exists()


def test_an_unknown_engine_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["import-rules", "spinnaker", str(DOCS / "argo-job-templates.yaml")]
    assert main([*argv, "-o", str(tmp_path / "t.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'spinnaker' is not one of argo-rollouts" in err


def test_burn_rate_export_imports_back_to_the_same_rule(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    out = tmp_path / "out"
    argv = ["export", "prometheus-rules", "--plan", str(plan), "--thresholds", str(DEFAULTS)]
    assert main([*argv, "--rule-set", "sre-burn-rate", "-o", str(out)]) == 0
    imported = tmp_path / "imported.yaml"
    assert (
        main(
            [
                "import-rules",
                "prometheus-rules",
                str(out / "prometheus-rules.yaml"),
                "-o",
                str(imported),
            ]
        )
        == 0
    )
    (burn,) = [
        r for rs in load_thresholds(imported).rule_sets for r in rs.rules if r.family == "burn_rate"
    ]
    original = load_thresholds(DEFAULTS).get("sre-burn-rate").rules[0]
    assert (burn.params, burn.scope, burn.metric) == (
        original.params,
        original.scope,
        original.metric,
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("direction", ["above", "below"])
def test_a_baseline_comparison_imports_back(tmp_path: Path, engine: str, direction: str) -> None:
    plan = _plan(tmp_path)
    metric = "error_ratio" if direction == "above" else "success_rate"
    rules = tmp_path / "t.yaml"
    rules.write_text(
        "rule_sets:\n- name: keptn\n  rules:\n"
        f"  - {{family: baseline, metric: {metric}, direction: {direction}, critical: 0.1,"
        " interval: 5m, min_absolute_difference: 0.001}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    argv = ["export", engine, "--plan", str(plan), "--thresholds", str(rules)]
    assert main([*argv, "-o", str(out)]) == 0
    imported = tmp_path / "imported.yaml"
    assert main(["import-rules", engine, str(out / f"{engine}.yaml"), "-o", str(imported)]) == 0
    back = [r for rs in load_thresholds(imported).rule_sets for r in rs.rules]
    (baseline,) = [r for r in back if r.family == "baseline"]
    (original,) = load_thresholds(rules).rule_sets[0].rules
    assert (baseline.metric, baseline.direction, baseline.scope) == (metric, direction, "canary")
    assert (baseline.critical, baseline.params) == (original.critical, original.params)
