"""Conventional test and build commands, used only where a file of the repository proves them.

When neither CI, a Makefile target nor a script names a command, the ecosystem's convention
stands in, citing the file that makes it true: ``pytest`` with a ``pytest.ini``, a
``conftest.py``, ``[tool.pytest]``, pytest required beside test files, or bare ``def test_``
files; ``manage.py test`` with a ``manage.py``; ``bin/rails test``; ``bundle exec rspec`` with
rspec in the ``Gemfile`` or a ``spec/`` folder; ``./gradlew``/``./mvnw`` with the wrapper;
``vendor/bin/phpunit`` with a ``phpunit.xml``; ``go test ./...``, ``cargo test``, ``mix test``,
``dotnet test`` with their manifest. Otherwise a ``# fill in:`` placeholder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from planner.runtime.repository.command import Command, in_folder, placeholder
from planner.runtime.repository.ecosystems import INSTALL, LOCKS
from planner.runtime.repository.roots import Manifest

__all__ = ["convention_build", "convention_test", "install_command", "node_runner"]

_PYTEST_STYLE = re.compile(r"^def test_\w*\(", re.M)
_RUNNER = {"uv": "uv run ", "poetry": "poetry run ", "pipenv": "pipenv run ", "pip": ""}


def node_runner(root: Manifest, paths: frozenset[str]) -> str:
    """The package manager of the folder's ``package.json`` (its lock file says which)."""
    for lock, (eco, manager) in LOCKS.items():
        if eco == "node" and posixpath.join(root.folder, lock) in paths:
            return manager
    return "npm"


def convention_test(root: Manifest, paths: frozenset[str], texts: Mapping[str, str]) -> Command:
    folder, eco = root.folder, root.ecosystem

    def at(name: str) -> str:
        return posixpath.join(folder, name)

    def cmd(text: str, source: str) -> Command:
        return Command(in_folder(folder, text), source)

    if at("tox.ini") in paths:
        return cmd("tox", at("tox.ini"))
    if at("noxfile.py") in paths:
        return cmd("nox", at("noxfile.py"))
    if eco == "python":
        runner = _RUNNER.get(root.manager, "")
        pytest = _pytest_evidence(folder, paths, texts)
        if pytest:
            return cmd(f"{runner}pytest" if runner else "python -m pytest", pytest)
        if at("manage.py") in paths:
            return cmd(f"{runner}python manage.py test", at("manage.py"))
    if eco == "ruby":
        if "rspec" in texts.get(at("Gemfile"), "") or _under(at("spec"), paths):
            return cmd("bundle exec rspec", at("Gemfile"))
        if at("bin/rails") in paths:
            return cmd("bin/rails test", at("bin/rails"))
        if at("Rakefile") in paths:
            return cmd("bundle exec rake test", at("Rakefile"))
    if eco == "node" and root.path not in texts:
        # a change manifest names package.json without its text: npm's own convention, said so
        return cmd(f"{node_runner(root, paths)} test", f"{root.path} (scripts not read)")
    if eco == "go":
        return cmd("go test ./...", root.path)
    if eco == "java":
        return cmd(f"{_java(root, paths)} test", _java_source(root, paths))
    if eco == "rust":
        workspace = " --workspace" if "[workspace]" in texts.get(root.path, "") else ""
        return cmd(f"cargo test{workspace}", root.path)
    if eco == "php":
        for name in ("phpunit.xml", "phpunit.xml.dist"):
            if at(name) in paths:
                return cmd("vendor/bin/phpunit", at(name))
        if at("artisan") in paths:
            return cmd("php artisan test", at("artisan"))
    if eco == "elixir":
        return cmd("mix test", root.path)
    if eco == "dotnet":
        return cmd("dotnet test", root.path)
    where = folder or "the repository root"
    return placeholder(
        f"the test command of {where} ({root.path}: no CI line, Makefile target or script runs "
        "its tests)"
    )


