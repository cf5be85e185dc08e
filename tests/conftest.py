"""Fixtures every test folder shares; helpers live in the ``support`` package."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings
from support.paths import plan_dict

from planner.model import Plan

# Property tests explore the same examples on every run (a failure is reproducible from the log,
# and CI is deterministic); a developer can still explore with HYPOTHESIS_PROFILE=explore.
settings.register_profile("repo", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repo"))


@pytest.fixture
def plan_doc() -> dict[str, Any]:
    """A fresh copy of the small plan document (``tests/fixtures/plan-minimal.json``)."""
    return plan_dict()


@pytest.fixture
def plan(plan_doc: dict[str, Any]) -> Plan:
    """The small plan as a :class:`~planner.model.Plan`."""
    return Plan.from_dict(plan_doc)


@pytest.fixture
def update_golden() -> bool:
    """True under ``UPDATE_GOLDEN=1``: golden tests rewrite their file, then skip (not pass)."""
    return os.environ.get("UPDATE_GOLDEN") == "1"
