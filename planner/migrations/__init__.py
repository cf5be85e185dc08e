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
- ``sql_tools``: goose, dbmate and golang-migrate: SQL migrations with their own rollback.
- ``sql_inverse``: inverse of plain additive SQL migrations (no migration tool).
- ``folder``: the sub-project folder a migration tool runs in.
"""

from planner.migrations.plan import DatabasePlan, MigrationFile, plan_database, removed_names

__all__ = [
    "DatabasePlan",
    "MigrationFile",
    "plan_database",
    "removed_names",
]
