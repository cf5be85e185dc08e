"""Which migration tool wrote a file, and for which database engine: read from its content.

Migrations live wherever a project keeps them (openfga embeds goose files under
``assets/migrations/<engine>/``; langfuse keeps golang-migrate ClickHouse folders beside its
Prisma schema), so recognition reads the file itself: goose's ``-- +goose Up``, dbmate's
``-- migrate:up``, a Django ``migrations.Migration`` class, an alembic ``down_revision``,
``ActiveRecord::Migration``, ``use Ecto.Migration``, a Laravel ``Migration`` class, a TypeORM
``MigrationInterface``, a Liquibase ``databaseChangeLog``, an EF Core ``Up(MigrationBuilder``;
the file name only where the tool itself goes by it (Flyway ``V1__x.sql``, golang-migrate
``1_x.up.sql``, ory popx ``1_x.postgres.up.sql``, Prisma ``<ts>_x/migration.sql``, Diesel
``<version>_x/up.sql`` beside its ``down.sql``, Drizzle ``drizzle/0001_x.sql``; Drizzle's
``--> statement-breakpoint`` wherever the folder is).

The engine comes from a folder or file-name segment (``postgres``, ``mysql``, ``sqlite``,
``clickhouse``, ``cockroach``), else the profile's ``database``, else the repository's own
configuration (:mod:`planner.migrations.tools.engine`).
"""

from __future__ import annotations

import posixpath
import re

from planner.risk.migrations import DIESEL

__all__ = ["ENGINES", "engine_of", "recognise_migration"]

ENGINES = {
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "pg": "postgresql",
    "pgsql": "postgresql",
    "psql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "clickhouse": "clickhouse",
    "ch": "clickhouse",
    "cockroach": "cockroachdb",
    "cockroachdb": "cockroachdb",
    "crdb": "cockroachdb",
}

_FLYWAY = re.compile(r"(?:^|/)[VUR]\d*(?:[._]\d+)*__[^/]+\.sql$")
_POPX = re.compile(
    r"(?:^|/)\d+_[^/]*(?:\.(?:postgres|mysql|sqlite3?|cockroach)(?:\.autocommit)?"
    r"|\.autocommit)\.(?:up|down)\.sql$"
)
_GOLANG_MIGRATE = re.compile(r"(?:^|/)\d+_[^/]*\.(?:up|down)\.sql$")
_PRISMA = re.compile(r"(?:^|/)(?:prisma/)?migrations/\d{8,}[^/]*/migration\.sql$")
_DRIZZLE = re.compile(r"(?:^|/)drizzle/\d{4}_[^/]+\.sql$")
_MIGRATION_FOLDER = re.compile(
    r"(?:^|/)(?:migrations?|migrate|db|schema|sql)(?:/[^/]+)*/[^/]+\.sql$", re.I
)

_CONTENT: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (ext, re.compile(p, re.M), tool)
    for ext, p, tool in (
        (".sql", r"^[ \t]*--[ \t]*\+goose[ \t]+Up\b", "goose"),
        (".sql", r"^[ \t]*--[ \t]*migrate:up\b", "dbmate"),
        (".sql", r"^-->[ \t]*statement-breakpoint\b", "drizzle"),
        (".sql", r"^[ \t]*--[ \t]*liquibase[ \t]+formatted[ \t]+sql\b", "liquibase"),
        (".go", r"\bgoose\.Add(?:Named)?Migration(?:Context)?\(", "goose"),
        (".py", r"^class\s+\w+\(\s*migrations\.Migration\s*\)", "django"),
        (".py", r"^down_revision\s*(?::[^=]+)?=", "alembic"),
        (".rb", r"<\s*ActiveRecord::Migration\b", "rails"),
        (".exs", r"\buse\s+Ecto\.Migration\b", "ecto"),
        (".ex", r"\buse\s+Ecto\.Migration\b", "ecto"),
        (".php", r"\bextends\s+Migration\b", "laravel"),
        (".php", r"\bextends\s+AbstractMigration\b", "doctrine"),
        (".ts", r"\bimplements\s+MigrationInterface\b", "typeorm"),
        (".js", r"\bimplements\s+MigrationInterface\b", "typeorm"),
        (".js", r"\bqueryInterface\b", "sequelize"),
        (".cjs", r"\bqueryInterface\b", "sequelize"),
        (".ts", r"\bqueryInterface\b", "sequelize"),
        (".js", r"^exports\.up\s*=|^export\s+(?:async\s+)?function\s+up\s*\(\s*knex\b", "knex"),
        (".ts", r"^export\s+(?:async\s+)?function\s+up\s*\(\s*knex\b", "knex"),
        (".cs", r"\bvoid\s+Up\s*\(\s*MigrationBuilder\b", "efcore"),
        (".xml", r"<databaseChangeLog\b", "liquibase"),
        (".yaml", r"^databaseChangeLog\s*:", "liquibase"),
        (".yml", r"^databaseChangeLog\s*:", "liquibase"),
        (".json", r"\"databaseChangeLog\"\s*:", "liquibase"),
    )
)


def recognise_migration(path: str, content: str | None) -> str | None:
    """The migration tool of the file at ``path``, or ``None`` when it is not a migration.

    ``sql`` is a plain SQL file in a migrations-like folder with no tool's marker.
    """
    low = path.lower()
    ext = posixpath.splitext(low)[1]
    if content is not None:
        for want, pattern, tool in _CONTENT:
            if ext == want and pattern.search(content):
                return tool
    if ext != ".sql":
        return None
    if _POPX.search(low):
        return "popx"
    if _GOLANG_MIGRATE.search(low):
        return "golang-migrate"
    if DIESEL.search(low):
        return "diesel"
    if _FLYWAY.search(path):
        return "flyway"
    if _PRISMA.search(low):
        return "prisma"
    if _DRIZZLE.search(low):
        return "drizzle"
    if _MIGRATION_FOLDER.search(low):
        return "sql"
    return None


def engine_of(path: str) -> str | None:
    """The engine named by a folder or file-name segment of ``path`` (``None`` when none is)."""
    parts = path.lower().split("/")
    for part in reversed(parts[:-1]):
        if part in ENGINES:
            return ENGINES[part]
    for word in re.split(r"[._-]", parts[-1]):
        if word in ENGINES and word not in ("pg", "ch"):
            return ENGINES[word]
    return None
