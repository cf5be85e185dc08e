"""Per-tool database rollback steps: the exact target read from the migration files.

alembic: ``down_revision`` of the earliest added migration; Django: the migration before the
first added one in each app (``zero`` when none); rails: ``db:migrate:down`` per version, newest
first; knex: one ``migrate:down`` per added migration; sequelize: ``db:migrate:undo:all --to``;
flyway: ``undo`` (Teams edition) or a repair script; prisma has no down migrations; EF Core:
``dotnet ef database update <previous>``.
"""

from __future__ import annotations

import posixpath
import re

from planner.change.model import ChangedFile
from planner.migrations.tools.django import django_undo
from planner.migrations.tools.inverse import invert_sql, run_command
from planner.migrations.tools.named import doctrine_undo, efcore_undo
from planner.migrations.tools.runners import SQL_TOOLS, sql_tool_undo
from planner.model import Step
from planner.quoting.shell import join, q

__all__ = ["FLYWAY", "UPGRADE", "alembic_command", "undo_steps"]

FLYWAY = re.compile(r"(^|/)V\d+(?:[._]\d+)*__[^/]+\.sql$")

UPGRADE = {
    "alembic": "alembic upgrade head",
    "django": "python manage.py migrate",
    "rails": "bin/rails db:migrate",
    "prisma": "npx prisma migrate deploy",
    "flyway": "flyway migrate",
    "knex": "npx knex migrate:latest",
    "sequelize": "npx sequelize-cli db:migrate",
    "popx": "# fill in: the application's own migrate command (ory: <app> migrate sql -e --yes)",
    "laravel": "php artisan migrate --force",
    "ecto": "mix ecto.migrate",
    "liquibase": "liquibase update",
    "typeorm": "# fill in: npx typeorm migration:run -d <datasource>",
    "drizzle": "npx drizzle-kit migrate",
}
_CHANGESET = re.compile(r"<changeSet\b|^\s*-\s*changeSet\s*:|^--\s*changeset\b", re.M | re.I)
# Tools that undo the latest N migrations with one command.
_COUNTED = {
    "laravel": ("php artisan migrate:rollback --force --step={n}", "Laravel's down()"),
    "ecto": ("mix ecto.rollback --step {n}", "Ecto's down/0 or change/0"),
    "liquibase": ("liquibase rollback-count --count={n}", "each changeSet's rollback"),
}


