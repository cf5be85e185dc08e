"""Plan text in Markdown: the one escaping rule for every medium that shows a plan.

``render_markdown`` (plan.md) and the notebook passages (:mod:`simulations.notebook.markdown`)
both render plan text through these functions, so a string from the change (a file name, a
feature, a commit subject) is escaped the same way wherever it is shown:

- :func:`plain_text` for a string shown as words: one line, and every character that could
  start Markdown markup or raw HTML is backslash-escaped (``_`` only at a word edge, so
  ``FEATURE_AUTH`` stays as is).
- :func:`prose` for a sentence the planner wrote, which keeps its own ``code spans`` and may
  quote a name from the change: one line, and outside a code span each ``<`` that could open
  raw HTML (a tag, a comment, a declaration) or an autolink, and each ``[`` (a link or an
  image), is backslash-escaped. Markdown renderers pass raw HTML through and nbconvert keeps
  ``javascript:`` links, and notebooks and reports render both.
- :func:`code_span` for a name shown as code: delimited by a backtick run longer than any
  inside it, so the name cannot end the span.
- :func:`table_cell` for prose in a table cell: pipes escaped as well.
- :func:`fenced` for a command or file: a fence longer than any backtick run inside.

Each function but :func:`fenced` first turns line breaks and other control characters into spaces
(:func:`single_line`), so a string cannot start a new block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["code_span", "fenced", "plain_text", "prose", "single_line", "table_cell"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Characters that start Markdown markup or raw HTML; "_" only at a word edge.
_MARKUP = re.compile(r"([\\`*\[\]<>|&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_TICKS = re.compile(r"`+")
# What prose() reads, in order: a backslash escape (of ASCII punctuation), a backtick run, a
# "[" (it opens a link or an image), and a "<" that opens raw HTML or an autolink in
# CommonMark: a tag, a closing tag ("/"), a comment, declaration or CDATA ("!"), a processing
# instruction ("?").
_TOKEN = re.compile(r"\\[!-/:-@\[-`{-~]|`+|<(?=[A-Za-z/!?])|\[")


def single_line(text: str) -> str:
    """``text`` with each run of line breaks and control characters replaced by one space."""
    if text.isprintable():  # the common case, without a regex
        return text
    return _CONTROL.sub(" ", text)


def plain_text(text: str) -> str:
    """A string shown as plain words: one line, markup and HTML characters escaped."""
    return _MARKUP.sub(r"\\\1", single_line(text))


def prose(text: str) -> str:
    """A sentence the planner wrote: one line, its code spans kept, and no raw HTML.

    The text is read the way CommonMark reads it (a backslash escapes the punctuation after it;
    a backtick run opens a code span only when a run of the same length closes it), and each
    ``<`` outside a code span that could open raw HTML or an autolink, and each ``[``, is
    backslash-escaped.
    """
    text = single_line(text)
    if "<" not in text and "[" not in text:
        return text
    out: list[str] = []
    i = 0
    while (token := _TOKEN.search(text, i)) is not None:
        out.append(text[i : token.start()])
        i = token.end()
        if token.group() in ("<", "["):
            out.append("\\" + token.group())
            continue
        if token.group().startswith("`"):  # a code span runs to its closing run, if any
            i = _closing(text, i, len(token.group())) or i
        out.append(text[token.start() : i])
    out.append(text[i:])
    return "".join(out)


def _closing(text: str, start: int, length: int) -> int | None:
    """The end of the backtick run of exactly ``length`` that closes a code span, if any."""
    for run in _TICKS.finditer(text, start):
        if len(run.group()) == length:
            return run.end()
    return None


def table_cell(text: str) -> str:
    """Prose in a Markdown table cell: :func:`prose` with the pipes escaped."""
    return prose(text).replace("|", "\\|")


def code_span(text: str) -> str:
    """``text`` on one line as a code span that no backtick inside can end."""
    text = single_line(text)
    longest = max((len(run) for run in _TICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    # a renderer strips one space from each end when both have one: pad so it strips ours
    padded = longest or (text[:1] == " " == text[-1:] and text.strip(" "))
    pad = " " if padded else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fenced(lines: Sequence[str], language: str) -> list[str]:
    """``lines`` in a fenced block whose fence (at least three backticks) is longer than any
    backtick run inside, so no line can close it early."""
    longest = max((len(run) for line in lines for run in _TICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *lines, fence]
