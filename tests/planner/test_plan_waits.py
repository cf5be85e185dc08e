"""``plan --thresholds`` with evidence-sized waits and a tuned rule's scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from support.paths import ROOT

from planner.cli import main
from planner.thresholds.waits import EvidenceInputs, evidence_waits

MANIFEST = ROOT / "data" / "sample" / "change-manifest.yaml"


def _plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], thresholds: dict[str, object]
) -> dict:
    path = tmp_path / "tuned.yaml"
    path.write_text(yaml.safe_dump(thresholds))
    argv = ["plan", "--manifest", str(MANIFEST), "--format", "json"]
    assert main([*argv, "--thresholds", str(path)]) == 0
    with_waits = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    return {"tuned": with_waits, "default": json.loads(capsys.readouterr().out)}


def test_stage_waits_lengthen_short_bakes_keep_longer_holds_and_show_the_arithmetic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 200 requests a minute at 0.2 % errors: a 10 % canary needs hours to see x2.
    evidence = EvidenceInputs(requests_per_minute=200.0, error_ratio=0.002)
    rule = {"name": "tuned", "family": "static", "metric": "error_ratio", "scope": "canary"}
    doc = {"rule_sets": [rule | {"critical": 0.01}], "stage_waits": evidence.to_dict()}
    plans = _plan(tmp_path, capsys, doc)
    tuned = {s["name"]: s for s in plans["tuned"]["stages"]}
    default = {s["name"]: s for s in plans["default"]["stages"]}
    stages = [(s["name"], s["exposure_percent"]) for s in plans["default"]["stages"]]
    needed = {w.stage: w.minutes for w in evidence_waits(stages, evidence)}
    assert "Integration" not in needed  # no traffic, nothing to measure
    for name, minutes in needed.items():
        old = default[name]["wait_minutes"]
        new = tuned[name]["wait_minutes"]
        assert new["min"] == max(minutes, old["min"])  # never shorter than the plan's own
        assert new["max"] >= new["min"]
        assert "Evidence-sized wait" in tuned[name]["note"]
    canary = tuned["Canary"]
    assert canary["wait_minutes"]["min"] > default["Canary"]["wait_minutes"]["min"]
    # the tuned monitor keeps its rule's scope; default monitors carry none
    scopes = {m.get("scope") for m in canary["monitors"] if m["metric"] == "error_rate"}
    assert scopes == {"canary"}
    assert all("scope" not in m for s in plans["default"]["stages"] for m in s["monitors"])
