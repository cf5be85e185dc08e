"""Safe-to-paste text: shell quoting and command templates that render every field as one shell
word.

Modules:

- ``shell``: Safe-to-paste shell commands: every path, ref and name goes through :func:`q`.
- ``template``: Command templates from user files, rendered so every field is exactly one shell
  word.
"""

from planner.quoting.shell import join, q
from planner.quoting.template import TemplateError, check_template, render_template

__all__ = [
    "TemplateError",
    "check_template",
    "join",
    "q",
    "render_template",
]
