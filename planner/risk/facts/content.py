"""What a file's changed lines add to its path rules: the facts, and how they weigh.

:func:`file_facts` gathers the facts of one file: the content signals of its changed lines
(:mod:`planner.risk.facts.evidence`), the packages a manifest or lock file moves
(:mod:`planner.risk.facts.dependencies`) and the managed services and stateful images an
infrastructure file moves (:mod:`planner.risk.facts.managed`). :func:`weigh` applies them to the
path rules' hits: a weak path word that the text does not confirm stops counting, the packages'
levels replace the flat level of a dependency file, and every fact adds a reason that cites the
file and its lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from planner.change.model import ChangedFile
from planner.model import LEVELS, Fact, RiskLevel
from planner.risk.facts.dependencies import dependency_facts
from planner.risk.facts.evidence import (
    LABELS,
    ChangedText,
    comments_only,
    scan_lines,
    span,
    symbol_facts,
)
from planner.risk.facts.managed import managed_facts
from planner.risk.patterns import PathParts
from planner.risk.rules import RiskRule

__all__ = ["Weighed", "fact_reason", "file_facts", "weigh"]

Hit = tuple[RiskRule, str]
_RANK = {level: i for i, level in enumerate(LEVELS)}
_PACKAGE_FILES = ("dependency", "lockfile")
# settings files whose lines the signals read besides source code (templates and data are not)
_SETTINGS = frozenset({"yml", "yaml", "json", "properties", "toml", "ini", "cfg", "conf", "env"})
# generated code (OpenAPI clients, protobuf) and Blade templates: their words are a schema's or a
# page's, not this change's code
_GENERATED = re.compile(
    r"\.gen\.|_pb2(?:_grpc)?\.py$|\.pb(?:\.gw)?\.go$|(?:^|/)generated/|\.blade\.php$"
)


def file_facts(
    file: ChangedFile, parts: PathParts, added: ChangedText | None, removed: ChangedText | None
) -> tuple[Fact, ...]:
    """Every fact the changed lines of ``file`` show: the signals and the functions they sit in
    (source code and settings files, not templates, data or generated code), then packages and
    managed services."""
    if added is None and removed is None:
        return ()
    name = parts.path.rsplit("/", 1)[-1].lower()
    facts: list[Fact] = []
    if (parts.code or name.rsplit(".", 1)[-1] in _SETTINGS or name.startswith(".env")) and not (
        _GENERATED.search(parts.norm)
    ):
        facts += scan_lines(file, added, removed, parts.code)
        if parts.code:
            facts += symbol_facts(file)
    facts += dependency_facts(file.path, name, added, removed, file.content, file.base_content)
    facts += managed_facts(file.path, name, added, removed, file.content, file.base_content)
    return tuple(facts)


def fact_reason(fact: Fact) -> str:
    """``password hashing: 'Argon2PasswordHasher' at config/settings/base.py:7``."""
    detail = f" {fact.detail}" if fact.detail else ""
    where = f"{fact.path}:{span(fact.lines)}" if fact.lines else fact.path
    return f"{LABELS.get(fact.kind, fact.kind)}: {fact.text!r}{detail} at {where}"


@dataclass
class Weighed:
    """The level, reasons and categories of one file once its facts are weighed in (mutable:
    the classifier appends the reasons a flag-guarded file has once the flag is on)."""

    level: RiskLevel
    reasons: list[str]
    categories: list[str]


def weigh(
    file: ChangedFile,
    hits: Sequence[Hit],
    facts: Sequence[Fact],
    added: ChangedText | None,
    removed: ChangedText | None,
) -> Weighed:
    """Combine the path rules' ``hits`` with the ``facts`` of the changed lines.

    * A weak rule (``auth_word``) counts only when the file's text is unknown or a fact of its
      category is present; otherwise a note says why it did not count.
    * Package facts replace the level of the dependency and lock-file rules (a linter patch is
      LOW, an ORM major HIGH); a data-write fact adds nothing to the ``data_write`` rule, which
      already names the write.
    * A modified file whose changed lines are all comments or blank is at most LOW.
    """
    known = added is not None or removed is not None
    categories_found = {f.category for f in facts}
    kept: list[Hit] = []
    notes: list[str] = []
    strong = {r.category for r, _ in hits if not r.weak}
    for rule, ev in hits:
        if rule.weak and rule.category in strong:
            continue  # a strong word already says it
        if rule.weak and known and rule.category not in categories_found:
            word = ev.split("'")[1] if "'" in ev else ev
            notes.append(
                f"path word {word!r} in {file.path} is not taken for {rule.category} "
                f"(no {rule.category} code in the changed lines)"
            )
            continue
        kept.append((rule, ev))
    has_packages = any(f.kind == "dependency" for f in facts)
    writes_named = any(r.category == "data_write" for r, _ in kept)
    levels: list[RiskLevel] = [
        r.level for r, _ in kept if not (has_packages and r.category in _PACKAGE_FILES)
    ]
    shown = [f for f in facts if not (f.kind == "data_write" and writes_named)]
    levels += [f.level for f in shown]
    level: RiskLevel = max(levels, key=_RANK.__getitem__, default="ZERO")
    reasons = [f"{r.label}: {ev}" for r, ev in kept]
    reasons += [fact_reason(f) for f in shown]
    categories = [r.category for r, _ in kept] + [f.category for f in shown]
    if (
        file.hunks is not None
        and file.change in ("modified", "renamed")
        and _RANK[level] > _RANK["LOW"]
        and comments_only(added, removed)
    ):
        numbers = (added.numbers if added else ()) + (removed.numbers if removed else ())
        reasons.append(
            f"only comments or blank lines change in {file.path} (lines "
            f"{span(tuple(sorted(set(numbers))))}): LOW"
        )
        return Weighed("LOW", reasons + notes, ["comments_only"])
    return Weighed(level, reasons + notes, categories)
