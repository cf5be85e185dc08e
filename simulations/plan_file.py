"""Read a plan JSON file for the simulation commands; every error names the file."""

from __future__ import annotations

from planner.exceptions import PlanError
from planner.io import read_structured
from planner.model import Plan

__all__ = ["read_plan_file"]


def read_plan_file(path: str) -> Plan:
    """The plan in ``path`` (``devops-planner plan`` JSON).

    Raises:
        PlanError: the file cannot be read or parsed, or the plan is invalid; the message starts
            with ``path`` so the user knows which of their plan files is wrong.
    """
    data = read_structured(path, PlanError)
    try:
        return Plan.from_dict(data)
    except PlanError as exc:
        raise PlanError(f"{path}: {exc}") from None
