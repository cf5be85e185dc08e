"""Django: migrate each app back to the migration before the change's first one.

The target is read from the first added migration's ``dependencies`` on its own app (what
Django itself follows), else from the app's migrations folder at ``head``. ``zero`` (which
unapplies every migration of the app and drops its tables) only for an app's ``0001_``
migration with nothing before it; a predecessor that cannot be read is never guessed.
"""

from __future__ import annotations

import posixpath
import re

from planner.change.model import ChangedFile
from planner.model import Step
from planner.quoting.shell import join

__all__ = ["django_undo"]

_DEPENDENCIES = re.compile(r"^\s*dependencies\s*=\s*\[(.*?)\]", re.MULTILINE | re.DOTALL)
_DEPENDENCY = re.compile(r"\(\s*(['\"])(\w+)\1\s*,\s*(['\"])([^'\"]+)\3\s*\)")
_MIGRATION = re.compile(r"\d{4}_\w+\.py$")


def django_undo(
    added: list[ChangedFile], paths: frozenset[str]
) -> tuple[str | None, tuple[Step, ...]]:
    """The ``app target`` pairs and one ``migrate`` step per app, in app order."""
    manage = min(
        (p for p in paths if posixpath.basename(p) == "manage.py"), key=len, default="manage.py"
    )
    steps: list[Step] = []
    targets: list[str] = []
    by_dir: dict[str, list[ChangedFile]] = {}
    for f in added:
        by_dir.setdefault(posixpath.dirname(f.path), []).append(f)
    for folder in sorted(by_dir):
        app = posixpath.basename(posixpath.dirname(folder))
        first = min(by_dir[folder], key=lambda f: posixpath.basename(f.path))
        name = posixpath.basename(first.path)
        previous = _parent(first.content, app)
        if previous is None:
            earlier = sorted(
                posixpath.basename(p)
                for p in paths
                if posixpath.dirname(p) == folder
                and _MIGRATION.match(posixpath.basename(p))
                and posixpath.basename(p) < name
            )
            if earlier:
                previous = earlier[-1].removesuffix(".py")
            elif name.startswith("0001_"):
                previous = "zero"
        if previous is None:
            targets.append(f"{app} ?")
            steps.append(
                Step(
                    f"Migrate {app} back to the migration before {name} (not readable here: "
                    f"see `python {manage} showmigrations {app}`)"
                )
            )
            continue
        targets.append(f"{app} {previous}")
        steps.append(
            Step(
                f"Migrate {app} back to {previous}",
                join("python", manage, "migrate", app, previous),
            )
        )
    return "; ".join(targets), tuple(steps)


def _parent(content: str | None, app: str) -> str | None:
    """The one same-app dependency of a migration, else ``None``."""
    block = _DEPENDENCIES.search(content or "")
    if block is None:
        return None
    same = {m.group(4) for m in _DEPENDENCY.finditer(block.group(1)) if m.group(2) == app}
    same = {name for name in same if not name.startswith("__")}
    return same.pop() if len(same) == 1 else None
