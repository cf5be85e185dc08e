"""Split a generated command line into the words bash would see, ``$'...'`` included.

:func:`shlex.split` knows POSIX quoting but not bash's ANSI-C quotes, which
:func:`planner.quoting.shell.q` uses for words holding control characters. This rewrites each
``$'...'`` that stands outside other quotes as the equivalent single-quoted text, then splits.
"""

from __future__ import annotations

import re
import shlex

__all__ = ["shell_words"]

_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{1,2})|\\u([0-9a-fA-F]{1,4})|\\(.)", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "e": "\x1b", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _decode(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        return _SIMPLE.get(m.group(3), m.group(3))

    return _ESCAPE.sub(one, body)


def _posix(command: str) -> str:
    out, i, state = [], 0, ""
    while i < len(command):
        ch = command[i]
        if state == "'":
            state = "" if ch == "'" else state
        elif state == '"':
            if ch == "\\":
                out.append(command[i : i + 2])
                i += 2
                continue
            state = "" if ch == '"' else state
        elif ch == "\\":
            out.append(command[i : i + 2])
            i += 2
            continue
        elif command.startswith("$'", i):
            j = i + 2
            while command[j] != "'":
                j += 2 if command[j] == "\\" else 1
            out.append(shlex.quote(_decode(command[i + 2 : j])))
            i = j + 1
            continue
        elif ch in "'\"":
            state = ch
        out.append(ch)
        i += 1
    return "".join(out)


def shell_words(command: str) -> list[str]:
    """The words of ``command`` as bash splits them (comments dropped, no expansion)."""
    return shlex.split(_posix(command), comments=True)
