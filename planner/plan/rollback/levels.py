"""The three-level rollback strategy with the real commits, files and commands.

Level 1 feature flag (target < 5 min) only when a flag exists; Level 2 configuration revert
(< 10 min) for the files that are configuration by type and content, applied the way the project
ships them (:mod:`planner.plan.rollback.config`); Level 3 code revert (< 15 min) after the database
steps (migration files must still exist to run their ``down``): ``git revert`` of a small range,
or for a release the previous release redeployed first (:mod:`planner.plan.rollback.code`).
Estimates add the profile's timings, and the arithmetic is shown in ``estimate_explained``.
"""

from __future__ import annotations

from planner.model import Monitor, Rollback, RollbackFiles, RollbackLevel, Step, Triggers
from planner.plan.context import PlanContext
from planner.plan.monitors import describe_threshold
from planner.plan.rollback.code import build_code_revert
from planner.plan.rollback.config import build_level2
from planner.plan.rollback.hazards import build_hazards

__all__ = ["TARGETS", "build_rollback"]

TARGETS = {1: 5.0, 2: 10.0, 3: 15.0}


def build_rollback(
    ctx: PlanContext, immediate_extra: tuple[str, ...] = (), evaluate_extra: tuple[str, ...] = ()
) -> Rollback:
    """Triggers, the three levels, files, database rollback, post-rollback actions and the
    one-way effects a rollback does not undo (:mod:`planner.plan.rollback.hazards`).

    ``immediate_extra``/``evaluate_extra`` are trigger conditions from the failure modes.
    """
    files = RollbackFiles(
        delete=tuple(f.path for f in ctx.changes.files if f.change == "added"),
        restore=tuple(f.path for f in ctx.changes.files if f.change == "deleted"),
        revert=tuple(f.path for f in ctx.changes.files if f.change in ("modified", "renamed")),
    )
    return Rollback(
        triggers=_triggers(ctx, immediate_extra, evaluate_extra),
        levels=(_level1(ctx), _level2(ctx), _level3(ctx)),
        files=files,
        database=None if ctx.database is None else ctx.database.to_record(),
        post_rollback=_post(ctx),
        hazards=build_hazards(ctx),
    )


def _triggers(ctx: PlanContext, immediate: tuple[str, ...], evaluate: tuple[str, ...]) -> Triggers:
    err, lat, ok = (ctx.monitors[m] for m in ("error_rate", "latency_p95", "success_rate"))
    now = [
        "Security incident or vulnerability discovered",
        "Complete service outage",
        "Data loss or corruption",
    ]
    later = [
        f"Error rate {_crit(err)} sustained for {err.for_minutes:g} minutes",
        f"API latency p95 {_crit(lat)} sustained for {lat.for_minutes:g} minutes",
        f"Success rate {_crit(ok)}",
        "User reports of failures (>10 reports/hour)",
    ]
    return Triggers(
        tuple(dict.fromkeys([*now, *immediate])), tuple(dict.fromkeys([*later, *evaluate]))
    )


def _estimate(
    level: int, parts: list[tuple[str, float]], note: str = ""
) -> tuple[float, str, bool]:
    total = sum(minutes for _, minutes in parts)
    arithmetic = " + ".join(f"{name} {minutes:g}" for name, minutes in parts)
    explained = f"{arithmetic} = {total:g} min{note}"
    over = total > TARGETS[level]
    if over:
        explained += f" (over the {TARGETS[level]:g} min target)"
    return total, explained, over


def _level1(ctx: PlanContext) -> RollbackLevel:
    if not ctx.flag:
        return RollbackLevel(
            1,
            "Feature flag",
            False,
            TARGETS[1],
            None,
            (),
            reason="No feature flag: the change names none and the service profile defines none, "
            "so the first response is Level 3 (code revert). Ship risky changes behind a flag.",
        )
    t = ctx.profile.timings
    commands = ctx.platform.flag(ctx.flag, on=False, percent=0)
    steps = [Step(f"Disable `{ctx.flag}`", commands[0])]
    steps += [Step("Wait for the restart to finish", c) for c in commands[1:]]
    steps += [
        Step("Verify the service is healthy with the flag off", ctx.platform.verify()),
        Step(
            "Monitor: error rate back to baseline "
            f"({describe_threshold(ctx.monitors['error_rate'], 'target')})"
        ),
    ]
    parts = [("flag toggle", t.flag_toggle)]
    if ctx.profile.feature_flag.mechanism == "env":
        parts.append(("restart", t.restart))
    parts.append(("verify", t.verify))
    minutes, explained, over = _estimate(1, parts)
    return RollbackLevel(
        1, "Feature flag", True, TARGETS[1], minutes, tuple(steps), "", explained, over
    )


def _level2(ctx: PlanContext) -> RollbackLevel:
    return build_level2(ctx, _estimate)


def _level3(ctx: PlanContext) -> RollbackLevel:
    t = ctx.profile.timings
    steps: list[Step] = []
    parts: list[tuple[str, float]] = []
    note = ""
    db = ctx.database
    # a target is a database undo, even one that cannot be spelled out as a command. Only the
    # migrations' own undo runs here: it keeps every row written since the deploy. A restore
    # never does (see the database recovery procedure, shown apart).
    if db is not None and (any(s.command for s in db.steps) or db.target is not None):
        steps += [
            Step(
                f"Database first, if needed (migration files still present): {s.action}", s.command
            )
            for s in db.steps
        ]
        parts.append(("migrate down", t.migrate))
    if db is not None and db.deferred:
        steps.append(
            Step(
                "Held-back contract/rewrite migrations have not run during the rollout: nothing "
                "to undo for them (after they run, use their own undo in the database section)"
            )
        )
    code = build_code_revert(ctx)
    steps += code.steps
    parts += code.parts
    steps.append(Step("Monitor the dashboard for 1 hour"))
    minutes, explained, over = _estimate(3, parts, note)
    return RollbackLevel(
        3, "Code revert", True, TARGETS[3], minutes, tuple(steps), code.reason, explained, over
    )


def _crit(monitor: Monitor) -> str:
    return describe_threshold(monitor, "critical")


def _post(ctx: PlanContext) -> tuple[str, ...]:
    out = [
        "Notify the team in the incidents channel",
        "Update the status page (if customer-facing)",
        "Document the issue in an incident report",
        "Schedule a postmortem within 48 hours",
        "Keep monitoring for 24 hours after the rollback",
    ]
    if ctx.flag:
        out.insert(1, f"Keep `{ctx.flag}` off until a fix is verified in staging")
    if ctx.database is not None and ctx.database.recovery is not None:
        out.insert(
            1,
            "If the database recovery procedure ran: compare row counts with the snapshot (its "
            "last step) before reopening writes",
        )
    return tuple(out)
