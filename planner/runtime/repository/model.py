"""The repository as its files show it: code roots, infrastructure roots, and what a change touches.

:func:`build_repository` reads only the :class:`~planner.change.model.ChangeSet`: the paths at
``head`` (``repo_files`` plus the changed paths), the texts git read for evidence
(``ChangeSet.evidence``: CI files, Makefiles, justfiles, ``package.json``, ``composer.json``,
``pyproject.toml``, ``Cargo.toml``, ``Chart.yaml``, kustomizations, ...) and the changed files'
contents. Every command it hands out cites the file and line it came from.

A changed file belongs to the deepest infrastructure unit holding it, else to the deepest code
root, else to nothing (documentation, CI files, a README at the top of a multi-service
repository): a change that touches no code root builds no application.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planner.change.evidence import is_evidence
from planner.change.model import ChangeSet
from planner.runtime.infra.units import InfraRoot, find_infra, infra_of
from planner.runtime.repository.command import Command
from planner.runtime.repository.commands import build_command, test_command
from planner.runtime.repository.evidence import (
    Found,
    is_ci_file,
    scan_ci,
    scan_scripts,
    scan_targets,
)
from planner.runtime.repository.roots import Manifest, find_manifests, owner

__all__ = ["CodeRoot", "Image", "Repository", "build_repository", "repo_paths"]

_DOCS = (".md", ".rst", ".adoc", ".txt")
_TOP_DOCS = frozenset({"LICENSE", "LICENCE", "NOTICE", "AUTHORS", "CODEOWNERS", ".gitignore"})


@dataclass(frozen=True)
class Image:
    """How the repository builds a root's container image: ``docker build -f FILE CONTEXT``."""

    dockerfile: str
    context: str
    source: str


@dataclass(frozen=True)
class CodeRoot:
    """A project folder with its manifest, test and build commands and container image."""

    manifest: Manifest
    test: Command
    build: Command
    image: Image | None = None

    @property
    def folder(self) -> str:
        """The root's folder (``""``: the repository root)."""
        return self.manifest.folder

    @property
    def ecosystem(self) -> str:
        """``python``, ``node``, ``ruby``, ``go``, ``java``, ``rust``, ``php``, ``elixir``, ..."""
        return self.manifest.ecosystem


@dataclass(frozen=True)
class Repository:
    """Roots of the repository and the ones a change touches (changed paths per root)."""

    roots: tuple[CodeRoot, ...] = ()
    infra: tuple[InfraRoot, ...] = ()
    touched: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    touched_infra: tuple[tuple[InfraRoot, tuple[str, ...]], ...] = ()
    elsewhere: tuple[str, ...] = ()
    unrooted: tuple[str, ...] = ()
    found: tuple[Found, ...] = ()
    paths: frozenset[str] = frozenset()
    texts: Mapping[str, str] = field(default_factory=dict)

    def touched_roots(self) -> tuple[CodeRoot, ...]:
        """Code roots holding at least one changed file, in root order."""
        return tuple(r for r in self.roots if r.folder in self.touched)

    def root_of(self, path: str) -> CodeRoot | None:
        """The code root holding ``path``."""
        folder = owner(path, [r.folder for r in self.roots])
        return next((r for r in self.roots if r.folder == folder), None)


def repo_paths(changes: ChangeSet) -> frozenset[str]:
    """Every path known at ``head``: the repository listing plus the non-deleted changed files."""
    paths = set(changes.repo_files)
    paths.update(f.path for f in changes.files if f.change != "deleted")
    return frozenset(paths)


