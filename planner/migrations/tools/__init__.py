"""Per-tool knowledge: Django, EF Core and Doctrine, the SQL runners (goose, dbmate,
golang-migrate, Diesel), plain SQL inverses, undo targets, folders, configuration and engine.

Modules:

- ``config``: How the project configures its migration tools, read from
  ``ChangeSet.context_files``.
- ``django``: Django: migrate each app back to the migration before the change's first one.
- ``engine``: Which database engine the repository runs, read from its own configuration at head.
- ``folder``: The folder a migration tool runs in: the sub-project of a monorepo that holds the
  migrations.
- ``inverse``: Inverse of plain additive SQL migrations (no migration tool): CREATE TABLE, CREATE
  INDEX and ADD COLUMN are undone with DROP ...
- ``named``: Tools that move the database to a named migration: EF Core and Doctrine.
- ``runners``: goose, dbmate, golang-migrate and Diesel: SQL migrations that carry their own
  rollback.
- ``undo``: Per-tool database rollback steps: the exact target read from the migration files.
"""

from planner.migrations.tools.config import ToolConfig, read_config
from planner.migrations.tools.django import django_undo
from planner.migrations.tools.folder import in_folder, steps_in_folder, tool_folder
from planner.migrations.tools.inverse import apply_command, invert_sql, run_command
from planner.migrations.tools.runners import (
    SQL_TOOLS,
    detect_sql_tool,
    sql_tool_undo,
    sql_tool_upgrade,
    sql_tool_upgrade_to,
    url,
)
from planner.migrations.tools.undo import FLYWAY, UPGRADE, alembic_command, undo_steps

__all__ = [
    "FLYWAY",
    "SQL_TOOLS",
    "UPGRADE",
    "ToolConfig",
    "alembic_command",
    "apply_command",
    "detect_sql_tool",
    "django_undo",
    "in_folder",
    "invert_sql",
    "read_config",
    "run_command",
    "sql_tool_undo",
    "sql_tool_upgrade",
    "sql_tool_upgrade_to",
    "steps_in_folder",
    "tool_folder",
    "undo_steps",
    "url",
]
