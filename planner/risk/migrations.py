"""Recognising schema migrations and the destructive statements in them.

Covers the conventional layouts of alembic, Django, knex, sequelize, TypeORM, prisma, rails,
flyway, liquibase, Laravel, golang-migrate, goose, dbmate and Diesel. Only the forward ("up")
part of a migration counts: the ``downgrade()`` of an additive alembic migration drops what
``upgrade()`` adds, and that is the rollback, not a risk of the deploy.
"""

from __future__ import annotations

import ast
import re

from planner.risk.patterns import Keyworded

__all__ = [
    "DESTRUCTIVE",
    "DIESEL",
    "is_down_migration",
    "is_edited_flyway",
    "is_migration",
    "migration_problem",
    "split_sql",
    "up_sections",
]

# Diesel keeps each migration in a folder: <version>_<name>/up.sql beside down.sql (LemmyNet/lemmy)
DIESEL = re.compile(r"(?:^|/)\d[\d-]{7,}_[^/]+/(?:up|down)\.sql$")
# Paths are matched after planner.risk.rules.normalise_path (lower case, camelCase split by "_").
_MIGRATION_PATH = re.compile(
    r"(?:^|/)(?:migrations?|migrate|(?:alembic|migrations?)/versions)/[^/]+\.[a-z]+$"
    r"|(?:^|/)prisma/migrations/.+\.sql$"
    r"|(?:^|/)[vur]\d+(?:[._]\d+)*__[^/]+\.sql$"  # flyway V1__x.sql, U1__x.sql, R__x.sql
    r"|(?:^|/)r__[^/]+\.sql$"
    r"|(?:^|/)\d+_[^/]*\.(?:up|down)\.sql$"  # golang-migrate
    rf"|{DIESEL.pattern}"
    r"|(?:^|/)drizzle/\d{4}_[^/]+\.sql$"  # drizzle-kit's default out folder
    r"|(?:^|/)changelog/(?:.+/)?[^/]+\.(?:xml|ya?ml|json|sql)$"  # liquibase
    r"|(?:^|/)db\.changelog[^/]*\.(?:xml|ya?ml|json)$"
)
# EF Core's generated metadata beside its migrations: <id>.Designer.cs, <Context>ModelSnapshot.cs
_NOT_MIGRATION = re.compile(
    r"(?:^|/)(?:__init__\.py|readme[^/]*|script\.py\.mako|env\.py|[^/]*\.designer\.cs"
    r"|[^/]*model_snapshot\.cs)$"
)
_DOWN_FILE = re.compile(
    r"(?:\.down\.sql|(?:^|/)u\d+(?:[._]\d+)*__[^/]+\.sql|(?:^|/)\d[\d-]{7,}_[^/]+/down\.sql)$"
)

DESTRUCTIVE = Keyworded(
    re.compile(
        # SQL (raw files, prisma migration.sql, flyway, and SQL inside execute()/raw()/RunSQL)
        r"\bDROP\s+(?:TABLE|COLUMN|SCHEMA|DATABASE|VIEW|CONSTRAINT|TYPE|INDEX)\b"
        r"|\bALTER\s+TABLE\s+[\w.\"`\[\]]+\s+(?:DROP|RENAME)(?:\s+(?:COLUMN|CONSTRAINT))?\b"
        r"|\bALTER\s+COLUMN\s+[\w\"`\[\]]+\s+(?:SET\s+DATA\s+)?TYPE\b"
        r"|\bRENAME\s+COLUMN\b"
        r"|\bDELETE\s+FROM\b"
        r"|\bTRUNCATE\b"
        r"|\bUPDATE\s+[\w.\"`\[\]]+\s+SET\b"
        # alembic
        r"|\bop\.(?:drop_column|drop_table|drop_constraint|rename_table)\b"
        r"|\bbatch_op\.(?:drop_column|drop_constraint)\b"
        r"|\bop\.alter_column\([^)]*\b(?:type_|new_column_name)\s*="
        # Django
        r"|\bmigrations\.(?:RemoveField|DeleteModel|RenameField|RenameModel|RunPython)\b"
        # knex, sequelize, TypeORM, Laravel (->dropColumn, Schema::dropIfExists), liquibase
        r"|\b(?:drop(?:Columns?|Table|TableIfExists|IfExists|View|ForeignKeyConstraint)|"
        r"rename(?:Column|Table))\b"
        r"|\b(?:removeColumn|changeColumn|bulkDelete|bulkUpdate)\s*\("
        r"|\bmigrationBuilder\s*\.\s*AlterColumn\b"  # EF Core (DropTable etc. match above)
        r"|\bSchema::(?:drop|rename)\s*\("
        r"|<(?:delete|update)\b|^[ \t]*-[ \t]*(?:delete|update)[ \t]*:"
        # rails
        r"|\b(?:remove_column|remove_columns|drop_table|remove_reference|rename_column|"
        r"change_column|rename_table|update_all|delete_all|destroy_all)\b",
        re.IGNORECASE,
    ),
    (
        *("drop", "rename", "alter", "delete", "truncate", "update", "remove", "runpython"),
        *("change", "destroy"),
    ),
)