def undo_steps(
    tool: str,
    added: list[ChangedFile],
    paths: frozenset[str],
    base: str,
    engine: str = "postgresql",
    prisma_major: int | None = None,
) -> tuple[str | None, tuple[Step, ...]]:
    """The rollback target (``None`` when the tool has none) and the steps, in order.

    ``prisma_major`` (from the project's package.json) picks Prisma 7's flags from 7 on.
    """
    if not added:
        return None, (Step("No migration was added: nothing to undo in the database"),)
    names = [posixpath.basename(f.path) for f in added]
    newest_first = list(reversed(added))
    if tool == "alembic":
        return _alembic(added, paths)
    if tool == "django":
        return django_undo(added, paths)
    if tool == "rails":
        versions = [posixpath.basename(f.path).split("_", 1)[0] for f in newest_first]
        steps = [
            Step(f"Undo migration {v}", join("bin/rails", "db:migrate:down", f"VERSION={v}"))
            for v in versions
        ]
        return versions[-1], tuple(steps)
    if tool == "knex":
        steps = [
            Step(
                f"Undo {posixpath.basename(f.path)} (knex undoes the latest migration)",
                "npx knex migrate:down",
            )
            for f in newest_first
        ]
        return names[0], tuple(steps)
    if tool == "sequelize":
        return names[0], (
            Step(
                f"Undo every migration down to and including {names[0]}",
                join("npx", "sequelize-cli", "db:migrate:undo:all", "--to", names[0]),
            ),
        )
    if tool == "flyway":
        return _flyway(added, paths)
    if tool == "efcore":
        return efcore_undo(added, paths)
    if tool == "doctrine":
        return doctrine_undo(added, paths)
    if tool in SQL_TOOLS:
        return sql_tool_undo(tool, added, paths, engine)
    if tool in _COUNTED:
        command, what = _COUNTED[tool]
        n = len(added)
        if tool == "liquibase":  # a changelog file holds any number of changeSets
            n = sum(len(_CHANGESET.findall(f.content or "")) for f in added)
            if n == 0:
                return None, (
                    Step(
                        "Undo the added changeSets with `liquibase rollback-count` "
                        "(# fill in: how many; their count was not readable)"
                    ),
                )
        return None, (Step(f"Undo the {n} added migration(s) ({what})", command.format(n=n)),)
    if tool == "typeorm":
        return None, tuple(
            Step(
                f"Undo {posixpath.basename(f.path)} (TypeORM reverts the latest migration; "
                "# fill in: -d <path of the DataSource file>)",
                "# fill in: npx typeorm migration:revert -d <datasource>",
            )
            for f in newest_first
        )
    if tool == "popx":
        return None, (
            Step(
                f"Undo the {len(added)} added migration file(s) with the application's own popx "
                "command (ory: `<app> migrate sql down`; # fill in: the binary and its flags)"
            ),
        )
    if tool == "prisma":
        return _prisma(added, paths, base, prisma_major)
    if tool == "drizzle":  # no down migrations: the inverse of what each file added
        note = Step(
            "drizzle-kit keeps no down migrations: the inverse of each file's CREATE/ADD below; "
            "its __drizzle_migrations table still lists them, so shipping the same file again "
            "later is skipped unless that row is deleted too"
        )
        return None, (note, *(step for f in newest_first for step in _plain_sql(f, engine)))
    return None, tuple(step for f in newest_first for step in _plain_sql(f, engine))


def _plain_sql(f: ChangedFile, engine: str) -> list[Step]:
    name = posixpath.basename(f.path)
    if not f.path.lower().endswith(".sql"):  # liquibase XML, Laravel PHP, TypeORM TS, ...
        return [Step(f"Migration tool of {name} not recognised: undo it with that tool, by hand")]
    inverse, complete = invert_sql(f.content or "")
    if not inverse:
        return [Step(f"No migration tool recognised: write, review and run the inverse of {name}")]
    steps = [
        Step(
            f"Undo {name} (inverse of its CREATE/ADD statements)",
            run_command(engine, "; ".join(inverse) + ";"),
        )
    ]
    if not complete:
        steps.append(Step(f"{name} has statements that were not inverted: review them by hand"))
    return steps


_ALEMBIC_REV = re.compile(r"^revision\s*(?::[^=]+)?=\s*['\"]([^'\"]+)['\"]", re.M)
_ALEMBIC_DOWN = re.compile(
    r"^down_revision\s*(?::[^=]+)?=\s*(None|['\"]([^'\"]+)['\"]|\(([^)]*)\))", re.M
)


def alembic_command(paths: frozenset[str], *args: str) -> str:
    """``alembic <args>`` run in the folder of the repository's ``alembic.ini``.

    A relative ``script_location`` is read from the working folder, so ``alembic -c
    sub/alembic.ini`` from the root would miss the scripts; a subshell keeps the caller's folder
    for the next line.
    """
    ini = min(
        (p for p in paths if posixpath.basename(p) == "alembic.ini"), key=len, default="alembic.ini"
    )
    folder = posixpath.dirname(ini)
    command = join("alembic", *args)
    return f"(cd {q(folder)} && {command})" if folder else command


def _alembic(
    added: list[ChangedFile], paths: frozenset[str]
) -> tuple[str | None, tuple[Step, ...]]:
    revs: dict[str, str | None] = {}
    for f in added:
        rev = _ALEMBIC_REV.search(f.content or "")
        down = _ALEMBIC_DOWN.search(f.content or "")
        if rev is None or down is None:
            revs = {}
            break
        parent = (
            down.group(2) if down.group(2) else (None if down.group(1) == "None" else down.group(3))
        )
        revs[rev.group(1)] = parent
    roots = [down for down in revs.values() if down not in revs]
    if not revs or len(roots) != 1 or (roots[0] and "," in roots[0]):
        relative = f"-{len(added)}"
        return relative, (
            Step(
                f"Step back {len(added)} revision(s) (targets not readable)",
                alembic_command(paths, "downgrade", relative),
            ),
        )
    target = roots[0] or "base"
    return target, (
        Step(
            f"Downgrade to {target}, the revision before the earliest added migration",
            alembic_command(paths, "downgrade", target),
        ),
        Step("Check the current revision", alembic_command(paths, "current")),
    )


