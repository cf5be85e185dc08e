"""A change set: what a git range or a change manifest says is being shipped.

Both inputs (``planner.change.git`` and ``planner.change.manifest``) produce a :class:`ChangeSet`;
risk
classification and plan building read only this record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from planner.change.hunks import Hunk
from planner.model import Commit

__all__ = [
    "CHANGE_KINDS",
    "COMMIT_ID",
    "ChangeKind",
    "ChangeSet",
    "ChangedFile",
    "History",
]

# A full commit id (SHA-1 or SHA-256): anything else from git output is not a commit.
COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

ChangeKind = Literal["added", "modified", "deleted", "renamed"]
CHANGE_KINDS: tuple[str, ...] = ("added", "modified", "deleted", "renamed")


@dataclass(frozen=True)
class ChangedFile:
    """One file of the change.

    ``content`` is the text at ``head`` (``None`` when deleted, binary or not available, as for a
    manifest); ``base_content`` the text at ``base``. ``integrated`` is False for a new file that
    nothing calls yet (a manifest says so; for git it is True unless a policy says otherwise).
    ``behind_flag`` is True for code that only runs when the change's feature flag is on (a
    manifest says so); it is ZERO risk at deploy time while the flag stays OFF. ``hunks`` are the
    changed lines (a git range's ``-U0`` diff; ``None`` when unknown, as for a manifest): risk
    evidence is read from them only.
    """

    path: str
    change: ChangeKind
    added_lines: int = 0
    deleted_lines: int = 0
    old_path: str | None = None
    integrated: bool = True
    content: str | None = None
    base_content: str | None = None
    behind_flag: bool = False
    hunks: tuple[Hunk, ...] | None = None


@dataclass(frozen=True)
class History:
    """The range as a release (git only).

    ``mainline`` is the first-parent chain of ``base..head``, oldest first, merge commits
    included (``merges`` lists their SHAs): reverting a merge with ``-m 1`` undoes what it
    brought. ``base_tags`` point at ``base``; ``previous_release`` is the nearest tag reachable
    from ``base``; ``range_tags`` are reachable from ``head`` but not from ``base`` (the range
    spans a release).
    """

    mainline: tuple[Commit, ...] = ()
    merges: tuple[str, ...] = ()
    base_tags: tuple[str, ...] = ()
    previous_release: str | None = None
    range_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeSet:
    """Everything known about a change. ``repo_files`` lists every path at ``head`` (git only);
    it tells which package manager and migration tool the repository uses. ``context_files``
    holds (path, text at ``head``) of the tool configuration files the database plan reads
    (``package.json``, Flyway and Spring configuration, Go files that configure goose; git
    only). ``base_uses`` maps names a contract migration removes to the files of the base
    version that still contain them (``None``: the base was not searched)."""

    source: Literal["git", "manifest"]
    files: tuple[ChangedFile, ...]
    repo: str | None = None
    base: str | None = None
    head: str | None = None
    commits: tuple[Commit, ...] = ()  # oldest first
    feature: str = ""
    service: str = ""
    feature_flag: str | None = None
    integration_points: tuple[str, ...] = ()
    repo_files: tuple[str, ...] = ()
    # (path, text at head) of the files read as evidence of how the repository builds, tests
    # and deploys: CI files, Makefiles, package.json, ... (git only; see planner.change.git)
    evidence: tuple[tuple[str, str], ...] = ()
    history: History | None = None
    context_files: tuple[tuple[str, str], ...] = ()
    base_uses: tuple[tuple[str, tuple[str, ...]], ...] | None = None
