"""Where things are: the repository root, the tests' own fixtures and golden files."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA", "FIXTURES", "GOLDEN", "PLAN_FIXTURE", "ROOT", "TESTS"]

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
DATA = ROOT / "data"
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
# The one small plan document the unit tests share (loaded by conftest's plan_doc and plan).
PLAN_FIXTURE = FIXTURES / "plan-minimal.json"
