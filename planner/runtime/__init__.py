"""Where and how the service runs: platform commands, toolchain detection, shell quoting.

Modules:

- ``platform``: Platform commands: deploy a version, restart, check, switch the flag, split
  traffic.
- ``shell``: Safe-to-paste shell commands: every path, ref and name is quoted as one word
  (ANSI-C ``$'...'`` when it holds a control character).
- ``template``: Command templates from user files, rendered so every field is one shell word.
- ``toolchain``: The repository's package manager and its install, test and build commands.
"""

from planner.runtime.platform import Platform
from planner.runtime.shell import join, q
from planner.runtime.template import TemplateError, check_template, render_template
from planner.runtime.toolchain import Toolchain, detect_toolchain

__all__ = [
    "Platform",
    "TemplateError",
    "Toolchain",
    "check_template",
    "detect_toolchain",
    "join",
    "q",
    "render_template",
]
