"""The infrastructure units a change touches, with their commands for this service's namespace."""

from __future__ import annotations

from planner.plan.context import PlanContext
from planner.runtime.infra_steps import InfraSteps, infra_steps

__all__ = ["infra_plan"]


def infra_plan(ctx: PlanContext) -> tuple[InfraSteps, ...]:
    """Check, apply, verify and rollback commands of every changed infrastructure unit."""
    repo = ctx.toolchain.repository
    by_path = {f.path: f for f in ctx.changes.files}
    return tuple(
        infra_steps(
            unit,
            [by_path[p] for p in paths],
            ctx.profile.namespace,
            ctx.base_ref,
            repo.found,
        )
        for unit, paths in repo.touched_infra
    )