def build_repository(changes: ChangeSet) -> Repository:
    """Roots from the manifests at ``head``, commands from the repository's own files."""
    paths = repo_paths(changes)
    texts = dict(changes.evidence)
    for f in changes.files:  # the change's own versions of evidence files, and its test files
        if f.content is not None and f.change != "deleted" and _readable(f.path):
            texts[f.path] = f.content
    found = (*scan_ci(texts), *scan_targets(texts), *scan_scripts(texts))
    manifests = find_manifests(paths, texts, found)
    folders = [m.folder for m in manifests]
    docker = _docker_lines(found)
    roots = tuple(
        CodeRoot(
            m,
            test_command(m, found, folders, paths, texts),
            build_command(m, found, folders, paths, texts),
            _image(m, docker, folders, paths),
        )
        for m in manifests
    )
    infra = find_infra(paths, texts)
    touched: dict[str, list[str]] = {}
    touched_infra: dict[InfraRoot, list[str]] = {}
    elsewhere: list[str] = []
    unrooted: list[str] = []
    for f in changes.files:
        unit = infra_of(f.path, f.content or f.base_content, infra)
        if unit is not None:
            touched_infra.setdefault(unit, []).append(f.path)
            continue
        folder = owner(f.path, folders)
        if _not_code(f.path, folder or ""):
            elsewhere.append(f.path)
        elif folder is None:
            unrooted.append(f.path)
        else:
            touched.setdefault(folder, []).append(f.path)
    return Repository(
        roots=roots,
        infra=infra,
        touched={k: tuple(v) for k, v in touched.items()},
        touched_infra=tuple((k, tuple(v)) for k, v in touched_infra.items()),
        elsewhere=tuple(elsewhere),
        unrooted=tuple(unrooted),
        found=found,
        paths=paths,
        texts=texts,
    )


def _readable(path: str) -> bool:
    name = path.rpartition("/")[2]
    return is_evidence(path) or (name.startswith("test_") and name.endswith(".py"))


def _not_code(path: str, folder: str) -> bool:
    """Documentation and CI files change no running code."""
    rel = path[len(folder) + 1 :] if folder else path
    name = posixpath.basename(rel)
    return (
        is_ci_file(path)
        or rel.startswith(("docs/", "doc/", ".github/"))
        or name in _TOP_DOCS
        or (name.endswith(_DOCS) and not name.startswith("requirements"))
    )


def _docker_lines(found: Sequence[Found]) -> list[tuple[Image, str]]:
    """``docker build`` lines of CI and scripts: (image, folder the line runs in)."""
    out = []
    for f in found:
        if f.kind not in ("ci", "script") or f.folder is None:
            continue
        if "docker" not in f.text:
            continue
        for part in f.text.split("&&"):
            try:
                words = shlex.split(part)
            except ValueError:
                continue
            if words[:2] not in (["docker", "build"], ["docker", "buildx"]):
                continue
            image = _parse_build(words, f)
            if image is not None:
                out.append((image, f.folder))
    return out


def _parse_build(words: list[str], f: Found) -> Image | None:
    dockerfile, positional, skip = "", [], False
    args = words[3:] if words[1] == "buildx" else words[2:]
    for i, w in enumerate(args):
        if skip:
            skip = False
            continue
        if w in ("-f", "--file"):
            dockerfile = args[i + 1] if i + 1 < len(args) else ""
            skip = True
        elif w.startswith("--file="):
            dockerfile = w.split("=", 1)[1]
        elif (
            w.startswith("-")
            and "=" not in w
            and w not in ("--push", "--load", "--pull", "--no-cache", "-q", "--quiet")
        ):
            skip = True
        elif not w.startswith("-"):
            positional.append(w)
    if not positional or "$" in positional[-1]:
        return None
    context = _norm(posixpath.join(f.folder or "", positional[-1]))
    dockerfile = (
        _norm(posixpath.join(f.folder or "", dockerfile))
        if dockerfile
        else posixpath.join(context, "Dockerfile")
    )
    return Image(dockerfile, context, f.source)


def _norm(path: str) -> str:
    out = posixpath.normpath(path)
    return "" if out == "." else out


def _image(
    m: Manifest, docker: list[tuple[Image, str]], folders: Sequence[str], paths: frozenset[str]
) -> Image | None:
    """Root ``m``'s image: a CI or script ``docker build`` of its folder, else its Dockerfile."""
    for image, _ in docker:
        if (
            image.dockerfile in paths
            and owner(image.context, folders) == m.folder
            and (image.context == m.folder or owner(image.dockerfile, folders) == m.folder)
        ):
            return image
    own = posixpath.join(m.folder, "Dockerfile")
    if own in paths:
        return Image(own, m.folder, own)
    return None
