"""Where and how the service runs, and how the repository builds, tests and deploys it.

Modules:

- ``platform``: Platform commands: deploy a version, restart, check, switch the flag, split
  traffic.
- ``toolchain``: The code root a change ships, with its package manager and its test and build
  commands.
- ``infra/``: Infrastructure roots (Terraform, Helm, Kustomize, manifests, compose) and the steps
  that apply, verify and roll back each.
- ``repository/``: The repository as its files show it: code roots, their commands with the file
  and line they come from, configuration recognised by content.
"""

from planner.quoting.shell import join, q
from planner.quoting.template import TemplateError, check_template, render_template
from planner.runtime.platform import Platform
from planner.runtime.repository.command import Command
from planner.runtime.repository.model import CodeRoot, Repository, build_repository
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
