""" "What would our current rules have done": import the engines' examples, then backtest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.paths import FIXTURES, ROOT

from planner.cli import main

DOCS = FIXTURES / "rules_import"
SAMPLE = str(ROOT / "data" / "sample" / "web-service-14d.csv")


@pytest.mark.parametrize(
    ("engine", "pattern"),
    [
        ("argo-rollouts", "argo-*.yaml"),
        ("flagger", "flagger-*.yaml"),
        ("prometheus-rules", "prometheus-*.yaml"),
    ],
)
def test_imported_documentation_rules_backtest(tmp_path: Path, engine: str, pattern: str) -> None:
    rules = tmp_path / "imported.yaml"
    files = [str(p) for p in sorted(DOCS.glob(pattern))]
    assert main(["import-rules", engine, *files, "-o", str(rules)]) == 0
    report = tmp_path / "backtest.json"
    argv = ["backtest", "--thresholds", str(rules), "--trace", SAMPLE, "-o", str(report)]
    assert main(argv) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    mine = [r for r in data["rules"] if r["origin"] == "file"]
    assert mine, data.keys()
    # Every imported rule set is scored on the sample's six incidents beside the defaults.
    assert all("recall" in r for r in mine)


def test_tune_measures_the_imported_rules_beside_its_picks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current = tmp_path / "current.yaml"
    istio = str(DOCS / "flagger-istio-builtins.yaml")
    assert main(["import-rules", "flagger", istio, "-o", str(current)]) == 0
    report = tmp_path / "tune.json"
    argv = ["tune", "--train", SAMPLE, "--split-at", "2026-03-09T00:00Z", "--family", "static"]
    assert main([*argv, "--current", str(current), "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "current/podinfo +" in out and "+ = --current" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    for part in ("train", "test"):
        origins = {r["name"]: r["origin"] for r in data[part]["rules"]}
        assert origins["current/podinfo"] == "current"
        assert origins["tuned"] == "file"
