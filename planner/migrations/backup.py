"""The backup a data-losing migration needs, and the recovery that never loses newer rows.

The backup is a snapshot, inside the database, of exactly the tables a step drops or rewrites
(``CREATE TABLE rollback_backup."<table>__<feature>" AS TABLE <table>``: no constraints, so
foreign keys never block it and the migration cannot touch it), plus an off-database copy of
those snapshots.

The recovery is a disaster-recovery procedure, separate from the routine Level 3: it runs
only when the migration's own undo cannot bring the data back. It never drops or truncates a
live table. It reconciles from the snapshot by primary key, read from the catalog at run time:

- ``columns``: the dropped or rewritten columns are re-added if missing (type from the
  snapshot) and set back to their backed-up values; rows written since keep theirs.
- ``rows``: rows missing from the table (deleted, or the table re-created empty) are inserted
  back; rows present are left alone.
- ``table``: both (a data migration that rewrote unknown columns).

Each command that writes is gated by a typed confirmation. PostgreSQL is complete; MySQL,
SQLite and ClickHouse get the snapshot and a marked placeholder for the reconcile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from planner.migrations.shape.classify import SchemaStep
from planner.model import DatabaseRecovery, Step
from planner.quoting.shell import join, q

__all__ = ["SCHEMA", "Loss", "backup_step", "losses", "recovery"]

SCHEMA = "rollback_backup"
Mode = Literal["columns", "rows", "table"]


@dataclass(frozen=True)
class Loss:
    """What the undo cannot bring back for one table."""

    table: str
    mode: Mode
    columns: tuple[str, ...] = ()


def losses(steps: Iterable[SchemaStep]) -> tuple[tuple[Loss, ...], tuple[str, ...]]:
    """Per-table losses of ``steps`` (first-seen order) and the one-way steps whose tables are
    unknown (they cannot be backed up table by table)."""
    by_table: dict[str, Loss] = {}
    unknown: list[str] = []
    for s in steps:
        if s.loses == "none":
            continue
        if s.loses == "unknown" or s.table is None:
            unknown.append(s.what)
            continue
        mode: Mode = s.loses
        old = by_table.get(s.table)
        if old is None:
            by_table[s.table] = Loss(s.table, mode, s.columns if mode == "columns" else ())
        elif old.mode == mode == "columns":
            cols = tuple(dict.fromkeys((*old.columns, *s.columns)))
            by_table[s.table] = Loss(s.table, "columns", cols)
        elif old.mode != mode:
            by_table[s.table] = Loss(s.table, "table")
    return tuple(by_table.values()), tuple(unknown)


def snapshot_name(table: str, slug: str) -> str:
    """The snapshot table's name (63 bytes at most, PostgreSQL's limit)."""
    return f"{table.rsplit('.', 1)[-1]}__{slug}"[:63]


def _snap(table: str, slug: str) -> str:
    return f"{SCHEMA}.{_ident(snapshot_name(table, slug))}"


def _slug(feature: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", feature).strip("_").lower() or "change"


def _ident(name: str) -> str:
    """A possibly schema-qualified name as quoted SQL identifiers."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _psql(sql: str) -> str:
    return (
        join("psql", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-c", sql)
        + ' "$DATABASE_URL"'
    )


def backup_step(engine: str, loss: tuple[Loss, ...], feature: str) -> tuple[Step, ...]:
    """Snapshot the tables of ``loss`` inside the database, then copy the snapshots out."""
    if not loss:
        return ()
    slug = _slug(feature)
    tables = ", ".join(x.table for x in loss)
    if engine == "postgresql":
        sql = f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}; " + " ".join(
            f"CREATE TABLE {_snap(x.table, slug)} AS TABLE {_ident(x.table)};" for x in loss
        )
        dump = f"backup-before-{slug}.dump"
        words = [
            "pg_dump",
            "--format=custom",
            f"--file={dump}",
            *(f"--table={SCHEMA}.{_ident(snapshot_name(x.table, slug))}" for x in loss),
        ]
        return (
            Step(f"Snapshot {tables} inside the database (schema {SCHEMA})", _psql(sql)),
            Step(
                f"Copy the snapshot out of the database ({dump})", join(*words) + ' "$DATABASE_URL"'
            ),
        )
    if engine == "mysql":
        sql = " ".join(
            f"CREATE TABLE `{SCHEMA}__{snapshot_name(x.table, slug)}` AS SELECT * FROM `{x.table}`;"
            for x in loss
        )
        return (Step(f"Snapshot {tables} inside the database", f'mysql "$DB_NAME" -e {q(sql)}'),)
    if engine == "sqlite":
        sql = " ".join(
            f'CREATE TABLE "{SCHEMA}__{snapshot_name(x.table, slug)}" AS SELECT * FROM "{x.table}";'
            for x in loss
        )
        return (
            Step(f"Snapshot {tables} inside the database file", f'sqlite3 "$DB_PATH" {q(sql)}'),
        )
    if engine == "clickhouse":
        sql = " ".join(
            f"CREATE TABLE {SCHEMA}__{snapshot_name(x.table, slug)} AS {x.table}; "
            f"INSERT INTO {SCHEMA}__{snapshot_name(x.table, slug)} SELECT * FROM {x.table};"
            for x in loss
        )
        return (
            Step(
                f"Snapshot {tables} inside ClickHouse",
                join("clickhouse-client", "--multiquery", "--query", sql),
            ),
        )
    return (Step(f"Back up {tables} with the database's own tool (# fill in: engine {engine})"),)


