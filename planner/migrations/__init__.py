"""Database migrations of a change: the tool, its undo and the database rollback.

Modules:

- ``django``: Django: migrate each app back to the migration before the change's first one.
- ``folder``: The folder a migration tool runs in: the sub-project of a monorepo that holds the
  migrations.
- ``plan``: The database migration tool a repository uses, and how to undo this change's
  migrations.
- ``sql_inverse``: Inverse of plain additive SQL migrations (no migration tool): CREATE TABLE,
  CREATE INDEX and
- ``sql_tools``: goose, dbmate and golang-migrate: SQL migrations that carry their own rollback.
- ``undo``: Per-tool database rollback steps: the exact target read from the migration files.
"""

from planner.migrations.plan import DatabasePlan, MigrationFile, plan_database, removed_names

__all__ = [
    "DatabasePlan",
    "MigrationFile",
    "plan_database",
    "removed_names",
]
