"""Database migrations of a change: found by content, shaped, placed, undone, backed up.

Modules:

- ``plan``: the database plan of a change: groups by tool, folder and engine, merged.
- ``group``: one group's Stage 1 upgrade, routine undo and held-back migrations.
- ``discover``: which tool wrote a migration file and for which engine, from its content.
- ``config``: the project's tool configuration (Prisma version, goose table, Flyway,
  migrations run at start-up).
- ``shape``: expand / contract / rewrite steps of a migration (``step`` holds the records;
  ``shape_sql``, ``shape_python`` and ``shape_builders`` the readers).
- ``placement``: when each migration runs (expand in Stage 1, the rest after Full or later).
- ``backup``: the scoped snapshot backup and the confirmed, foreign-key-safe recovery.
- ``undo``: per-tool rollback steps, the exact target read from the migration files.
- ``django``: Django: migrate each app back to the migration before the change's first one.
- ``folder``: The folder a migration tool runs in: the sub-project of a monorepo that holds the
  migrations.
- ``inverse``: Inverse of plain additive SQL migrations (no migration tool): CREATE TABLE, CREATE
  INDEX and
- ``plan``: The database migration tool a repository uses, and how to undo this change's
  migrations.
- ``runners``: goose, dbmate and golang-migrate: SQL migrations that carry their own rollback.
- ``undo``: Per-tool database rollback steps: the exact target read from the migration files.
"""

from planner.migrations.plan import DatabasePlan, MigrationFile, plan_database, removed_names

__all__ = [
    "DatabasePlan",
    "MigrationFile",
    "plan_database",
    "removed_names",
]
