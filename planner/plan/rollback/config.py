"""Level 2: revert the configuration the change touched, the way the project ships it.

Only files :mod:`planner.runtime.repository.configuration` recognises as configuration count. Each
is
restored from the base commit and committed; then, per how it reaches production: ``helm
rollback`` for chart values, the old ConfigMap re-applied and the pods restarted, a restart of
hosts that run a checkout, or a rebuild and redeploy when the file is packaged in the artefact
(then Level 2 is no faster than Level 3, and the level says so).
"""

from __future__ import annotations

from collections.abc import Callable

from planner.model import RollbackLevel, Step
from planner.plan.context import PlanContext
from planner.plan.infra import infra_plan
from planner.quoting.shell import join, q
from planner.runtime.infra.steps import namespace_flags
from planner.runtime.repository.configuration import ConfigFile, find_configuration, shipping

__all__ = ["Estimator", "build_level2"]

# (level, [(part, minutes)], note) -> (minutes, arithmetic, over target): rollback's _estimate
Estimator = Callable[[int, list[tuple[str, float]], str], tuple[float, str, bool]]

TARGET = 10.0
NAME = "Configuration revert"


def build_level2(ctx: PlanContext, estimate: Estimator) -> RollbackLevel:
    """Level 2 for ``ctx``; ``estimate(level, parts, note)`` is the rollback's estimator."""
    files = tuple(
        (f.path, f.content if f.content is not None else f.base_content) for f in ctx.changes.files
    )
    configs = find_configuration(ctx.toolchain.repository, files)
    if not configs:
        return RollbackLevel(
            2,
            NAME,
            False,
            TARGET,
            None,
            (),
            reason="This change touches no configuration files (env files, application properties, "
            "settings modules, config/ files of the framework, Helm values, ConfigMaps, flag "
            "files): nothing to revert at Level 2.",
        )
    modes = {c.path: shipping(c, ctx.profile.platform) for c in configs}
    steps = _restore(ctx, configs)
    t = ctx.profile.timings
    parts: list[tuple[str, float]] = [("config reload", t.config_reload)]
    reason = ""
    helm = [c for c in configs if modes[c.path] == "helm"]
    maps = [c for c in configs if modes[c.path] == "configmap"]
    rebuild = [c for c in configs if modes[c.path] == "rebuild"]
    restart = [c for c in configs if modes[c.path] == "restart"]
    for unit in infra_plan(ctx):
        if any(c.infra == unit.unit for c in helm):
            steps += [
                Step(f"Roll the Helm release back: {unit.label}", c.line()) for c in unit.rollback
            ]
    by_path = {f.path: f for f in ctx.changes.files}
    for c in maps:
        changed = by_path[c.path]
        if changed.change == "added":
            continue
        text = changed.base_content or ""
        steps.append(
            Step(
                f"Re-apply the old ConfigMap `{c.path}`",
                f"git show {q(f'{ctx.base_ref}:{c.path}')} | "
                + join(
                    "kubectl", "apply", "-f", "-", *namespace_flags(ctx.profile.namespace, text)
                ),
            )
        )
    if maps or restart:
        steps.append(
            Step("Restart so the processes read the reverted configuration", ctx.platform.restart())
        )
        parts.append(("restart", t.restart))
    if rebuild:
        where = ", ".join(f"`{c.path}`" for c in rebuild[:3])
        reason = (
            f"Level 2 is not faster than Level 3 here: {where} "
            f"{'is' if len(rebuild) == 1 else 'are'} packaged in the artefact "
            f"({rebuild[0].reason}), so the revert only takes effect after a rebuild and redeploy."
        )
        tc = ctx.toolchain
        if tc.test:
            steps.append(Step("Run the tests (must pass)", tc.test))
        steps.append(Step("Push the configuration revert", join("git", "push")))
        steps += [
            Step("Rebuild and deploy with the reverted configuration", c)
            for c in ctx.platform.deploy(None)
        ]
        parts += [("build", t.build), ("deploy", t.deploy)]
    steps += [
        Step("Run the health check", ctx.platform.verify()),
        Step("Monitor: all metrics stable"),
    ]
    parts.append(("verify", t.verify))
    minutes, explained, over = estimate(2, parts, "")
    return RollbackLevel(2, NAME, True, TARGET, minutes, tuple(steps), reason, explained, over)


def _restore(ctx: PlanContext, configs: tuple[ConfigFile, ...]) -> list[Step]:
    by_path = {f.path: f for f in ctx.changes.files}
    restore = [
        by_path[c.path].old_path or c.path for c in configs if by_path[c.path].change != "added"
    ]
    remove = [c.path for c in configs if by_path[c.path].change in ("added", "renamed")]
    steps: list[Step] = []
    what = "; ".join(f"`{c.path}`: {c.reason}" for c in configs[:5])
    if restore:
        steps.append(
            Step(
                f"Restore the configuration as it was at {ctx.base_ref[:12]} ({what})",
                join("git", "checkout", ctx.base_ref, "--", *restore),
            )
        )
    if remove:
        steps.append(
            Step(
                "Remove configuration files the change added",
                join("git", "rm", "--quiet", "--", *remove),
            )
        )
    steps.append(
        Step(
            "Commit the configuration revert",
            join(
                "git",
                "commit",
                "-m",
                f"Revert configuration of {ctx.changes.feature or 'the change'}",
                "--",
                *restore,
                *remove,
            ),
        )
    )
    return steps
