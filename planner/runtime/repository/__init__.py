"""The repository as its files show it: code roots, their commands with the file and line they come
from, configuration recognised by content.

Modules:

- ``command``: A command with the evidence it came from: ``text  # from path:line``.
- ``commands``: A code root's test and build commands, taken from the repository's own files.
- ``configuration``: Configuration files, recognised by type and content, and how the project ships
  them.
- ``conventions``: Conventional test and build commands, used only where a file of the repository
  proves them.
- ``ecosystems``: What each ecosystem's manifests, lock files, test and build commands look like.
- ``evidence``: Command lines a repository runs itself: CI jobs, Makefile/justfile targets, scripts
  tables.
- ``model``: The repository as its files show it: code roots, infrastructure roots, and what a
  change touches.
- ``roots``: Code roots: the folders a manifest makes a project, and their package manager.
"""

from planner.runtime.repository.command import Command, comment, in_folder, placeholder
from planner.runtime.repository.commands import build_command, test_command
from planner.runtime.repository.configuration import (
    ConfigFile,
    Shipping,
    find_configuration,
    shipping,
)
from planner.runtime.repository.conventions import (
    convention_build,
    convention_test,
    install_command,
    node_runner,
)
from planner.runtime.repository.ecosystems import (
    BUILD,
    COMPILED,
    INSTALL,
    LOCKS,
    MANIFESTS,
    PRECEDENCE,
    TEST,
    ecosystem_of,
)
from planner.runtime.repository.evidence import Found, scan_ci, scan_scripts, scan_targets
from planner.runtime.repository.model import (
    CodeRoot,
    Image,
    Repository,
    build_repository,
    repo_paths,
)
from planner.runtime.repository.roots import Manifest, find_manifests, owner

__all__ = [
    "BUILD",
    "COMPILED",
    "INSTALL",
    "LOCKS",
    "MANIFESTS",
    "PRECEDENCE",
    "TEST",
    "CodeRoot",
    "Command",
    "ConfigFile",
    "Found",
    "Image",
    "Manifest",
    "Repository",
    "Shipping",
    "build_command",
    "build_repository",
    "comment",
    "convention_build",
    "convention_test",
    "ecosystem_of",
    "find_configuration",
    "find_manifests",
    "in_folder",
    "install_command",
    "node_runner",
    "owner",
    "placeholder",
    "repo_paths",
    "scan_ci",
    "scan_scripts",
    "scan_targets",
    "shipping",
    "test_command",
]
