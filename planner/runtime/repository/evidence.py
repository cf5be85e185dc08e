"""Command lines a repository runs itself: CI jobs, Makefile/justfile targets, scripts tables.

Pure scanners over file texts (``{path: text}``), each returning :class:`Found` records with the
file, the 1-based line and the working folder the line runs in:

- GitHub Actions (``.github/workflows/*.yml``): every ``run:`` of every step, in the step's
  ``working-directory`` (or the job's/workflow's ``defaults.run.working-directory``);
- GitLab CI (``.gitlab-ci.yml``): every ``script``/``before_script`` item of every job;
- inside those, ``cd DIR``/``pushd DIR``/``popd`` move the folder (a folder naming a shell
  variable becomes unknown, ``None``), and ``A && B`` is split into its commands;
- Makefile and justfile targets (``make NAME``/``just NAME``, the line of the target);
- ``package.json`` and ``composer.json`` scripts (the line of the script's key).

``${{ ... }}`` expressions cannot run outside GitHub: a word holding one is dropped
(``cargo +${{ steps.t.outputs.name }} test`` reads ``cargo test``).
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

__all__ = ["Found", "scan_ci", "scan_scripts", "scan_targets"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_EXPR = re.compile(r"\S*\$\{\{.*?\}\}\S*")
_TARGET = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?![=:])")
_JUST = re.compile(r"^@?([A-Za-z0-9][A-Za-z0-9_-]*)(?:\s+[^:=]*)?:(?!=)")


@dataclass(frozen=True)
class Found:
    """One command line found in the repository's own files.

    ``folder`` is where it runs, relative to the repository root (``""`` the root, ``None``
    unknown); ``kind`` is ``ci``, ``make``, ``just`` or ``script``; ``name`` the target or script.
    """

    text: str
    path: str
    line: int
    folder: str | None
    kind: str
    name: str = ""

    @property
    def source(self) -> str:
        """``path:line``."""
        return f"{self.path}:{self.line}"


def is_ci_file(path: str) -> bool:
    """GitHub workflow or GitLab CI file."""
    if path == ".gitlab-ci.yml":
        return True
    return path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml"))


def scan_ci(texts: Mapping[str, str]) -> tuple[Found, ...]:
    """Every command line of every CI file in ``texts`` (files in path order)."""
    out: list[Found] = []
    for path in sorted(texts):
        if not is_ci_file(path):
            continue
        try:
            root = yaml.compose(texts[path], Loader=_Loader)
        except yaml.YAMLError:
            continue  # a broken workflow runs nothing either
        if not isinstance(root, yaml.MappingNode):
            continue
        if path == ".gitlab-ci.yml":
            out += _gitlab(path, root)
        else:
            out += _github(path, root)
    return tuple(out)


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
                return v
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _default_folder(node: yaml.Node) -> str | None:
    """``defaults.run.working-directory`` of a workflow or job."""
    return _scalar(_get(_get(_get(node, "defaults"), "run"), "working-directory"))


def _github(path: str, root: yaml.MappingNode) -> Iterator[Found]:
    top = _default_folder(root)
    jobs = _get(root, "jobs")
    if not isinstance(jobs, yaml.MappingNode):
        return
    for _, job in jobs.value:
        job_folder = _default_folder(job) or top
        steps = _get(job, "steps")
        if not isinstance(steps, yaml.SequenceNode):
            continue
        for step in steps.value:
            uses = _get(step, "uses")
            if (_scalar(uses) or "").startswith("docker/build-push-action") and uses is not None:
                yield _build_push(path, _get(step, "with"), uses.start_mark.line + 1)
            run = _get(step, "run")
            if not isinstance(run, yaml.ScalarNode):
                continue
            folder = _scalar(_get(step, "working-directory")) or job_folder or ""
            yield from _block(path, run, _norm(folder), "ci")


def _build_push(path: str, with_: yaml.Node | None, line: int) -> Found:
    """docker/build-push-action's ``context`` and ``file`` as the ``docker build`` it runs."""
    context = _scalar(_get(with_, "context"))
    dockerfile = _scalar(_get(with_, "file"))
    words = ["docker", "build"]
    if dockerfile:
        words += ["-f", dockerfile]
    words.append(context or ".")
    return Found(shlex.join(words), path, line, "", "ci")


