"""The database migrations of a change: tools, when each runs, its undo, backup and recovery.

Migrations are found by content wherever they live (:mod:`planner.migrations.discover`), then
grouped by tool, folder and engine: a langfuse change may carry Prisma (PostgreSQL) and
golang-migrate (ClickHouse) migrations at once. Per group (:mod:`planner.migrations.group`):
the Stage 1 upgrade (expand migrations only), the routine undo of what Stage 1 ran (it keeps
every row written since), the held-back contract and rewrite migrations with the backup of the
tables they touch, and, when an undo cannot bring data back, a separate recovery procedure
(:mod:`planner.migrations.backup`) that is never part of Level 3.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, replace

from planner.change.model import ChangedFile, ChangeSet
from planner.migrations.backup import Loss
from planner.migrations.discover import engine_of, recognise_migration
from planner.migrations.group import Group, GroupPlan, plan_group
from planner.migrations.shape.classify import SchemaStep, Shape, read_shape
from planner.migrations.tools.config import read_config
from planner.migrations.tools.engine import resolve_engine
from planner.migrations.tools.runners import detect_sql_tool
from planner.migrations.tools.undo import FLYWAY
from planner.model import (
    DatabaseMigration,
    DatabaseRecovery,
    DatabaseRollback,
    DeferredMigrations,
    Risk,
    Step,
)
from planner.runtime.toolchain import repo_paths

__all__ = ["DatabasePlan", "MigrationFile", "plan_database", "removed_names"]


@dataclass(frozen=True)
class MigrationFile:
    """One migration file of the change: its tool, engine and what its forward part does."""

    path: str
    change: str
    destructive: bool
    tables: tuple[str, ...] = ()
    tool: str = ""
    engine: str = ""
    kind: str = "expand"
    steps: tuple[str, ...] = ()
    problem: str = ""

    def to_record(self) -> DatabaseMigration:
        """The file as the plan shows it (one entry of ``rollback.database.files``)."""
        return DatabaseMigration(
            self.path, self.tool, self.engine, self.kind, self.steps, self.problem
        )


@dataclass(frozen=True)
class DatabasePlan:
    """How to apply, back up and undo the change's migrations.

    ``upgrade`` runs in Stage 1 (expand migrations only); ``steps`` are the routine undo of
    what it ran (Level 3); ``deferred`` the held-back contract and rewrite migrations;
    ``recovery`` the disaster-recovery procedure, only when an undo cannot bring data back.
    """

    tool: str
    migrations: tuple[MigrationFile, ...]
    upgrade: str | None
    steps: tuple[Step, ...]
    target: str | None
    backup: Step | None
    restore: Step | None
    warnings: tuple[str, ...]
    deferred: tuple[DeferredMigrations, ...] = ()
    recovery: DatabaseRecovery | None = None
    backup_steps: tuple[Step, ...] = ()
    not_understood: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()  # also in ``warnings``; the checklist leads with them

    @property
    def destructive(self) -> bool:
        """True when any migration drops or rewrites data."""
        return any(m.destructive for m in self.migrations)

    @property
    def tables(self) -> tuple[str, ...]:
        """Tables the backup covers (those a step drops or rewrites), in first-seen order."""
        return tuple(dict.fromkeys(t for m in self.migrations for t in m.tables))

    def to_record(self) -> DatabaseRollback:
        """The plan's ``rollback.database`` record."""
        return DatabaseRollback(
            tool=self.tool,
            migrations=tuple(m.path for m in self.migrations),
            destructive=self.destructive,
            tables=self.tables,
            target=self.target,
            upgrade=self.upgrade,
            backup=self.backup,
            restore=self.restore,
            steps=self.steps,
            warnings=self.warnings,
            files=tuple(m.to_record() for m in self.migrations),
            backup_steps=self.backup_steps,
            deferred=self.deferred,
            recovery=self.recovery,
            not_understood=self.not_understood,
        )


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
    changes: ChangeSet, risk: Risk, base_ref: str, feature: str, engine: str | None = None
) -> DatabasePlan | None:
    """The database rollback for ``changes``, or ``None`` when no migration changed.

    Args:
        changes: the change set (contents are used for tools, shapes, targets and tables).
        risk: its classification (``migration``/``migration_destructive`` categories).
        base_ref: the ref before the change (a SHA, or a marked placeholder).
        feature: feature name, used for the backup names.
        engine: the profile's engine (``None``: not declared), for migrations whose folder or
            name names none; undeclared, the repository's configuration names it
            (:func:`planner.migrations.tools.engine.resolve_engine`).
    """
    paths = repo_paths(changes)
    categories = {f.path: set(f.categories) for f in risk.files}
    fallback = _tool(changes, paths)
    pattern = _PATTERNS.get("js" if fallback in ("knex", "sequelize") else fallback)
    pattern = pattern or _PATTERNS["sql"]
    found: list[tuple[ChangedFile, str]] = []
    for f in changes.files:
        tool = recognise_migration(f.path, f.content if f.content is not None else f.base_content)
        if tool in (None, "sql") and (
            pattern.search(f.path) or categories.get(f.path, set()) & _MIGRATION_CATEGORIES
        ):
            tool = fallback
        if tool is not None:
            found.append((f, tool))
    if not found:
        return None
    config = read_config(changes)
    engine, engine_note = resolve_engine(engine, config.engines)
    groups: dict[tuple[str, str, str], list[tuple[ChangedFile, Shape | None]]] = {}
    for f, tool in found:
        shape = None if f.change == "deleted" else read_shape(f.path, f.content, tool)
        key = (tool, _group_folder(f.path, tool), engine_of(f.path) or engine)
        groups.setdefault(key, []).append((f, shape))
    if all(engine_of(f.path) for f, _ in found):
        engine_note = ()  # every migration names its engine: the default decides nothing
    # one deployment runs one engine per tool: openfga ships the same goose change for
    # postgres, mysql and sqlite folders; plan the profile's and name the others
    served = {k[0] for k in groups if k[2] == engine}
    other = sorted(k for k in groups if k[0] in served and k[2] != engine)
    for key in other:
        del groups[key]
    skipped = [
        f"{folder or '.'} ({tool}, {eng}): not this deployment's engine ({engine}); plan it "
        f"with a profile for {eng}"
        for tool, folder, eng in other
    ]
    migration_paths = {f.path for f, _ in found}
    evidence = _evidence(changes, migration_paths)
    searched = changes.base_uses is not None
    plans = [
        (
            key,
            plan_group(
                Group(key[0], key[2], tuple(f for f, _ in g), tuple(s for _, s in g)),
                paths,
                base_ref,
                feature,
                evidence,
                config,
                searched,
            ),
        )
        for key, g in groups.items()
    ]
    migrations = tuple(
        _migration(f, shape, key[0], key[2], plan.loss)
        for key, plan in plans
        for f, shape in groups[key]
    )
    merged = _merge(plans, migrations, engine)
    blockers = _renames_both_versions_need(plans, groups, changes, evidence, migration_paths)
    notes = [*blockers, *engine_note, *skipped]
    if config.evidence:
        notes.append("Tool configuration read: " + "; ".join(config.evidence))
    if not notes:
        return merged
    return replace(merged, warnings=(*merged.warnings, *notes), blockers=tuple(blockers))


