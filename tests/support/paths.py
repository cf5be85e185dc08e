"""Where things are: the repository root, the tests' own fixtures and golden files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["DATA", "FIXTURES", "GOLDEN", "PLAN_FIXTURE", "ROOT", "TESTS", "plan_dict"]

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
DATA = ROOT / "data"
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
# The one small plan document the unit tests share: tests take conftest's plan_doc and plan
# fixtures; the support builders (export_plans, replay_fixtures) call plan_dict.
PLAN_FIXTURE = FIXTURES / "plan-minimal.json"


def plan_dict() -> dict[str, Any]:
    """A fresh copy of the small plan document (``tests/fixtures/plan-minimal.json``)."""
    data: dict[str, Any] = json.loads(PLAN_FIXTURE.read_text(encoding="utf-8"))
    return data
