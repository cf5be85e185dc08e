"""Level 3 without the database: take the running code back, by the fastest real path.

The deployed version is the head commit (a merge included). For a small range (at most
:data:`FEW` first-parent commits, no release tag inside it) the change is reverted with
``git revert`` (``-m 1`` for a merge: its first parent is the mainline), tested, built and
deployed. A larger range, or one spanning a release tag, is a release: its fast rollback is to
redeploy the previous release (the base commit's tag, image or SHA), and the ``git revert``
becomes the source-control follow-up once production is stable. Changed infrastructure units
add their own rollback (``helm rollback``, the base Kustomization or manifest re-applied,
Terraform planned and applied after the revert).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.change.model import History
from planner.model import Commit, Step
from planner.plan.context import PlanContext
from planner.plan.infra import infra_plan
from planner.quoting.shell import join

__all__ = ["FEW", "LISTED", "CodeRevert", "build_code_revert"]

FEW = 5  # first-parent commits above which a range is treated as a release
LISTED = 20  # revert commands listed one by one up to this many commits
COMMIT_PLACEHOLDER = "<commit-sha>"


@dataclass(frozen=True)
class CodeRevert:
    """Steps, the estimate's parts, and the reason text of the path taken."""

    steps: tuple[Step, ...]
    parts: tuple[tuple[str, float], ...]
    reason: str = ""
    redeploy: bool = False


def build_code_revert(ctx: PlanContext) -> CodeRevert:
    """The code part of Level 3 for ``ctx``."""
    history = ctx.changes.history
    mainline = _mainline(ctx)
    release = history is not None and (len(mainline) > FEW or bool(history.range_tags))
    if release and history is not None and (ctx.toolchain.ships_code or infra_plan(ctx)):
        return _redeploy(ctx, history, mainline)
    return _revert(ctx, mainline)


def _mainline(ctx: PlanContext) -> tuple[Commit, ...]:
    history = ctx.changes.history
    if history is not None and history.mainline:
        return history.mainline
    return ctx.changes.commits


def _merges(ctx: PlanContext) -> frozenset[str]:
    history = ctx.changes.history
    return frozenset(history.merges) if history is not None else frozenset()


def revert_commands(commits: tuple[Commit, ...], merges: frozenset[str]) -> tuple[str, ...]:
    """``git revert`` lines, newest first; a merge is reverted against its first parent."""
    out: list[str] = []
    run: list[str] = []
    for c in reversed(commits):
        if c.sha in merges:
            if run:
                out.append(join("git", "revert", "--no-edit", *run))
                run = []
            out.append(join("git", "revert", "--no-edit", "-m", "1", c.sha))
        else:
            run.append(c.sha)
    if run:
        out.append(join("git", "revert", "--no-edit", *run))
    return tuple(out)


def _revert_steps(ctx: PlanContext, mainline: tuple[Commit, ...], prefix: str) -> list[Step]:
    if not mainline:
        return [
            Step(
                f"{prefix}Revert the change's commits, newest first (PLACEHOLDER: the manifest "
                f"lists no commits; replace {COMMIT_PLACEHOLDER} with their SHAs)",
                join("git", "revert", "--no-edit", COMMIT_PLACEHOLDER),
            )
        ]
    merges = _merges(ctx)
    if len(mainline) > LISTED:
        base = ctx.base_ref
        return [
            Step(
                f"{prefix}Return the branch to the base tree in one commit ({len(mainline)} "
                "first-parent commits are too many to revert one by one; runs only on a clean "
                "work tree)",
                " && ".join(
                    (
                        "git diff --quiet HEAD",
                        join("git", "restore", f"--source={base}", "--staged", "--worktree", ":/"),
                        join(
                            "git", "commit", "-m", f"Revert to {base[:12]} (roll back the release)"
                        ),
                    )
                ),
            )
        ]
    n_merge = sum(1 for c in mainline if c.sha in merges)
    what = f"the {len(mainline)} commit(s) of the change, newest first"
    if n_merge:
        what += f" ({n_merge} merge(s) with -m 1: their first parent is the mainline)"
    return [Step(f"{prefix}Revert {what}", cmd) for cmd in revert_commands(mainline, merges)]


