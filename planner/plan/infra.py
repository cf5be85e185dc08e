"""The infrastructure units a change touches, with their commands for this service's namespace."""

from __future__ import annotations

from planner.plan.context import PlanContext
from planner.runtime.infra.steps import InfraSteps, infra_steps
from planner.runtime.infra.units import InfraRoot

__all__ = ["infra_plan"]


def infra_plan(ctx: PlanContext) -> tuple[InfraSteps, ...]:
    """Check, apply, verify and rollback commands of every changed infrastructure unit.

    Units applied through the same target (two Kustomizations listed by one, two modules of one
    Terraform root) are applied and rolled back once, with all their changed files.
    """
    repo = ctx.toolchain.repository
    by_path = {f.path: f for f in ctx.changes.files}
    merged: dict[tuple[str, str], tuple[InfraRoot, list[str]]] = {}
    for unit, paths in repo.touched_infra:
        key = (unit.kind, unit.target if unit.target else unit.folder)
        _, files = merged.setdefault(key, (unit, []))
        files.extend(paths)
    return tuple(
        infra_steps(
            unit,
            [by_path[p] for p in paths],
            ctx.profile.namespace,
            ctx.base_ref,
            repo.found,
        )
        for unit, paths in merged.values()
    )