# Where a "down"/"up" section starts, per migration style.
_SECTION = re.compile(
    r"^[ \t]*def[ \t]+(?P<down1>downgrade|down)\b"
    r"|^[ \t]*def[ \t]+(?:upgrade|up|change)\b"
    r"|\bexports\.(?:(?P<down2>down)|up)\b"
    r"|^[ \t]*(?:(?:public|private|protected)[ \t]+)?(?:static[ \t]+)?(?:async[ \t]+)?"
    r"(?:(?P<down3>down)|up)[ \t]*(?::|\()"  # knex/sequelize objects, TypeORM classes
    r"|\bexport[ \t]+(?:async[ \t]+)?function[ \t]+(?:(?P<down4>down)|up)\b"
    r"|\bexport[ \t]+const[ \t]+(?:(?P<down5>down)|up)\b"
    r"|--[ \t]*\+goose[ \t]+(?:(?P<down6>Down)|Up)\b"
    r"|--[ \t]*migrate:(?:(?P<down7>down)|up)\b"
    r"|^func[ \t]+(?:(?P<down8>[dD]own)\w*|[uU]p\w*)[ \t]*\("  # goose Go migrations
    r"|^[ \t]*(?:public[ \t]+)?function[ \t]+(?:(?P<down9>down)|up)[ \t]*\("  # Laravel
    r"|^[ \t]*protected[ \t]+override[ \t]+void[ \t]+(?:(?P<down10>Down)|Up)[ \t]*\(",  # EF
    re.MULTILINE,
)
# Liquibase rollback blocks (XML elements, YAML keys with their indented body).
_ROLLBACK = re.compile(
    r"<rollback\b[^>]*/>|<rollback\b[\s\S]*?</rollback>"
    r"|^([ \t]*)(?:-[ \t]+)?rollback[ \t]*:.*\n(?:\1[ \t]+.*\n|[ \t]*\n)*",
    re.MULTILINE,
)
# Django's reverse_sql= / reverse_code= arguments are the rollback of RunSQL / RunPython.
_REVERSE = re.compile(
    r"\breverse_(?:sql|code)\s*=\s*"
    r"(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"[^\"\n]*\"|'[^'\n]*'|\[[\s\S]*?\]|[\w.]+)"
)


def is_migration(norm_path: str, content: str | None = None) -> bool:
    """Whether a file is a schema migration: by its normalised path, else by its ``content``.

    Content counts wherever the file lives (openfga keeps goose files under
    ``assets/migrations/<engine>/``): goose ``-- +goose Up``, dbmate ``-- migrate:up``, a
    Django ``migrations.Migration`` class, an alembic ``down_revision``, a Rails
    ``ActiveRecord::Migration``, an Ecto migration or a Liquibase ``databaseChangeLog``.
    """
    if _by_path(norm_path):
        return True
    if content is None:
        return False
    words = _MARKER_WORDS.get(norm_path.rsplit(".", 1)[-1])
    return (
        words is not None
        and any(w in content for w in words)
        and _MARKERS.search(content) is not None
    )


def _by_path(norm_path: str) -> bool:
    if (
        "migrat" not in norm_path
        and "versions/" not in norm_path
        and "changelog" not in norm_path
        and not norm_path.endswith(".sql")
    ):
        return False  # the cheap test first: most files are neither
    return bool(_MIGRATION_PATH.search(norm_path)) and not _NOT_MIGRATION.search(norm_path)


# The content markers each file type can carry (one or two substring scans per file).
_MARKER_WORDS = {
    "sql": ("+goose", "migrate:up", "statement-breakpoint"),
    "py": ("migrations.Migration", "down_revision"),
    "rb": ("ActiveRecord::Migration",),
    "ex": ("Ecto.Migration",),
    "exs": ("Ecto.Migration",),
    "xml": ("databaseChangeLog",),
    "yaml": ("databaseChangeLog",),
    "yml": ("databaseChangeLog",),
    "json": ("databaseChangeLog",),
    "cs": ("MigrationBuilder",),
    "php": ("AbstractMigration",),
}
_MARKERS = re.compile(
    r"^[ \t]*--[ \t]*\+goose[ \t]+Up\b"
    r"|^[ \t]*--[ \t]*migrate:up\b"
    r"|^-->[ \t]*statement-breakpoint\b"
    r"|^class\s+\w+\(\s*migrations\.Migration\s*\)"
    r"|^down_revision\s*(?::[^=]+)?="
    r"|<\s*ActiveRecord::Migration\b"
    r"|\buse\s+Ecto\.Migration\b"
    r"|<databaseChangeLog\b|^databaseChangeLog\s*:"
    r"|\bvoid\s+Up\s*\(\s*MigrationBuilder\b"  # EF Core
    r"|\bextends\s+AbstractMigration\b",  # Doctrine
    re.MULTILINE | re.IGNORECASE,
)
_FLYWAY_VERSIONED = re.compile(r"(?:^|/)v\d+(?:[._]\d+)*__[^/]+\.sql$")


def is_edited_flyway(norm_path: str, change: str) -> bool:
    """Whether the change edits an applied Flyway versioned migration (``V1__x.sql``)."""
    return change == "modified" and bool(_FLYWAY_VERSIONED.search(norm_path))


def migration_problem(path: str, text: str | None) -> str:
    """Why a migration cannot be read (``""`` when it can): no content, SQL quoting that never
    closes, or a Python syntax error."""
    if text is None:
        return "content not available (binary, too large or not given)"
    low = path.lower()
    if low.endswith(".sql"):
        return split_sql(text)[1]
    if low.endswith(".py"):
        try:
            ast.parse(text)
        except SyntaxError as e:
            return f"Python syntax error at line {e.lineno}: {e.msg}"
    return ""


def split_sql(sql: str) -> tuple[list[str], str]:
    """The statements of ``sql`` (comments removed) and a problem when quoting never closes.

    Single, double and back quotes, ``$tag$`` dollar quotes and ``/* */`` comments are
    honoured, so a ``;`` inside a string or a function body does not split.
    """
    out: list[str] = []
    buf: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            continue
        if sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            if j < 0:
                return out, "a /* comment is never closed"
            i = j + 2
            buf.append(" ")
            continue
        if c in "'\"`":
            j = i + 1
            while True:
                j = sql.find(c, j)
                if j < 0:
                    return out, f"a {c} quote opened near character {i} is never closed"
                if sql.startswith(c + c, j):
                    j += 2
                    continue
                break
            buf.append(sql[i : j + 1])
            i = j + 1
            continue
        if c == "$" and (m := _DOLLAR.match(sql, i)):
            tag = m.group(0)
            j = sql.find(tag, i + len(tag))
            if j < 0:
                return out, f"the {tag} quote opened near character {i} is never closed"
            buf.append(sql[i : j + len(tag)])
            i = j + len(tag)
            continue
        if c == ";":
            out.append("".join(buf).strip())
            buf = []
        else:
            buf.append(c)
        i += 1
    out.append("".join(buf).strip())
    return [s for s in out if s], ""


_DOLLAR = re.compile(r"\$(?:[A-Za-z_]\w*)?\$")


def is_down_migration(norm_path: str) -> bool:
    """Whether a normalised path is a rollback-only migration (``*.down.sql``, flyway ``U*``)."""
    return bool(_DOWN_FILE.search(norm_path))


def up_sections(path: str, text: str) -> str:
    """``text`` with its "down" sections blanked (line numbers kept).

    A rollback-only file (``*.down.sql``, flyway undo ``U1__x.sql``) is blanked whole, and so
    are Django's ``reverse_sql=`` / ``reverse_code=`` arguments and liquibase ``rollback`` blocks.
    """
    if is_down_migration(path.lower()):
        return "\n" * text.count("\n")
    if "reverse_" in text:
        text = _REVERSE.sub(_blank, text)
    if "rollback" in text:
        text = _ROLLBACK.sub(_blank, text)
    if "down" not in text.lower():  # every down-section marker says "down"
        return text
    marks = [(m.start(), m.lastgroup is not None) for m in _SECTION.finditer(text)]
    if not any(down for _, down in marks):
        return text
    out: list[str] = []
    pos = 0
    down = False
    for start, is_down in [*marks, (len(text), False)]:
        chunk = text[pos:start]
        out.append("\n" * chunk.count("\n") if down else chunk)
        pos, down = start, is_down
    return "".join(out)


def _blank(m: re.Match[str]) -> str:
    return "\n" * m.group(0).count("\n")
