"""Any service or flag name survives every export field unchanged, in YAML and in PromQL."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.export_plans import plan_dict, target

from planner.exceptions import ExportError
from planner.export import export_files
from planner.export.names import go_template_literal
from planner.model import Plan

# Printable or not, anything a YAML scalar can carry (YAML cannot hold lone surrogates or NUL),
# with a letter or digit somewhere: object and alert names are built from it (else an error).
NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1
).filter(lambda s: re.search("[A-Za-z0-9]", s) is not None)
LABEL = re.compile(r'service="((?:[^"\\]|\\.)*)"')


def _queries(node: Any) -> list[str]:
    """Every ``query`` string anywhere in a document."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "query" and isinstance(v, str)]
        return found + [q for v in node.values() for q in _queries(v)]
    if isinstance(node, list):
        return [q for v in node for q in _queries(v)]
    return []


@settings(max_examples=25, deadline=None)
@given(service=NAMES, flag=NAMES)
def test_names_read_back_from_every_target(service: str, flag: str) -> None:
    data = plan_dict()
    data["change"]["service"] = service
    data["change"]["feature_flag"] = flag
    plan = Plan.from_dict(data)
    tgt = target(service=service, deployment="checkout")
    for kind in ("argo-rollouts", "flagger"):
        ((_, text),) = export_files(kind, plan, tgt).items()
        docs = list(yaml.safe_load_all(text))
        for doc in docs:
            annotations = doc["metadata"]["annotations"]
            assert annotations["devops-planner/service"] == service
            assert annotations["devops-planner/feature-flag"] == flag
            for query in _queries(doc):
                literals = LABEL.findall(query)
                assert literals and all(json.loads(f'"{v}"') == service for v in literals)
    ((_, text),) = export_files("prometheus-rules", plan, tgt).items()
    groups = yaml.safe_load(text)["groups"]
    for rule in groups[0]["rules"]:
        assert rule["labels"]["service"] == service
    for rule in groups[1]["rules"]:
        assert rule["labels"]["service"] == go_template_literal(service)
        (literal,) = LABEL.findall(rule["expr"])
        assert json.loads(f'"{literal}"') == service


def test_a_service_name_without_letters_or_digits_is_an_error() -> None:
    with pytest.raises(ExportError, match="service: '--' has no letters or digits"):
        export_files(
            "argo-rollouts",
            Plan.from_dict(plan_dict()),
            target(service="--", deployment="checkout"),
        )
