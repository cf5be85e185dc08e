"""Which database engine the repository runs, read from its own configuration at head.

A migration's folder or file name may name its engine (:func:`planner.migrations.discover.
engine_of`); otherwise the service profile's ``database`` does; otherwise this module reads
the repository, strongest evidence first:

1. the tool's own configuration: Prisma's ``datasource`` ``provider``, Drizzle's ``dialect``
   (``turso`` for a remote libSQL database, whose commands are marked placeholders), Rails'
   ``config/database.yml`` ``adapter``, Django's ``ENGINE`` (``django.db.backends.mysql``),
   EF Core's ``UseNpgsql``/``AddNpgsqlDbContext`` (dotnet/eShop), Ecto's adapter
   (``Ecto.Adapters.Postgres``, hexpm/hexpm), Spring's ``jdbc:postgresql:`` URL, the Go drivers
   a ``go.mod`` requires (``github.com/jackc/pgx``),
   ``DATABASE_URL`` or Laravel's ``DB_CONNECTION`` in a ``.env`` file (kimai/kimai:
   ``mysql://``);
2. a database image in a compose file (``image: postgres:16``), weaker: a compose file may run
   databases the application does not migrate.

Several engines at the same strength (usememos/memos supports three) name none: the plan then
says which it assumed and how to set it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

__all__ = ["detected_engines", "resolve_engine"]

_NAMES = {
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "postgis": "postgresql",
    "pg": "postgresql",  # drizzle-kit's driver before 0.21
    "pgsql": "postgresql",
    "npgsql": "postgresql",
    "psycopg2": "postgresql",
    "postgresql_psycopg2": "postgresql",
    "cockroachdb": "cockroachdb",
    "mysql": "mysql",
    "mysql2": "mysql",
    "trilogy": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "better-sqlite": "sqlite",
    "myxql": "mysql",  # Ecto.Adapters.MyXQL
    "pgx": "postgresql",  # Go drivers
    "pq": "postgresql",
    # remote libSQL (openstatusHQ/openstatus): SQLite's dialect, but no sqlite3 file to open
    "turso": "turso",
    "libsql": "turso",
}
_ENV_FILES = (".env", ".env.dist", ".env.example", ".env.sample", ".env.local.example")
_COMPOSE_FILES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
_PRISMA = re.compile(r"datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*\"(\w+)\"", re.S)
_RAILS = re.compile(r"^\s*adapter:\s*[\"']?(\w+)", re.M)
_ENV = re.compile(
    r"^\s*(?:export\s+)?(?:DATABASE_URL\s*=\s*[\"']?(\w+)(?:\+\w+)?:|DB_CONNECTION\s*=\s*[\"']?(\w+))",
    re.M,
)
_DJANGO = re.compile(r"\bdjango\.db\.backends\.(\w+)")
_ECTO = re.compile(r"\bEcto\.Adapters\.(\w+)")
_JDBC = re.compile(r"\bjdbc:(\w+):")
# go.mod: the database drivers the module requires (usememos/memos requires all three)
_GO_DRIVERS = re.compile(
    r"^(?![^\n]*// indirect)\s*(?:require\s+)?"
    r"(?:github\.com/(?:jackc/(pgx)|lib/(pq)|go-sql-driver/(mysql)|mattn/go-(sqlite3))"
    r"|modernc\.org/(sqlite))\b",
    re.M,
)
_SPRING = ("application.properties", "application.yml", "application.yaml")
_EF = re.compile(r"\b(?:Use|Add)(Npgsql|MySql|MySQL|Sqlite)\w*\s*[<(]")
# drizzle.config.*: dialect (drizzle-kit 0.21+) or driver (before)
_DRIZZLE = re.compile(r"\b(?:dialect|driver)\s*:\s*[\"']([\w-]+)[\"']")
_DRIZZLE_FILES = (
    "drizzle.config.ts",
    "drizzle.config.js",
    "drizzle.config.mjs",
    "drizzle.config.json",
)
_IMAGE = re.compile(r"^\s*image:\s*[\"']?(?:[\w.-]+/)*(postgres|postgis|mysql|mariadb)\b", re.M)
# planner.change.git reads these files at head (CONTEXT_NAMES, _CONTEXT_CODE)


# Where each source names its engine: by file name, else by suffix (code found by git grep)
_BY_NAME: dict[str, re.Pattern[str]] = {
    "schema.prisma": _PRISMA,
    "database.yml": _RAILS,
    "go.mod": _GO_DRIVERS,
    **dict.fromkeys(_DRIZZLE_FILES, _DRIZZLE),
    **dict.fromkeys(_ENV_FILES, _ENV),
    **dict.fromkeys(_SPRING, _JDBC),
}
_BY_SUFFIX = ((".py", _DJANGO), (".cs", _EF), (".ex", _ECTO), (".exs", _ECTO))


def _found(pattern: re.Pattern[str], text: str) -> list[str]:
    out = []
    for m in pattern.finditer(text):
        word = next((g for g in m.groups() if g), "").lower()
        if word in _NAMES:
            out.append(_NAMES[word])
    return out


def detected_engines(texts: Mapping[str, str]) -> tuple[tuple[str, str, bool], ...]:
    """``(engine, path, strong)`` for each configuration file that names an engine."""
    out: list[tuple[str, str, bool]] = []
    for path in sorted(texts, key=lambda p: (p.count("/"), p)):
        text, name = texts[path], posixpath.basename(path)
        pattern, strong = _BY_NAME.get(name), True
        if pattern is None:
            pattern = next((p for suffix, p in _BY_SUFFIX if path.endswith(suffix)), None)
        if pattern is None and name in _COMPOSE_FILES:
            pattern, strong = _IMAGE, False
        if pattern is None:
            continue
        engines = _found(pattern, text)
        out += [(e, path, strong) for e in dict.fromkeys(engines)]
    return tuple(out)


def resolve_engine(
    declared: str | None, found: tuple[tuple[str, str, bool], ...]
) -> tuple[str, tuple[str, ...]]:
    """The engine for migrations whose path names none, and the note that says where it came
    from: the profile's ``database`` when set, else the repository's one engine, else
    PostgreSQL, said as an assumption. ``found`` is :func:`detected_engines`' answer."""
    if declared is not None:
        return declared, ()
    strong = [(e, p) for e, p, s in found if s] or [(e, p) for e, p, _ in found]
    engines = list(dict.fromkeys(e for e, _ in strong))
    where = "; ".join(f"{e} in {p}" for e, p in strong[:4])
    if len(engines) == 1:
        return engines[0], (f"Database engine {engines[0]}, from the repository ({where})",)
    if engines:
        chosen = "postgresql" if "postgresql" in engines else engines[0]
        return chosen, (
            f"The repository names several database engines ({where}): planned for {chosen}; "
            "set `database:` in the service profile",
        )
    return "postgresql", (
        "No database engine named by the repository or the service profile: PostgreSQL "
        "assumed; set `database:` in the service profile",
    )