def _renames_both_versions_need(
    plans: list[tuple[tuple[str, str, str], GroupPlan]],
    groups: dict[tuple[str, str, str], list[tuple[ChangedFile, Shape | None]]],
    changes: ChangeSet,
    evidence: dict[str, tuple[str, ...]],
    migration_paths: set[str],
) -> list[str]:
    """Held-back renames whose new name the new code starts to use: held back, the new code
    fails from Canary on. When the old code uses the old name, running it first fails the old
    code; when no base code names it, running it first may be safe, unless the framework caches
    the table's columns at start (Rails writes every cached column, so an INSERT of the old
    code fails): the plan cannot decide that, so it says both and keeps the migration held back.

    "Starts to use" is counted, not guessed: the new name occurs more often in a changed
    (non-migration) file at head than at base.
    """
    held_renames: list[tuple[ChangedFile, list[tuple[SchemaStep, str, str]]]] = []
    for key, plan in plans:
        held = set(plan.deferred.files) if plan.deferred is not None else set()
        for f, shape in groups[key]:
            if f.path not in held or shape is None:
                continue
            steps = [
                (s, old, new)
                for s in shape.steps
                for old in s.removes[:1]
                for new in s.introduces[:1]
            ]
            if steps:
                held_renames.append((f, steps))
    wanted = {new for _, steps in held_renames for _, _, new in steps}
    if not wanted:  # no held-back rename: the changed files need not be read
        return []
    introduced: dict[str, list[str]] = {}
    for f in changes.files:
        if f.path in migration_paths or f.content is None or _SCHEMA_DUMP.search(f.path):
            continue
        head = Counter(w for w in _WORD.findall(f.content) if w in wanted)
        before = Counter(w for w in _WORD.findall(f.base_content or "") if w in wanted)
        for word, n in head.items():
            if n > before[word]:
                introduced.setdefault(word, []).append(f.path)
    out: list[str] = []
    for f, steps in held_renames:
        renames = [(s, old, new) for s, old, new in steps if introduced.get(new)]
        if not renames:
            continue
        both = [r for r in renames if evidence.get(r[1])]
        _, old, new = (both or renames)[0]
        what = "; ".join(x.what for x, _, _ in (both or renames))
        needs = (
            f"the new code uses `{new}` ({_some(introduced[new])}). Held back, the new code "
            "fails from Canary on"
        )
        if both:
            out.append(
                f"Blocker: {f.path} renames what both versions need ({what}): the old code "
                f"uses `{old}` ({_some(evidence[old])}) and {needs}; run first, the old code "
                "fails: no order keeps both versions working. Split it: add "
                f"`{new}` beside `{old}` and keep both written (or a view), ship the code, "
                f"then remove `{old}` in a later release; or plan the switch as downtime."
            )
        else:
            out.append(
                f"Blocker: {f.path} renames what the new code needs ({what}): {needs}. No "
                f"base code names `{old}`, so running it in Stage 1, before the code, may be "
                "safe, unless the framework caches the table's columns when it starts (Rails "
                f"does: its INSERTs would still write `{old}`; ship `self.ignored_columns` "
                "for it first). Decide, then run it in Stage 1 by hand or split it."
            )
    return out


