"""One use case behind every door: the CLI, the notebooks and ``export --thresholds`` agree.

Before ``planner.usecase.plan_change`` existed, ``plan --thresholds`` and ``export --thresholds``
put tuned monitors on different stages, and notebook plans ignored the policy, the thresholds
file and the profile's calendar section. These tests pin the two paths to the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from support.paths import ROOT

from planner.cli import main
from planner.render import render_json
from simulations.notebook.inputs import PlanInputs, load_plan

MANIFEST = ROOT / "data" / "sample" / "change-manifest.yaml"
SERVICE = ROOT / "data" / "sample" / "service.yaml"
CALENDAR = ROOT / "data" / "sample" / "calendar.yaml"
THRESHOLDS = ROOT / "data" / "thresholds" / "defaults.yaml"


def _policy(tmp_path: Path) -> Path:
    # A team rule that raises every docs change to HIGH: visible in the plan if applied.
    path = tmp_path / "policy.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "rules": [
                    {
                        "name": "docs-are-customer-facing",
                        "level": "HIGH",
                        "category": "docs",
                        "paths": ["**/*.md", "*.md", "docs/**"],
                        "reason": "our docs are the product",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    return path


def _cli_plan(tmp_path: Path, *extra: str) -> dict[str, object]:
    out = tmp_path / f"plan-{len(list(tmp_path.iterdir()))}.json"
    argv = ["plan", "--manifest", str(MANIFEST), "--service", str(SERVICE)]
    assert main([*argv, *extra, "--format", "json", "-o", str(out)]) == 0
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_notebook_helpers_build_the_cli_plan_with_policy_thresholds_and_calendar(
    tmp_path: Path,
) -> None:
    policy = _policy(tmp_path)
    extra = ["--policy", str(policy), "--thresholds", str(THRESHOLDS)]
    extra += ["--calendar", str(CALENDAR), "--start", "2026-03-10T10:00"]
    cli = _cli_plan(tmp_path, *extra)
    inputs = PlanInputs(
        manifest_path=str(MANIFEST),
        service_path=str(SERVICE),
        policy_path=str(policy),
        thresholds_path=str(THRESHOLDS),
        calendar_path=str(CALENDAR),
        start="2026-03-10T10:00",
    )
    notebook = json.loads(render_json(load_plan(inputs)))
    assert notebook == cli
    # and each input really was applied (the equality is not between two default plans)
    assert str(cli["thresholds_source"]).endswith("defaults.yaml#reference-plan")
    assert cli["schedule"]
    reasons = json.dumps(cli["risk"])
    assert "docs-are-customer-facing" in reasons


def test_plan_with_thresholds_then_export_equals_export_with_thresholds(tmp_path: Path) -> None:
    tuned = tmp_path / "tuned.json"
    plain = tmp_path / "plain.json"
    base = ["plan", "--manifest", str(MANIFEST), "--service", str(SERVICE), "--format", "json"]
    assert main([*base, "--thresholds", str(THRESHOLDS), "-o", str(tuned)]) == 0
    assert main([*base, "-o", str(plain)]) == 0
    for target in ("argo-rollouts", "flagger", "prometheus-rules"):
        first, second = tmp_path / f"{target}-a", tmp_path / f"{target}-b"
        export = ["export", target, "--service", str(SERVICE)]
        assert main([*export, "--plan", str(tuned), "-o", str(first)]) == 0
        assert (
            main(
                [*export, "--plan", str(plain), "--thresholds", str(THRESHOLDS), "-o", str(second)]
            )
            == 0
        )
        name = f"{target}.yaml"
        assert (first / name).read_text() == (second / name).read_text(), target
        assert "0.005" in (first / name).read_text()
