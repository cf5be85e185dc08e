"""The code root a change ships, with its package manager and its test and build commands.

Built on :mod:`planner.runtime.repository.model`: the roots the change touches, the one that is the
service (its folder named like the service, else the first touched), and its commands as the
repository's own CI, Makefile or scripts run them, each line ending in ``# from file:line``. A
change that touches no code root (documentation, CI, Terraform, Helm) has no test or build
command and ``ships_code`` False; code outside every root gets marked placeholders.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from planner.change.model import ChangeSet
from planner.runtime.repository.command import placeholder
from planner.runtime.repository.model import (
    CodeRoot,
    Image,
    Repository,
    build_repository,
    repo_paths,
)

__all__ = ["Toolchain", "detect_toolchain", "repo_paths"]


@dataclass(frozen=True)
class Toolchain:
    """How to test and build what the change ships. Commands are ``None`` when it ships no code.

    ``test`` and ``build`` are pasteable lines (a ``# from`` comment names their source, or a
    ``# fill in:`` placeholder); ``root`` is the code root they belong to and ``image`` how its
    container image is built (``None``: no Dockerfile builds it).
    """

    language: str
    package_manager: str | None
    test: str | None
    build: str | None
    evidence: str = ""
    has_dockerfile: bool = False
    repository: Repository = field(default_factory=Repository, compare=False, repr=False)
    root: CodeRoot | None = None
    ships_code: bool = True

    @property
    def image(self) -> Image | None:
        """How the root's container image is built, if a Dockerfile does."""
        return self.root.image if self.root is not None else None

    @property
    def other_roots(self) -> tuple[CodeRoot, ...]:
        """Other code roots the change touches (each ships with its own plan)."""
        return tuple(r for r in self.repository.touched_roots() if r is not self.root)


def detect_toolchain(changes: ChangeSet, service: str = "") -> Toolchain:
    """The toolchain of the code root ``changes`` ships (``service`` picks among several)."""
    repo = build_repository(changes)
    touched = repo.touched_roots()
    if touched:
        named = [r for r in touched if service and posixpath.basename(r.folder) == service]
        root = (named or list(touched))[0]
        manager = root.manifest.manager.replace("npm-nolock", "npm")
        return Toolchain(
            root.ecosystem,
            manager,
            root.test.line(),
            root.build.line(),
            root.manifest.path,
            root.image is not None,
            repo,
            root,
        )
    if repo.unrooted:
        where = repo.unrooted[0]
        return Toolchain(
            "unknown",
            None,
            placeholder(f"the test command (no project manifest holds {where})").line(),
            placeholder(f"the build command (no project manifest holds {where})").line(),
            "no package manager file",
            False,
            repo,
        )
    return Toolchain(
        "none", None, None, None, "the change touches no code root", False, repo, ships_code=False
    )
