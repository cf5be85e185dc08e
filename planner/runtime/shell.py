"""Safe-to-paste shell commands: every path, ref and name goes through :func:`shlex.quote`."""

from __future__ import annotations

import shlex

__all__ = ["join", "q"]


def q(word: str) -> str:
    """Quote one word so a shell reads it back as exactly ``word``."""
    return shlex.quote(word)


def join(*words: str) -> str:
    """Join words into one command line, quoting each (``join("git", "revert", sha)``)."""
    return shlex.join(words)
