"""Security fixes named by the commits of a change: advisory ids (CVE, GHSA) and the words
maintainers use for them. A rollback of such a change re-opens the hole it closes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from planner.model import Commit, Fact

__all__ = ["advisory_facts"]

_ADVISORY = re.compile(
    r"\bCVE-\d{4}-\d{4,}\b|\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b", re.IGNORECASE
)
_WORDS = re.compile(
    r"\bsecurity\s+(?:fix|issue|patch|vulnerability|advisory)\b|\bvulnerabilit(?:y|ies)\b"
    r"|\b(?:XSS|CSRF|SSRF|RCE|IDOR)\b|\bSQL\s+injection\b|\bprivilege\s+escalation\b"
    r"|\bauth(?:entication|orization)?\s+bypass\b|\bopen\s+redirect\b",
    re.IGNORECASE,
)


def advisory_facts(commits: Sequence[Commit]) -> tuple[Fact, ...]:
    """One ``security_fix`` fact per commit whose subject names an advisory or a security fix;
    the fact's path is ``commit <sha>`` (12 digits), its text the advisory ids (or the words)."""
    facts: list[Fact] = []
    for c in commits:
        ids = list(dict.fromkeys(m.group(0).upper() for m in _ADVISORY.finditer(c.subject)))
        words = _WORDS.search(c.subject)
        if not ids and words is None:
            continue
        text = ", ".join(ids) if ids else words.group(0) if words else ""
        facts.append(Fact("security_fix", "security_fix", "HIGH", f"commit {c.sha[:12]}", (), text))
    return tuple(facts)
