"""Inverse of plain additive SQL migrations (no migration tool): CREATE TABLE, CREATE INDEX and
ADD COLUMN are undone with DROP ... IF EXISTS, in reverse order. Anything else is left to a
person, and :func:`invert_sql` says so."""

from __future__ import annotations

import re

from planner.quoting.shell import join, q

__all__ = ["apply_command", "invert_sql", "run_command"]

_NAME = r"([\w.\"`]+)"
_CREATE_TABLE = re.compile(
    rf"^CREATE\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}", re.I
)
_CREATE_INDEX = re.compile(
    rf"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}\s+ON\s+(?:ONLY\s+)?{_NAME}",
    re.I,
)
_ADD_COLUMN = re.compile(
    rf"^ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?{_NAME}\s+ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}",
    re.I,
)
_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK"}


def _statements(sql: str) -> list[str]:
    text = re.sub(r"--[^\n]*", "", sql)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return [s.strip() for s in text.split(";") if s.strip()]


def invert_sql(sql: str) -> tuple[list[str], bool]:
    """The inverse statements (newest first) and whether every statement was understood."""
    inverse: list[str] = []
    created: set[str] = set()
    complete = True
    for stmt in _statements(sql):
        if m := _CREATE_TABLE.match(stmt):
            created.add(m.group(1).lower())
            inverse.append(f"DROP TABLE IF EXISTS {m.group(1)}")
        elif m := _CREATE_INDEX.match(stmt):
            if m.group(2).lower() not in created:  # dropped with its table otherwise
                inverse.append(f"DROP INDEX IF EXISTS {m.group(1)}")
        elif (m := _ADD_COLUMN.match(stmt)) and m.group(2).upper() not in _CONSTRAINT_WORDS:
            inverse.append(f"ALTER TABLE {m.group(1)} DROP COLUMN IF EXISTS {m.group(2)}")
        else:
            complete = False
    return list(reversed(inverse)), complete


def run_command(engine: str, sql: str) -> str:
    """A command that runs ``sql`` in one transaction against the service database."""
    if engine == "mysql":
        return f'mysql "$DB_NAME" -e {q(sql)}'
    if engine == "sqlite":  # -bail: stop at the first error, inside the transaction
        return f'sqlite3 -bail "$DB_PATH" {q(f"BEGIN; {sql} COMMIT;")}'
    if engine == "clickhouse":  # no transactions: one statement after the other
        return join("clickhouse-client", "--multiquery", "--query", sql)
    if engine not in ("postgresql", "cockroachdb"):  # psql speaks to these two only
        return f"# fill in: run with the {engine} client: " + " ".join(sql.split())
    return (
        join("psql", "-v", "ON_ERROR_STOP=1", "--single-transaction")
        + f' -c {q(sql)} "$DATABASE_URL"'
    )


def apply_command(engine: str, path: str) -> str:
    """A command that applies the migration file ``path``."""
    if engine == "mysql":
        return f'mysql "$DB_NAME" < {q(path)}'
    if engine == "sqlite":
        return f'sqlite3 -bail "$DB_PATH" < {q(path)}'
    if engine == "clickhouse":
        return f"clickhouse-client --multiquery < {q(path)}"
    if engine not in ("postgresql", "cockroachdb"):
        return f"# fill in: apply {q(path)} with the {engine} client"
    return (
        join("psql", "-v", "ON_ERROR_STOP=1", "--single-transaction", f"--file={path}")
        + ' "$DATABASE_URL"'
    )
