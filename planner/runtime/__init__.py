"""Where and how the service runs, and how the repository builds, tests and deploys it.

Modules:

- ``command``: A command with the evidence it came from: ``text  # from path:line``.
- ``commands``: A code root's test and build commands, taken from the repository's own files.
- ``configuration``: Configuration files, recognised by type and content, and how the project
  ships them.
- ``conventions``: Conventional test and build commands, used only where a file of the
  repository proves them.
- ``ecosystems``: What each ecosystem's manifests, lock files, test and build commands look like.
- ``evidence``: Command lines a repository runs itself: CI jobs, Makefile/justfile targets,
  scripts tables.
- ``infra``: Infrastructure roots: Terraform modules, Helm charts, Kustomizations, manifests,
  compose files.
- ``infra_steps``: Check, apply, verify and roll back one infrastructure unit.
- ``platform``: Platform commands: deploy a version, restart, check, switch the flag, split
  traffic.
- ``repository``: The repository as its files show it: code roots, infrastructure roots, and what
  a change touches.
- ``roots``: Code roots: the folders a manifest makes a project, and their package manager.
- ``shell``: Safe-to-paste shell commands: every path, ref and name is quoted as one word
  (ANSI-C ``$'...'`` when it holds a control character).
- ``template``: Command templates from user files, rendered so every field is one shell word.
- ``toolchain``: The code root a change ships, with its package manager and its test and build
  commands.
"""

from planner.runtime.command import Command
from planner.runtime.platform import Platform
from planner.runtime.repository import CodeRoot, Repository, build_repository
from planner.runtime.shell import join, q
from planner.runtime.template import TemplateError, check_template, render_template
from planner.runtime.toolchain import Toolchain, detect_toolchain

__all__ = [
    "CodeRoot",
    "Command",
    "Platform",
    "Repository",
    "TemplateError",
    "Toolchain",
    "build_repository",
    "check_template",
    "detect_toolchain",
    "join",
    "q",
    "render_template",
]
