"""A command with the evidence it came from: ``text  # from path:line``.

Every command the repository model hands to the plan carries its source, the way risk reasons
carry theirs: the CI file and line that runs it, the Makefile target, the ``package.json``
script, or the manifest whose conventional command it is. Where nothing real is known the plan
gets a marked placeholder (:func:`placeholder`), a ``#`` comment that runs as nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.quoting.shell import in_folder

__all__ = ["Command", "comment", "in_folder", "placeholder"]

FILL_IN = "# fill in: "


@dataclass(frozen=True)
class Command:
    """A shell line (runnable as pasted) and where it came from (``path:line`` or ``path``)."""

    text: str
    source: str = ""

    @property
    def is_placeholder(self) -> bool:
        """True for a ``# fill in: ...`` line (nothing was found to run)."""
        return self.text.startswith(FILL_IN)

    def line(self) -> str:
        """The pasteable line: the command and, after it, a comment naming its source."""
        if not self.source or self.is_placeholder:
            return self.text
        return f"{self.text}  # from {comment(self.source)}"


def placeholder(what: str) -> Command:
    """A marked placeholder: ``# fill in: <what>`` (a comment: pasting it runs nothing)."""
    return Command(FILL_IN + comment(what))


def comment(text: str) -> str:
    """Text safe inside a ``#`` comment: no line break can end the comment early."""
    return re.sub(r"[\r\n\x00-\x1f]+", " ", text)
