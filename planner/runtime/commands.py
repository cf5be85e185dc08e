"""A code root's test and build commands, taken from the repository's own files.

In order of evidence: a line of the repository's CI that runs the ecosystem's tests in that
folder (or names the folder as an argument); a ``test``/``build`` target of the folder's
Makefile or justfile; a ``test``/``build`` script of its ``package.json``/``composer.json``
(npm's default ``no test specified`` stub is not a test); ``tox.ini``/``noxfile.py``; then the
ecosystem's convention where a file proves it (``pytest`` only with pytest configured or
required, ``manage.py test`` for Django, ``vendor/bin/phpunit`` with a ``phpunit.xml``,
``./gradlew`` with the wrapper). Nothing found: a marked placeholder, never a guessed tool.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence

from planner.runtime.command import Command, in_folder, placeholder
from planner.runtime.ecosystems import BUILD, INSTALL, LOCKS, TEST
from planner.runtime.evidence import Found
from planner.runtime.roots import Manifest, owner

__all__ = ["build_command", "test_command"]

# lines that run a slower or narrower suite than the unit tests
_NARROW = re.compile(r"coverage|e2e|system|integration|bench|watch|smoke|docker|lint", re.I)
_GENERIC_TEST = re.compile(r"^(?:make|just)\s+[\w.-]*test[\w.-]*$")
_NO_TEST = "no test specified"
_PYTEST_STYLE = re.compile(r"^def test_\w*\(", re.M)
_RUNNER = {"uv": "uv run ", "poetry": "poetry run ", "pipenv": "pipenv run ", "pip": ""}


def _attributed(found: Sequence[Found], root: Manifest, folders: Sequence[str]) -> list[Found]:
    """CI lines that run in ``root`` (its folder is their deepest root) or name it."""
    out = []
    for f in found:
        if f.kind != "ci":
            continue
        here = f.folder is not None and owner(f.folder, folders) == root.folder
        named = bool(root.folder) and any(_names(w, root.folder) for w in f.text.split()[1:])
        if here or named:
            out.append(f)
    return out


def _names(word: str, folder: str) -> bool:
    """``word`` is ``folder`` or a folder above it (``src/cartservice/`` for its ``src``)."""
    word = word.strip("\"'").removeprefix("./").rstrip("/")
    return bool(word) and word != "." and (folder == word or folder.startswith(word + "/"))


def test_command(
    root: Manifest,
    found: Sequence[Found],
    folders: Sequence[str],
    paths: frozenset[str],
    texts: Mapping[str, str],
) -> Command:
    """How this repository runs ``root``'s tests."""
    pattern = TEST[root.ecosystem]
    ci = [
        f
        for f in _attributed(found, root, folders)
        if pattern.search(f.text) or _GENERIC_TEST.match(f.text)
    ]
    if not ci:  # a loop's `cd $DIR` leaves the folder unknown: take its plain command
        ci = [
            f
            for f in found
            if f.kind == "ci" and f.folder is None and pattern.search(f.text) and "/" not in f.text
        ]
        if ci:
            best = min(ci, key=lambda f: bool(_NARROW.search(f.text)))
            return Command(in_folder(root.folder, best.text), best.source)
    if ci:
        best = min(ci, key=lambda f: bool(_NARROW.search(f.text)))
        return Command(in_folder(best.folder or "", best.text), best.source)
    local = _local(root, found, "test", pattern, paths)
    if local is not None:
        return local
    return _convention_test(root, paths, texts)


def _local(
    root: Manifest,
    found: Sequence[Found],
    name: str,
    pattern: re.Pattern[str],
    paths: frozenset[str],
) -> Command | None:
    """A ``name`` target or script of the root's own folder."""
    for f in found:
        if f.folder != root.folder or f.name != name:
            continue
        if f.kind in ("make", "just"):
            return Command(in_folder(root.folder, f.text), f.source)
    for f in found:
        if f.folder != root.folder or f.name != name or f.kind != "script":
            continue
        if _NO_TEST in f.text:
            continue
        if f.path.endswith("composer.json"):
            return Command(in_folder(root.folder, f"composer run-script {name}"), f.source)
        if root.ecosystem == "node" or pattern.search(f.text):
            pm = _node_runner(root, paths)
            run = f"{pm} {name}" if name == "test" else f"{pm} run {name}"
            return Command(in_folder(root.folder, run), f.source)
    return None


def _node_runner(root: Manifest, paths: frozenset[str]) -> str:
    """The package manager of the folder's ``package.json`` (its lock file says which)."""
    for lock, (eco, manager) in LOCKS.items():
        if eco == "node" and posixpath.join(root.folder, lock) in paths:
            return manager
    return "npm"


def _convention_test(root: Manifest, paths: frozenset[str], texts: Mapping[str, str]) -> Command:
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
        return cmd(f"{_node_runner(root, paths)} test", f"{root.path} (scripts not read)")
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


def build_command(
    root: Manifest,
    found: Sequence[Found],
    folders: Sequence[str],
    paths: frozenset[str],
    texts: Mapping[str, str],
) -> Command:
    """Install the dependencies and build ``root`` as its own files say."""
    parts: list[str] = []
    sources: list[str] = []
    install = _install(root, paths)
    if install is not None:
        parts.append(install[0])
        sources.append(install[1])
    pattern = BUILD[root.ecosystem]
    ci = [
        f
        for f in _attributed(found, root, folders)
        if f.folder == root.folder and pattern.search(f.text)
    ]
    step: Command | None = (
        Command(ci[0].text, ci[0].source) if ci else _local(root, found, "build", pattern, paths)
    )
    if step is None:
        step = _convention_build(root, paths, texts)
    if step is not None:
        text = step.text
        if root.folder and text.startswith("(cd "):  # already in its folder: unwrap, rewrap once
            text = text[text.index(" && ") + 4 : -1]
        parts.append(text)
        sources.append(step.source)
    assets = _assets(root, found, paths)
    if assets is not None:
        parts.append(assets.text)
        sources.append(assets.source)
    if not parts:
        return placeholder(f"the build of {root.folder or 'the repository root'} ({root.path})")
    return Command(
        in_folder(root.folder, " && ".join(parts)),
        "; ".join(dict.fromkeys(s for s in sources if s)),
    )


def _install(root: Manifest, paths: frozenset[str]) -> tuple[str, str] | None:
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


def _convention_build(
    root: Manifest, paths: frozenset[str], texts: Mapping[str, str]
) -> Command | None:
    eco = root.ecosystem
    if eco == "node" and root.path not in texts:
        pm = _node_runner(root, paths)
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


def _assets(root: Manifest, found: Sequence[Found], paths: frozenset[str]) -> Command | None:
    """The front-end build of an app whose ``package.json`` sits beside its own manifest."""
    if root.ecosystem == "node":
        return None
    script = next(
        (
            f
            for f in found
            if f.kind == "script"
            and f.name == "build"
            and f.path == posixpath.join(root.folder, "package.json")
        ),
        None,
    )
    if script is None:
        return None
    pm = _node_runner(root, paths)
    lock = next(
        (
            posixpath.join(root.folder, lock)
            for lock, (eco, manager) in LOCKS.items()
            if eco == "node" and manager == pm and posixpath.join(root.folder, lock) in paths
        ),
        "",
    )
    install = INSTALL[pm] if lock else INSTALL["npm-nolock"]
    return Command(f"{install} && {pm} run build", "; ".join(s for s in (lock, script.source) if s))