def _some(paths: tuple[str, ...] | list[str]) -> str:
    return ", ".join(paths[:2]) + (f" and {len(paths) - 2} more" if len(paths) > 2 else "")


def _merge(
    plans: list[tuple[tuple[str, str, str], GroupPlan]],
    migrations: tuple[MigrationFile, ...],
    engine: str,
) -> DatabasePlan:
    tools = list(dict.fromkeys(k[0] + ("" if k[2] == engine else f" ({k[2]})") for k, _ in plans))
    upgrades = [p.upgrade for _, p in plans if p.upgrade]
    targets = [p.target for _, p in plans if p.target]
    backups = tuple(s for _, p in plans for s in p.backup)
    recoveries = [p.recovery for _, p in plans if p.recovery is not None]
    warnings = [
        f"{m.path} was {m.change}: a database that already ran it is not changed by reverting it"
        for m in migrations
        if m.change in ("modified", "deleted", "renamed")
    ]
    warnings += [_FLYWAY_EDIT.format(path=m.path) for m in migrations if _edited_flyway(m)]
    not_understood = tuple(
        f"{m.path}: not understood, review by hand ({m.problem})" for m in migrations if m.problem
    )
    warnings += not_understood
    warnings += [w for _, p in plans for w in p.one_way]
    warnings += [
        (
            "Ship in a later release: "
            if d.later_release
            else "Held back until after Full 100 % and its bake: "
        )
        + ", ".join(posixpath.basename(f) for f in d.files)
        + " (contract or rewrite steps; see the held-back migrations)"
        for _, p in plans
        if (d := p.deferred) is not None
    ]
    recovery = None
    if recoveries:
        recovery = DatabaseRecovery(
            recoveries[0].when if len(recoveries) == 1 else " ".join(r.when for r in recoveries),
            " ".join(r.loses for r in recoveries),
            tuple(s for r in recoveries for s in r.steps),
        )
    return DatabasePlan(
        " + ".join(tools),
        migrations,
        " && ".join(upgrades) or None,
        tuple(s for _, p in plans for s in p.steps),
        "; ".join(targets) or None,
        backups[0] if backups else None,
        None,
        tuple(dict.fromkeys(warnings)),
        tuple(d for _, p in plans if (d := p.deferred) is not None),
        recovery,
        backups,
        not_understood,
    )


