"""Where and how the service runs: platform commands, toolchain detection, shell quoting.

Modules:

- ``platform``: Platform commands: deploy a version, restart, check, switch the flag, split
  traffic.
- ``shell``: Safe-to-paste shell commands: every path, ref and name goes through
  :func:`shlex.quote`.
- ``toolchain``: The repository's package manager and its install, test and build commands.
"""

from planner.runtime.platform import Platform
from planner.runtime.shell import join, q
from planner.runtime.toolchain import Toolchain, detect_toolchain

__all__ = [
    "Platform",
    "Toolchain",
    "detect_toolchain",
    "join",
    "q",
]