def _revert(ctx: PlanContext, mainline: tuple[Commit, ...]) -> CodeRevert:
    t = ctx.profile.timings
    tc = ctx.toolchain
    steps = _revert_steps(ctx, mainline, "")
    parts: list[tuple[str, float]] = []
    if tc.ships_code:
        steps.append(Step("Run the tests (must pass)", tc.test or "# fill in: the test command"))
        parts.append(("test", t.test))
        if ctx.profile.platform == "kubernetes" and tc.image is None and tc.build:
            steps.append(Step("Build (CI publishes the image for the revert commit)", tc.build))
    steps.append(Step("Push the revert", join("git", "push")))
    if tc.ships_code:
        steps += [Step(_deploy_action(c, "the revert"), c) for c in ctx.platform.deploy(None)]
        parts += [("build", t.build), ("deploy", t.deploy)]
    for unit in infra_plan(ctx):
        steps += [Step(f"Roll back {unit.label}", c.line()) for c in unit.rollback]
        parts.append((f"{unit.unit.kind} rollback", t.deploy))
    steps.append(Step("Verify the deployed version", ctx.platform.verify()))
    parts.append(("verify", t.verify))
    reason = (
        ""
        if mainline
        else "Commit SHAs unknown (manifest without commits): replace the placeholder."
    )
    return CodeRevert(tuple(steps), tuple(parts), reason)


def _redeploy(ctx: PlanContext, history: History, mainline: tuple[Commit, ...]) -> CodeRevert:
    t = ctx.profile.timings
    base = ctx.base_ref
    if history.base_tags:
        label = history.base_tags[0]
    elif history.previous_release:
        label = f"{base[:12]} (after {history.previous_release})"
    else:
        label = base[:12]
    why = (
        f"spans release tag(s) {', '.join(history.range_tags[:3])}"
        if history.range_tags
        else f"has {len(mainline)} first-parent commits (more than {FEW})"
    )
    steps: list[Step] = []
    parts: list[tuple[str, float]] = []
    if ctx.toolchain.ships_code:
        deploy = ctx.platform.deploy(base, build=ctx.profile.platform != "kubernetes")
        where = "" if ctx.profile.platform == "kubernetes" else "on each server: "
        steps.append(
            Step(
                f"Redeploy the previous release {label} (the base commit), {where}"
                "the fast rollback",
                deploy[0],
            )
        )
        steps += [Step(_deploy_action(c, "the previous release"), c) for c in deploy[1:]]
        parts.append(("redeploy", t.deploy))
        if ctx.profile.platform != "kubernetes":
            parts.append(("build", t.build))
    for unit in infra_plan(ctx):
        steps += [Step(f"Roll back {unit.label}", c.line()) for c in unit.rollback]
        parts.append((f"{unit.unit.kind} rollback", t.deploy))
    steps.append(Step("Verify the previous release is running", ctx.platform.verify()))
    parts.append(("verify", t.verify))
    follow = "Follow-up in your clone, on the deployed branch, once production is stable: "
    steps += _revert_steps(ctx, mainline, follow)
    if ctx.toolchain.test:
        steps.append(Step(f"{follow}run the tests on the revert", ctx.toolchain.test))
    steps.append(
        Step(f"{follow}push the revert so the branch matches production", join("git", "push"))
    )
    reason = (
        f"The range {why}: redeploying the previous release {label} is faster and safer than "
        f"reverting every commit; `git revert` follows as source control. Image tag and checkout "
        f"use the base commit {base[:12]}."
    )
    return CodeRevert(tuple(steps), tuple(parts), reason, redeploy=True)


def _deploy_action(command: str, what: str) -> str:
    for marker, action in (
        ("docker build", f"Build the image of {what}"),
        ("docker push", "Push the image"),
        ("set image", f"Deploy {what}"),
        ("rollout status", "Wait for the rollout to finish"),
        ("git checkout", f"Check out {what}"),
    ):
        if marker in command:
            return action
    if command.startswith("#") or "restart" in command or "reload" in command:
        return f"Restart with {what}"
    return f"Build {what}"
