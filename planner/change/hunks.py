"""The changed lines of a file: hunks of a zero-context unified diff (``git diff -U0``).

Risk evidence is read from these lines only, so a write operation thirty lines away from the edit
is not evidence about the edit. :func:`parse_patch` is pure: it splits git's patch output at its
``diff --git`` headers (a content line always starts with ``+``, ``-``, space or ``\\``, so a
header cannot be mistaken for content) and returns one tuple of hunks per file section, in git's
order, with the blob ids of the section's ``index`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Hunk", "PatchSection", "parse_patch"]

_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")
_INDEX = re.compile(r"^index ([0-9a-f]+)\.\.([0-9a-f]+)")


@dataclass(frozen=True)
class Hunk:
    """One hunk of a ``-U0`` diff: ``removed`` lines start at line ``old_start`` of the base text,
    ``added`` lines at line ``new_start`` of the head text (1-based); ``context`` is the line git
    names after the ``@@`` header (the enclosing function or class, when git finds one)."""

    old_start: int
    removed: tuple[str, ...]
    new_start: int
    added: tuple[str, ...]
    context: str = ""


@dataclass(frozen=True)
class PatchSection:
    """The hunks of one file section, with the blob ids of its ``index`` line (``None`` when the
    section has none, as for a rename without edits)."""

    hunks: tuple[Hunk, ...]
    old_blob: str | None = None
    new_blob: str | None = None


def parse_patch(text: str) -> tuple[PatchSection, ...]:
    """Parse ``git diff -U0 --full-index`` output into one section per ``diff --git`` header."""
    sections: list[PatchSection] = []
    for chunk in text.split("\ndiff --git "):
        if not chunk.strip():
            continue
        sections.append(_section(chunk))
    return tuple(sections)


def _section(chunk: str) -> PatchSection:
    hunks: list[Hunk] = []
    old_blob = new_blob = None
    lines = chunk.split("\n")
    i = 0
    # header lines up to the first hunk
    while i < len(lines) and not lines[i].startswith("@@"):
        m = _INDEX.match(lines[i])
        if m:
            old_blob, new_blob = m.group(1), m.group(2)
        i += 1
    while i < len(lines):
        m = _HEADER.match(lines[i])
        i += 1
        if m is None:
            continue
        old_start, new_start, context = int(m.group(1)), int(m.group(3)), m.group(5).strip()
        removed: list[str] = []
        added: list[str] = []
        while i < len(lines) and not lines[i].startswith("@@"):
            line = lines[i]
            if line.startswith("-"):
                removed.append(line[1:])
            elif line.startswith("+"):
                added.append(line[1:])
            i += 1
        hunks.append(Hunk(old_start, tuple(removed), new_start, tuple(added), context))
    return PatchSection(tuple(hunks), old_blob, new_blob)
