"""The folder a migration tool runs in: the sub-project of a monorepo that holds the migrations.

``bin/rails``, ``npx knex`` (knexfile), ``npx sequelize-cli`` (``.sequelizerc``), ``flyway``
(``flyway.conf``) and ``npx drizzle-kit`` (``drizzle.config.ts``) read their project from the
working folder. Their commands for a sub-project
run in a subshell, ``(cd services/api && ...)``, so the next pasted line is still in the
repository root.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable

from planner.change.model import ChangedFile
from planner.model import Step
from planner.quoting.shell import in_folder as shell_in_folder

__all__ = ["in_folder", "newest_before", "steps_in_folder", "tool_folder"]

_MARKERS = {
    "rails": ("Gemfile",),
    "knex": ("knexfile.js", "knexfile.ts", "knexfile.cjs", "knexfile.mjs"),
    "sequelize": (".sequelizerc",),
    "flyway": ("flyway.conf", "flyway.toml"),
    "drizzle": (
        "drizzle.config.ts",
        "drizzle.config.js",
        "drizzle.config.mjs",
        "drizzle.config.json",
    ),
}
_ANCHORS = {
    "rails": "db/migrate/",
    "knex": "migrations/",
    "sequelize": "migrations/",
    "drizzle": "drizzle/",
}


def tool_folder(tool: str, added: list[ChangedFile], paths: frozenset[str]) -> str:
    """The sub-project folder ``tool`` runs in for these migrations; ``""`` is the root."""
    markers = _MARKERS.get(tool)
    if not markers or not added:
        return ""
    migration = added[0].path
    owners = [
        d
        for d in {posixpath.dirname(p) for p in paths if posixpath.basename(p) in markers}
        if d == "" or migration.startswith(d + "/")
    ]
    if owners:
        return max(owners, key=len)
    anchor = _ANCHORS.get(tool)
    at = f"/{migration}".find(f"/{anchor}") if anchor else -1
    return migration[: at - 1] if at > 0 else ""


def in_folder(folder: str, command: str | None) -> str | None:
    """``command`` run in ``folder`` (a subshell), unchanged for the root or no command."""
    return command if command is None else shell_in_folder(folder, command)


def steps_in_folder(folder: str, steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """Every step's command run in ``folder``."""
    return tuple(Step(s.action, in_folder(folder, s.command)) for s in steps)


def newest_before(
    paths: Iterable[str], first: str, name: Callable[[str], str | None]
) -> str | None:
    """The greatest ``name(p)`` of ``paths`` that sorts before ``first``: the migration just
    before the earliest added one, the target of an undo. ``name`` gives ``None`` for a path
    that is not such a migration (another folder, another tool)."""
    return max((n for p in paths if (n := name(p)) is not None and n < first), default=None)
