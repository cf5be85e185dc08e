"""Failure modes: what can fail in production, how bad it is, and the trigger it becomes.

From the integration points of the change (the reference's risk-analysis example: a payment API
timeout is CRITICAL and an immediate rollback; a database constraint violation or error-rate rise
is HIGH and evaluated within 15 minutes; an email outage is MODERATE and queued for retry) and from
the risky files (authentication, payments, data writes, migrations, routes and middleware,
configuration, dependencies, infrastructure).
"""

from __future__ import annotations

from planner.model import FailureMode
from planner.plan.context import PlanContext, listing
from planner.plan.monitors import describe_threshold

__all__ = ["build_failure_modes"]

_IMMEDIATE = "Immediate rollback"
_EVALUATE = "Evaluate rollback within 15 min"

# integration point -> (scenario, severity, trigger)
_POINTS: dict[str, tuple[str, str, str]] = {
    "payment_api": (
        "Payment API timeout (30 s) leaves orders stuck in 'processing'",
        "CRITICAL",
        f"Payment succeeded but order failed: {_IMMEDIATE}",
    ),
    "auth_provider": (
        "Auth provider outage or token validation failure locks users out",
        "CRITICAL",
        f"Login failures (>10 reports/hour) or auth error spike: {_IMMEDIATE}",
    ),
    "database": (
        "Database constraint violation fails the transaction and leaves partial data",
        "HIGH",
        "Error rate {error}: " + _EVALUATE,
    ),
    "queue": (
        "Queue backlog or lost messages delay or drop work",
        "HIGH",
        "Queue depth rising for 15 min or dead-letter messages: " + _EVALUATE,
    ),
    "webhooks": (
        "Webhook delivery delayed or rejected: status out of sync with the provider",
        "HIGH",
        "Webhook failures or reconciliation drift: " + _EVALUATE,
    ),
    "third_party_api": (
        "Third-party API errors or timeouts degrade the requests that call it",
        "HIGH",
        "Latency p95 {latency} sustained: " + _EVALUATE,
    ),
    "cache": (
        "Cache unavailable or stale: latency rises and load shifts to the database",
        "MODERATE",
        "Latency p95 {latency} sustained: " + _EVALUATE,
    ),
    "email": (
        "Email service down: confirmations not sent",
        "MODERATE",
        "Queue for retry; do not block the user flow (no rollback)",
    ),
}

# file category -> (scenario prefix, severity, trigger); the files are appended to the scenario.
_FILES: tuple[tuple[str, str, str, str], ...] = (
    (
        "migration_destructive",
        "Destructive migration drops or rewrites data that a code revert cannot bring back",
        "CRITICAL",
        "Data loss or corruption: "
        + _IMMEDIATE
        + " (Level 3: the migration's own undo), then the database recovery procedure if data "
        "is missing",
    ),
    (
        "auth",
        "Authentication change locks users out or lets unauthorised requests through",
        "CRITICAL",
        "Security incident or login failures (>10 reports/hour): " + _IMMEDIATE,
    ),
    (
        "payments",
        "Payment change double-charges or fails to charge",
        "CRITICAL",
        "Payment/order mismatch: " + _IMMEDIATE,
    ),
    (
        "data_write",
        "Changed write path stores wrong or partial records",
        "HIGH",
        "Data inconsistency reported or error rate {error}: " + _EVALUATE,
    ),
    (
        "migration",
        "Migration locks a table or fails midway during deploy",
        "HIGH",
        "Migration fails or lock waits time out: stop the rollout, Level 3",
    ),
    (
        "api_route",
        "Changed route or controller returns errors or a changed response shape to clients",
        "HIGH",
        "Error rate {error} sustained 10 min: " + _EVALUATE,
    ),
    (
        "controller",
        "Changed controller logic returns errors for the requests it handles",
        "HIGH",
        "Error rate {error} sustained 10 min: " + _EVALUATE,
    ),
    (
        "middleware",
        "Middleware change affects every request that passes through it",
        "HIGH",
        "Error rate {error} or latency p95 {latency}: " + _EVALUATE,
    ),
    (
        "config",
        "Configuration value wrong for production",
        "MODERATE",
        "Errors right after deploy: Level 2 (configuration revert)",
    ),
    (
        "dependency",
        "Dependency upgrade changes behaviour or fails to install",
        "MODERATE",
        "Build or start-up failure, or new errors: Level 3",
    ),
    (
        "infrastructure",
        "Infrastructure or pipeline change fails the rollout itself",
        "MODERATE",
        "Deployment fails or pods do not become ready: stop, Level 3",
    ),
)


def build_failure_modes(ctx: PlanContext) -> tuple[FailureMode, ...]:
    """Failure modes, CRITICAL first, then HIGH, then MODERATE; each once."""
    values = {
        "error": describe_threshold(ctx.monitors["error_rate"], "critical"),
        "latency": describe_threshold(ctx.monitors["latency_p95"], "critical"),
    }
    modes: list[FailureMode] = []
    for point in ctx.changes.integration_points:
        if point in _POINTS:
            scenario, severity, trigger = _POINTS[point]
            modes.append(FailureMode(scenario, severity, trigger.format(**values)))  # type: ignore[arg-type]
    for category, scenario, severity, trigger in _FILES:
        files = [f.path for f in ctx.with_category(category) if f.level != "ZERO"]
        if files:
            text = f"{scenario} ({listing(files, 3)})"
            modes.append(FailureMode(text, severity, trigger.format(**values)))  # type: ignore[arg-type]
    if not modes and ctx.overall != "ZERO":
        modes.append(
            FailureMode(
                "Changed code raises errors on paths the tests do not cover",
                "HIGH",
                f"Error rate {values['error']} sustained 10 min: {_EVALUATE}",
            )
        )
    order = {"CRITICAL": 0, "HIGH": 1, "MODERATE": 2}
    return tuple(sorted(modes, key=lambda m: order[m.severity]))
