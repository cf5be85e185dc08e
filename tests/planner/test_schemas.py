"""The shipped JSON Schemas: valid, used by the loaders, rendered into docs, named by samples."""

from __future__ import annotations

import json
import os
import re

import pytest
from jsonschema import Draft202012Validator
from support.paths import DATA, ROOT
from support.schema_docs import render_schema_docs

from planner.change.manifest import _FILE_KEYS, _TOP_KEYS
from planner.exceptions import PlannerError, ProfileError
from planner.io import SCHEMAS, parse_yaml_text, schema_text, validate_schema
from planner.profile import ServiceProfile
from planner.risk.policy import _RULE_KEYS
from planner.schedule.calendar import _KEYS as CALENDAR_KEYS

DOC = ROOT / "docs" / "input-schemas.md"


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    Draft202012Validator.check_schema(json.loads(schema_text(name)))


def test_the_docs_page_is_rendered_from_the_schemas() -> None:
    text = render_schema_docs()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        DOC.write_text(text, encoding="utf-8")
        pytest.skip("rewrote docs/input-schemas.md")
    assert DOC.read_text(encoding="utf-8") == text, "run UPDATE_GOLDEN=1 and review the diff"


@pytest.mark.parametrize(
    ("sample", "schema"),
    [
        ("sample/change-manifest.yaml", "change-manifest"),
        ("sample/service.yaml", "service-profile"),
        ("sample/calendar.yaml", "deployment-calendar"),
        ("thresholds/defaults.yaml", "thresholds"),
    ],
)
def test_samples_name_their_schema_for_editors_and_follow_it(sample: str, schema: str) -> None:
    path = DATA / sample
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (path.parent / match.group(1)).resolve() == ROOT / "planner" / "schemas" / (
        f"{schema}.schema.json"
    )
    validate_schema(parse_yaml_text(text, str(path)), schema, str(path))


def _properties(name: str, *path: str) -> set[str]:
    node = json.loads(schema_text(name))
    for key in path:
        node = node["properties"][key] if key != "[]" else node["items"]
    return set(node["properties"])


def test_schemas_list_exactly_the_fields_the_loaders_know() -> None:
    """A field added in code must be added to its schema too (and the other way round)."""
    assert _properties("change-manifest") == set(_TOP_KEYS)
    assert _properties("change-manifest", "files", "[]") == set(_FILE_KEYS)
    profile_fields = {f for f in ServiceProfile.__dataclass_fields__ if f != "source"}
    assert _properties("service-profile") == profile_fields
    assert _properties("risk-policy", "rules", "[]") == set(_RULE_KEYS)
    assert _properties("deployment-calendar") == set(CALENDAR_KEYS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"replicas": 1}, "s.yaml: replicas: 1 must be >= 2"),
        ({"replicas": "3"}, "s.yaml: replicas: expected an integer, got '3'"),
        ({"platform": "k8s"}, "platform: 'k8s' is not one of kubernetes, pm2, systemd, generic"),
        ({"timings": {"build": -1}}, "timings.build: -1 must be >= 0"),
        ({"feature_flag": []}, "feature_flag: expected a mapping, got a list"),
        ({"namespace": "a b"}, "namespace: 'a b' is not valid (a name that becomes"),
        ({"health_url": "file:///etc/passwd"}, "health_url: 'file:///etc/passwd' is not valid"),
    ],
)
def test_one_violation_is_one_line_with_file_field_value_and_rule(
    data: object, message: str
) -> None:
    with pytest.raises(ProfileError) as info:
        validate_schema(data, "service-profile", "s.yaml", ProfileError)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_calendar_section_of_a_profile_names_its_path() -> None:
    with pytest.raises(PlannerError, match=r"^p.yaml: calendar.gated_stages: 'some' is not one"):
        validate_schema(
            {"gated_stages": "some"}, "deployment-calendar", "p.yaml", root=("calendar",)
        )
