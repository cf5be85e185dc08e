"""Risk rules: what makes a changed file ZERO, LOW, MEDIUM or HIGH risk.

A :class:`RiskRule` matches a file by its path (a :class:`PathPattern` vocabulary, or a regex on
the path as written for a policy rule), by its content (a regex searched in the changed lines,
or in the text at ``head`` when no diff is known), by a condition on the change, or a
combination, and says which level and category that gives and why; :func:`match` tells whether
one rule matches one file and with which evidence. The default rules are in
:mod:`planner.risk.defaults`; precedence lives in :mod:`planner.risk.classify`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from planner.change.model import ChangedFile
from planner.model import RiskLevel
from planner.risk.facts.evidence import ChangedText
from planner.risk.migrations import (
    is_down_migration,
    is_edited_flyway,
    is_migration,
    migration_problem,
    up_sections,
)
from planner.risk.patterns import CODE_EXTENSIONS, ContentPattern, PathParts, PathPattern

__all__ = ["Needs", "PathParts", "RiskRule", "Role", "match"]

Needs = Literal[
    "flag",
    "unintegrated",
    "added",
    "pure_rename",
    "changed_code",
    "migration",
    "unreadable_migration",
    "edited_migration",
]
Role = Literal["final", "max", "fallback"]


@dataclass(frozen=True)
class RiskRule:
    """One risk rule.

    Attributes:
        name: identifier, used by a policy's ``disable`` list.
        level: the level a match gives.
        category: what the file is (``FileRisk.categories``).
        label: the first words of the reason, e.g. ``"destructive migration"``.
        why: one sentence for the documentation (and, for a policy rule, the reason shown).
        path: the default rules' path vocabulary (:class:`PathPattern`).
        path_regex: a regex searched in the path as written (policy globs).
        content: regex searched in the text at ``head``; a file without text does not match,
            unless ``assume_content`` (then the path alone matches, said so in the reason).
        role: ``"final"`` decides the level and stops evaluation; ``"max"`` contributes to the
            highest-level-wins maximum; ``"fallback"`` applies only when no other rule matched.
        needs: an extra condition on the change (flag-guarded, not integrated, added, ...).
        evidence: how a policy rule's path evidence is named in the reason.
        assume_content: a file whose text is not available matches on its path alone.
        from_policy: a user rule; its reason (``why``) leads the evidence.
        weak: a path word the changed lines must agree with: when the file's text is known
            and shows no fact of the rule's category, the rule does not count (a note says so).
        yields_to_content: a final rule that gives way when the changed lines show facts of a
            higher level (code kept in a ``types/`` folder).
    """

    name: str
    level: RiskLevel
    category: str
    label: str
    why: str
    path: PathPattern | None = None
    content: ContentPattern | None = None
    path_regex: re.Pattern[str] | None = None
    role: Role = "max"
    needs: Needs | None = None
    evidence: str = "path segment"
    assume_content: bool = False
    from_policy: bool = False
    weak: bool = False
    yields_to_content: bool = False


def match(
    rule: RiskRule,
    file: ChangedFile,
    parts: PathParts,
    flag: str | None,
    changed: ChangedText | None = None,
    found: tuple[str, str] | None = None,
) -> str | None:
    """The evidence (the reason after the label) if ``rule`` matches ``file``, else None.

    Args:
        rule: the rule.
        file: the changed file.
        parts: ``PathParts.of(file.path)`` (computed once per file).
        flag: the change's feature flag name, if any.
        changed: the file's added lines when its diff is known: a default rule's content
            regex searches them only (a migration and a policy rule read the whole text).
        found: ``rule.path.find(parts)`` when the caller already has it.
    """
    if rule.needs is not None and not _needs(rule.needs, file, parts, flag):
        return None
    evidence: list[str] = [rule.why] if rule.from_policy else []
    if rule.path is not None:
        found = found or rule.path.find(parts)
        if found is None:
            return None
        evidence.append(f"{found[0]} {found[1]!r} in {file.path}")
    if rule.path_regex is not None:
        if rule.path_regex.search(file.path) is None:
            return None
        evidence.append(f"{rule.evidence} matches {file.path}")
    if (
        rule.content is not None
        and changed is not None
        and not changed.whole
        and rule.needs != "migration"
        and not rule.from_policy
    ):
        m = rule.content.search(changed.text)
        if m is None:
            return None
        shown = " ".join(m.group(0).split())[:60]
        evidence.append(f"{shown!r} at line {changed.line_at(m.start())}")
    elif rule.content is not None:
        text = file.content
        if text is None:
            if not (rule.assume_content and file.change != "deleted" and evidence):
                return None
            evidence.append("content not available, assumed to match")
        else:
            if rule.needs == "migration":
                text = up_sections(parts.norm, text)
            m = rule.content.search(text)
            if m is None:
                return None
            line = text.count("\n", 0, m.start()) + 1
            shown = " ".join(m.group(0).split())[:60]
            evidence.append(f"{shown!r} at line {line}")
    if not evidence:
        evidence.append(_condition(rule.needs, file, parts, flag))
    return "; ".join(evidence)


def _needs(needs: Needs, file: ChangedFile, parts: PathParts, flag: str | None) -> bool:
    if needs == "flag":
        return flag is not None and file.behind_flag
    if needs == "unintegrated":
        return file.change == "added" and not file.integrated
    if needs == "added":
        return file.change == "added"
    if needs == "pure_rename":
        return file.change == "renamed" and file.added_lines == file.deleted_lines == 0
    if needs == "changed_code":
        return file.change != "added" and parts.name.rsplit(".", 1)[-1] in CODE_EXTENSIONS
    if needs == "edited_migration":
        return is_edited_flyway(parts.norm, file.change)
    if not is_migration(parts.norm, file.content):
        return False
    if needs == "unreadable_migration":
        return file.change != "deleted" and migration_problem(file.path, file.content) != ""
    return True


def _condition(needs: Needs | None, file: ChangedFile, parts: PathParts, flag: str | None) -> str:
    if needs == "flag":
        return f"{file.path} only runs when {flag} is on (OFF at deploy)"
    if needs == "unintegrated":
        return f"{file.path} is added and nothing calls it yet"
    if needs == "pure_rename":
        return f"{file.old_path} -> {file.path}, no line changed"
    if needs == "unreadable_migration":
        why = migration_problem(file.path, file.content)
        return f"{file.path}: not understood, review by hand ({why})"
    if needs == "edited_migration":
        return f"{file.path} is an applied Flyway migration edited in place (checksum mismatch)"
    if needs == "migration":
        if is_down_migration(parts.norm):
            return f"{file.path} is a rollback-only migration (not run on deploy)"
        if file.content is None:
            return f"{file.path} (content not available: destructive statements not ruled out)"
        return f"{file.path} (no destructive statement found)"
    return f"{file.change} {file.path}"
