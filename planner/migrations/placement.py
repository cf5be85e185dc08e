"""When each migration runs: expand migrations in Stage 1, contract and rewrite ones after Full.

While the old code serves traffic (Stage 1 to the end of the Full bake) a migration that drops,
renames or tightens what the old code reads, or rewrites its rows, breaks it. Such migrations
are held back: after Full 100 % and its bake when the tool can stop at the last expand
migration (``goose up-to``, ``migrate goto``, ``flyway migrate -target``, ``alembic upgrade
<rev>``, ``manage.py migrate <app> <name>``, ``rails db:migrate VERSION=``, ``dotnet ef database
update <id>``, ``sequelize
db:migrate --to``, or plain SQL files applied one by one) and every held-back migration comes
after every expand one; otherwise the plan asks to ship them in a later release.
"""

from __future__ import annotations

import posixpath
import re

from planner.change.model import ChangedFile
from planner.migrations.tools.inverse import apply_command
from planner.migrations.tools.named import doctrine_update, efcore_update
from planner.migrations.tools.runners import sql_tool_upgrade_to
from planner.migrations.tools.undo import alembic_command
from planner.quoting.shell import join
from planner.risk.migrations import is_down_migration

__all__ = ["upgrade_to"]

_ALEMBIC_REV = re.compile(r"^revision\s*(?::[^=]+)?=\s*['\"]([^'\"]+)['\"]", re.M)


def upgrade_to(
    tool: str, expand: list[ChangedFile], paths: frozenset[str], engine: str
) -> str | None:
    """The command that applies migrations up to the last of ``expand`` and no further.

    ``None`` when the tool cannot stop at a migration (Prisma, dbmate, knex, ...).
    """
    last = expand[-1]
    name = posixpath.basename(last.path)
    if tool in ("goose", "golang-migrate"):
        return sql_tool_upgrade_to(tool, expand, engine)
    if tool == "flyway":
        version = name[1:].split("__", 1)[0].replace("_", ".")
        return join("flyway", "migrate", f"-target={version}")
    if tool == "alembic":
        rev = _ALEMBIC_REV.search(last.content or "")
        return alembic_command(paths, "upgrade", rev.group(1)) if rev else None
    if tool == "django":
        manage = min(
            (p for p in paths if posixpath.basename(p) == "manage.py"), key=len, default="manage.py"
        )
        app = posixpath.basename(posixpath.dirname(posixpath.dirname(last.path)))
        return join("python", manage, "migrate", app, name.removesuffix(".py"))
    if tool == "rails":
        return join("bin/rails", "db:migrate", f"VERSION={name.split('_', 1)[0]}")
    if tool == "efcore":
        return efcore_update(expand, paths, to=last)
    if tool == "doctrine":
        return doctrine_update(expand, paths, to=last)
    if tool == "sequelize":
        return join("npx", "sequelize-cli", "db:migrate", "--to", name)
    if tool == "sql":
        sql = [
            f
            for f in expand
            if f.path.lower().endswith(".sql") and not is_down_migration(f.path.lower())
        ]
        return " && ".join(apply_command(engine, f.path) for f in sql) or None
    return None
