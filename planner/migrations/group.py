"""One group of migrations (one tool, folder and engine): its upgrade, undo, held-back part.

Stage 1 runs the expand migrations only; the contract and rewrite ones are held back
(:mod:`planner.migrations.placement`) together with the scoped backup they need; the routine
undo covers what Stage 1 ran.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from planner.change.model import ChangedFile
from planner.migrations.backup import Loss, backup_step, losses, recovery
from planner.migrations.placement import upgrade_to
from planner.migrations.shape.classify import SchemaStep, Shape
from planner.migrations.tools.config import ToolConfig
from planner.migrations.tools.folder import in_folder, steps_in_folder, tool_folder
from planner.migrations.tools.inverse import apply_command
from planner.migrations.tools.named import (
    STARTUP_NOTE,
    doctrine_update,
    efcore_project,
    efcore_startup,
    efcore_update,
)
from planner.migrations.tools.runners import SQL_TOOLS, sql_tool_upgrade
from planner.migrations.tools.undo import UPGRADE, alembic_command, undo_steps
from planner.model import DatabaseRecovery, DeferredMigrations, Step
from planner.quoting.shell import q
from planner.risk.migrations import is_down_migration

__all__ = ["Group", "GroupPlan", "plan_group"]


@dataclass(frozen=True)
class Group:
    """Migration files of one tool, folder and engine, with the shape of each."""

    tool: str
    engine: str
    files: tuple[ChangedFile, ...]
    shapes: tuple[Shape | None, ...]  # None for a deleted file


@dataclass(frozen=True)
class GroupPlan:
    """What the plan does with one group."""

    upgrade: str | None
    steps: tuple[Step, ...]
    target: str | None
    deferred: DeferredMigrations | None
    backup: tuple[Step, ...]
    recovery: DatabaseRecovery | None
    loss: tuple[Loss, ...]
    one_way: tuple[str, ...]


def plan_group(
    group: Group,
    paths: frozenset[str],
    base_ref: str,
    feature: str,
    evidence: dict[str, tuple[str, ...]],
    config: ToolConfig | None = None,
    searched: bool = False,
) -> GroupPlan:
    """Plan ``group``; ``evidence`` maps a removed name to base files that still use it
    (``searched``: the whole base version was searched, not only the change's files)."""
    config = config or ToolConfig()
    plan = _plan(group, paths, base_ref, feature, evidence, config, searched)
    if group.tool == "sql" and "sql" in config.runs_at_startup:
        # the application applies its own SQL files as it starts (usememos/memos): psql run by
        # hand first would make its migrator fail on "already exists"
        plan = replace(plan, upgrade=None)
    folder = posixpath.dirname(group.files[0].path)
    return _configured(plan, group.tool, config, folder, paths)


def _plan(
    group: Group,
    paths: frozenset[str],
    base_ref: str,
    feature: str,
    evidence: dict[str, tuple[str, ...]],
    config: ToolConfig,
    searched: bool,
) -> GroupPlan:
    tool, engine = group.tool, group.engine
    major = config.prisma_major
    shape_of = {f.path: s for f, s in zip(group.files, group.shapes, strict=True)}
    added = sorted(
        (f for f in group.files if f.change == "added"), key=lambda f: posixpath.basename(f.path)
    )
    ups = [f for f in added if not is_down_migration(f.path.lower())]
    held = [f for f in ups if (s := shape_of[f.path]) is not None and s.kind != "expand"]
    folder = tool_folder(tool, added, paths)
    if not held:
        target, steps = undo_steps(tool, added, paths, base_ref, engine, major)
        return GroupPlan(
            in_folder(folder, _upgrade(tool, added, engine, paths)),
            steps_in_folder(folder, steps),
            target,
            None,
            (),
            None,
            (),
            (),
        )
    held_paths = {f.path for f in held}
    early = [f for f in added if f.path not in held_paths and _stem(f) not in _stems(held)]
    late = [f for f in added if f not in early]
    in_order = all(
        posixpath.basename(e.path) < posixpath.basename(h.path)
        for e in early
        if not is_down_migration(e.path.lower())
        for h in held
    )
    stop = upgrade_to(tool, early, paths, engine) if early else None
    at_startup = tool in config.runs_at_startup
    later_release = at_startup or not in_order or (bool(early) and stop is None)
    if early:
        target, steps = undo_steps(tool, early, paths, base_ref, engine, major)
        upgrade = stop if not later_release else _upgrade(tool, early, engine, paths)
    else:
        target, steps = None, (Step("No migration runs before Full 100 %: nothing to undo"),)
        upgrade = None
    held_steps = [st for f in held for st in _steps(shape_of[f.path])]
    loss, unknown = losses(held_steps)
    backup = backup_step(engine, loss, feature)
    # a tool skips what it already applied; plain SQL files are applied one by one
    apply = _upgrade(tool, late if tool == "sql" else added, engine, paths)
    commands = [*backup]
    if not later_release and apply:
        commands.append(Step("Apply the held-back migrations", in_folder(folder, apply)))
    _, held_undo = undo_steps(tool, late, paths, base_ref, engine, major)
    deferred = DeferredMigrations(
        tuple(f.path for f in held),
        "later_release" if later_release else "after_full",
        _reason(held, shape_of, evidence, later_release, in_order, searched)
        + (
            f" The application runs {tool} itself at start-up, so every migration present in "
            "a release runs as soon as it starts."
            if at_startup
            else ""
        ),
        tuple(commands),
        steps_in_folder(folder, held_undo),
    )
    one_way = tuple(
        f"One-way: {what}; no table-scoped backup is possible, so the forward fix replaces a "
        "rollback (take a full backup before running it)"
        for what in unknown
    )
    return GroupPlan(
        in_folder(folder, upgrade),
        steps_in_folder(folder, steps),
        target,
        deferred,
        backup,
        recovery(engine, loss, feature) if loss else None,
        loss,
        one_way,
    )


def _configured(
    plan: GroupPlan, tool: str, config: ToolConfig, folder: str, paths: frozenset[str]
) -> GroupPlan:
    """Every command with the project's tool configuration: goose's renamed version table,
    Flyway's locations when no flyway.conf/toml gives them, dotnet ef's startup project (the one
    ASP.NET project that references the migrations' project)."""
    flags = ""
    if tool == "goose" and config.goose_table:
        flags = f"-table {q(config.goose_table)} "
        word = "goose "
    elif tool == "flyway" and not any(
        posixpath.basename(p) in ("flyway.conf", "flyway.toml") for p in paths
    ):
        flags = f"{q('-locations=filesystem:' + folder)} "
        word = "flyway "
    elif tool == "efcore" and (project := efcore_project(folder, paths)) is not None:
        startup = efcore_startup(project, config.web_projects, paths)
        if startup is not None:
            word = f"--project {q(project)}"
            flags = f" --startup-project {q(startup)}"
    if not flags:
        return plan

    def fix(command: str | None) -> str | None:
        return None if command is None else command.replace(word, word + flags)

    def fix_all(steps: tuple[Step, ...]) -> tuple[Step, ...]:
        return tuple(Step(s.action.replace(STARTUP_NOTE, ""), fix(s.command)) for s in steps)

    deferred = plan.deferred
    if deferred is not None:
        deferred = replace(
            deferred, commands=fix_all(deferred.commands), undo=fix_all(deferred.undo)
        )
    return replace(plan, upgrade=fix(plan.upgrade), steps=fix_all(plan.steps), deferred=deferred)


def _steps(shape: Shape | None) -> tuple[SchemaStep, ...]:
    return () if shape is None else shape.steps


def _stem(f: ChangedFile) -> str:
    """``12_x`` for ``12_x.up.sql`` and ``12_x.down.sql``: the pair golang-migrate keeps; the
    version folder for Diesel's ``<version>_x/up.sql`` and ``down.sql``."""
    name = posixpath.basename(f.path)
    if name.lower() in ("up.sql", "down.sql") and "/" in f.path:
        return posixpath.basename(posixpath.dirname(f.path))
    for suffix in (".up.sql", ".down.sql"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _stems(files: list[ChangedFile]) -> set[str]:
    return {_stem(f) for f in files}


def _reason(
    held: list[ChangedFile],
    shape_of: dict[str, Shape | None],
    evidence: dict[str, tuple[str, ...]],
    later_release: bool,
    in_order: bool,
    searched: bool,
) -> str:
    what = "; ".join(
        f"{posixpath.basename(f.path)}: "
        + ", ".join(s.what for s in _steps(shape_of[f.path]) if s.kind != "expand")
        for f in held
    )
    names = [n for f in held for s in _steps(shape_of[f.path]) for n in s.removes]
    used = [
        f"`{n}` in {', '.join(evidence[n][:3])}" for n in dict.fromkeys(names) if evidence.get(n)
    ]
    if used:
        proof = "the base version's code still uses " + "; ".join(used)
    elif names:
        where = (
            "in the base version's code (searched with git grep)"
            if searched
            else "in the base version's files the change touches (the rest was not searched)"
        )
        proof = "no use of " + ", ".join(f"`{n}`" for n in dict.fromkeys(names)) + f" {where}"
    else:
        proof = "the old code reads or writes these rows while it is live"
    when = (
        "ship them in a later release, after this one is at 100 % and baked"
        + (
            ""
            if in_order
            else " (they come before an expand migration, so the tool cannot stop between them)"
        )
        if later_release
        else "they run after Full 100 % and its bake, when no old code is live"
    )
    return (
        f"Contract or rewrite steps ({what}) would break the old code while it serves traffic "
        f"({proof}): {when}."
    )


def _upgrade(tool: str, added: list[ChangedFile], engine: str, paths: frozenset[str]) -> str | None:
    if tool == "alembic":
        return alembic_command(paths, "upgrade", "head")
    if tool == "efcore":
        return efcore_update(added, paths) if added else None
    if tool == "doctrine":
        return doctrine_update(added, paths) if added else None
    if tool in UPGRADE:
        return UPGRADE[tool]
    if tool in SQL_TOOLS:
        return sql_tool_upgrade(tool, added, engine) if added else None
    # a rollback-only file (*.down.sql) is never applied on deploy
    sql = [
        f
        for f in added
        if f.path.lower().endswith(".sql") and not is_down_migration(f.path.lower())
    ]
    if not sql:  # no tool recognised and nothing psql/mysql can run as it is
        return None
    return " && ".join(apply_command(engine, f.path) for f in sql)
