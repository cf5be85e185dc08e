"""Turn a change (a git range or a manifest) into a production-readiness plan."""

from planner.exceptions import PlannerError
from planner.model import SCHEMA_VERSION, Plan

__all__ = ["SCHEMA_VERSION", "Plan", "PlannerError"]
