"""The database migration tool a repository uses, and how to undo this change's migrations.

Recognised tools: alembic, Django, knex, sequelize, prisma, flyway, rails, goose, dbmate and
golang-migrate, from the files at ``head``. The rollback target is read from the migration files
where the tool allows it (see :mod:`planner.migrations.undo`). Tables touched by destructive
migrations are read from their content, for the backup-before-deploy step.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from planner.change.model import ChangedFile, ChangeSet
from planner.migrations.folder import in_folder, steps_in_folder, tool_folder
from planner.migrations.inverse import apply_command
from planner.migrations.runners import SQL_TOOLS, detect_sql_tool, sql_tool_upgrade
from planner.migrations.undo import FLYWAY, UPGRADE, alembic_command, undo_steps
from planner.model import Risk, Step
from planner.risk.migrations import is_down_migration
from planner.runtime.shell import join, q
from planner.runtime.toolchain import repo_paths

__all__ = ["DatabasePlan", "MigrationFile", "plan_database"]


@dataclass(frozen=True)
class MigrationFile:
    """One migration file of the change."""

    path: str
    change: str
    destructive: bool
    tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatabasePlan:
    """How to apply, back up and undo the change's migrations."""

    tool: str
    migrations: tuple[MigrationFile, ...]
    upgrade: str | None
    steps: tuple[Step, ...]
    target: str | None
    backup: Step | None
    restore: Step | None
    warnings: tuple[str, ...]

    @property
    def label(self) -> str:
        """The tool's name for people: ``plain SQL`` when no migration tool was recognised."""
        return "plain SQL" if self.tool == "sql" else self.tool

    @property
    def destructive(self) -> bool:
        """True when any migration drops or rewrites data."""
        return any(m.destructive for m in self.migrations)

    @property
    def tables(self) -> tuple[str, ...]:
        """Tables the destructive migrations touch, in first-seen order."""
        return tuple(dict.fromkeys(t for m in self.migrations for t in m.tables))

    def to_mapping(self) -> dict[str, object]:
        """The ``rollback.database`` JSON object."""
        return {
            "tool": self.tool,
            "migrations": [m.path for m in self.migrations],
            "destructive": self.destructive,
            "tables": list(self.tables),
            "target": self.target,
            "upgrade": self.upgrade,
            "backup": None if self.backup is None else _step(self.backup),
            "restore": None if self.restore is None else _step(self.restore),
            "steps": [_step(s) for s in self.steps],
            "warnings": list(self.warnings),
        }


def _step(step: Step) -> dict[str, str | None]:
    return {"action": step.action, "command": step.command}


_PATTERNS: dict[str, re.Pattern[str]] = {
    "alembic": re.compile(r"(^|/)(alembic|migrations)/versions/[^/]+\.py$"),
    "django": re.compile(r"(^|/)migrations/\d{4}_\w+\.py$"),
    "rails": re.compile(r"(^|/)db/migrate/\d+_\w+\.rb$"),
    "prisma": re.compile(r"(^|/)prisma/migrations/[^/]+/migration\.sql$"),
    "flyway": FLYWAY,
    "js": re.compile(r"(^|/)migrations/[^/]+\.(?:js|ts|cjs|mjs)$"),
    "sql": re.compile(r"(^|/)(migrations?|db)/[^/]*\.sql$"),
}
_KNEXFILE = re.compile(r"(^|/)knexfile\.(?:js|ts|cjs|mjs)$")
_MIGRATION_CATEGORIES = frozenset({"migration", "migration_destructive"})


def plan_database(
    changes: ChangeSet, risk: Risk, base_ref: str, feature: str, engine: str
) -> DatabasePlan | None:
    """The database rollback for ``changes``, or ``None`` when no migration changed.

    Args:
        changes: the change set (contents are used for targets and tables).
        risk: its classification (``migration``/``migration_destructive`` categories).
        base_ref: the ref before the change (a SHA, or a marked placeholder).
        feature: feature name, used for the backup file name.
        engine: ``postgresql`` or ``mysql`` (backup and restore commands).
    """
    paths = repo_paths(changes)
    categories = {f.path: set(f.categories) for f in risk.files}
    tool = _tool(changes, paths)
    pattern = _PATTERNS.get("js" if tool in ("knex", "sequelize") else tool, _PATTERNS["sql"])
    files = [
        f
        for f in changes.files
        if pattern.search(f.path) or categories.get(f.path, set()) & _MIGRATION_CATEGORIES
    ]
    if not files:
        return None
    migrations = tuple(_migration(f, categories.get(f.path, set()), tool) for f in files)
    added = sorted(
        (f for f in files if f.change == "added"), key=lambda f: posixpath.basename(f.path)
    )
    target, steps = undo_steps(tool, added, paths, base_ref, engine)
    folder = tool_folder(tool, added, paths)
    steps = steps_in_folder(folder, steps)
    warnings = [
        f"{m.path} was {m.change}: a database that already ran it is not changed by reverting it"
        for m in migrations
        if m.change in ("modified", "deleted", "renamed")
    ]
    backup = restore = None
    if any(m.destructive for m in migrations):
        tables = tuple(dict.fromkeys(t for m in migrations for t in m.tables))
        backup, restore = _backup(engine, tables, feature)
        warnings.append(
            "Destructive migration: a code revert (Level 3) cannot bring dropped or rewritten data "
            "back; take the backup before deploying and restore it if Level 3 runs (the restore "
            "returns the tables to their pre-deploy rows: reconcile writes made since)"
        )
    return DatabasePlan(
        tool,
        migrations,
        in_folder(folder, _upgrade(tool, added, engine, paths)),
        steps,
        target,
        backup,
        restore,
        tuple(warnings),
    )


