"""goose, dbmate, golang-migrate and Diesel: SQL migrations that carry their own rollback.

goose (``-- +goose Up`` / ``-- +goose Down``) and dbmate (``-- migrate:up`` / ``-- migrate:down``)
keep both directions in one file, golang-migrate pairs ``N_name.up.sql`` with ``N_name.down.sql``,
Diesel keeps ``up.sql`` and ``down.sql`` in a ``<version>_<name>/`` folder under its migrations
directory (``diesel migration run`` applies what is pending, ``diesel migration revert`` runs the
latest applied migration's ``down.sql``; neither can stop at a version). psql must never run
these files as they are (it would run the down part too, or a down file as a forward one), and
the plan must never invert them: each tool applies and undoes them itself.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from planner.change.model import ChangedFile
from planner.migrations.tools.folder import newest_before
from planner.model import Step
from planner.quoting.shell import join
from planner.risk.migrations import DIESEL, is_down_migration

__all__ = [
    "SQL_TOOLS",
    "detect_sql_tool",
    "sql_tool_undo",
    "sql_tool_upgrade",
    "sql_tool_upgrade_to",
    "url",
]

SQL_TOOLS = ("goose", "dbmate", "golang-migrate", "diesel")

_GOOSE = re.compile(r"^[ \t]*--[ \t]*\+goose[ \t]+Up\b", re.MULTILINE | re.IGNORECASE)
_DBMATE = re.compile(r"^[ \t]*--[ \t]*migrate:up\b", re.MULTILINE)
_GOLANG_MIGRATE = re.compile(r"(?:^|/)\d+_[^/]*\.(?:up|down)\.sql$")
_VERSION = re.compile(r"^(\d+)")


def detect_sql_tool(files: Iterable[ChangedFile]) -> str | None:
    """``goose``, ``dbmate``, ``golang-migrate`` or ``diesel`` from the change's SQL files, else
    ``None``."""
    for f in files:
        if not f.path.lower().endswith(".sql"):
            continue
        if _GOLANG_MIGRATE.search(f.path):
            return "golang-migrate"
        if DIESEL.search(f.path):
            return "diesel"
        if f.content and _GOOSE.search(f.content):
            return "goose"
        if f.content and _DBMATE.search(f.content):
            return "dbmate"
    return None


def sql_tool_upgrade(tool: str, added: list[ChangedFile], engine: str) -> str:
    """The command that applies the added migrations with ``tool``."""
    folder = _folder(added)
    if tool == "goose":
        return join("goose", "-dir", folder, _goose_driver(engine)) + f" {url(engine)} up"
    if tool == "dbmate":
        return join("dbmate", "--migrations-dir", folder, "migrate")
    if tool == "diesel":
        return _diesel(folder, "run")
    return join("migrate", "-path", folder, "-database") + f" {url(engine)} up"


def sql_tool_upgrade_to(tool: str, added: list[ChangedFile], engine: str) -> str | None:
    """The command that applies migrations up to the last of ``added`` only (``None``: the tool
    cannot stop at a version, as dbmate)."""
    version = _VERSION.match(posixpath.basename(added[-1].path))
    if version is None:
        return None
    folder = _folder(added)
    if tool == "goose":
        command = join("goose", "-dir", folder, _goose_driver(engine))
        return f"{command} {url(engine)} up-to {int(version.group(1))}"
    if tool == "golang-migrate":
        command = join("migrate", "-path", folder, "-database")
        return f"{command} {url(engine)} goto {int(version.group(1))}"
    return None


def url(engine: str) -> str:
    """The environment variable holding the connection URL of ``engine``'s database, quoted."""
    return '"$CLICKHOUSE_URL"' if engine == "clickhouse" else '"$DATABASE_URL"'


def sql_tool_undo(
    tool: str, added: list[ChangedFile], paths: frozenset[str], engine: str
) -> tuple[str | None, tuple[Step, ...]]:
    """The version before the earliest added migration (if known) and the undo steps."""
    ups = [f for f in added if not is_down_migration(f.path.lower())]
    folder = _folder(added)
    if tool == "diesel":
        return _diesel_previous(ups, paths, folder), tuple(
            Step(
                f"Undo {posixpath.basename(posixpath.dirname(f.path))} (its down.sql; diesel "
                "reverts the latest applied migration)",
                _diesel(folder, "revert"),
            )
            for f in reversed(ups)
        )
    target = _previous(ups, paths, folder)
    if tool == "golang-migrate":
        names = ", ".join(posixpath.basename(f.path) for f in reversed(ups))
        command = join("migrate", "-path", folder, "-database")
        return target, (
            Step(
                f"Undo the {len(ups)} added migration(s) with their .down.sql ({names})",
                f"{command} {url(engine)} down {len(ups)}",
            ),
        )
    if tool == "goose":
        command = join("goose", "-dir", folder, _goose_driver(engine)) + f" {url(engine)} down"
        what = "its -- +goose Down section; goose undoes the latest migration"
    else:
        command = join("dbmate", "--migrations-dir", folder, "rollback")
        what = "its -- migrate:down section; dbmate undoes the latest migration"
    steps = tuple(
        Step(f"Undo {posixpath.basename(f.path)} ({what})", command) for f in reversed(ups)
    )
    return target, steps


def _folder(added: list[ChangedFile]) -> str:
    """The migrations folder: the files' own, or the one above Diesel's version folders."""
    folder = posixpath.dirname(added[0].path)
    if DIESEL.search(added[0].path):
        folder = posixpath.dirname(folder)
    return folder or "."


def _diesel(folder: str, verb: str) -> str:
    # Diesel reads any backend's URL from one variable, DATABASE_URL
    return join("diesel", "migration", verb, "--migration-dir", folder) + (
        ' --database-url "$DATABASE_URL"'
    )


def _diesel_previous(ups: list[ChangedFile], paths: frozenset[str], folder: str) -> str | None:
    """The version of the newest Diesel folder older than every added one (``None``: none)."""
    prefix = "" if folder == "." else folder + "/"

    def version_folder(p: str) -> str | None:
        return (
            posixpath.basename(posixpath.dirname(p))
            if p.startswith(prefix) and DIESEL.search(p)
            else None
        )

    added = [posixpath.basename(posixpath.dirname(f.path)) for f in ups]
    before = newest_before(paths, min(added, default=""), version_folder)
    return None if before is None else before.split("_", 1)[0]


def _goose_driver(engine: str) -> str:
    drivers = {"mysql": "mysql", "sqlite": "sqlite3", "clickhouse": "clickhouse"}
    return drivers.get(engine, "postgres")


def _previous(ups: list[ChangedFile], paths: frozenset[str], folder: str) -> str | None:
    versions = [m.group(1) for f in ups if (m := _VERSION.match(posixpath.basename(f.path)))]
    if not versions:
        return None
    first = min(int(v) for v in versions)
    older = [
        m.group(1)
        for p in paths
        if posixpath.dirname(p) == folder
        and p.lower().endswith(".sql")
        and (m := _VERSION.match(posixpath.basename(p)))
        and int(m.group(1)) < first
    ]
    return max(older, key=int) if older else None
