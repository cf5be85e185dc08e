"""Golden exports, reviewed by hand against the engines' documentation.

``sample``: the reviewed sample plan (``tests/golden/sample-plan.json``) with the bundled service
profile (``data/sample/service.yaml``), exactly as ``devops-planner export`` builds them.
``fixture``: ``tests/fixtures/plan-minimal.json`` with the default PromQL templates.
Regenerate with ``UPDATE_GOLDEN=1`` and review the diff before committing.
"""

from __future__ import annotations

import json

import pytest
from support.export_plans import fixture_plan, target
from support.paths import GOLDEN, ROOT

from planner.export import ExportTarget, export_files, target_from_profile
from planner.model import Plan
from planner.profile import load_profile

EXPORT_GOLDEN = GOLDEN / "export"
TARGETS = ("argo-rollouts", "flagger", "prometheus-rules")


def _sample() -> tuple[Plan, ExportTarget]:
    text = (ROOT / "tests" / "golden" / "sample-plan.json").read_text(encoding="utf-8")
    plan = Plan.from_dict(json.loads(text))
    profile = load_profile(ROOT / "data" / "sample" / "service.yaml")
    return plan, target_from_profile(profile, plan.change.service)


CASES = {"sample": _sample, "fixture": lambda: (fixture_plan(), target())}


@pytest.mark.parametrize("kind", TARGETS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_export_matches_the_reviewed_golden_file(case: str, kind: str, update_golden: bool) -> None:
    plan, tgt = CASES[case]()
    ((name, text),) = export_files(kind, plan, tgt).items()
    path = EXPORT_GOLDEN / case / name
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {path}: review the diff before committing")
    assert text == path.read_text(encoding="utf-8"), (
        f"regenerate with UPDATE_GOLDEN=1 and review {path}"
    )
