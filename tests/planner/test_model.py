"""The plan document round-trips through JSON and rejects malformed documents by field."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.exceptions import PlanError
from planner.model import SCHEMA_VERSION, DatabaseRollback, Plan
from planner.render import render_json


def test_plan_round_trips_through_json(plan_doc: dict[str, Any]) -> None:
    plan = Plan.from_dict(plan_doc)
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan
    assert next(iter(plan.to_dict())) == "schema_version"


def test_other_schema_version_is_rejected(plan_doc: dict[str, Any]) -> None:
    data = plan_doc | {"schema_version": "0.9"}
    with pytest.raises(PlanError, match=r"schema_version: '0.9' is not supported"):
        Plan.from_dict(data)


def test_missing_field_is_named(plan_doc: dict[str, Any]) -> None:
    del plan_doc["stages"]
    with pytest.raises(PlanError, match=r"plan\.stages: missing"):
        Plan.from_dict(plan_doc)


def test_exposure_outside_range_is_rejected(plan_doc: dict[str, Any]) -> None:
    plan_doc["stages"][2]["exposure_percent"] = 120
    with pytest.raises(PlanError, match=r"exposure_percent: 120.0 is outside 0-100"):
        Plan.from_dict(plan_doc)


def test_wrong_type_is_named(plan_doc: dict[str, Any]) -> None:
    plan_doc["stages"][0]["wait_minutes"]["min"] = "soon"
    with pytest.raises(PlanError, match=r"plan\.stages\[0\]\.wait_minutes\.min: expected a number"):
        Plan.from_dict(plan_doc)


def test_warning_looser_than_critical_is_rejected(plan_doc: dict[str, Any]) -> None:
    plan_doc["stages"][2]["monitors"][0]["warning"] = 0.01
    with pytest.raises(PlanError, match=r"warning 0\.01 is beyond critical 0\.005"):
        Plan.from_dict(plan_doc)


def test_schema_version_constant_matches_fixture(plan_doc: dict[str, Any]) -> None:
    assert plan_doc["schema_version"] == SCHEMA_VERSION


def test_a_fleet_monitor_scope_round_trips_and_canary_is_not_written(
    plan_doc: dict[str, Any],
) -> None:
    plan_doc["stages"][2]["monitors"][0]["scope"] = "fleet"
    document = Plan.from_dict(plan_doc).to_dict()
    scopes = [m.get("scope") for s in document["stages"] for m in s["monitors"]]
    assert scopes.count("fleet") == 1 and "canary" not in scopes
    assert Plan.from_dict(document).stages[2].monitors[0].scope == "fleet"


DEFERRED = {
    "files": ["db/3_drop.sql"],
    "when": "after_full",
    "reason": "drops a column the old code reads",
    "commands": [{"action": "Apply", "command": "psql -f db/3_drop.sql"}],
    "undo": [],
}
DATABASE = {
    "tool": "sql",
    "migrations": ["db/3_drop.sql"],
    "destructive": True,
    "tables": ["users"],
    "target": None,
    "upgrade": None,
    "backup": None,
    "restore": None,
    "steps": [{"action": "Nothing ran before Full", "command": None}],
    "warnings": [],
    "files": [
        {
            "path": "db/3_drop.sql",
            "tool": "sql",
            "engine": "postgresql",
            "kind": "contract",
            "steps": ["drop column users.email"],
            "problem": "",
        }
    ],
    "backup_steps": [],
    "deferred": [DEFERRED],
    "recovery": {"when": "only if data is missing", "loses": "nothing newer", "steps": []},
    "not_understood": [],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a held-back migration runs after Full or in a later release, nothing else
        (
            {"deferred": [DEFERRED | {"when": "soon"}]},
            r"plan\.rollback\.database\.deferred\[0\]\.when: 'soon' is not one of",
        ),
        # every key of the record is written, so a missing one is a broken document
        ({"recovery": {"when": "x", "steps": []}}, r"database\.recovery\.loses: missing"),
        # a step is a record, not a bare command
        ({"steps": ["psql -f x.sql"]}, r"database\.steps\[0\]: expected an object, got str"),
    ],
)
def test_a_malformed_database_rollback_names_the_field(
    plan_doc: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    Plan.from_dict(plan_doc | {"rollback": plan_doc["rollback"] | {"database": DATABASE}})
    plan_doc["rollback"]["database"] = DATABASE | change
    with pytest.raises(PlanError, match=message):
        Plan.from_dict(plan_doc)


# the plan is frozen, so one fixture value can serve every generated input
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(database=st.from_type(DatabaseRollback))
def test_any_database_rollback_round_trips_through_the_json_document(
    plan: Plan, database: DatabaseRollback
) -> None:
    with_database = dataclasses.replace(
        plan, rollback=dataclasses.replace(plan.rollback, database=database)
    )
    text = render_json(with_database)
    back = Plan.from_dict(json.loads(text))
    assert back == with_database
    assert render_json(back) == text
    assert back.to_dict() == json.loads(text)  # the one serialiser agrees with the fast walker
