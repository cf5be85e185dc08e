"""Every exported Rollout, AnalysisTemplate, Canary and MetricTemplate fits the engines' CRDs."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml
from support.crd_schemas import validate
from support.export_plans import HOSTILE, fixture_plan, fleet_plan, hostile_plan, target

from planner.export import build_argo, build_flagger, dump_yaml
from planner.model import Plan

CASES = [
    (fixture_plan(), target()),  # the bundled fixture
    (hostile_plan(), target(service=HOSTILE, deployment="checkout")),  # hostile names
    (fixture_plan(), target(interval_minutes=0.5, rate_window_minutes=2.5)),  # durations in s
    (fixture_plan(), target(mesh="istio", interval_minutes=10)),  # builtin checks, provider
    (fleet_plan(), target()),  # service-wide metrics
]


def _documents(plan: Plan, build: Any, tgt: Any) -> list[dict[str, Any]]:
    # Validate what a user applies: the YAML text read back, not our in-memory dicts.
    docs: list[dict[str, Any]] = list(yaml.safe_load_all(dump_yaml(build(plan, tgt))))
    return docs


@pytest.mark.parametrize(("plan", "tgt"), CASES)
@pytest.mark.parametrize("build", [build_argo, build_flagger])
def test_exported_objects_validate_against_their_crd(plan: Plan, tgt: Any, build: Any) -> None:
    docs = _documents(plan, build, tgt)
    kinds = [d["kind"] for d in docs]
    assert kinds[0] in ("Rollout", "Canary")
    assert kinds[1:] and set(kinds[1:]) <= {"AnalysisTemplate", "MetricTemplate"}
    for doc in docs:
        validate(doc)


def test_the_schemas_are_strict_enough_to_catch_a_misspelled_field() -> None:
    rollout = build_argo(fixture_plan(), target())[0]
    rollout["spec"]["strategy"]["canary"]["steps"].append({"setWieght": 5})
    with pytest.raises(jsonschema.ValidationError, match="'setWieght' was unexpected"):
        validate(rollout)
    canary = build_flagger(fixture_plan(), target())[0]
    canary["spec"]["analysis"]["interval"] = "1h"
    with pytest.raises(jsonschema.ValidationError, match="does not match"):
        validate(canary)
