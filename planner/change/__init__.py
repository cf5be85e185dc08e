"""What changed: a git range or a change manifest, as one :class:`ChangeSet`.

Modules:

- ``evidence``: Which files at ``head`` the repository model reads as evidence of how a project
  ships.
- ``git``: Reading a change from a real git range into a :class:`ChangeSet`.
- ``history``: The range as a release: first-parent commits, merges, and release tags (git only).
- ``hunks``: The changed lines of a file: hunks of a zero-context unified diff (``git diff -U0``).
- ``manifest``: Change manifests: a YAML or JSON description of a change, read into a
  :class:`ChangeSet`.
- ``model``: A change set: what a git range or a change manifest says is being shipped.
"""

from planner.change.git import read_git_change
from planner.change.hunks import Hunk
from planner.change.manifest import load_manifest, parse_manifest
from planner.change.model import CHANGE_KINDS, ChangedFile, ChangeKind, ChangeSet, History

__all__ = [
    "CHANGE_KINDS",
    "ChangeKind",
    "ChangeSet",
    "ChangedFile",
    "History",
    "Hunk",
    "load_manifest",
    "parse_manifest",
    "read_git_change",
]