_RECONCILE = """DO $planner$
DECLARE
  target regclass := to_regclass({target});
  snap regclass := to_regclass({snap});
  cols text[] := ARRAY[{cols}]::text[];
  mode text := {mode};
  common text[]; keys text; sets text; empty boolean; c text;
BEGIN
  IF snap IS NULL THEN RAISE EXCEPTION 'snapshot % is missing', {snap}; END IF;
  IF target IS NULL THEN
    EXECUTE format('CREATE TABLE %s (LIKE %s)', {target}, snap);
    target := to_regclass({target});
  END IF;
  IF mode = 'columns' THEN
    FOREACH c IN ARRAY cols LOOP
      EXECUTE format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS %I %s', target, c,
        (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
          WHERE attrelid = snap AND attname = c AND NOT attisdropped));
    END LOOP;
  END IF;
  SELECT array_agg(t.attname::text ORDER BY t.attnum) INTO common
    FROM pg_attribute t JOIN pg_attribute s ON s.attrelid = snap AND s.attname = t.attname
     AND s.attnum > 0 AND NOT s.attisdropped
   WHERE t.attrelid = target AND t.attnum > 0 AND NOT t.attisdropped AND t.attgenerated = '';
  SELECT string_agg(format('t.%1$I = b.%1$I', a.attname), ' AND ') INTO keys
    FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
   WHERE i.indrelid = target AND i.indisprimary;
  IF keys IS NULL THEN
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %s)', target) INTO empty;
    IF mode <> 'columns' AND empty THEN
      EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s', target,
        (SELECT string_agg(format('%I', x), ', ') FROM unnest(common) AS x),
        (SELECT string_agg(format('%I', x), ', ') FROM unnest(common) AS x), snap);
      RETURN;
    END IF;
    RAISE EXCEPTION '% has no primary key: reconcile it from % by hand', target, snap;
  END IF;
  IF mode IN ('columns', 'table') THEN
    SELECT string_agg(format('%1$I = b.%1$I', x), ', ') INTO sets
      FROM unnest(CASE WHEN mode = 'columns' THEN cols ELSE common END) AS x;
    EXECUTE format('UPDATE %s AS t SET %s FROM %s AS b WHERE %s', target, sets, snap, keys);
  END IF;
  IF mode IN ('rows', 'table') THEN
    EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s AS b WHERE NOT EXISTS '
                   '(SELECT 1 FROM %s AS t WHERE %s)', target,
      (SELECT string_agg(format('%I', x), ', ') FROM unnest(common) AS x),
      (SELECT string_agg(format('b.%I', x), ', ') FROM unnest(common) AS x),
      snap, target, keys);
  END IF;
END
$planner$"""


