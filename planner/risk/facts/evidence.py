"""Facts read from the changed lines of one file: what the change does, with file and line.

:func:`changed_text` joins the lines a diff adds (or removes) so a keyword scan and one regex
search cover them, and maps a match back to its line in the file. :func:`scan_lines` runs the
:data:`~planner.risk.facts.signals.SIGNALS` table over them; :func:`comments_only` tells a change
that touches no code. Without a diff (a manifest's ``content``) the whole text counts as added,
and the evidence says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.change.hunks import Hunk
from planner.change.model import ChangedFile
from planner.model import Fact
from planner.risk.facts.signals import SIGNALS, Side, Signal
from planner.risk.facts.vocabulary import AUTH_SYMBOL, HASH_ALGORITHMS

__all__ = [
    "LABELS",
    "ChangedText",
    "changed_text",
    "comments_only",
    "scan_lines",
    "span",
    "symbol_facts",
]

# the reason label of each fact kind
LABELS: dict[str, str] = {
    **{s.kind: s.label for s in SIGNALS},
    "hash_upgrade": "password hash upgrade",
    "auth_function": "change inside an auth function",
    "dependency": "dependency",
    "managed_upgrade": "managed service upgrade",
    "data_protection_off": "data protection off",
    "security_fix": "security fix",
}


def _keyword_index(
    signals: tuple[Signal, ...],
) -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """One regex finding every keyword, and for each keyword the signals it may wake: a found
    keyword wakes every signal one of whose keywords it contains (``is_authenticated`` also
    wakes a signal keyed by ``authenticat``), so overlapping keywords are never missed."""
    words = sorted({k for s in signals for k in s.keywords}, key=len, reverse=True)
    pattern = re.compile(_trie(words))
    index = {
        w: frozenset(i for i, s in enumerate(signals) if any(k in w for k in s.keywords))
        for w in words
    }
    return pattern, index


_Trie = dict[str, "_Trie"]


def _trie(words: list[str]) -> str:
    """A regex matching any of ``words``, with common prefixes factored out
    (``pass(?:w|word)``): a flat alternation of hundreds of words scans six times slower."""
    tree: _Trie = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node(tree)


def _node(node: _Trie) -> str:
    branches = [re.escape(ch) + _node(child) for ch, child in node.items() if ch]
    # longer alternatives first, then the end of a word (empty), so the longest match wins
    branches.sort(key=len, reverse=True)
    if "" in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


_KEYWORDS, _WAKES = _keyword_index(SIGNALS)

_HASHING = next(s.regex for s in SIGNALS if s.kind == "password_hashing")
_COMMENT = re.compile(r"^\s*(?:#(?!include|!)|//|/\*|\*|--(?!\w)|<!--|-->|;|\"\"\"|''')")


@dataclass(frozen=True)
class ChangedText:
    """The changed lines of one side of a file joined by newlines, with their line numbers."""

    text: str
    numbers: tuple[int, ...]  # the file line number of each line of ``text``
    whole: bool = False  # no diff known: every line of the text counts

    def line_at(self, offset: int) -> int:
        """The file line number of the character at ``offset`` of :attr:`text` (counted only
        for a match, so joining stays one C call per file)."""
        return self.numbers[self.text.count("\n", 0, offset)]


def changed_text(file: ChangedFile, side: Side = "added") -> ChangedText | None:
    """The added (head) or removed (base) lines of ``file``; ``None`` when nothing is known.

    With hunks (a git range) only the lines the diff touches; without (a manifest with
    ``content``) the whole text as added lines, marked ``whole``.
    """
    if file.hunks is not None:
        return _from_hunks(file.hunks, side)
    if side == "added" and file.content is not None:
        lines = file.content.split("\n")
        return _join(lines, tuple(range(1, len(lines) + 1)), whole=True)
    return None


def _from_hunks(hunks: tuple[Hunk, ...], side: Side) -> ChangedText:
    lines: list[str] = []
    numbers: list[int] = []
    for h in hunks:
        part = h.added if side == "added" else h.removed
        start = h.new_start if side == "added" else h.old_start
        lines.extend(part)
        numbers.extend(range(start, start + len(part)))
    return _join(lines, tuple(numbers))


def _join(lines: list[str], numbers: tuple[int, ...], whole: bool = False) -> ChangedText:
    return ChangedText("\n".join(lines), numbers, whole)


def span(lines: tuple[int, ...]) -> str:
    """``12``, ``12-14`` or ``12, 30, 41`` (at most five numbers, then ``...``)."""
    if not lines:
        return "?"
    if len(lines) > 1 and lines[-1] - lines[0] == len(lines) - 1:
        return f"{lines[0]}-{lines[-1]}"
    shown = ", ".join(str(n) for n in lines[:5])
    return shown + (", ..." if len(lines) > 5 else "")


def scan_lines(
    file: ChangedFile,
    added: ChangedText | None,
    removed: ChangedText | None,
    code: bool,
) -> tuple[Fact, ...]:
    """The facts the changed lines of ``file`` show, one per signal kind, in table order.

    Args:
        file: the changed file.
        added: its added lines (:func:`changed_text`).
        removed: its removed lines.
        code: the file is source code (``code_only`` signals apply).
    """
    facts: list[Fact] = []
    woken: set[int] = set()
    for changed in (added, removed):
        if changed is not None and changed.text:
            for word in set(_KEYWORDS.findall(changed.text.lower())):
                woken |= _WAKES[word]
    ext = file.path.rsplit(".", 1)[-1].lower()
    for i, sig in enumerate(SIGNALS):
        if i not in woken:
            continue
        if (sig.code_only and not code) or (sig.exts is not None and ext not in sig.exts):
            continue
        changed = added if sig.side == "added" else removed
        if changed is None or not changed.text:
            continue
        fact = _search(sig, file.path, changed)
        if fact is not None:
            facts.append(fact)
    return _hash_upgrade(file, tuple(facts), added)


def _search(sig: Signal, path: str, changed: ChangedText) -> Fact | None:
    numbers: list[int] = []
    first = ""
    for m in sig.regex.finditer(changed.text):
        if not first:
            first = " ".join(m.group(0).split())[:60]
        line = changed.line_at(m.start())
        if not numbers or numbers[-1] != line:
            numbers.append(line)
        if len(numbers) >= 6:
            break
    if not first:
        return None
    detail = "whole file (no diff known)" if changed.whole else ""
    return Fact(sig.kind, sig.category, sig.level, path, tuple(numbers), first, detail)


def _hash_upgrade(
    file: ChangedFile, facts: tuple[Fact, ...], added: ChangedText | None
) -> tuple[Fact, ...]:
    """Add a ``hash_upgrade`` fact when a modified file's added lines hash passwords with an
    algorithm its previous text did not name (Argon2 in front of bcrypt), or hash them where the
    previous text hashed nothing (plaintext to BCrypt): hashes written from now on, or re-hashed
    at sign-in, are ones the previous version may not verify."""
    hashing = next((f for f in facts if f.kind == "password_hashing"), None)
    before = file.base_content
    if hashing is None or added is None or file.change == "added" or before is None:
        return facts
    new = {a.lower() for a in HASH_ALGORITHMS.findall(added.text)}
    old = {a.lower() for a in HASH_ALGORITHMS.findall(before)}
    fresh = sorted(new - old)
    if fresh:
        detail = f"{', '.join(fresh)} newly used" + (
            f" ({', '.join(sorted(old))} before)" if old else ""
        )
    elif _HASHING.search(before) is None:
        detail = "passwords hashed where the previous version did not hash them"
    else:
        return facts
    upgrade = Fact("hash_upgrade", "auth", "HIGH", file.path, hashing.lines, hashing.text, detail)
    return (*facts, upgrade)


def symbol_facts(file: ChangedFile) -> tuple[Fact, ...]:
    """An ``auth_function`` fact when hunks fall inside a function whose name is authentication
    (git's ``@@ ... @@ def create_access_token(...)``): the symbols the changed lines touch."""
    if not file.hunks:
        return ()
    lines: list[int] = []
    name = ""
    for h in file.hunks:
        m = AUTH_SYMBOL.search(h.context) if h.context else None
        if m is not None:
            name = name or re.split(r"[\s(=]", m.group(0), maxsplit=1)[0]
            lines.append(h.new_start)
    if not lines:
        return ()
    return (Fact("auth_function", "auth", "HIGH", file.path, tuple(lines), name),)


def comments_only(added: ChangedText | None, removed: ChangedText | None) -> bool:
    """True when every changed line is blank or a comment (and at least one line changed)."""
    seen = False
    for changed in (added, removed):
        if changed is None:
            continue
        for line in changed.text.split("\n") if changed.text else ():
            seen = True
            if line.strip() and not _COMMENT.match(line):
                return False
    return seen
