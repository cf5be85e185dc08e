"""The repository's package manager and its install, test and build commands.

Detected from the files at ``head`` (``ChangeSet.repo_files``, plus the changed paths for a
manifest): lock files first (``uv.lock``, ``poetry.lock``, ``pnpm-lock.yaml``, ``yarn.lock``,
``package-lock.json``), then build files (``go.mod``, ``pom.xml``, ``build.gradle``, ``Gemfile``),
then plain manifests (``pyproject.toml``, ``requirements.txt``, ``package.json``). The marker
closest to the repository root wins; a marker in a sub-folder prefixes ``cd <dir> &&``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from planner.change.model import ChangeSet
from planner.runtime.shell import q

__all__ = ["Toolchain", "detect_toolchain", "repo_paths"]


@dataclass(frozen=True)
class Toolchain:
    """How to test and build the repository. Commands are ``None`` when nothing was detected."""

    language: str
    package_manager: str | None
    test: str | None
    build: str | None
    evidence: str = ""
    has_dockerfile: bool = False


# marker file name -> (language, package manager); earlier entries win at the same depth.
_MARKERS: tuple[tuple[str, str, str], ...] = (
    ("uv.lock", "python", "uv"),
    ("poetry.lock", "python", "poetry"),
    ("pnpm-lock.yaml", "javascript", "pnpm"),
    ("yarn.lock", "javascript", "yarn"),
    ("package-lock.json", "javascript", "npm"),
    ("go.mod", "go", "go"),
    ("pom.xml", "java", "maven"),
    ("build.gradle.kts", "java", "gradle"),
    ("build.gradle", "java", "gradle"),
    ("Gemfile", "ruby", "bundle"),
    ("pyproject.toml", "python", "pip"),
    ("requirements.txt", "python", "pip"),
    ("setup.py", "python", "pip"),
    ("package.json", "javascript", "npm"),
)
_RANK = {name: i for i, (name, _, _) in enumerate(_MARKERS)}


def repo_paths(changes: ChangeSet) -> frozenset[str]:
    """Every path known at ``head``: the repository listing plus the non-deleted changed files."""
    paths = set(changes.repo_files)
    paths.update(f.path for f in changes.files if f.change != "deleted")
    return frozenset(paths)


def detect_toolchain(changes: ChangeSet) -> Toolchain:
    """Find the package manager and its test and build commands."""
    paths = repo_paths(changes)
    found = [
        (p.count("/"), _RANK[posixpath.basename(p)], p)
        for p in paths
        if posixpath.basename(p) in _RANK
    ]
    docker = any(posixpath.basename(p) == "Dockerfile" for p in paths)
    if not found:
        return Toolchain("unknown", None, None, None, "no package manager file", docker)
    _, rank, marker = min(found)
    language, manager = _MARKERS[rank][1], _MARKERS[rank][2]
    folder = posixpath.dirname(marker)
    if manager == "pip" and _is_poetry(changes, folder):
        manager = "poetry"
    test, build = _commands(manager, folder, paths)
    if folder:
        # a subshell: the next pasted line still runs in the repository root
        test, build = f"(cd {q(folder)} && {test})", f"(cd {q(folder)} && {build})"
    return Toolchain(language, manager, test, build, marker, docker)


def _is_poetry(changes: ChangeSet, folder: str) -> bool:
    pyproject = posixpath.join(folder, "pyproject.toml")
    return any(
        f.path == pyproject and f.content is not None and "[tool.poetry]" in f.content
        for f in changes.files
    )


def _commands(manager: str, folder: str, paths: frozenset[str]) -> tuple[str, str]:
    def has(name: str) -> bool:
        return posixpath.join(folder, name) in paths

    def under(name: str) -> bool:
        prefix = posixpath.join(folder, name) + "/"
        return any(p.startswith(prefix) for p in paths)

    if manager == "uv":
        return "uv run pytest", "uv sync --frozen"
    if manager == "poetry":
        return "poetry run pytest", "poetry install --no-interaction"
    if manager == "pip":
        install = (
            "python -m pip install -r requirements.txt"
            if has("requirements.txt")
            else "python -m pip install ."
        )
        return "python -m pytest", install
    if manager == "pnpm":
        return "pnpm test", "pnpm install --frozen-lockfile && pnpm run --if-present build"
    if manager == "yarn":
        return "yarn test", "yarn install --frozen-lockfile && yarn build"
    if manager == "npm":
        install = "npm ci" if has("package-lock.json") else "npm install"
        return "npm test", f"{install} && npm run build --if-present"
    if manager == "go":
        return "go test ./...", "go build ./..."
    if manager == "maven":
        mvn = "./mvnw" if has("mvnw") else "mvn"
        return f"{mvn} -B test", f"{mvn} -B package -DskipTests"
    if manager == "gradle":
        gradle = "./gradlew" if has("gradlew") else "gradle"
        return f"{gradle} test", f"{gradle} build -x test"
    # bundle
    if under("spec"):
        test = "bundle exec rspec"
    elif has("bin/rails"):
        test = "bin/rails test"
    else:
        test = "bundle exec rake test"
    return test, "bundle install"