def _upgrade(tool: str, added: list[ChangedFile], engine: str, paths: frozenset[str]) -> str | None:
    if tool == "alembic":
        return alembic_command(paths, "upgrade", "head")
    if tool in UPGRADE:
        return UPGRADE[tool]
    if tool in SQL_TOOLS:
        return sql_tool_upgrade(tool, added, engine)
    # a rollback-only file (*.down.sql) is never applied on deploy
    sql = [
        f
        for f in added
        if f.path.lower().endswith(".sql") and not is_down_migration(f.path.lower())
    ]
    if not sql:  # no tool recognised and nothing psql/mysql can run as it is
        return None
    return " && ".join(apply_command(engine, f.path) for f in sql)


def _tool(changes: ChangeSet, paths: frozenset[str]) -> str:
    names = {posixpath.basename(p) for p in paths}
    if "alembic.ini" in names or any(
        _PATTERNS["alembic"].search(p) for p in paths if "/versions/" in p
    ):
        return "alembic"
    if "manage.py" in names and any(_PATTERNS["django"].search(p) for p in paths):
        return "django"
    if any(_PATTERNS["rails"].search(p) for p in paths):
        return "rails"
    if "schema.prisma" in names or any(_PATTERNS["prisma"].search(p) for p in paths):
        return "prisma"
    if names & {"flyway.conf", "flyway.toml"} or any(FLYWAY.search(p) for p in paths):
        return "flyway"
    if ".sequelizerc" in names or any(
        f.content and "queryInterface" in f.content for f in changes.files
    ):
        return "sequelize"
    if any(_KNEXFILE.search(p) for p in paths) or any(
        f.content and "knex" in f.content and _PATTERNS["js"].search(f.path) for f in changes.files
    ):
        return "knex"
    return detect_sql_tool(changes.files) or "sql"


def _backup(engine: str, tables: tuple[str, ...], feature: str) -> tuple[Step, Step]:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", feature).strip("-") or "change"
    what = ", ".join(tables) or "the database"
    if engine == "mysql":
        dump = f"backup-before-{slug}.sql"
        words = ["mysqldump", "--single-transaction", "--routines"]
        backup = join(*words) + ' "$DB_NAME"' + "".join(f" {q(t)}" for t in tables)
        return (
            Step(f"Back up {what} before deploying", f"{backup} > {q(dump)}"),
            Step(
                "Restore the backup (Level 3 with a destructive migration)",
                f'mysql "$DB_NAME" < {q(dump)}',
            ),
        )
    dump = f"backup-before-{slug}.dump"
    words = ["pg_dump", "--format=custom", f"--file={dump}", *(f"--table={t}" for t in tables)]
    restore = join("pg_restore", "--clean", "--if-exists", "--single-transaction")
    return (
        Step(f"Back up {what} before deploying", join(*words) + ' "$DATABASE_URL"'),
        Step(
            "Restore the backup (Level 3 with a destructive migration)",
            f'{restore} --dbname="$DATABASE_URL" {q(dump)}',
        ),
    )


_TABLE_RULES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.I | re.S)
    for p in (
        r"\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?([\w.\"`\[\]]+)",
        r"\bALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?([\w.\"`\[\]]+)[^;]*?\b(?:DROP|RENAME)\b",
        r"\bDELETE\s+FROM\s+([\w.\"`\[\]]+)",
        r"\bTRUNCATE\s+(?:TABLE\s+)?([\w.\"`\[\]]+)",
        r"\bUPDATE\s+([\w.\"`\[\]]+)\s+SET\b",
        r"\bop\.(?:drop_column|drop_table|alter_column|drop_constraint)\(\s*['\"](\w+)['\"]",
        r"\b(?:dropTable|dropTableIfExists|removeColumn|bulkDelete|bulkUpdate|changeColumn)"
        r"\(\s*['\"](\w+)['\"]",
        r"\balterTable\(\s*['\"](\w+)['\"][^;]*?\bdrop",
        r"\b(?:drop_table|remove_column|change_column|remove_reference)\s*\(?\s*:(\w+)",
    )
)
_DJANGO_MODEL = re.compile(
    r"\b(?:RemoveField|AlterField|DeleteModel)\(\s*(?:model_)?name=['\"](\w+)['\"]"
)


def _migration(f: ChangedFile, categories: set[str], tool: str) -> MigrationFile:
    destructive = "migration_destructive" in categories
    tables: list[str] = []
    if destructive and f.content:
        tables = list(_tables(f.content))
        if tool == "django":
            app = posixpath.basename(posixpath.dirname(posixpath.dirname(f.path)))
            tables += [f"{app}_{m.lower()}" for m in _DJANGO_MODEL.findall(f.content)]
    return MigrationFile(f.path, f.change, destructive, tuple(dict.fromkeys(tables)))


def _tables(text: str) -> Iterable[str]:
    for rule in _TABLE_RULES:
        for match in rule.finditer(text):
            name = match.group(1).strip('"`[]')
            if name and name.upper() not in {"IF", "ONLY", "TABLE", "SET"}:
                yield name
