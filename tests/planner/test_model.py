"""The plan document round-trips through JSON and rejects malformed documents by field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from support.paths import PLAN_FIXTURE

from planner.exceptions import PlanError
from planner.model import SCHEMA_VERSION, Plan

FIXTURE = PLAN_FIXTURE


def load() -> dict[str, object]:
    data: dict[str, object] = json.loads(FIXTURE.read_text())
    return data


def test_plan_round_trips_through_json() -> None:
    plan = Plan.from_dict(load())
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan
    assert next(iter(plan.to_dict())) == "schema_version"


def test_other_schema_version_is_rejected() -> None:
    data = load() | {"schema_version": "0.9"}
    with pytest.raises(PlanError, match=r"schema_version: '0.9' is not supported"):
        Plan.from_dict(data)


def test_missing_field_is_named() -> None:
    data = load()
    del data["stages"]
    with pytest.raises(PlanError, match=r"plan\.stages: missing"):
        Plan.from_dict(data)


def test_exposure_outside_range_is_rejected() -> None:
    data = load()
    stages = data["stages"]
    assert isinstance(stages, list)
    stages[2]["exposure_percent"] = 120
    with pytest.raises(PlanError, match=r"exposure_percent: 120.0 is outside 0-100"):
        Plan.from_dict(data)


def test_wrong_type_is_named() -> None:
    data = load()
    stages = data["stages"]
    assert isinstance(stages, list)
    stages[0]["wait_minutes"]["min"] = "soon"
    with pytest.raises(PlanError, match=r"plan\.stages\[0\]\.wait_minutes\.min: expected a number"):
        Plan.from_dict(data)


def test_warning_looser_than_critical_is_rejected() -> None:
    data = load()
    stages = data["stages"]
    assert isinstance(stages, list)
    stages[2]["monitors"][0]["warning"] = 0.01
    with pytest.raises(PlanError, match=r"warning 0\.01 is beyond critical 0\.005"):
        Plan.from_dict(data)


def test_schema_version_constant_matches_fixture() -> None:
    assert load()["schema_version"] == SCHEMA_VERSION


def test_a_fleet_monitor_scope_round_trips_and_canary_is_not_written(plan_doc: Any) -> None:
    data = copy.deepcopy(plan_doc)
    data["stages"][2]["monitors"][0]["scope"] = "fleet"
    document = Plan.from_dict(data).to_dict()
    scopes = [m.get("scope") for s in document["stages"] for m in s["monitors"]]
    assert scopes.count("fleet") == 1 and "canary" not in scopes
    assert Plan.from_dict(document).stages[2].monitors[0].scope == "fleet"
    data["stages"][2]["monitors"][0]["scope"] = "everyone"
    with pytest.raises(
        PlanError, match=r"monitors\[0\]\.scope: 'everyone' is not one of canary, fleet"
    ):
        Plan.from_dict(data)
