"""The inputs a notebook names by its parameters, read into the packages' records.

Notebook parameters are plain literals (paths relative to the repository root, ``""`` for "not
given"); these functions resolve the paths (:func:`simulations.paths.resolve`) and call the
packages' loaders, so the notebooks hold no logic of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.io import read_plan
from planner.model import Plan
from simulations.exceptions import ReportError
from simulations.paths import resolve

__all__ = ["PlanInputs", "load_plan"]


@dataclass(frozen=True)
class PlanInputs:
    """Where a notebook's plan comes from, first match wins.

    ``plan_path`` (an existing plan JSON), else the git range ``repo`` ``base..head``, else the
    change manifest ``manifest_path``. ``service_path`` is the service profile; with
    ``calendar_path`` the stages are scheduled from ``start`` (ISO 8601; ``""``: the next
    allowed start from now); without ``calendar_path``, the profile's own ``calendar:`` section
    does. ``policy_path`` extends the default risk rules and ``thresholds_path`` (a ``tune``
    output) replaces the monitored stages' monitors, as ``plan --policy/--thresholds`` do. Empty
    strings mean "not given".
    """

    plan_path: str = ""
    manifest_path: str = ""
    repo: str = ""
    base: str = ""
    head: str = "HEAD"
    service_path: str = ""
    calendar_path: str = ""
    start: str = ""
    policy_path: str = ""
    thresholds_path: str = ""


def load_plan(inputs: PlanInputs) -> Plan:
    """The plan the inputs describe: read, or built by the planner (and scheduled).

    A built plan goes through :func:`planner.usecase.plan_change`, as ``devops-planner plan``
    does: the same policy, thresholds and calendar give the same plan.

    Raises:
        ReportError: no source of a plan is given.
        PlannerError: any planner error (bad manifest, unknown ref, bad profile or calendar).
    """
    from planner.usecase import PlanRequest, plan_change

    def path(value: str) -> str | None:
        return str(resolve(value)) if value else None

    if inputs.plan_path:
        plan = read_plan(resolve(inputs.plan_path))
        if inputs.thresholds_path:
            from planner.thresholds import apply_thresholds, load_thresholds

            plan = apply_thresholds(plan, load_thresholds(resolve(inputs.thresholds_path)))
        if inputs.calendar_path:
            from planner.schedule import schedule_plan

            plan = schedule_plan(plan, inputs.start or None, resolve(inputs.calendar_path))
        return plan
    if not (inputs.repo or inputs.manifest_path):
        raise ReportError("plan: give plan_path, repo (a git range) or manifest_path")
    return plan_change(
        PlanRequest(
            repo=path(inputs.repo) if not inputs.manifest_path else None,
            base=(inputs.base or None) if not inputs.manifest_path else None,
            head=(inputs.head or None) if not inputs.manifest_path else None,
            manifest=path(inputs.manifest_path) if not inputs.repo else None,
            service=path(inputs.service_path),
            policy=path(inputs.policy_path),
            thresholds=path(inputs.thresholds_path),
            calendar=path(inputs.calendar_path),
            start=inputs.start or None,
        )
    )
