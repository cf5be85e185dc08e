"""Risk policies: user rules that extend or override the default risk rules.

A policy (``--policy FILE``, YAML or JSON) has ``rules`` (looked at before the defaults) and
``disable`` (default rule names to drop). A user rule named like a default rule replaces it.
Schema and semantics: ``docs/risk-rules.md``. :func:`parse_policy` is pure; :func:`load_policy`
reads the file safely. Every error is a :class:`~planner.exceptions.PolicyError` naming the
source, the field and the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from planner.exceptions import PolicyError
from planner.io import read_structured
from planner.model import LEVELS, RiskLevel
from planner.risk.defaults import DEFAULT_RULES
from planner.risk.rules import RiskRule, Role

__all__ = ["Policy", "glob_to_regex", "load_policy", "parse_policy"]

_RULE_KEYS = ("name", "level", "category", "paths", "content", "reason", "final")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


@dataclass(frozen=True)
class Policy:
    """User rules (looked at first, in order) and the default rule names they disable."""

    rules: tuple[RiskRule, ...] = ()
    disable: frozenset[str] = frozenset()
    source: str = ""


def load_policy(path: str | Path) -> Policy:
    """Read a risk policy (YAML or JSON) from ``path``.

    Raises:
        PolicyError: the file cannot be read or parsed, or a rule is malformed.
    """
    return parse_policy(read_structured(path, PolicyError, schema="risk-policy"), str(path))


def parse_policy(data: object, source: str) -> Policy:
    """Build a :class:`Policy` from a loaded policy document.

    Raises:
        PolicyError: unknown field, bad level, bad glob or regex, unknown default rule name.
    """
    if data is None:
        return Policy(source=source)
    if not isinstance(data, Mapping):
        raise PolicyError(f"{source}: expected a mapping at the top level")
    for key in data:
        if key not in ("rules", "disable"):
            raise PolicyError(f"{source}: {key}: unknown field (expected rules, disable)")
    known = [r.name for r in DEFAULT_RULES]
    disable = _list(data.get("disable"), source, "disable")
    for i, name in enumerate(disable):
        if name not in known:
            raise PolicyError(
                f"{source}: disable[{i}]: {name!r} is not a default rule "
                f"(one of {', '.join(known)})"
            )
    rules = tuple(
        _rule(item, i, source) for i, item in enumerate(_list(data.get("rules"), source, "rules"))
    )
    names = [r.name for r in rules]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise PolicyError(f"{source}: rules[{i}].name: {name!r} is used twice")
    replaced = {n for n in names if n in known}
    return Policy(rules=rules, disable=frozenset(disable) | replaced, source=source)


def glob_to_regex(glob: str) -> str:
    """Translate a path glob into a regex matching the whole path.

    ``**`` matches any number of folders, ``*`` anything but ``/``, ``?`` one character,
    ``[...]`` a class. A glob without ``/`` matches the file name at any depth.

    Raises:
        ValueError: an unclosed ``[`` or an empty glob.
    """
    if not glob:
        raise ValueError("empty glob")
    body = glob if "/" in glob else f"**/{glob}"
    body = body.lstrip("/")
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if body.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = body.find("]", i + 2)
            if end < 0:
                raise ValueError(f"unclosed '[' at position {i}")
            inner = body[i + 1 : end]
            if inner.startswith("!"):
                inner = "^" + inner[1:]
            out.append(f"[{inner.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _rule(item: object, i: int, source: str) -> RiskRule:
    where = f"{source}: rules[{i}]"
    if not isinstance(item, Mapping):
        raise PolicyError(f"{where}: expected a mapping, got {type(item).__name__}")
    for key in item:
        if key not in _RULE_KEYS:
            raise PolicyError(
                f"{where}.{key}: unknown field (expected one of {', '.join(_RULE_KEYS)})"
            )
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise PolicyError(f"{where}.name: {name!r} is not a rule name (letters, digits, _.-)")
    level = item.get("level")
    if level not in LEVELS:
        raise PolicyError(f"{where}.level: {level!r} is not one of {', '.join(LEVELS)}")
    category = item.get("category", "policy")
    if not isinstance(category, str) or not category:
        raise PolicyError(f"{where}.category: expected a non-empty string, got {category!r}")
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise PolicyError(f"{where}.reason: expected a non-empty string, got {reason!r}")
    final = item.get("final", False)
    if not isinstance(final, bool):
        raise PolicyError(f"{where}.final: expected true or false, got {final!r}")
    globs = _list(item.get("paths"), source, f"rules[{i}].paths")
    regexes = _list(item.get("content"), source, f"rules[{i}].content")
    if not globs and not regexes:
        raise PolicyError(f"{where}: needs paths or content (or both)")
    role: Role = "final" if final else "max"
    return RiskRule(
        name=name,
        level=cast(RiskLevel, level),
        category=category,
        label=name,
        why=reason.strip(),
        path_regex=_paths(globs, where) if globs else None,
        content=_content(regexes, where) if regexes else None,
        role=role,
        evidence="policy path",
        from_policy=True,
    )


def _paths(globs: list[str], where: str) -> re.Pattern[str]:
    parts = []
    for j, glob in enumerate(globs):
        try:
            parts.append(glob_to_regex(glob))
            re.compile(parts[-1])
        except (ValueError, re.error) as exc:
            raise PolicyError(f"{where}.paths[{j}]: bad glob {glob!r}: {exc}") from None
    return re.compile("^(?:" + "|".join(f"(?:{p})" for p in parts) + ")$")


def _content(regexes: list[str], where: str) -> re.Pattern[str]:
    parts = []
    for j, regex in enumerate(regexes):
        scoped = _LEADING_FLAGS.sub(lambda m: f"(?{m.group(1)}:", regex, count=1)
        if scoped != regex:
            scoped += ")"
        try:
            re.compile(scoped, re.MULTILINE)
        except re.error as exc:
            raise PolicyError(f"{where}.content[{j}]: bad regex {regex!r}: {exc}") from None
        parts.append(scoped)
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts), re.MULTILINE)
    except re.error as exc:  # e.g. an inline global flag in the middle of a pattern
        raise PolicyError(f"{where}.content: patterns cannot be combined: {exc}") from None


def _list(value: Any, source: str, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PolicyError(f"{source}: {field}: expected a list, got {type(value).__name__}")
    if field.endswith("rules"):
        return value
    for j, v in enumerate(value):
        if not isinstance(v, str):
            raise PolicyError(f"{source}: {field}[{j}]: expected a string, got {v!r}")
    return value
