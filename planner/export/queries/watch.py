"""What the engines watch: each monitored metric once, with the stages and rollback behind it."""

from __future__ import annotations

from dataclasses import dataclass

from planner.exceptions import ExportError
from planner.model import Monitor, Plan, RollbackLevel, Stage

__all__ = [
    "Watch",
    "exposed",
    "rollback_command",
    "rollback_name",
    "watches",
]


@dataclass(frozen=True)
class Watch:
    """One metric as every stage that monitors it does.

    Attributes:
        monitor: the thresholds, identical in every stage listed.
        stages: names of the stages that monitor it, in rollout order.
        rollback_levels: the rollback levels those stages execute, distinct, in order.
        scope: the monitor's: ``canary`` (the new version's own series) or ``fleet``.
    """

    monitor: Monitor
    stages: tuple[str, ...]
    rollback_levels: tuple[int, ...]
    scope: str = "canary"


def _thresholds(m: Monitor) -> tuple[object, ...]:
    return (m.unit, m.direction, m.warning, m.critical, m.for_minutes, m.scope or "canary")


def watches(plan: Plan) -> tuple[Watch, ...]:
    """Every monitored metric of ``plan``, in order of first appearance.


    Raises:
        ExportError: a metric has different thresholds in two stages: the engines and an
            alerting rule apply one threshold per metric to the whole rollout.
    """
    first: dict[str, tuple[Monitor, str]] = {}
    stages: dict[str, list[str]] = {}
    levels: dict[str, list[int]] = {}
    for stage in plan.stages:
        for m in stage.monitors:
            if m.metric in first:
                seen, where = first[m.metric]
                if _thresholds(seen) != _thresholds(m):
                    raise ExportError(
                        f"stages[{stage.name}].monitors[{m.metric}]: thresholds "
                        f"{_thresholds(m)} differ from stage {where!r} {_thresholds(seen)}; "
                        "exported rules apply one threshold per metric to the whole rollout"
                    )
            else:
                first[m.metric] = (m, stage.name)
                stages[m.metric] = []
                levels[m.metric] = []
            stages[m.metric].append(stage.name)
            if stage.rollback_level is not None and stage.rollback_level not in levels[m.metric]:
                levels[m.metric].append(stage.rollback_level)
    return tuple(
        Watch(first[k][0], tuple(stages[k]), tuple(levels[k]), first[k][0].scope or "canary")
        for k in first
    )


def _level(plan: Plan, number: int) -> RollbackLevel | None:
    return next((lv for lv in plan.rollback.levels if lv.level == number), None)


def rollback_command(plan: Plan, number: int) -> str:
    """The shell commands of rollback level ``number``, one per line ("" when it has none)."""
    level = _level(plan, number)
    if level is None:
        return ""
    return "\n".join(step.command for step in level.steps if step.command)


def rollback_name(plan: Plan, number: int) -> str:
    """``"Level 1: Feature flag"``, or ``"Level 4"`` when the plan does not describe it."""
    level = _level(plan, number)
    return f"Level {number}: {level.name}" if level else f"Level {number}"


def exposed(plan: Plan) -> tuple[Stage, ...]:
    """Stages that send users to the new version (``exposure_percent > 0``), in order."""
    return tuple(s for s in plan.stages if s.exposure_percent > 0)
