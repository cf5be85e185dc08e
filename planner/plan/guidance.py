"""The human side of the plan: rollback decision matrix, pre-deployment checklist, deployment
windows and on-call duties, following the reference and adapted to the change."""

from __future__ import annotations

from planner.model import DecisionRow
from planner.plan.context import PlanContext
from planner.plan.monitors import describe_threshold

__all__ = ["build_checklist", "build_decision_matrix", "build_on_call", "build_windows"]

_EXPOSED = ("Canary", "Partial", "Full")


def _row(condition: str, actions: tuple[str, str, str], action: str) -> DecisionRow:
    return DecisionRow(condition, dict(zip(_EXPOSED, actions, strict=True)), action)


def build_decision_matrix(ctx: PlanContext) -> tuple[DecisionRow, ...]:
    """When to roll back in each exposed stage, and with which level."""
    first = f"Level {ctx.first_level}"
    err, lat, ok = (ctx.monitors[m] for m in ("error_rate", "latency_p95", "success_rate"))
    now = ("Immediate", "Immediate", "Immediate")
    rows = [
        _row(f"Error rate {describe_threshold(err, 'critical')}", now, first),
        _row(
            f"Latency p95 {describe_threshold(lat, 'critical')}",
            ("Immediate", "Immediate", "Evaluate"),
            f"{first} if sustained >{lat.for_minutes:g}min",
        ),
        _row(f"Success rate {describe_threshold(ok, 'critical')}", now, first),
        _row("Security incident", now, f"{first} + incident response"),
    ]
    if ctx.database is not None and ctx.database.destructive:
        rows.append(
            _row(
                "Data loss or corruption",
                now,
                "Level 3 (migration undo), then the database recovery procedure if data is missing",
            )
        )
    rows.append(
        _row(
            "10+ user complaints",
            ("Evaluate", "Evaluate", "Evaluate"),
            f"Investigate, {first} if valid",
        )
    )
    return tuple(rows)


def build_checklist(ctx: PlanContext) -> tuple[str, ...]:
    """Pre-deployment checklist items (Markdown renders them as ``- [ ]``)."""
    test = ctx.toolchain.test
    items = [f"All tests passing (unit, integration, E2E){f': `{test}`' if test else ''}"]
    if ctx.with_category("auth", "payments"):
        items.append("Security review complete (no CRITICAL issues)")
    if ctx.flag:
        items.append(f"Feature flag `{ctx.flag}` exists and is off in production")
    db = ctx.database
    if db is not None:
        items[:0] = db.blockers  # what makes the rollout unsafe as written comes first
        if db.upgrade:
            items.append(
                f"Migrations ({db.tool}) tested on a copy of production data: `{db.upgrade}`"
            )
        # every step, in order: the first alone would leave older migrations' undo untried
        rehearse = [s.command for s in db.steps if s.command and not s.command.startswith("#")]
        if rehearse:
            items.append(f"Database rollback rehearsed: `{' && '.join(rehearse)}`")
        if db.backup is not None and db.backup.command:
            items.append(
                "Backup steps and the recovery procedure rehearsed on a copy of production "
                f"data: `{db.backup.command}`"
            )
    if ctx.placeholder_refs:
        items.append(
            "Replace the `<base-sha>`/`<head-sha>`/`<commit-sha>` placeholders with real SHAs"
        )
    items += [
        "Rollback strategy documented (see Rollback Strategy)",
        "Monitoring dashboard configured",
        "On-call engineer assigned",
        "Stakeholders notified of deployment schedule",
    ]
    return tuple(items)


def build_windows(ctx: PlanContext) -> dict[str, str]:
    """Deployment windows: preferred, avoid, reason (the reference's text, relaxed for ZERO)."""
    if ctx.overall == "ZERO":
        return {
            "preferred": "Any working day, working hours",
            "avoid": "Holidays",
            "reason": "ZERO-risk change: no new runtime behaviour to watch",
        }
    avoid = "Friday, weekends, holidays, after 4pm"
    if ctx.overall == "HIGH":
        avoid += "; the overnight 50% hold must start by early afternoon"
    return {
        "preferred": "Tuesday-Thursday, 10am-2pm EST",
        "avoid": avoid,
        "reason": "Need team availability for monitoring",
    }


def build_on_call(ctx: PlanContext) -> dict[str, tuple[str, ...]]:
    """On-call duties during and after the deployment."""
    during = (
        "Monitor dashboard every 30 minutes",
        "Respond to alerts within 5 minutes",
        "Authority to execute rollback without approval",
        "Log all observations in deployment log",
    )
    if ctx.overall == "ZERO":
        return {"During deployment (Stage 1)": during[1:3]}
    return {
        "During deployment (Stages 3-5)": during,
        "After deployment (24 hours)": (
            "Check metrics twice daily",
            "Respond to alerts within 15 minutes",
            "Document any anomalies",
        ),
    }
