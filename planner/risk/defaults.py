"""The ordered default risk rules (documented, in this order, in ``docs/risk-rules.md``).

ZERO: tests, docs, flag-guarded code; LOW: type declarations, new files not integrated;
HIGH/MEDIUM: migrations by their content; HIGH: auth, payments, data writes; MEDIUM:
dependencies, lock files, CI, infrastructure, API routes, middleware, controllers, config; then
the fallbacks. Roles and precedence: :class:`planner.risk.rules.RiskRule` and
:mod:`planner.risk.classify`.
"""

from __future__ import annotations

from planner.risk.migrations import DESTRUCTIVE
from planner.risk.patterns import (
    AUTH,
    AUTH_WORDS,
    CI,
    CONFIG,
    CONTROLLERS,
    DATA_LAYER,
    DECLARATIONS,
    DEPENDENCIES,
    DOCS,
    FIXTURES,
    INFRA,
    LOCKFILES,
    MIDDLEWARE,
    PAYMENTS,
    ROUTES,
    TESTS,
    TRANSLATIONS,
    TYPES,
    WRITE_OPS,
    PathPattern,
)
from planner.risk.rules import RiskRule

__all__ = ["DEFAULT_RULES"]

DEFAULT_RULES: tuple[RiskRule, ...] = (
    RiskRule(
        "test",
        "ZERO",
        "test",
        "test",
        "Test code is not deployed to serve traffic; it cannot break production.",
        path=TESTS,
        role="final",
    ),
    RiskRule(
        "docs",
        "ZERO",
        "docs",
        "docs",
        "Documentation does not run.",
        path=DOCS,
        role="final",
    ),
    RiskRule(
        "translations",
        "LOW",
        "translation",
        "translations",
        "Translation files (locales, .po, .xlf) change words on screens, not behaviour; a broken "
        "file shows as missing text.",
        path=TRANSLATIONS,
        role="final",
    ),
    RiskRule(
        "fixtures",
        "LOW",
        "fixture",
        "fixtures",
        "Fixtures and mocks feed tests and seeds, not the serving path.",
        path=FIXTURES,
        role="final",
    ),
    RiskRule(
        "flagged_off",
        "ZERO",
        "flagged_off",
        "behind the feature flag",
        "Code that only runs when the change's feature flag is on is dormant while the flag "
        "stays OFF at deploy; the level it takes once the flag is on counts for the overall risk.",
        role="final",
        needs="flag",
    ),
    RiskRule(
        "types",
        "LOW",
        "types",
        "type declarations",
        "Type definitions (types/, types.ts) mostly vanish at run time; when the changed lines "
        "show code with a higher-level fact (an authorization check), the facts decide.",
        path=TYPES,
        role="final",
        evidence="path",
        yields_to_content=True,
    ),
    RiskRule(
        "declarations",
        "LOW",
        "types",
        "type declarations",
        "Type declarations (.d.ts, .pyi, py.typed) are erased at run time.",
        path=DECLARATIONS,
        role="final",
        evidence="path",
    ),
    RiskRule(
        "unintegrated_new_file",
        "LOW",
        "new_file",
        "new file, not integrated",
        "A new file nothing calls yet cannot change behaviour until a later change wires it in.",
        role="final",
        needs="unintegrated",
    ),
    RiskRule(
        "migration_edited",
        "HIGH",
        "migration_destructive",
        "edited applied migration",
        "Flyway validates the checksum of every applied migration: an edited one stops the "
        "application at start-up, and reverting the edit does not change a database that ran "
        "it. Forward fix: revert the edit and add a new migration (or `flyway repair`).",
        role="final",
        needs="edited_migration",
    ),
    RiskRule(
        "migration_unreadable",
        "HIGH",
        "migration_destructive",
        "migration not understood",
        "A migration whose content cannot be read or parsed cannot be checked for drops or "
        "rewrites: review it by hand.",
        role="final",
        needs="unreadable_migration",
    ),
    RiskRule(
        "migration_destructive",
        "HIGH",
        "migration_destructive",
        "destructive migration",
        "Dropping, deleting, truncating or rewriting data cannot be undone by a code revert: "
        "it waits until no old code is live, after a backup of the tables it touches.",
        content=DESTRUCTIVE,
        role="final",
        needs="migration",
    ),
    RiskRule(
        "migration",
        "MEDIUM",
        "migration",
        "additive migration",
        "A schema migration with no destructive statement: old code keeps working, but it "
        "changes the database every instance shares.",
        role="final",
        needs="migration",
    ),
    RiskRule(
        "auth",
        "HIGH",
        "auth",
        "auth",
        "Authentication, sessions, tokens, passwords and permissions: a bug locks users out "
        "or lets the wrong ones in.",
        path=AUTH,
    ),
    RiskRule(
        "auth_word",
        "HIGH",
        "auth",
        "auth",
        "Ambiguous words (" + ", ".join(sorted(AUTH_WORDS)) + ") alone in a path: auth only "
        "when the changed lines show authentication code, or when the text is not known.",
        path=PathPattern(
            words=AUTH_WORDS, qualified=AUTH_WORDS, veto=AUTH.veto, not_after=AUTH.not_after
        ),
        weak=True,
    ),
    RiskRule(
        "payments",
        "HIGH",
        "payments",
        "payments",
        "Payments and billing: a bug loses or double-charges money.",
        path=PAYMENTS,
    ),
    RiskRule(
        "data_write",
        "HIGH",
        "data_write",
        "data write",
        "Data-layer code (models, repositories, DAOs) that writes: a bug corrupts stored data, "
        "which a rollback does not repair.",
        path=DATA_LAYER,
        content=WRITE_OPS,
        assume_content=True,
    ),
    RiskRule(
        "dependency",
        "MEDIUM",
        "dependency",
        "dependency manifest",
        "Dependency changes swap code under every module at once.",
        path=DEPENDENCIES,
        evidence="file name",
    ),
    RiskRule(
        "lockfile",
        "MEDIUM",
        "lockfile",
        "lock file",
        "Lock files pin the exact dependency versions that ship.",
        path=LOCKFILES,
        evidence="file name",
    ),
    RiskRule(
        "ci",
        "MEDIUM",
        "ci",
        "CI/build",
        "CI and build files change how the artefact is built and shipped.",
        path=CI,
        evidence="path",
    ),
    RiskRule(
        "infrastructure",
        "MEDIUM",
        "infrastructure",
        "infrastructure",
        "Containers, Kubernetes, Helm, Terraform and process files change where and how the "
        "service runs.",
        path=INFRA,
        evidence="path",
    ),
    RiskRule(
        "api_route",
        "MEDIUM",
        "api_route",
        "API route",
        "Routes and API definitions change what clients can call.",
        path=ROUTES,
    ),
    RiskRule(
        "middleware",
        "MEDIUM",
        "middleware",
        "middleware",
        "Middleware runs on every request it is mounted on.",
        path=MIDDLEWARE,
    ),
    RiskRule(
        "controller",
        "MEDIUM",
        "controller",
        "controller/handler",
        "Controllers and handlers serve requests directly.",
        path=CONTROLLERS,
    ),
    RiskRule(
        "config",
        "MEDIUM",
        "config",
        "configuration",
        "Configuration changes behaviour without a code change; Level 2 reverts it.",
        path=CONFIG,
        evidence="path",
    ),
    RiskRule(
        "new_file",
        "LOW",
        "new_file",
        "new file",
        "A new file that no other rule matched adds code without changing existing code.",
        role="fallback",
        needs="added",
    ),
    RiskRule(
        "rename",
        "LOW",
        "source",
        "pure rename",
        "A file moved without a line changed (imports of the old path are in other files).",
        role="fallback",
        needs="pure_rename",
    ),
    RiskRule(
        "source",
        "MEDIUM",
        "source",
        "existing code changed",
        "Modified, renamed or deleted code that no other rule matched changes existing behaviour.",
        role="fallback",
        needs="changed_code",
    ),
    RiskRule(
        "other",
        "LOW",
        "source",
        "other file",
        "Any other changed file (assets, data): low risk unless a rule above says otherwise.",
        role="fallback",
    ),
)
