"""Command templates from user files, rendered so every field is exactly one shell word.

A template is either a list of arguments (``[flagctl, set, "{flag}", "--on={value}"]``) or one
command line (``flagctl set {flag} {value}``). Fields are named only (``{flag}``), without
conversions, format specs, attributes or indexes. In a command line a field must stand outside
any quotes: the planner shell-quotes each value, so ``"{flag}"`` or ``'{flag}'`` would let the
template decide the quoting context (``"'$(...)'"`` runs the command substitution). Such a
template is rejected with a one-line reason, as is a field right after ``\\`` or ``$``.
"""

from __future__ import annotations

import string
from collections.abc import Collection, Mapping, Sequence

from planner.quoting.shell import q

__all__ = ["TemplateError", "check_template", "render_template"]


class TemplateError(ValueError):
    """A template is malformed or places a field where quoting cannot protect it."""


def check_template(template: str | Sequence[str], fields: Collection[str]) -> str:
    """The template as one command line whose fields each stand as (part of) a bare word.

    A list is turned into a command line by quoting its literal parts.

    Raises:
        TemplateError: an unknown or formatted field, a field inside quotes or after ``\\``
            or ``$``, an unbalanced brace or quote; the message is one line.
    """
    text = template if isinstance(template, str) else " ".join(_word(w, fields) for w in template)
    _scan(text, fields)
    return text


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill a checked template: each value is shell-quoted, so it stays one word."""
    out = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(q(values[name]))
    return "".join(out)


def _parse(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    try:
        return list(string.Formatter().parse(text))
    except ValueError as exc:  # "Single '}' encountered in format string"
        raise TemplateError(f"{exc} (write {{{{ and }}}} for literal braces)") from None


def _word(word: str, fields: Collection[str]) -> str:
    if not isinstance(word, str):
        raise TemplateError(f"argument {word!r} is not a string")
    parts = []
    for literal, name, spec, conversion in _parse(word):
        if literal:
            parts.append(q(literal).replace("{", "{{").replace("}", "}}"))
        if name is not None:
            _check_field(name, spec, conversion, fields)
            parts.append(f"{{{name}}}")
    return "".join(parts) or "''"


def _check_field(
    name: str, spec: str | None, conversion: str | None, fields: Collection[str]
) -> None:
    allowed = ", ".join(f"{{{f}}}" for f in sorted(fields))
    if name not in fields:
        raise TemplateError(f"unknown field {{{name}}} (expected {allowed})")
    if spec or conversion:
        shown = f"!{conversion}" if conversion else f":{spec}"
        raise TemplateError(f"field {{{name}}} may not carry a conversion or format ({shown})")


def _scan(text: str, fields: Collection[str]) -> None:
    """Walk the shell quoting state through the literal text; check where each field sits."""
    state = ""  # "", "'", '"' or "`"
    escaped = False
    for literal, name, spec, conversion in _parse(text):
        prev = ""
        for ch in literal:
            if escaped:
                escaped = False
            elif state == "'":
                state = "" if ch == "'" else state
            elif ch == "\\":
                escaped = True
            elif state == '"':
                state = "" if ch == '"' else state
            elif state == "`":
                state = "" if ch == "`" else state
            elif ch in "'\"`":
                state = ch
            prev = ch
        if name is None:
            continue
        _check_field(name, spec, conversion, fields)
        where = {"'": "single quotes", '"': "double quotes", "`": "backquotes"}.get(state)
        if where:
            raise TemplateError(
                f"field {{{name}}} is inside {where}; write it bare (the planner quotes each "
                f"value as one shell word), e.g. flagctl set {{{name}}}"
            )
        if escaped or prev == "$":
            raise TemplateError(
                f"field {{{name}}} follows {'a backslash' if escaped else '$'}; write it bare"
            )
    if state:
        raise TemplateError(f"unbalanced {state} in the template")
