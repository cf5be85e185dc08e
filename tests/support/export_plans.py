"""Plans for the export tests: the bundled fixture and variants of it (a helper, not tests)."""

from __future__ import annotations

from typing import Any

from planner.export import ExportTarget
from planner.model import Plan
from support.paths import plan_dict

__all__ = ["HOSTILE", "fixture_plan", "fleet_plan", "hostile_plan", "plan_dict", "target"]

# Every character that could end a YAML scalar, a PromQL string, a Go template or a shell word.
HOSTILE = "evil\"} or vector(1) # \n{{ .Foo }}\\ ${x} '`: - [a]&*!|>%@"


def fixture_plan() -> Plan:
    """The fixture plan."""
    return Plan.from_dict(plan_dict())


def target(**changes: Any) -> ExportTarget:
    """The fixture's service in namespace ``shop`` with 10 replicas, plus ``changes``."""
    return ExportTarget(**{"service": "checkout", "namespace": "shop", "replicas": 10, **changes})


def hostile_plan() -> Plan:
    """The fixture with a hostile service, flag, stage name and rollback command."""
    data = plan_dict()
    data["change"]["service"] = HOSTILE
    data["change"]["feature_flag"] = HOSTILE
    data["change"]["feature"] = HOSTILE
    data["stages"][2]["name"] = HOSTILE
    data["rollback"]["levels"][0]["name"] = HOSTILE
    data["rollback"]["levels"][0]["steps"][0]["command"] = HOSTILE
    return Plan.from_dict(data)


def fleet_plan() -> Plan:
    """The fixture with every monitor watching the whole service (``scope: fleet``)."""
    data = plan_dict()
    for stage in data["stages"]:
        for monitor in stage["monitors"]:
            monitor["scope"] = "fleet"
    return Plan.from_dict(data)