def _version(path: str) -> tuple[int, ...]:
    head = posixpath.basename(path)[1:].split("__", 1)[0]
    return tuple(int(p) for p in re.split(r"[._]", head))


def _flyway(added: list[ChangedFile], paths: frozenset[str]) -> tuple[str | None, tuple[Step, ...]]:
    added_paths = {f.path for f in added}
    ordered = sorted(added, key=lambda f: _version(f.path), reverse=True)
    first = _version(ordered[-1].path)
    older = [
        _version(p)
        for p in paths
        if FLYWAY.search(p) and p not in added_paths and _version(p) < first
    ]
    previous = ".".join(map(str, max(older))) if older else None
    # The steps are pasted as one block: a single undo path, the alternative only as a note.
    if previous:
        names = ", ".join(posixpath.basename(f.path) for f in ordered)
        steps = [
            Step(
                f"Undo everything above version {previous} ({names}; needs their U-scripts and "
                "Flyway Teams/Enterprise)",
                join("flyway", "undo", f"-target={previous}"),
            )
        ]
    else:
        steps = [
            Step(
                f"Undo {posixpath.basename(f.path)} (needs its U-script and Flyway "
                "Teams/Enterprise)",
                "flyway undo",
            )
            for f in ordered
        ]
    steps.append(
        Step(
            "Community edition (no undo): instead run a reviewed inverse script of each, then "
            "delete their rows from flyway_schema_history"
        )
    )
    return previous, tuple(steps)


def _prisma(
    added: list[ChangedFile], paths: frozenset[str], base: str, major: int | None
) -> tuple[str | None, tuple[Step, ...]]:
    schema = min(
        (p for p in paths if posixpath.basename(p) == "schema.prisma"),
        key=len,
        default="prisma/schema.prisma",
    )
    names = [posixpath.basename(posixpath.dirname(f.path)) for f in added]
    if major is not None and major >= 7:
        # Prisma 7: the URL comes from prisma.config.ts; `--schema` is gone from db execute
        diff = ["--from-config-datasource", "--to-schema", "schema.base.prisma"]
        target: list[str] = []
    else:
        diff = ["--from-schema-datasource", schema, "--to-schema-datamodel", "schema.base.prisma"]
        target = ["--schema", schema]
    steps = [
        Step(
            "Prisma has no down migrations: generate a down script from the schema before the "
            "change (data a drop removed comes back only through the recovery procedure)"
        ),
        Step(
            "Fetch the schema before the change",
            f"git show {q(base + ':' + schema)} > schema.base.prisma",
        ),
        Step(
            "Generate the SQL that takes the database back to it",
            join("npx", "prisma", "migrate", "diff", *diff, "--script") + " > down.sql",
        ),
        Step(
            "Review down.sql, then run it",
            join("npx", "prisma", "db", "execute", "--file", "down.sql", *target),
        ),
    ]
    # `migrate resolve --rolled-back` accepts only failed migrations (P3012 on an applied one):
    # forget the history row, so deploying the migration again re-applies it.
    execute = join("npx", "prisma", "db", "execute", "--stdin", *target)
    steps += [
        Step(
            f"Forget {n} in Prisma's migration history",
            join("printf", "%s\\n", _forget_sql(n)) + " | " + execute,
        )
        for n in reversed(names)
    ]
    return None, tuple(steps)


def _forget_sql(name: str) -> str:
    literal = name.replace("'", "''")
    return f"DELETE FROM _prisma_migrations WHERE migration_name = '{literal}';"
