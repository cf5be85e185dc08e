"""Markdown and JSON rendering: reference section order, golden plans, fences that hold."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from support.paths import GOLDEN, ROOT

from planner.change.manifest import load_manifest
from planner.change.model import ChangedFile, ChangeSet
from planner.model import Commit, ExpectedDuration, FileRisk, Plan, Risk, ScheduledStage
from planner.plan.build import build_plan
from planner.profile import load_profile, parse_profile
from planner.render.document import render_json, render_plan
from planner.render.markdown import render_markdown
from planner.risk.classify import classify


def sample_plan() -> Plan:
    changes = load_manifest(ROOT / "data/sample/change-manifest.yaml")
    profile = load_profile(ROOT / "data/sample/service.yaml")
    plan = build_plan(changes, classify(changes), profile)
    # the profile's source is its path as given; keep the golden independent of the checkout
    return plan


@pytest.mark.parametrize(
    ("fmt", "name"), [("markdown", "sample-plan.md"), ("json", "sample-plan.json")]
)
def test_sample_plan_matches_the_reviewed_golden_file(
    fmt: str, name: str, update_golden: bool
) -> None:
    text = render_plan(sample_plan(), fmt)
    path = GOLDEN / name
    if update_golden:
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {path}: review the diff before committing")
    assert text == path.read_text(encoding="utf-8"), (
        f"regenerate with UPDATE_GOLDEN=1 and review {path}"
    )


def test_json_is_stable_and_round_trips() -> None:
    plan = sample_plan()
    text = render_json(plan)
    assert text == render_json(sample_plan()) and text.endswith("}\n")
    assert next(iter(json.loads(text))) == "schema_version"
    assert Plan.from_dict(json.loads(text)) == plan


def test_sections_follow_the_reference_order() -> None:
    md = render_markdown(sample_plan())
    headings = [
        "## Risk Categorization",
        "## Failure Modes",
        "### Pre-Deployment Checklist",
        "### Deployment Windows",
        "### Stage 1: Infrastructure",
        "### Stage 2: Integration",
        "### Stage 3: Canary",
        "### Stage 4: Partial",
        "### Stage 5: Full",
        "### Rollback Decision Matrix",
        "### On-Call Responsibilities",
        "## Rollback Strategy",
        "### Rollback Triggers",
        "### Level 1: Feature Flag (< 5 min)",
        "### Level 2: Configuration Rollback (< 10 min)",
        "### Level 3: Code Rollback (< 15 min)",
        "**Files Reverted:**",
        "**Database Rollback",
        "### Post-Rollback Actions",
    ]
    positions = [md.index(h) for h in headings]
    assert positions == sorted(positions)
    for part in (
        "**Deploy:**",
        "**Command:**",
        "**Wait:**",
        "**Monitor:**",
        "**Success Criteria:**",
        "**Rollback:**",
    ):
        assert md.count(part) == 5, part
    assert "**Estimated Time:** 4 minutes (flag toggle 1 + restart 2 + verify 1 = 4 min)" in md


def test_every_level_lists_its_files_by_risk() -> None:
    md = render_markdown(sample_plan())
    zero = md.index("**ZERO-RISK Changes:**")
    low = md.index("**LOW-RISK Changes:**")
    assert zero < md.index("`docs/AUTH.md` (added)") < low


def hostile_plan() -> Plan:
    names = ("a```b.yaml", "c\nrm -rf ~.yaml", "d|e.yaml")
    files = tuple(ChangedFile(f"config/{n}", "modified") for n in names)
    cs = ChangeSet(
        "git", files, repo="/r", base="0" * 40, head="1" * 40, commits=(Commit("1" * 40, "x"),)
    )
    risk = Risk(
        "MEDIUM",
        3,
        tuple(FileRisk(f.path, f.change, "MEDIUM", ("r",), categories=("config",)) for f in files),
    )
    return build_plan(cs, risk, parse_profile({"platform": "pm2"}))


def test_hostile_names_cannot_close_a_code_block_or_a_comment() -> None:
    md = render_markdown(hostile_plan())
    blocks = re.findall(r"^(`{3,})bash\n(.*?)^\1$", md, flags=re.M | re.S)
    commands = {c for s in hostile_plan().stages for c in s.commands}
    commands |= {
        st.command for lvl in hostile_plan().rollback.levels for st in lvl.steps if st.command
    }
    body = "".join(b for _, b in blocks)
    assert "git checkout" in body  # the Level 2 block was found whole
    assert "`````bash" not in md.replace("````bash", "")  # a longer fence, not a broken one
    for line in body.splitlines():
        assert line.startswith("# ") or any(line in c for c in commands), line
    # the table cell escapes the pipe and the line break
    assert "d\\|e.yaml" in md or "`config/d|e.yaml`" in md


def test_not_applicable_level_says_why() -> None:
    plan = hostile_plan()
    assert (
        "### Level 1: Feature Flag (< 5 min)\n\n**Not applicable:** No feature flag"
        in render_markdown(plan)
    )


def test_schedule_is_rendered_when_present() -> None:
    plan = dataclasses.replace(
        sample_plan(),
        schedule=(
            ScheduledStage(
                "Canary", "2026-01-06T10:00:00-05:00", "2026-01-06T12:00:00-05:00", reason="window"
            ),
        ),
        expected_duration=ExpectedDuration(
            "2026-01-06T10:00:00-05:00",
            "2026-01-07T10:00:00-05:00",
            "2026-01-08T10:00:00-05:00",
            1440,
            2880,
        ),
    )
    md = render_markdown(plan)
    assert "### Schedule" in md
    assert (
        "| Canary | 2026-01-06T10:00:00-05:00 | 2026-01-06T12:00:00-05:00 | - | - | window |" in md
    )
    assert "(24 hours to 48 hours, nights, weekends and holds included)" in md
    assert "### Schedule" not in render_markdown(sample_plan())


def test_unknown_format_is_an_error() -> None:
    from planner.exceptions import PlannerError

    with pytest.raises(PlannerError, match=r"--format: 'html' is not one of markdown, json"):
        render_plan(sample_plan(), "html")


def test_render_json_is_exactly_the_documented_dump_of_to_dict() -> None:
    for plan in (sample_plan(), hostile_plan()):
        assert render_json(plan) == json.dumps(plan.to_dict(), indent=2, sort_keys=False) + "\n"


def test_renamed_files_show_where_they_came_from() -> None:
    files = (ChangedFile("src/new_name.py", "renamed", old_path="src/old_name.py"),)
    cs = ChangeSet(
        "git", files, repo="/r", base="0" * 40, head="1" * 40, commits=(Commit("1" * 40, "x"),)
    )
    risk = Risk(
        "LOW",
        1,
        (FileRisk("src/new_name.py", "renamed", "LOW", ("r",), old_path="src/old_name.py"),),
    )
    md = render_markdown(build_plan(cs, risk))
    assert "- **REVERT:** `src/new_name.py` (renamed from `src/old_name.py`)" in md