def reconcile_sql(loss: Loss, slug: str) -> str:
    """The PostgreSQL block that reconciles ``loss.table`` from its snapshot (see module doc)."""
    snap = _snap(loss.table, slug)
    return _RECONCILE.format(
        target=_literal(_ident(loss.table)),
        snap=_literal(snap),
        cols=", ".join(_literal(c) for c in loss.columns),
        mode=_literal(loss.mode),
    )


_LOSES = {
    "columns": "changes made to {what} after the backup are overwritten by the backed-up values",
    "rows": "{what} deleted after the backup come back",
    "table": (
        "every change to {what} after the backup is overwritten, and rows deleted since come back"
    ),
}


def recovery(engine: str, loss: tuple[Loss, ...], feature: str) -> DatabaseRecovery:
    """The disaster-recovery procedure for ``loss`` (not part of the routine Level 3)."""
    slug = _slug(feature)
    when = (
        "Only when data is missing after the routine Level 3 (its undo re-creates the schema but "
        "cannot bring back " + ", ".join(_what(x) for x in loss) + "). Never part of Level 3."
    )
    parts = [_LOSES[x.mode].format(what=_what(x)) for x in loss]
    loses = "; ".join(parts) + (
        ". Rows written after the backup are kept (nothing is dropped or truncated)."
    )
    if engine != "postgresql":
        return DatabaseRecovery(
            when,
            loses,
            tuple(
                Step(
                    f"Reconcile {x.table} from {SCHEMA}__{snapshot_name(x.table, slug)} by its "
                    f"primary key ({x.mode}: {', '.join(x.columns) or 'all columns'}) "
                    f"(# fill in: an UPDATE ... JOIN / INSERT ... SELECT for {engine}, reviewed)"
                )
                for x in loss
            ),
        )
    dump = f"backup-before-{slug}.dump"
    steps: list[Step] = []
    # rows come back parents first: a migration drops children before the tables they
    # reference, so the reverse of its order is the order foreign keys accept
    columns = [x for x in loss if x.mode == "columns"]
    rows = [x for x in loss if x.mode != "columns"]
    for x in (*columns, *reversed(rows)):
        snap = _snap(x.table, slug)
        missing = (
            join("psql", "-tA", "-c", f"SELECT to_regclass({_literal(snap)}) IS NULL")
            + ' "$DATABASE_URL"'
        )
        restore = join(
            "pg_restore",
            "--no-owner",
            f"--schema={SCHEMA}",
            f"--table={snapshot_name(x.table, slug)}",
        )
        steps.append(
            Step(
                f"Only if the snapshot {snap} is gone: load it back from {dump} (creates the "
                "snapshot table only)",
                f"if {missing} | grep -qx t; then "
                + _psql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
                + f' && {restore} --dbname="$DATABASE_URL" {q(dump)}; fi',
            )
        )
        word = f"RECONCILE {x.table}"
        guard = (
            f"read -r -p {q(f'Type {word} to reconcile it from the backup: ')} answer && "
            f'[ "$answer" = {q(word)} ] && '
        )
        steps.append(
            Step(
                f"Reconcile {x.table} from the snapshot ({_what(x)}; asks for confirmation)",
                guard + _psql(reconcile_sql(x, slug)),
            )
        )
    steps.append(
        Step(
            "Compare row counts with the snapshot",
            _psql(
                " ".join(
                    f"SELECT {_literal(x.table)} AS table, "
                    f"(SELECT count(*) FROM {_ident(x.table)}) AS now, "
                    f"(SELECT count(*) FROM {_snap(x.table, slug)}) AS backup;"
                    for x in loss
                )
            ),
        )
    )
    return DatabaseRecovery(when, loses, tuple(steps))


def _what(x: Loss) -> str:
    if x.mode == "columns":
        return ", ".join(f"{x.table}.{c}" for c in x.columns)
    return f"rows of {x.table}"