_FLYWAY_EDIT = (
    "{path} is an applied Flyway migration that was edited: Flyway refuses to start on the "
    "checksum mismatch (validate fails) and reverting the edit does not undo it. Forward fix: "
    "revert the edit and put the change in a new V<next>__ migration; only if the edit must "
    "stay (comments, formatting), run `flyway repair` on each database after review"
)


def _edited_flyway(m: MigrationFile) -> bool:
    name = posixpath.basename(m.path)
    return m.tool == "flyway" and m.change == "modified" and name[:1] in "Vv"


def _group_folder(path: str, tool: str) -> str:
    folder = posixpath.dirname(path)
    # Prisma and Diesel keep each migration in a folder of its own
    return posixpath.dirname(folder) if tool in ("prisma", "diesel") else folder


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A schema dump names every column but is not code the server runs (left out of the base search
# too: planner.change.git._NOT_CODE)
_SCHEMA_DUMP = re.compile(r"(?:^|/)db/schema\.rb$")


def _evidence(changes: ChangeSet, migration_paths: set[str]) -> dict[str, tuple[str, ...]]:
    """Names the base version still uses: name -> paths. From the base-wide search when the
    change came from git (``ChangeSet.base_uses``), else from the base version of the
    change's own non-migration files."""
    out: dict[str, list[str]] = {}
    for name, found in changes.base_uses or ():
        out.setdefault(name, []).extend(found)
    for f in changes.files:
        if f.path in migration_paths or not f.base_content or _SCHEMA_DUMP.search(f.path):
            continue
        for word in set(_WORD.findall(f.base_content)):
            if f.path not in out.setdefault(word, []):
                out[word].append(f.path)
    return {k: tuple(v) for k, v in out.items()}


def removed_names(changes: ChangeSet) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the change's migrations remove (columns, tables, models the old code may still
    use) and the folders that hold migrations (to leave out of a search of the base)."""
    names: list[str] = []
    folders: list[str] = []
    for f in changes.files:
        if f.change == "deleted" or f.content is None:
            continue
        tool = recognise_migration(f.path, f.content)
        if tool is None:
            continue
        folders.append(posixpath.dirname(f.path))
        names += [n for s in read_shape(f.path, f.content, tool).steps for n in s.removes]
    return tuple(dict.fromkeys(n for n in names if n)), tuple(dict.fromkeys(folders))


def _migration(
    f: ChangedFile, shape: Shape | None, tool: str, engine: str, loss: tuple[Loss, ...]
) -> MigrationFile:
    steps = () if shape is None else shape.steps
    touched = {s.table for s in steps if s.loses != "none"}
    tables = tuple(x.table for x in loss if x.table in touched)
    destructive = shape is not None and (shape.loses_data or shape.kind == "rewrite")
    return MigrationFile(
        f.path,
        f.change,
        destructive,
        tables,
        tool,
        engine,
        "expand" if shape is None else shape.kind,
        tuple(s.what for s in steps),
        "" if shape is None else shape.problem,
    )


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
