"""Risk classification: every changed file gets a level and reasons; the change gets an overall
level and a complexity score.

Precedence (``docs/risk-rules.md``): rules are looked at in order, policy rules first. A
``final`` rule that matches decides the file's level (with any earlier match) and stops; every
matching ``max`` rule adds a reason and the highest level wins; ``fallback`` rules apply only when
nothing else matched. A file behind the feature flag is ZERO at deploy, and the level it takes
once the flag is on counts towards the overall risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner.change.model import ChangedFile, ChangeSet
from planner.model import LEVELS, Fact, FileRisk, Risk, RiskLevel
from planner.risk.defaults import DEFAULT_RULES
from planner.risk.facts.advisories import advisory_facts
from planner.risk.facts.content import Weighed, fact_reason, file_facts, weigh
from planner.risk.facts.evidence import ChangedText, changed_text
from planner.risk.policy import Policy
from planner.risk.rules import PathParts, RiskRule, match

__all__ = [
    "INTEGRATION_FLOOR",
    "LEVEL_WEIGHT",
    "classify",
    "classify_file",
    "complexity",
    "effective_rules",
]

# The least overall risk a change touching an integration point has (when any file is above ZERO).
INTEGRATION_FLOOR: dict[str, RiskLevel] = {
    "payment_api": "HIGH",
    "auth_provider": "HIGH",
    "database": "MEDIUM",
    "queue": "MEDIUM",
    "webhooks": "MEDIUM",
    "third_party_api": "MEDIUM",
    "cache": "LOW",
    "email": "LOW",
}
# Complexity points per file of each level.
LEVEL_WEIGHT: dict[str, int] = {"ZERO": 0, "LOW": 1, "MEDIUM": 3, "HIGH": 6}
_RANK = {level: i for i, level in enumerate(LEVELS)}
# facts a migration keeps (its level comes from its statements)
_MIGRATION = frozenset({"unique_constraint", "bulk_write"})


def effective_rules(policy: Policy | None = None) -> tuple[RiskRule, ...]:
    """Policy rules first, then the default rules the policy does not disable."""
    if policy is None:
        return DEFAULT_RULES
    return (*policy.rules, *(r for r in DEFAULT_RULES if r.name not in policy.disable))


def classify(changes: ChangeSet, policy: Policy | None = None) -> Risk:
    """Rate every file of ``changes`` and the change as a whole.

    Returns:
        A :class:`Risk` whose ``files`` keep the order of ``changes.files``;
        ``complexity_explained`` shows the complexity arithmetic and why the overall level is
        what it is.
    """
    rules = effective_rules(policy)
    flag = changes.feature_flag
    files: list[FileRisk] = []
    enabled: list[tuple[RiskLevel, str]] = []
    for f in changes.files:
        risk, when_on = classify_file(f, rules, flag)
        files.append(risk)
        if when_on is not None:
            enabled.append((when_on, f.path))
    overall, why = _overall(files, enabled, changes.integration_points)
    fixes = advisory_facts(changes.commits)
    if fixes and overall != "ZERO" and _RANK[overall] < _RANK["HIGH"]:
        overall = "HIGH"
        why += (
            f"; security fix {fixes[0].text} ({fixes[0].path}) raises it to HIGH: a rollback "
            "re-opens it"
        )
    score, arithmetic = complexity(files, changes.integration_points)
    return Risk(
        overall=overall,
        complexity=score,
        files=tuple(files),
        complexity_explained=f"{arithmetic}. Overall {overall}: {why}.",
        facts=fixes,
    )


def classify_file(
    file: ChangedFile, rules: Sequence[RiskRule], flag: str | None = None
) -> tuple[FileRisk, RiskLevel | None]:
    """The risk of one file, and for a flag-guarded file the level it has once the flag is on.

    The path rules give the prior; the facts of the changed lines
    (:mod:`planner.risk.facts.content`)
    raise it, confirm or drop a weak path word, and set a dependency file's level. Final rules
    that ship nothing (tests, docs, translations, fixtures, declarations) and migrations (judged
    by their statements) keep their level.

    Args:
        file: the changed file.
        rules: the ordered rules (:func:`effective_rules`).
        flag: the change's feature flag, if any.
    """
    parts = PathParts.of(file.path)
    added = changed_text(file)
    removed = changed_text(file, "removed")
    hits = _hits(file, parts, rules, flag, added)
    lead = hits[0][0] if hits else None
    facts: tuple[Fact, ...] = ()
    if lead is None or lead.role != "final" or lead.yields_to_content or lead.needs == "flag":
        facts = file_facts(file, parts, added, removed)
        if lead is not None and lead.yields_to_content and _RANK[_top(facts)] > _RANK[lead.level]:
            hits = _hits(file, parts, [r for r in rules if r is not lead], flag, added)
    elif lead.needs == "migration":  # for the failure modes and hazards; the level stays
        facts = tuple(f for f in file_facts(file, parts, added, None) if f.kind in _MIGRATION)
    if lead is not None and lead.needs == "flag":
        weighed = Weighed(
            _max(r.level for r, _ in hits),
            [f"{r.label}: {ev}" for r, ev in hits],
            [r.category for r, _ in hits],
        )
        later = _hits(file, parts, [r for r in rules if r.needs != "flag"], None, added)
        on = weigh(file, later, facts, added, removed)
        when_on: RiskLevel | None = on.level
        weighed.reasons += [f"when {flag} is on, {on.level}: {r}" for r in on.reasons]
        weighed.categories += on.categories
    elif lead is not None and lead.role == "final" and not lead.yields_to_content:
        weighed = Weighed(
            _max(r.level for r, _ in hits),
            [f"{r.label}: {ev}" for r, ev in hits] + [fact_reason(f) for f in facts],
            [r.category for r, _ in hits],
        )
        when_on = None
    else:
        weighed = weigh(file, hits, facts, added, removed)
        when_on = None
        if not weighed.categories:  # a weak word was all there was: judge as the fallbacks do
            rest = _hits(file, parts, [r for r in rules if not r.weak], flag, added)
            again = weigh(file, rest, facts, added, removed)
            weighed = Weighed(again.level, again.reasons + weighed.reasons, again.categories)
    risk = FileRisk(
        path=file.path,
        change=file.change,
        level=weighed.level,
        reasons=tuple(weighed.reasons),
        old_path=file.old_path,
        added_lines=file.added_lines,
        deleted_lines=file.deleted_lines,
        categories=tuple(dict.fromkeys(weighed.categories)),
        facts=facts,
    )
    return risk, when_on


def _hits(
    file: ChangedFile,
    parts: PathParts,
    rules: Iterable[RiskRule],
    flag: str | None,
    changed: ChangedText | None,
) -> list[tuple[RiskRule, str]]:
    hits: list[tuple[RiskRule, str]] = []
    fallback: tuple[RiskRule, str] | None = None
    for rule in rules:
        if rule.role == "fallback":
            if fallback is None and not hits:
                ev = match(rule, file, parts, flag, changed)
                if ev is not None:
                    fallback = (rule, ev)
            continue
        found = None
        if rule.path is not None and rule.needs is None:
            found = rule.path.find(parts)
            if found is None:
                continue  # the common case, without building evidence
        ev = match(rule, file, parts, flag, changed, found)
        if ev is None:
            continue
        hits.append((rule, ev))
        if rule.role == "final":
            break
    if not hits and fallback is not None:
        hits.append(fallback)
    return hits


def _top(facts: Iterable[Fact]) -> RiskLevel:
    return _max(f.level for f in facts)


def _max(levels: Iterable[RiskLevel]) -> RiskLevel:
    best: RiskLevel = "ZERO"
    for level in levels:
        if _RANK[level] > _RANK[best]:
            best = level
    return best


def _overall(
    files: Sequence[FileRisk],
    enabled: Sequence[tuple[RiskLevel, str]],
    points: Sequence[str],
) -> tuple[RiskLevel, str]:
    if not files:
        return "ZERO", "no files"
    top = max(files, key=lambda f: _RANK[f.level])
    overall = top.level
    why = [f"highest file level {top.level} ({top.path})"]
    if enabled:
        level, path = max(enabled, key=lambda e: _RANK[e[0]])
        if _RANK[level] > _RANK[overall]:
            overall = level
        why.append(f"{level} once the flag is on ({path})")
    if overall != "ZERO":
        for point in points:
            floor = INTEGRATION_FLOOR.get(point, "MEDIUM")
            if _RANK[floor] > _RANK[overall]:
                overall = floor
                why.append(f"integration point {point} raises it to at least {floor}")
    return overall, "; ".join(why)


def complexity(files: Sequence[FileRisk], points: Sequence[str]) -> tuple[int, str]:
    """The complexity score (1 to 100) and its arithmetic.

    files: 5 x ceil(log2(n + 1)), at most 25; lines (added + deleted): 5 x the number of
    decimal digits, at most 25; levels: sum of ZERO 0 / LOW 1 / MEDIUM 3 / HIGH 6 per file, at
    most 30; integration points: 5 each, at most 20. The sum is clamped to 1..100.
    """
    n = len(files)
    lines = sum(f.added_lines + f.deleted_lines for f in files)
    counts = {level: sum(1 for f in files if f.level == level) for level in LEVELS}
    f_pts = min(25, 5 * n.bit_length())
    l_pts = min(25, 5 * len(str(lines))) if lines else 0
    raw_levels = sum(LEVEL_WEIGHT[level] * c for level, c in counts.items())
    v_pts = min(30, raw_levels)
    i_pts = min(20, 5 * len(points))
    score = max(1, min(100, f_pts + l_pts + v_pts + i_pts))
    level_terms = " + ".join(f"{LEVEL_WEIGHT[lv]}x{counts[lv]} {lv}" for lv in LEVELS)
    text = (
        f"complexity {score} = files {f_pts} (5 x ceil(log2({n}+1)), max 25)"
        f" + lines {l_pts} (5 x {len(str(lines)) if lines else 0} digits of {lines}, max 25)"
        f" + levels {v_pts} ({level_terms} = {raw_levels}, max 30)"
        f" + integration points {i_pts} (5 x {len(points)}, max 20)"
    )
    if score != f_pts + l_pts + v_pts + i_pts:
        text += " (clamped to 1..100)"
    return score, text
