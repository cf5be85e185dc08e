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
