"""Code roots: the folders a manifest makes a project, and their package manager.

A folder holding a manifest (``pyproject.toml``, ``requirements.txt``, ``manage.py``,
``package.json``, ``Gemfile``, ``go.mod``, ``pom.xml``, ``build.gradle(.kts)``, ``Cargo.toml``,
``composer.json``, ``mix.exs``, ``*.csproj``) is a code root, unless it is a member of a
workspace declared higher up (``pnpm-workspace.yaml``, ``"workspaces"``, Cargo ``[workspace]``,
``settings.gradle``, Maven ``<modules>``, ``go.work``, ``[tool.uv.workspace]``, a mix umbrella)
or sits in vendored or example code. Several ecosystems in one folder make one root: the one
whose test command the repository's CI runs there, else the first of
:data:`~planner.runtime.repository.ecosystems.PRECEDENCE` (a ``package.json`` beside a ``Gemfile``
holds the
Rails app's lint tooling, not the app).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.runtime.repository.ecosystems import LOCKS, PRECEDENCE, TEST, ecosystem_of
from planner.runtime.repository.evidence import Found

__all__ = ["Manifest", "find_manifests", "owner"]

_IGNORED = frozenset(
    {
        "node_modules",
        "vendor",
        "third_party",
        "testdata",
        "fixtures",
        "__fixtures__",
        "examples",
        "example",
        "samples",
        ".github",
        ".devcontainer",
        ".cursor",
        "docs",
        "doc",
    }
)


@dataclass(frozen=True)
class Manifest:
    """The manifest that makes ``folder`` a code root, its ecosystem and package manager.

    ``lock`` is the lock file that named the manager (``""`` when the manager is the
    ecosystem's only one or its default).
    """

    folder: str
    ecosystem: str
    path: str
    manager: str
    lock: str = ""


def find_manifests(
    paths: frozenset[str], texts: Mapping[str, str], found: Sequence[Found]
) -> tuple[Manifest, ...]:
    """One :class:`Manifest` per code root, root folders first (sorted by depth, then name)."""
    by_folder: dict[str, dict[str, str]] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        eco = ecosystem_of(name)
        if eco is None or _ignored(folder):
            continue
        ecos = by_folder.setdefault(folder, {})
        if eco not in ecos or name < posixpath.basename(ecos[eco]):
            ecos[eco] = path
    out = []
    for folder in sorted(by_folder, key=lambda f: (f.count("/") + (f != ""), f)):
        ecos = {
            e: p
            for e, p in by_folder[folder].items()
            if _workspace_root(folder, e, by_folder, paths, texts) is None
        }
        if not ecos:
            continue
        tested = {e for e in ecos if _ci_tests(folder, e, found)}
        eco = min(ecos, key=lambda e: (e not in tested, PRECEDENCE.index(e)))
        manager, lock = _manager(folder, eco, ecos[eco], paths, texts)
        out.append(Manifest(folder, eco, ecos[eco], manager, lock))
    return tuple(out)


def owner(path: str, folders: Sequence[str]) -> str | None:
    """The deepest folder of ``folders`` that contains ``path`` (``""`` is the root)."""
    best: str | None = None
    for folder in folders:
        if (folder == "" or path == folder or path.startswith(folder + "/")) and (
            best is None or len(folder) > len(best)
        ):
            best = folder
    return best


def _ignored(folder: str) -> bool:
    return any(part in _IGNORED for part in folder.split("/"))


def _ancestors(folder: str) -> list[str]:
    out = []
    while folder:
        folder = posixpath.dirname(folder)
        out.append(folder)
    return out


def _workspace_root(
    folder: str,
    eco: str,
    by_folder: Mapping[str, Mapping[str, str]],
    paths: frozenset[str],
    texts: Mapping[str, str],
) -> str | None:
    """The ancestor folder whose manifest of the same ecosystem declares a workspace."""
    for up in _ancestors(folder):
        manifest = by_folder.get(up, {}).get(eco)
        if manifest is not None and _workspace(up, eco, manifest, paths, texts):
            return up
    return None


def _workspace(
    folder: str, eco: str, manifest: str, paths: frozenset[str], texts: Mapping[str, str]
) -> bool:
    def has(name: str) -> bool:
        return posixpath.join(folder, name) in paths

    text = texts.get(manifest, "")
    if eco == "node":
        return has("pnpm-workspace.yaml") or '"workspaces"' in text
    if eco == "rust":
        return "[workspace]" in text
    if eco == "java":
        return has("settings.gradle") or has("settings.gradle.kts") or "<modules>" in text
    if eco == "go":
        return has("go.work")
    if eco == "python":
        return "[tool.uv.workspace]" in texts.get(posixpath.join(folder, "pyproject.toml"), "")
    if eco == "elixir":
        return "apps_path" in text
    return False


def _ci_tests(folder: str, eco: str, found: Sequence[Found]) -> bool:
    return any(f.kind == "ci" and f.folder == folder and TEST[eco].search(f.text) for f in found)


def _manager(
    folder: str, eco: str, manifest: str, paths: frozenset[str], texts: Mapping[str, str]
) -> tuple[str, str]:
    for lock, (lock_eco, manager) in LOCKS.items():
        path = posixpath.join(folder, lock)
        if lock_eco == eco and path in paths:
            return manager, path
    if eco == "python":
        pyproject = posixpath.join(folder, "pyproject.toml")
        if "[tool.poetry]" in texts.get(pyproject, ""):
            return "poetry", pyproject
        if posixpath.join(folder, "Pipfile") in paths:
            return "pipenv", posixpath.join(folder, "Pipfile")
        return "pip", ""
    if eco == "node":
        return "npm-nolock", ""
    if eco == "java":
        return ("gradle" if "gradle" in posixpath.basename(manifest) else "maven"), ""
    return {
        "ruby": "bundle",
        "php": "composer",
        "elixir": "mix",
        "go": "go",
        "rust": "cargo",
        "dotnet": "dotnet",
    }[eco], ""
