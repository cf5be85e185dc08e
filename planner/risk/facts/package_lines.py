"""The package lines of dependency manifests and lock files: which package and version each
changed line names.

Formats: requirements files, ``pyproject.toml`` (PEP 508 and Poetry), ``Pipfile``,
``package.json``, ``composer.json``, ``go.mod`` and ``go.sum`` (a ``/vN`` module path is the same
package), ``Gemfile``, ``Gemfile.lock``, ``*.gemspec``, ``pom.xml`` (the name is the nearest
``artifactId`` above, or the ``<x.version>`` property), ``build.gradle(.kts)``, ``Cargo.toml``,
``pnpm-lock.yaml``, and the lock files whose version line names no package (``package-lock.json``,
``composer.lock``, ``yarn.lock``, ``poetry.lock``, ``uv.lock``, ``Cargo.lock``: the package is
the nearest name line above it in the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from planner.risk.facts.evidence import ChangedText

__all__ = ["VERSION", "DependencyChange", "changed_packages", "file_format"]

_REQUIREMENTS = re.compile(r"requirements.*\.(?:txt|in)|constraints.*\.txt")
# file name -> format (a dict built once: this runs for every changed file)
_FORMATS: dict[str, str] = {
    "pyproject.toml": "pyproject",
    "pipfile": "pyproject",
    "package.json": "json",
    "composer.json": "json",
    "go.mod": "gomod",
    "go.sum": "gosum",
    "gemfile": "gemfile",
    "gemfile.lock": "gemlock",
    "pom.xml": "pom",
    "build.gradle": "gradle",
    "build.gradle.kts": "gradle",
    "cargo.toml": "cargo",
    "pnpm-lock.yaml": "pnpm",
    "package-lock.json": "named",
    "npm-shrinkwrap.json": "named",
    "composer.lock": "named",
    "yarn.lock": "named",
    "poetry.lock": "named",
    "uv.lock": "named",
    "cargo.lock": "named",
    "pipfile.lock": "named",
}
# the leading numbers of a version: v4.5.0, 14, 0.3.0rc1
VERSION = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")
_GO_MAJOR = re.compile(r"/v(\d+)$")


@dataclass(frozen=True)
class DependencyChange:
    """A package a changed line names, its version there (``None``: unpinned) and the line."""

    name: str
    version: str | None
    line: int


def file_format(name: str) -> str | None:
    """The format of a lower-case file name, or ``None`` for a file that lists no packages."""
    found = _FORMATS.get(name)
    if found is not None:
        return found
    if name.endswith(".gemspec"):
        return "gemfile"
    return "requirements" if _REQUIREMENTS.fullmatch(name) else None


_REQ = re.compile(
    r"^\s*([A-Za-z0-9][\w.\-]*)(?:\[[^\]]*\])?\s*(?:===?|~=|>=|<=|>|<|!=)\s*([\w.*+!\-]+)"
)
_PEP508 = re.compile(r"^\s*[\"']([A-Za-z0-9][\w.\-]*)(?:\[[^\]]*\])?\s*([^\"';]*)[\"']")
_POETRY = re.compile(
    r"^\s*([A-Za-z0-9][\w.\-]*)\s*=\s*(?:\{[^}]*version\s*=\s*)?[\"'][\^~>=<!\s]*(\d[\w.\-*]*)"
)
_JSON = re.compile(r"^\s*\"(@?[\w.\-]+(?:/[\w.\-]+)?)\"\s*:\s*\"[\^~>=<v\s]*(\d[\w.\-*]*)")
_GOMOD = re.compile(r"^\s*(?:require\s+)?([\w.\-]+\.[\w.\-~]+(?:/[\w.\-~]+)*)\s+(v\d[\w.\-+]*)")
_GOSUM = re.compile(r"^([\w.\-]+\.[\w.\-~]+(?:/[\w.\-~]+)*)\s+(v[\w.\-+]+?)(?:/go\.mod)?\s+h1:")
_GEM = re.compile(
    r"^\s*(?:gem|s?\.?add_(?:runtime_)?dependency)\s*\(?\s*['\"]([\w.\-]+)['\"]"
    r"(?:\s*,\s*['\"][~>=<\s]*(\d[\w.]*)['\"])?"
)
_GEMLOCK = re.compile(r"^    ([\w.\-]+) \((\d[\w.\-]*)\)$")
_GRADLE = re.compile(r"[\"']([\w.\-]+):([\w.\-]+):(\d[\w.\-]*)[\"']")
_GRADLE_PLUGIN = re.compile(
    r"\bid\s*\(?\s*[\"']([\w.\-]+)[\"']\s*\)?\s*version\s*[\"'](\d[\w.\-]*)"
)
_CARGO = re.compile(
    r"^\s*([A-Za-z][\w\-]*)\s*=\s*(?:\"|\{[^}]*version\s*=\s*\")[\^~=<>\s]*(\d[\w.\-]*)\""
)
_PNPM = re.compile(r"^\s+/?(@?[\w.\-]+(?:/[\w.\-]+)?)@(\d[\w.\-]*)(?:\(.*\))?:\s*$")
_POM_VERSION = re.compile(r"<version>\s*([^<\s]+)\s*</version>")
_POM_PROPERTY = re.compile(r"<([\w.\-]+)\.version>\s*([^<\s]+)\s*</")
_POM_ARTIFACT = re.compile(r"<artifactId>\s*([^<\s]+)\s*</artifactId>")
_LOCK_VERSION = re.compile(r"^\s*\"?version\"?\s*[:=]?\s*\"?v?(\d[\w.\-+]*)\"?,?\s*$")
_LOCK_NAME = re.compile(
    r"^\s*(?:name\s*=\s*\"([^\"]+)\""  # poetry, uv, cargo
    r"|\"name\"\s*:\s*\"([^\"]+)\""  # composer.lock
    r"|\"(?:node_modules/)+(@?[^\"]+)\"\s*:\s*\{"  # package-lock v2/v3
    r"|\"?(@?[^@\s\"][^@\s\"]*)@[^\n]*:\s*$)"  # yarn.lock header
)
_SKIP_JSON = frozenset({"version", "node", "npm", "yarn", "pnpm", "php", "engines"})


def changed_packages(
    fmt: str, changed: ChangedText | None, whole: str | None
) -> Iterator[DependencyChange]:
    if changed is None or not changed.text:
        return
    file_lines = whole.split("\n") if whole is not None else None
    for line, number in zip(changed.text.split("\n"), changed.numbers, strict=False):
        found = _parse(fmt, line, file_lines, number)
        if found is not None:
            name, version = found
            yield DependencyChange(name.lower(), version, number)


def _parse(
    fmt: str, line: str, file_lines: list[str] | None, number: int
) -> tuple[str, str | None] | None:
    if fmt == "requirements":
        m = _REQ.match(line)
        if m:
            return m.group(1), m.group(2)
        bare = re.match(r"^\s*([A-Za-z0-9][\w.\-]*)(?:\[[^\]]*\])?\s*(?:#.*)?$", line)
        return (bare.group(1), None) if bare else None
    if fmt == "pyproject":
        m = _PEP508.match(line)
        if m:
            return m.group(1), _lower_bound(m.group(2))
        m = _POETRY.match(line)
        if m and m.group(1).lower() not in ("python", "version", "name", "requires-python"):
            return m.group(1), m.group(2)
        return None
    if fmt == "json":
        m = _JSON.match(line)
        return (m.group(1), m.group(2)) if m and m.group(1) not in _SKIP_JSON else None
    if fmt == "gomod":
        m = _GOMOD.match(line)
        if m is None or line.lstrip().startswith(("module", "go ", "toolchain")):
            return None
        return _go(m.group(1), m.group(2))
    if fmt == "gosum":
        m = _GOSUM.match(line)
        return _go(m.group(1), m.group(2)) if m else None
    if fmt == "gemfile":
        m = _GEM.match(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "gemlock":
        m = _GEMLOCK.match(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "gradle":
        m = _GRADLE.search(line)
        if m:
            return f"{m.group(1)}:{m.group(2)}", m.group(3)
        m = _GRADLE_PLUGIN.search(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "cargo":
        m = _CARGO.match(line)
        return (m.group(1), m.group(2)) if m and m.group(1) not in ("version", "edition") else None
    if fmt == "pnpm":
        m = _PNPM.match(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "pom":
        m = _POM_PROPERTY.search(line)
        if m and m.group(1) not in ("java", "maven.compiler", "project.build"):
            return m.group(1), m.group(2)
        m = _POM_VERSION.search(line)
        if m is None or file_lines is None:
            return None
        artifact = _above(file_lines, number, _POM_ARTIFACT)
        return (artifact, m.group(1)) if artifact else None
    if fmt == "named":
        m = _LOCK_VERSION.match(line)
        if m is None or file_lines is None:
            return None
        pkg = _above(file_lines, number, _LOCK_NAME)
        return (pkg, m.group(1)) if pkg else None
    return None


def _above(file_lines: list[str], number: int, pattern: re.Pattern[str]) -> str | None:
    """The first group of ``pattern`` on the nearest line above line ``number`` (1-based)."""
    for i in range(min(number - 1, len(file_lines)) - 1, max(-1, number - 42), -1):
        m = pattern.search(file_lines[i])
        if m:
            return next(g for g in m.groups() if g)
    return None


def _go(module: str, version: str) -> tuple[str, str]:
    m = _GO_MAJOR.search(module)
    return (module[: m.start()], version) if m else (module, version)


def _lower_bound(spec: str) -> str | None:
    for op in ("===", "==", "~=", ">=", ">", "^", "~"):
        i = spec.find(op)
        if i >= 0:
            m = re.match(r"\s*([\w.*+!\-]+)", spec[i + len(op) :])
            if m:
                return m.group(1)
    m = VERSION.search(spec)
    return m.group(0) if m else None
