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

from planner.runtime.repository.command import Command, in_folder, placeholder
from planner.runtime.repository.conventions import (
    convention_build,
    convention_test,
    install_command,
    node_runner,
)
from planner.runtime.repository.ecosystems import BUILD, INSTALL, LOCKS, TEST
from planner.runtime.repository.evidence import Found
from planner.runtime.repository.roots import Manifest, owner

__all__ = ["build_command", "test_command"]

# lines that run a slower or narrower suite than the unit tests
_NARROW = re.compile(r"coverage|e2e|system|integration|bench|watch|smoke|docker|lint", re.I)
_GENERIC_TEST = re.compile(r"^(?:make|just)\s+[\w.-]*test[\w.-]*$")
_NO_TEST = "no test specified"


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
    return convention_test(root, paths, texts)


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
            pm = node_runner(root, paths)
            run = f"{pm} {name}" if name == "test" else f"{pm} run {name}"
            return Command(in_folder(root.folder, run), f.source)
    return None


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
    setup = install_command(root, paths)
    if setup is not None:
        parts.append(setup[0])
        sources.append(setup[1])
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
        step = convention_build(root, paths, texts)
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
    pm = node_runner(root, paths)
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
