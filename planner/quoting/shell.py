"""Safe-to-paste shell commands: every path, ref and name goes through :func:`q`.

A word with a control character (a newline, an escape code) is written in bash's ANSI-C form
``$'...'`` with the character escaped, so it stays one word, one line, and never reaches a
terminal raw; other words use :func:`shlex.quote`.
"""

from __future__ import annotations

import re
import shlex

__all__ = ["in_folder", "join", "q"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _ansi_c(word: str) -> str:
    def escape(ch: str) -> str:
        if ch in "\\'":
            return "\\" + ch
        if _CONTROL.fullmatch(ch):
            code = ord(ch)
            return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        return ch

    return "$'" + "".join(escape(c) for c in word) + "'"


def q(word: str) -> str:
    """Quote one word so a shell reads it back as exactly ``word``."""
    if _CONTROL.search(word):
        return _ansi_c(word)
    return shlex.quote(word)


def join(*words: str) -> str:
    """Join words into one command line, quoting each (``join("git", "revert", sha)``)."""
    return " ".join(q(w) for w in words)


def in_folder(folder: str, command: str) -> str:
    """``command`` run in ``folder`` inside a subshell, so the next pasted line is unaffected.

    The repository root (``""`` or ``"."``) runs it as it is, and so does a marked placeholder
    (``# fill in: ...``): wrapped, its ``#`` would swallow the closing parenthesis and leave the
    pasted subshell open.
    """
    if not folder or folder == "." or command.lstrip().startswith("#"):
        return command
    return f"(cd {q(folder)} && {command})"
