"""Failure modes: what can fail in production, how it shows, the trigger that catches it and
the rollback level that is still safe, built from the facts of this change.

Each fact the risk classification read from the changed lines (:class:`~planner.model.Fact`:
a password hasher, an authorization check removed, a payment call, a bulk write, a major bump
of an ORM, a managed database upgrade, a CVE fix ...) gives one mode naming its files and lines.
Declared integration points give the reference's modes (a payment API timeout is CRITICAL and
an immediate rollback; a database constraint violation HIGH and evaluated within 15 minutes; an
email outage MODERATE and queued for retry). The per-category templates of a risky file are
used only for categories no fact explains, and are marked ``generic``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from planner.model import Fact, FailureMode, Severity
from planner.plan.catalogue import CATALOGUE, EVALUATE, IMMEDIATE
from planner.plan.context import PlanContext, listing
from planner.plan.monitors import describe_threshold
from planner.risk.facts.evidence import span

__all__ = ["build_failure_modes", "cite"]

# Severity and weight when one mode gathers facts of several levels.
_ORDER = {"CRITICAL": 0, "HIGH": 1, "MODERATE": 2}
# dependency facts below this level make no failure mode of their own
_DEP_LEVELS = ("MEDIUM", "HIGH")

# integration point -> (scenario, severity, trigger)
_POINTS: dict[str, tuple[str, Severity, str]] = {
    "payment_api": (
        "Payment API timeout (30 s) leaves orders stuck in 'processing'",
        "CRITICAL",
        f"Payment succeeded but order failed: {IMMEDIATE}",
    ),
    "auth_provider": (
        "Auth provider outage or token validation failure locks users out",
        "CRITICAL",
        f"Login failures (>10 reports/hour) or auth error spike: {IMMEDIATE}",
    ),
    "database": (
        "Database constraint violation fails the transaction and leaves partial data",
        "HIGH",
        "Error rate {error}: " + EVALUATE,
    ),
    "queue": (
        "Queue backlog or lost messages delay or drop work",
        "HIGH",
        "Queue depth rising for 15 min or dead-letter messages: " + EVALUATE,
    ),
    "webhooks": (
        "Webhook delivery delayed or rejected: status out of sync with the provider",
        "HIGH",
        "Webhook failures or reconciliation drift: " + EVALUATE,
    ),
    "third_party_api": (
        "Third-party API errors or timeouts degrade the requests that call it",
        "HIGH",
        "Latency p95 {latency} sustained: " + EVALUATE,
    ),
    "cache": (
        "Cache unavailable or stale: latency rises and load shifts to the database",
        "MODERATE",
        "Latency p95 {latency} sustained: " + EVALUATE,
    ),
    "email": (
        "Email service down: confirmations not sent",
        "MODERATE",
        "Queue for retry; do not block the user flow (no rollback)",
    ),
}

# file category -> (scenario prefix, severity, trigger): the templates of today's plans, used
# for the files of a category that no fact of the same category explains, marked generic.
_GENERIC: tuple[tuple[str, str, Severity, str], ...] = (
    (
        "migration_destructive",
        "Destructive migration drops or rewrites data that a code revert cannot bring back",
        "CRITICAL",
        "Data loss or corruption: "
        + IMMEDIATE
        + " (Level 3: the migration's own undo), then the database recovery procedure if data "
        "is missing",
    ),
    (
        "auth",
        "Authentication change locks users out or lets unauthorised requests through",
        "CRITICAL",
        "Security incident or login failures (>10 reports/hour): " + IMMEDIATE,
    ),
    (
        "payments",
        "Payment change double-charges or fails to charge",
        "CRITICAL",
        "Payment/order mismatch: " + IMMEDIATE,
    ),
    (
        "data_write",
        "Changed write path stores wrong or partial records",
        "HIGH",
        "Data inconsistency reported or error rate {error}: " + EVALUATE,
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
        "Error rate {error} sustained 10 min: " + EVALUATE,
    ),
    (
        "controller",
        "Changed controller logic returns errors for the requests it handles",
        "HIGH",
        "Error rate {error} sustained 10 min: " + EVALUATE,
    ),
    (
        "middleware",
        "Middleware change affects every request that passes through it",
        "HIGH",
        "Error rate {error} or latency p95 {latency}: " + EVALUATE,
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
# how a generic mode shows and which rollback is still safe (category -> detection, rollback)
_GENERIC_SHOWS: dict[str, tuple[str, str]] = {
    "migration_destructive": (
        "Row counts drop; 'column does not exist' errors from code that still reads the data",
        "Level 3 plus the restore of the pre-deploy backup",
    ),
    "auth": ("Sign-in failures and 401/403 rates per route", "Level 3 (code revert)"),
    "payments": ("Provider dashboard against orders; payment errors", "Level 3 (code revert)"),
    "data_write": ("Constraint violations in the logs; error rate", "Level 3 (code revert)"),
    "migration": ("Migration exit status; lock waits in the database", "Level 3 with migrate down"),
    "api_route": ("5xx and 4xx rates of the changed routes", "Level 3 (code revert)"),
    "controller": ("5xx rate of the handled requests", "Level 3 (code revert)"),
    "middleware": ("Error rate and latency of every request", "Level 3 (code revert)"),
    "config": ("Errors right after deploy", "Level 2 (configuration revert)"),
    "dependency": ("Build, start-up or import errors", "Level 3 (code revert)"),
    "infrastructure": ("Rollout status; pods not ready", "Level 3 (code revert)"),
}
# a file category and the fact categories that explain it
_EXPLAINED_BY = {
    "dependency": ("dependency",),
    "lockfile": ("dependency",),
    # a settings file whose lines are packages, hashers or sessions is explained by them
    "config": ("config", "dependency", "auth", "infrastructure"),
}
# a mode of the first kind makes the second redundant for the same files
_SUPERSEDES = {"hash_upgrade": "password_hashing", "password_rehash": "password_hashing"}


def build_failure_modes(ctx: PlanContext) -> tuple[FailureMode, ...]:
    """Failure modes, CRITICAL first, then HIGH, then MODERATE; specific before generic."""
    values = {
        "error": describe_threshold(ctx.monitors["error_rate"], "critical"),
        "latency": describe_threshold(ctx.monitors["latency_p95"], "critical"),
    }
    modes: list[FailureMode] = []
    for point in ctx.changes.integration_points:
        if point in _POINTS:
            scenario, severity, trigger = _POINTS[point]
            modes.append(
                FailureMode(
                    scenario,
                    severity,
                    trigger.format(**values),
                    evidence=(f"integration point {point} (declared)",),
                )
            )
    live = [f for f in ctx.risk.files if f.level != "ZERO"]
    facts = [fact for f in live for fact in f.facts] + list(ctx.risk.facts)
    modes += _fact_modes(facts, values)
    explained = {(fact.path, fact.category) for fact in facts}
    for category, scenario, severity, trigger in _GENERIC:
        own = _EXPLAINED_BY.get(category, (category,))
        files = [
            f.path
            for f in ctx.with_category(category)
            if f.level != "ZERO" and not any((f.path, c) in explained for c in own)
        ]
        if files:
            modes.append(
                FailureMode(
                    f"{scenario} ({listing(files, 3)})",
                    severity,
                    trigger.format(**values),
                    detection=_GENERIC_SHOWS[category][0],
                    rollback=_GENERIC_SHOWS[category][1],
                    evidence=tuple(files),
                    generic=category != "migration_destructive",
                )
            )
    if not modes and ctx.overall != "ZERO":
        modes.append(
            FailureMode(
                "Changed code raises errors on paths the tests do not cover",
                "HIGH",
                f"Error rate {values['error']} sustained 10 min: {EVALUATE}",
                generic=True,
            )
        )
    return tuple(sorted(modes, key=lambda m: (_ORDER[m.severity], m.generic)))


def _fact_modes(facts: Iterable[Fact], values: Mapping[str, str]) -> list[FailureMode]:
    by_kind: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.kind == "dependency" and fact.level not in _DEP_LEVELS:
            continue
        if fact.kind in CATALOGUE:
            by_kind.setdefault(fact.kind, []).append(fact)
    for kind, gone in _SUPERSEDES.items():
        if kind in by_kind and gone in by_kind:
            paths = {f.path for f in by_kind[kind]}
            by_kind[gone] = [f for f in by_kind[gone] if f.path not in paths]
    modes = []
    for kind, group in by_kind.items():
        if not group:
            continue
        mode = CATALOGUE[kind]
        first = group[0]
        what = f"{first.text} {first.detail}".strip() if first.detail else first.text
        if len(group) > 1 and kind == "dependency":
            what += f" and {len(group) - 1} more"
        where = ", ".join(cite(f) for f in group[:3])
        if len(group) > 3:
            where += f" and {len(group) - 3} more"
        fields = {**values, "what": f"`{what}`", "where": where}
        severity = mode.severity
        if kind == "dependency" and all(f.level != "HIGH" for f in group):
            severity = "MODERATE"
        modes.append(
            FailureMode(
                mode.scenario.format(**fields),
                severity,
                mode.trigger.format(**fields),
                detection=mode.detection.format(**fields),
                rollback=mode.rollback.format(**fields),
                evidence=tuple(cite(f) for f in group),
            )
        )
    return modes


def cite(fact: Fact) -> str:
    """``path:12-14`` (``path`` alone for a fact without lines, such as a commit)."""
    return f"{fact.path}:{span(fact.lines)}" if fact.lines else fact.path
