"""The inputs a notebook names by its parameters, read into the packages' records.

Notebook parameters are plain literals (paths relative to the repository root, ``""`` for "not
given"); these functions resolve the paths (:func:`simulations.paths.resolve`) and call the
packages' loaders, so the notebooks hold no logic of their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from planner.model import Plan
from simulations.exceptions import ReportError
from simulations.paths import resolve

__all__ = ["PlanInputs", "load_plan", "read_plan_file"]


@dataclass(frozen=True)
class PlanInputs:
    """Where a notebook's plan comes from, first match wins.

    ``plan_path`` (an existing plan JSON), else the git range ``repo`` ``base..head``, else the
    change manifest ``manifest_path``. ``service_path`` is the service profile; with
    ``calendar_path`` the stages are scheduled from ``start`` (ISO 8601; ``""``: the next
    allowed start from now). Empty strings mean "not given".
    """

    plan_path: str = ""
    manifest_path: str = ""
    repo: str = ""
    base: str = ""
    head: str = "HEAD"
    service_path: str = ""
    calendar_path: str = ""
    start: str = ""


def read_plan_file(plan_path: str) -> Plan:
    """Read a plan JSON document (as written by ``devops-planner plan --format json``).

    Raises:
        ReportError: the file cannot be read or is not JSON.
        PlanError: the document is not a valid plan; the message names the field.
    """
    path = resolve(plan_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    return Plan.from_dict(data)


def load_plan(inputs: PlanInputs) -> Plan:
    """The plan the inputs describe: read, or built by the planner (and scheduled).

    Raises:
        ReportError: no source of a plan is given.
        PlannerError: any planner error (bad manifest, unknown ref, bad profile or calendar).
    """
    plan = read_plan_file(inputs.plan_path) if inputs.plan_path else _build(inputs)
    if inputs.calendar_path:
        from planner.schedule import schedule_plan

        plan = schedule_plan(plan, inputs.start or None, str(resolve(inputs.calendar_path)))
    return plan


def _build(inputs: PlanInputs) -> Plan:
    from planner.build import build_plan
    from planner.change import ChangeSet
    from planner.profile import load_profile
    from planner.risk import classify

    changes: ChangeSet
    if inputs.repo:
        from planner.git import read_git_change

        changes = read_git_change(
            str(resolve(inputs.repo)), inputs.base or None, inputs.head or "HEAD"
        )
    elif inputs.manifest_path:
        from planner.manifest import load_manifest

        changes = load_manifest(resolve(inputs.manifest_path))
    else:
        raise ReportError("plan: give plan_path, repo (a git range) or manifest_path")
    profile = load_profile(resolve(inputs.service_path)) if inputs.service_path else None
    return build_plan(changes, classify(changes), profile)
