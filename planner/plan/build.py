"""``build_plan``: a change, its risk and the service profile in; the :class:`Plan` out.

Pure: no I/O. The pieces live in :mod:`planner.plan.stages`, :mod:`planner.plan.rollback.levels`,
:mod:`planner.plan.failures`, :mod:`planner.plan.guidance`, :mod:`planner.runtime.toolchain` and
:mod:`planner.migrations.plan`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.change.model import ChangeSet
from planner.migrations.plan import plan_database
from planner.model import Change, Monitor, Plan, Risk
from planner.plan.context import BASE_PLACEHOLDER, HEAD_PLACEHOLDER, PlanContext
from planner.plan.failures import build_failure_modes
from planner.plan.guidance import (
    build_checklist,
    build_decision_matrix,
    build_on_call,
    build_windows,
)
from planner.plan.monitors import default_monitors
from planner.plan.rollback.levels import build_rollback
from planner.plan.stages import build_stages
from planner.profile import ServiceProfile
from planner.runtime.platform import Platform
from planner.runtime.toolchain import detect_toolchain

__all__ = ["build_plan", "resolve_refs"]


def resolve_refs(changes: ChangeSet) -> tuple[str, str]:
    """The base and head refs commands use: real SHAs where known, else marked placeholders."""
    if changes.source == "git" and changes.base and changes.head:
        # the deployed version is head itself: a merge commit's tree, never a parent's
        return changes.base, changes.head
    if changes.commits:
        return changes.base or f"{changes.commits[0].sha}^", changes.commits[-1].sha
    return changes.base or BASE_PLACEHOLDER, changes.head or HEAD_PLACEHOLDER


def build_plan(
    changes: ChangeSet,
    risk: Risk,
    profile: ServiceProfile | None = None,
    monitors: Mapping[str, Sequence[Monitor]] | None = None,
    thresholds_source: str = "default",
) -> Plan:
    """Build the deployment and rollback plan.

    Args:
        changes: what is shipped (git range or manifest).
        risk: its classification (:func:`planner.risk.classify.classify`).
        profile: the service profile; ``None`` uses the defaults with the change's service name.
        monitors: stage name -> monitors replacing the default thresholds (tuned thresholds);
            the Canary monitors, when given, also set the triggers and decision matrix.
        thresholds_source: where the thresholds came from, recorded in the plan.
    """
    if profile is None:
        profile = ServiceProfile(service=changes.service or "app")
    toolchain = detect_toolchain(changes, changes.service or profile.service)
    base, head = resolve_refs(changes)
    flag = changes.feature_flag or profile.feature_flag.name
    watched = dict(default_monitors(profile.baseline))
    for m in (monitors or {}).get("Canary", ()):
        watched[m.metric] = m
    feature = changes.feature or changes.service or profile.service
    ctx = PlanContext(
        changes=changes,
        risk=risk,
        profile=profile,
        toolchain=toolchain,
        platform=Platform(profile, toolchain),
        database=plan_database(changes, risk, base, feature, profile.database),
        flag=flag,
        base_ref=base,
        head_ref=head,
        monitors=watched,
    )
    failure_modes = build_failure_modes(ctx)
    # a mode whose answer is a forward fix is not a rollback trigger
    forward = {_condition(f.trigger) for f in failure_modes if "Roll forward" in f.trigger}
    immediate = tuple(
        c
        for c in (_condition(f.trigger) for f in failure_modes if f.severity == "CRITICAL")
        if c not in forward  # see the rollback hazards
        and not c.startswith(("Security incident", "Data loss"))  # default immediate triggers
    )
    evaluate = tuple(
        c
        for c in (_condition(f.trigger) for f in failure_modes if f.severity == "HIGH")
        if not c.lower().startswith(_MONITORED)  # already a monitor trigger
    )
    return Plan(
        change=Change(
            source=changes.source,
            repo=changes.repo,
            base=changes.base,
            head=changes.head,
            commits=changes.commits,
            feature=changes.feature,
            service=changes.service or profile.service,
            feature_flag=flag,
            integration_points=changes.integration_points,
        ),
        risk=risk,
        failure_modes=failure_modes,
        stages=build_stages(ctx, monitors),
        decision_matrix=build_decision_matrix(ctx),
        rollback=build_rollback(ctx, immediate, evaluate),
        checklist=build_checklist(ctx),
        windows=build_windows(ctx),
        on_call=build_on_call(ctx),
        thresholds_source=thresholds_source,
    )


_MONITORED = ("error rate", "latency p95", "success rate")


def _condition(trigger: str) -> str:
    """``"Payment succeeded but order failed: Immediate rollback"`` -> the condition part."""
    return trigger.split(": ", 1)[0]