def _gitlab(path: str, root: yaml.MappingNode) -> Iterator[Found]:
    for key, job in root.value:
        if not isinstance(job, yaml.MappingNode) or _scalar(key) in (None, "variables"):
            continue
        for part in ("before_script", "script"):
            node = _get(job, part)
            items = node.value if isinstance(node, yaml.SequenceNode) else [node]
            folder: str | None = ""
            for item in items:
                if isinstance(item, yaml.ScalarNode):
                    yield from _block(path, item, folder, "ci")
                    folder = _after(item.value, folder)


def _block(path: str, node: yaml.ScalarNode, folder: str | None, kind: str) -> Iterator[Found]:
    """Commands of one ``run:`` scalar, with the line each sits on and ``cd`` followed."""
    first = node.start_mark.line + 1
    literal = node.style in ("|", ">")
    stack: list[str | None] = []
    for i, raw in _logical_lines(node.value):
        line = first + i + (1 if literal else 0)
        for part in _parts(raw):
            moved = _cd(part)
            if moved is not None:
                if part.startswith("pushd"):
                    stack.append(folder)
                folder = _move(folder, moved)
            elif part == "popd":
                folder = stack.pop() if stack else folder
            else:
                yield Found(part, path, line, folder, kind)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with ``\\`` continuations joined, each with the index of its first line."""
    start, parts = 0, list[str]()
    for i, raw in enumerate(text.splitlines()):
        if not parts:
            start = i
        if raw.rstrip().endswith("\\"):
            parts.append(raw.rstrip()[:-1])
            continue
        parts.append(raw)
        yield start, " ".join(parts)
        parts = []
    if parts:
        yield start, " ".join(parts)


def _after(text: str, folder: str | None) -> str | None:
    """The folder after a whole script item has run (GitLab keeps it between items)."""
    for raw in text.splitlines():
        for part in _parts(raw):
            moved = _cd(part)
            if moved is not None:
                folder = _move(folder, moved)
    return folder


def _parts(raw: str) -> list[str]:
    text = _EXPR.sub("", raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else "")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    return [p.strip() for p in re.split(r"\s*&&\s*|\s*;\s*", text) if p.strip()]


def _cd(part: str) -> str | None:
    """The folder of a ``cd DIR``/``pushd DIR`` command (shell-unquoted), else ``None``."""
    if not part.startswith(("cd ", "pushd ")):
        return None
    try:
        words = shlex.split(part)
    except ValueError:
        return None
    return words[1] if len(words) == 2 else None


def _move(folder: str | None, target: str) -> str | None:
    target = target.strip("\"'")
    if folder is None or "$" in target or target.startswith(("/", "~")):
        return None
    return _norm(posixpath.join(folder, target))


def _norm(folder: str) -> str:
    out = posixpath.normpath(folder.strip().strip("\"'")) if folder.strip() else ""
    return "" if out in (".", "") else out.removeprefix("./")


def scan_targets(texts: Mapping[str, str]) -> tuple[Found, ...]:
    """``make NAME`` / ``just NAME`` for each target of each Makefile and justfile."""
    out: list[Found] = []
    for path in sorted(texts):
        folder, name = posixpath.split(path)
        if name in ("Makefile", "GNUmakefile", "makefile"):
            pattern, tool = _TARGET, "make"
        elif name.lower() in ("justfile", ".justfile"):
            pattern, tool = _JUST, "just"
        else:
            continue
        for i, line in enumerate(texts[path].splitlines(), start=1):
            m = pattern.match(line)
            if m and not m.group(1).startswith(".") and "%" not in m.group(1):
                out.append(Found(f"{tool} {m.group(1)}", path, i, folder, tool, m.group(1)))
    return tuple(out)


def scan_scripts(texts: Mapping[str, str]) -> tuple[Found, ...]:
    """The ``scripts`` of each ``package.json`` and ``composer.json`` (text = the script body)."""
    out: list[Found] = []
    for path in sorted(texts):
        folder, name = posixpath.split(path)
        if name not in ("package.json", "composer.json"):
            continue
        try:
            data = json.loads(texts[path])
        except ValueError:
            continue
        scripts = data.get("scripts") if isinstance(data, dict) else None
        if not isinstance(scripts, dict):
            continue
        lines = texts[path].splitlines()
        start = next((i for i, t in enumerate(lines) if '"scripts"' in t), 0)
        for key, body in scripts.items():
            text = body if isinstance(body, str) else " && ".join(map(str, body))
            needle = json.dumps(key) + ":"
            at = next(
                (i for i in range(start, len(lines)) if needle in lines[i].replace('" :', '":')),
                start,
            )
            out.append(Found(text, path, at + 1, folder, "script", key))
    return tuple(out)