def _pytest_evidence(folder: str, paths: frozenset[str], texts: Mapping[str, str]) -> str:
    for name in ("pytest.ini", "conftest.py"):
        if posixpath.join(folder, name) in paths:
            return posixpath.join(folder, name)
    prefix = f"{folder}/" if folder else ""
    nested = sorted(
        p for p in paths if p.startswith(prefix) and posixpath.basename(p) == "conftest.py"
    )
    if nested:
        return nested[0]
    pyproject = posixpath.join(folder, "pyproject.toml")
    if "[tool.pytest" in texts.get(pyproject, ""):
        return pyproject
    if not _has_python_tests(folder, paths):
        return ""  # pytest pulled in by another package is not a test suite
    prefix = f"{folder}/" if folder else ""
    for path, text in sorted(texts.items()):
        # bare `def test_...` functions outside a TestCase run only under pytest
        if (
            path.startswith(prefix)
            and posixpath.basename(path).startswith("test_")
            and path.endswith(".py")
            and _PYTEST_STYLE.search(text)
            and "TestCase" not in text
        ):
            return path
    for path, text in sorted(texts.items()):
        base = posixpath.basename(path)
        if (
            posixpath.dirname(path) == folder
            and base.startswith("requirements")
            and re.search(r"^pytest\b", text, re.M)
        ):
            return path
    return ""


def _has_python_tests(folder: str, paths: frozenset[str]) -> bool:
    prefix = f"{folder}/" if folder else ""
    return any(
        p.startswith(prefix)
        and p.endswith(".py")
        and (posixpath.basename(p).startswith("test_") or "/tests/" in f"/{p}")
        for p in paths
    )


def _under(folder: str, paths: frozenset[str]) -> bool:
    prefix = folder + "/"
    return any(p.startswith(prefix) for p in paths)


def _java(root: Manifest, paths: frozenset[str]) -> str:
    wrapper = "gradlew" if root.manager == "gradle" else "mvnw"
    if posixpath.join(root.folder, wrapper) in paths:
        tool = f"./{wrapper}"
    else:
        tool = "gradle" if root.manager == "gradle" else "mvn"
    return tool if root.manager == "gradle" else f"{tool} -B"


def _java_source(root: Manifest, paths: frozenset[str]) -> str:
    wrapper = posixpath.join(root.folder, "gradlew" if root.manager == "gradle" else "mvnw")
    return wrapper if wrapper in paths else root.path


def install_command(root: Manifest, paths: frozenset[str]) -> tuple[str, str] | None:
    if root.ecosystem == "python" and root.manager == "pip":
        req = posixpath.join(root.folder, "requirements.txt")
        if req in paths:
            return "python -m pip install -r requirements.txt", req
        pyproject = posixpath.join(root.folder, "pyproject.toml")
        if pyproject in paths or posixpath.join(root.folder, "setup.py") in paths:
            return "python -m pip install .", pyproject if pyproject in paths else root.path
        return None
    if root.manager in INSTALL:
        return INSTALL[root.manager], root.lock or root.path
    return None


def convention_build(
    root: Manifest, paths: frozenset[str], texts: Mapping[str, str]
) -> Command | None:
    eco = root.ecosystem
    if eco == "node" and root.path not in texts:
        pm = node_runner(root, paths)
        run = {"npm": "npm run build --if-present", "pnpm": "pnpm run --if-present build"}
        if pm in run:  # a build script may or may not exist: run it only if it does
            return Command(run[pm], f"{root.path} (scripts not read)")
    if eco == "go":
        return Command("go build ./...", root.path)
    if eco == "java":
        task = "build -x test" if root.manager == "gradle" else "package -DskipTests"
        return Command(f"{_java(root, paths)} {task}", _java_source(root, paths))
    if eco == "rust":
        return Command("cargo build --release", root.path)
    if eco == "dotnet":
        return Command("dotnet publish -c Release", root.path)
    if eco == "elixir":
        return Command("mix compile", root.path)
    return None
