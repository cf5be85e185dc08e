"""Tools that move the database to a named migration: EF Core and Doctrine.

**EF Core** keeps each migration as ``<14-digit id>_<Name>.cs`` (with a generated
``.Designer.cs``) in the ``Migrations/`` folder of the project that holds the DbContext
(dotnet/eShop: ``src/Ordering.Infrastructure/Migrations/``). ``dotnet ef database update <id>``
moves the database to that migration in either direction: forward it runs ``Up()``, backward
the ``Down()`` of every later migration, newest first; ``0`` undoes them all. The project is the
folder of the nearest ``.csproj`` above the migrations. When the DbContext's connection is
configured in another (startup) project, ``dotnet ef`` also needs ``--startup-project``: the
steps say so.

**Doctrine Migrations** (Symfony; kimai/kimai ``migrations/Version20260802183206.php``) names a
migration by its class, ``<namespace>\\Version<timestamp>``. ``doctrine:migrations:migrate
<class>`` moves the database to it, ``doctrine:migrations:execute <class> --down`` runs one
migration's ``down()``. Symfony projects run it as ``php bin/console doctrine:migrations:...``,
others as ``vendor/bin/doctrine-migrations ...``; ``--no-interaction`` because the command
otherwise waits for a confirmation a pasted block cannot give.
"""

from __future__ import annotations

import posixpath
import re

from planner.change.model import ChangedFile
from planner.migrations.tools.folder import newest_before
from planner.model import Step
from planner.quoting.shell import join

__all__ = [
    "STARTUP_NOTE",
    "doctrine_undo",
    "doctrine_update",
    "efcore_project",
    "efcore_startup",
    "efcore_undo",
    "efcore_update",
]

_ID = re.compile(r"^(\d{14}_\w+)\.cs$")
# Said while no single ASP.NET project references the migrations' project (group._configured
# adds the flag, and drops this note, when one does)
STARTUP_NOTE = "; add --startup-project <the project that configures the DbContext> if another"


def _project(added: list[ChangedFile], paths: frozenset[str]) -> str | None:
    return efcore_project(posixpath.dirname(added[0].path), paths)


def efcore_project(folder: str, paths: frozenset[str]) -> str | None:
    """The folder of the nearest ``.csproj`` at or above ``folder``, or ``None``."""
    projects = {posixpath.dirname(p) for p in paths if p.endswith(".csproj")}
    while True:
        if folder in projects:
            return folder or "."
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def efcore_startup(
    project: str, web: tuple[tuple[str, tuple[str, ...]], ...], paths: frozenset[str]
) -> str | None:
    """The one ASP.NET project that references ``project``'s ``.csproj`` (dotnet/eShop:
    ``src/Ordering.API`` for ``src/Ordering.Infrastructure``), or ``None`` when ``project`` is
    itself one, or none or several reference it."""
    base = "" if project == "." else project
    own = {p for p in paths if p.endswith(".csproj") and posixpath.dirname(p) == base}
    if any(folder == base for folder, _ in web):
        return None
    users = [folder for folder, refs in web if own & set(refs)]
    return users[0] if len(users) == 1 else None


def _command(target: str | None, added: list[ChangedFile], paths: frozenset[str]) -> str:
    project = _project(added, paths)
    words = ["dotnet", "ef", "database", "update", *([target] if target else [])]
    if project is None:
        return "# fill in: " + join(*words) + " --project <the .csproj folder of the migrations>"
    return join(*words, "--project", project)


def efcore_update(
    added: list[ChangedFile], paths: frozenset[str], to: ChangedFile | None = None
) -> str:
    """The command that applies every pending migration, or those up to ``to`` only."""
    target = None
    if to is not None and (m := _ID.match(posixpath.basename(to.path))):
        target = m.group(1)
    return _command(target, added, paths)


def efcore_undo(
    added: list[ChangedFile], paths: frozenset[str]
) -> tuple[str | None, tuple[Step, ...]]:
    """The migration before the earliest added one (``0`` when none) and the one step back."""
    ids = [m.group(1) for f in added if (m := _ID.match(posixpath.basename(f.path)))]
    if not ids:
        return None, (
            Step("EF Core migration ids not readable: undo them with dotnet ef, by hand"),
        )
    folder = posixpath.dirname(added[0].path)

    def migration_id(p: str) -> str | None:
        m = _ID.match(posixpath.basename(p))
        return m.group(1) if m and posixpath.dirname(p) == folder else None

    target = newest_before(paths, min(ids), migration_id) or "0"
    names = ", ".join(sorted(ids, reverse=True))
    return target, (
        Step(
            f"Undo {names} (their Down(), newest first{STARTUP_NOTE})",
            _command(target, added, paths),
        ),
    )


_DOCTRINE_ID = re.compile(r"^(Version\w+)\.php$")
_NAMESPACE = re.compile(r"^\s*namespace\s+([\w\\]+)\s*;", re.M)


def _doctrine(paths: frozenset[str], *words: str) -> str:
    console = "bin/console" in paths or any(p.endswith("/bin/console") for p in paths)
    if console:
        return join("php", "bin/console", f"doctrine:migrations:{words[0]}", *words[1:])
    return join("vendor/bin/doctrine-migrations", *words)


def _class(f: ChangedFile) -> str | None:
    m = _DOCTRINE_ID.match(posixpath.basename(f.path))
    if m is None:
        return None
    ns = _NAMESPACE.search(f.content or f.base_content or "")
    return f"{ns.group(1) if ns else 'DoctrineMigrations'}\\{m.group(1)}"


def doctrine_update(
    added: list[ChangedFile], paths: frozenset[str], to: ChangedFile | None = None
) -> str | None:
    """The command that applies every pending migration, or those up to ``to`` only (``None``
    when ``to``'s class is not readable)."""
    if to is None:
        return _doctrine(paths, "migrate", "--no-interaction")
    name = _class(to)
    return None if name is None else _doctrine(paths, "migrate", name, "--no-interaction")


def doctrine_undo(
    added: list[ChangedFile], paths: frozenset[str]
) -> tuple[str | None, tuple[Step, ...]]:
    """The class before the earliest added one (``None`` when none is in the folder) and one
    ``execute --down`` per added migration, newest first."""
    classes = [(f, c) for f in added if (c := _class(f))]
    if not classes:
        return None, (
            Step("Doctrine migration classes not readable: undo them with doctrine, by hand"),
        )
    folder = posixpath.dirname(added[0].path)

    def version(p: str) -> str | None:
        m = _DOCTRINE_ID.match(posixpath.basename(p))
        return m.group(1) if m and posixpath.dirname(p) == folder else None

    first = min((v for f, _ in classes if (v := version(f.path))), default="")
    target = newest_before(paths, first, version)
    steps = tuple(
        Step(
            f"Undo {posixpath.basename(f.path)} (its down())",
            _doctrine(paths, "execute", name, "--down", "--no-interaction"),
        )
        for f, name in sorted(classes, key=lambda x: posixpath.basename(x[0].path), reverse=True)
    )
    return target, steps
