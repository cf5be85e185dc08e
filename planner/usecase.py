"""The planner's use case as one library function: a change in, a scheduled plan out.

``devops-planner plan`` and the notebooks (:mod:`simulations.notebook.inputs`) both call
:func:`plan_change`, so a plan never depends on which door it came through.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.change import ChangeSet
from planner.exceptions import PlannerError
from planner.model import Plan

__all__ = ["PlanRequest", "plan_change", "read_change"]


@dataclass(frozen=True)
class PlanRequest:
    """What to plan, every path optional but the change's source.

    The change is the git range ``repo`` ``base..head`` or, instead, the change ``manifest``.
    ``service`` is the service profile (its ``calendar:`` section schedules the plan unless
    ``calendar`` names another file), ``policy`` extends the default risk rules, ``thresholds``
    (with ``rule_set``, default the file's first) replaces the monitored stages' monitors, and
    ``start`` places the stages from that time (with only a calendar: the next allowed start).
    """

    repo: str | Path | None = None
    base: str | None = None
    head: str | None = None
    manifest: str | Path | None = None
    service: str | Path | None = None
    policy: str | Path | None = None
    thresholds: str | Path | None = None
    rule_set: str | None = None
    calendar: str | Path | None = None
    start: str | None = None


def read_change(request: PlanRequest) -> ChangeSet:
    """The change the request names: its manifest, else its git range (default ``.``, HEAD).

    Raises:
        PlannerError: a manifest combined with a git range, or any reading error.
    """
    if request.manifest:
        if request.repo or request.base or request.head:
            raise PlannerError("--manifest cannot be combined with --repo, --base or --head")
        from planner.change import load_manifest

        return load_manifest(request.manifest)
    from planner.change import read_git_change

    return read_git_change(str(request.repo or "."), request.base, request.head or "HEAD")


def plan_change(request: PlanRequest) -> Plan:
    """Read the change, classify it with the policy, build with tuned monitors, schedule.

    Raises:
        PlannerError: any bad input; the message names the file, field or value.
    """
    from planner.plan import build_plan
    from planner.profile import check_flag_name, load_profile
    from planner.risk import classify, load_policy

    changes = _with_base_uses(read_change(request))
    risk = classify(changes, load_policy(request.policy) if request.policy else None)
    profile = load_profile(request.service) if request.service else None
    check_flag_name(changes.feature_flag, profile, str(request.manifest or request.service or ""))
    plan = build_plan(changes, risk, profile)
    if request.thresholds:
        from planner.thresholds import load_thresholds, rule_set_source, tuned_stage_monitors

        tuned = load_thresholds(request.thresholds)
        plan = build_plan(
            changes,
            risk,
            profile,
            monitors=tuned_stage_monitors(plan.stages, tuned, request.rule_set),
            thresholds_source=rule_set_source(tuned, request.rule_set),
        )
        if tuned.stage_waits is not None:  # evidence-sized bakes instead of the fixed waits
            from planner.thresholds.waits import apply_stage_waits

            plan = apply_stage_waits(plan, tuned.stage_waits)
    # A calendar file wins over the service profile's own calendar: section.
    calendar = request.calendar or (request.service if profile and profile.calendar else None)
    if request.start or calendar:
        from planner.schedule import schedule_plan

        plan = schedule_plan(plan, request.start, calendar)
    return plan


def _with_base_uses(changes: ChangeSet) -> ChangeSet:
    """``changes`` with the base files that still use what its migrations remove (git only)."""
    if changes.source != "git" or not changes.repo or not changes.base:
        return changes
    from dataclasses import replace

    from planner.change.git import grep_base
    from planner.migrations import removed_names

    names, folders = removed_names(changes)
    if not names:
        return changes
    return replace(changes, base_uses=grep_base(changes.repo, changes.base, names[:10], folders))
