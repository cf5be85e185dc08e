"""Risk rules: what makes a changed file ZERO, LOW, MEDIUM or HIGH risk.

A :class:`Rule` matches a file by its path (a compiled regex searched in the normalised path),
by its content (a compiled regex searched in the text at ``head``), or both, and says which
level and category that gives and why. :data:`DEFAULT_RULES` is the ordered default rule set
documented in ``docs/risk-rules.md``; :func:`match` tells whether one rule matches one file and
with which evidence. Precedence lives in :mod:`planner.risk`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from planner.change import ChangedFile
from planner.migration_risk import DESTRUCTIVE, is_down_migration, is_migration, up_sections
from planner.model import RiskLevel
from planner.rule_patterns import (
    AUTH,
    CI,
    CODE_EXTENSIONS,
    CONFIG,
    CONTROLLERS,
    DATA_LAYER,
    DEPENDENCIES,
    DOCS,
    INFRA,
    LOCKFILES,
    MIDDLEWARE,
    PAYMENTS,
    ROUTES,
    TESTS,
    TYPES,
    WRITE_OPS,
    ContentPattern,
    PathParts,
    PathPattern,
    normalise_path,
)

__all__ = ["DEFAULT_RULES", "Needs", "PathParts", "Role", "Rule", "match", "normalise_path"]

Needs = Literal["flag", "unintegrated", "added", "pure_rename", "changed_code", "migration"]
Role = Literal["final", "max", "fallback"]


@dataclass(frozen=True)
class Rule:
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


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "test",
        "ZERO",
        "test",
        "test",
        "Test code is not deployed to serve traffic; it cannot break production.",
        path=TESTS,
        role="final",
    ),
    Rule(
        "docs",
        "ZERO",
        "docs",
        "docs",
        "Documentation does not run.",
        path=DOCS,
        role="final",
    ),
    Rule(
        "flagged_off",
        "ZERO",
        "flagged_off",
        "behind the feature flag",
        "Code that only runs when the change's feature flag is on is dormant while the flag "
        "stays OFF at deploy; the level it takes once the flag is on counts for the overall risk.",
        role="final",
        needs="flag",
    ),
    Rule(
        "types",
        "LOW",
        "types",
        "type declarations",
        "Type declarations (.d.ts, .pyi, types/) are erased or unused at run time.",
        path=TYPES,
        role="final",
        evidence="path",
    ),
    Rule(
        "unintegrated_new_file",
        "LOW",
        "new_file",
        "new file, not integrated",
        "A new file nothing calls yet cannot change behaviour until a later change wires it in.",
        role="final",
        needs="unintegrated",
    ),
    Rule(
        "migration_destructive",
        "HIGH",
        "migration_destructive",
        "destructive migration",
        "Dropping, deleting, truncating or rewriting data cannot be undone by a code revert; "
        "Level 3 needs a restore from backup.",
        content=DESTRUCTIVE,
        role="final",
        needs="migration",
    ),
    Rule(
        "migration",
        "MEDIUM",
        "migration",
        "additive migration",
        "A schema migration with no destructive statement: old code keeps working, but it "
        "changes the database every instance shares.",
        role="final",
        needs="migration",
    ),
    Rule(
        "auth",
        "HIGH",
        "auth",
        "auth",
        "Authentication, sessions, tokens, passwords and permissions: a bug locks users out "
        "or lets the wrong ones in.",
        path=AUTH,
    ),
    Rule(
        "payments",
        "HIGH",
        "payments",
        "payments",
        "Payments and billing: a bug loses or double-charges money.",
        path=PAYMENTS,
    ),
    Rule(
        "data_write",
        "HIGH",
        "data_write",
        "data write",
        "Data-layer code (models, repositories, DAOs) that writes: a bug corrupts stored data, "
        "which a rollback does not repair.",
        path=DATA_LAYER,
        content=WRITE_OPS,
        assume_content=True,
    ),
    Rule(
        "dependency",
        "MEDIUM",
        "dependency",
        "dependency manifest",
        "Dependency changes swap code under every module at once.",
        path=DEPENDENCIES,
        evidence="file name",
    ),
    Rule(
        "lockfile",
        "MEDIUM",
        "lockfile",
        "lock file",
        "Lock files pin the exact dependency versions that ship.",
        path=LOCKFILES,
        evidence="file name",
    ),
    Rule(
        "ci",
        "MEDIUM",
        "ci",
        "CI/build",
        "CI and build files change how the artefact is built and shipped.",
        path=CI,
        evidence="path",
    ),
    Rule(
        "infrastructure",
        "MEDIUM",
        "infrastructure",
        "infrastructure",
        "Containers, Kubernetes, Helm, Terraform and process files change where and how the "
        "service runs.",
        path=INFRA,
        evidence="path",
    ),
    Rule(
        "api_route",
        "MEDIUM",
        "api_route",
        "API route",
        "Routes and API definitions change what clients can call.",
        path=ROUTES,
    ),
    Rule(
        "middleware",
        "MEDIUM",
        "middleware",
        "middleware",
        "Middleware runs on every request it is mounted on.",
        path=MIDDLEWARE,
    ),
    Rule(
        "controller",
        "MEDIUM",
        "controller",
        "controller/handler",
        "Controllers and handlers serve requests directly.",
        path=CONTROLLERS,
    ),
    Rule(
        "config",
        "MEDIUM",
        "config",
        "configuration",
        "Configuration changes behaviour without a code change; Level 2 reverts it.",
        path=CONFIG,
        evidence="path",
    ),
    Rule(
        "new_file",
        "LOW",
        "new_file",
        "new file",
        "A new file that no other rule matched adds code without changing existing code.",
        role="fallback",
        needs="added",
    ),
    Rule(
        "rename",
        "LOW",
        "source",
        "pure rename",
        "A file moved without a line changed (imports of the old path are in other files).",
        role="fallback",
        needs="pure_rename",
    ),
    Rule(
        "source",
        "MEDIUM",
        "source",
        "existing code changed",
        "Modified, renamed or deleted code that no other rule matched changes existing behaviour.",
        role="fallback",
        needs="changed_code",
    ),
    Rule(
        "other",
        "LOW",
        "source",
        "other file",
        "Any other changed file (assets, data): low risk unless a rule above says otherwise.",
        role="fallback",
    ),
)


def match(rule: Rule, file: ChangedFile, parts: PathParts, flag: str | None) -> str | None:
    """The evidence (the reason after the label) if ``rule`` matches ``file``, else None.

    Args:
        rule: the rule.
        file: the changed file.
        parts: ``PathParts.of(file.path)`` (computed once per file).
        flag: the change's feature flag name, if any.
    """
    if rule.needs is not None and not _needs(rule.needs, file, parts, flag):
        return None
    evidence: list[str] = [rule.why] if rule.from_policy else []
    if rule.path is not None:
        found = rule.path.find(parts)
        if found is None:
            return None
        evidence.append(f"{found[0]} {found[1]!r} in {file.path}")
    if rule.path_regex is not None:
        if rule.path_regex.search(file.path) is None:
            return None
        evidence.append(f"{rule.evidence} matches {file.path}")
    if rule.content is not None:
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
    return is_migration(parts.norm)


def _condition(needs: Needs | None, file: ChangedFile, parts: PathParts, flag: str | None) -> str:
    if needs == "flag":
        return f"{file.path} only runs when {flag} is on (OFF at deploy)"
    if needs == "unintegrated":
        return f"{file.path} is added and nothing calls it yet"
    if needs == "pure_rename":
        return f"{file.old_path} -> {file.path}, no line changed"
    if needs == "migration":
        if is_down_migration(parts.norm):
            return f"{file.path} is a rollback-only migration (not run on deploy)"
        if file.content is None:
            return f"{file.path} (content not available: destructive statements not ruled out)"
        return f"{file.path} (no destructive statement found)"
    return f"{file.change} {file.path}"
