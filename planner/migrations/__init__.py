"""Database migrations of a change: found by content, shaped, placed, undone, backed up.

Modules:

- ``backup``: The backup a data-losing migration needs, and the recovery that never loses newer
  rows.
- ``discover``: Which migration tool wrote a file, and for which database engine: read from its
  content.
- ``group``: One group of migrations (one tool, folder and engine): its upgrade, undo, held-back
  part.
- ``placement``: When each migration runs: expand migrations in Stage 1, contract and rewrite ones
  after Full.
- ``plan``: The database migrations of a change: tools, when each runs, its undo, backup and
  recovery.
- ``shape/``: The shape of each migration step: expand, contract or data rewrite, read from SQL,
  Python and builder calls.
- ``tools/``: Per-tool knowledge: Django, the SQL runners (goose, dbmate, golang-migrate), plain
  SQL inverses, undo targets, folders and configuration.
"""

from planner.migrations.plan import DatabasePlan, MigrationFile, plan_database, removed_names

__all__ = [
    "DatabasePlan",
    "MigrationFile",
    "plan_database",
    "removed_names",
]
