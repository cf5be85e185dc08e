"""Change manifests: a YAML or JSON description of a change, read into a :class:`ChangeSet`.

The schema is documented in ``docs/manifest.md``. :func:`parse_manifest` is pure (it takes the
already-loaded document); :func:`load_manifest` reads the file safely and calls it. Every error
is a :class:`~planner.exceptions.ManifestError` naming the source, the field and the value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from planner.change.model import CHANGE_KINDS, ChangedFile, ChangeKind, ChangeSet
from planner.exceptions import ManifestError
from planner.io import read_structured
from planner.model import Commit

__all__ = ["INTEGRATION_POINTS", "load_manifest", "parse_manifest"]

INTEGRATION_POINTS: tuple[str, ...] = (
    "payment_api",
    "database",
    "cache",
    "email",
    "webhooks",
    "auth_provider",
    "queue",
    "third_party_api",
)
_TOP_KEYS = (
    "feature",
    "service",
    "feature_flag",
    "integration_points",
    "commits",
    "files",
)
_FILE_KEYS = (
    "path",
    "change",
    "old_path",
    "added_lines",
    "deleted_lines",
    "integrated",
    "behind_flag",
    "content",
)
_SHA = re.compile(r"[0-9a-fA-F]{4,64}")


def load_manifest(path: str | Path) -> ChangeSet:
    """Read a change manifest (YAML or JSON) from ``path``.

    Raises:
        ManifestError: the file cannot be read or parsed, or does not follow the schema.
    """
    return parse_manifest(read_structured(path, ManifestError, schema="change-manifest"), str(path))


def parse_manifest(data: object, source: str) -> ChangeSet:
    """Build a :class:`ChangeSet` from a loaded manifest document.

    Args:
        data: the parsed YAML/JSON document (a mapping).
        source: the name used in error messages (usually the file path).

    Raises:
        ManifestError: a field is missing, has the wrong type or an unknown value.
    """
    if not isinstance(data, Mapping):
        raise ManifestError(f"{source}: expected a mapping at the top level, got {_kind(data)}")
    _no_unknown_keys(data, _TOP_KEYS, source, "")
    feature = _str(data, "feature", source, "", required=True)
    service = _str(data, "service", source, "") or ""
    flag = _str(data, "feature_flag", source, "")
    points = _integration_points(data.get("integration_points"), source)
    commits = _commits(data.get("commits"), source)
    raw_files = data.get("files")
    if not isinstance(raw_files, list):
        raise ManifestError(f"{source}: files: expected a list of files, got {_kind(raw_files)}")
    if not raw_files:
        raise ManifestError(f"{source}: files: the change has no files")
    files = tuple(_file(item, i, source) for i, item in enumerate(raw_files))
    seen: set[str] = set()
    for i, f in enumerate(files):
        if f.path in seen:
            raise ManifestError(f"{source}: files[{i}].path: {f.path!r} is listed twice")
        seen.add(f.path)
        if f.behind_flag and not flag:
            raise ManifestError(
                f"{source}: files[{i}].behind_flag: true needs a top-level feature_flag"
            )
    return ChangeSet(
        source="manifest",
        files=files,
        commits=commits,
        feature=feature or "",
        service=service,
        feature_flag=flag or None,
        integration_points=points,
    )


def _file(item: object, i: int, source: str) -> ChangedFile:
    where = f"files[{i}]"
    if not isinstance(item, Mapping):
        raise ManifestError(f"{source}: {where}: expected a mapping, got {_kind(item)}")
    _no_unknown_keys(item, _FILE_KEYS, source, f"{where}.")
    path = _repo_path(_str(item, "path", source, f"{where}.", required=True) or "", source, where)
    change = item.get("change")
    if change not in CHANGE_KINDS:
        raise ManifestError(
            f"{source}: {where}.change: {change!r} is not one of {', '.join(CHANGE_KINDS)}"
        )
    old_path = _str(item, "old_path", source, f"{where}.")
    if old_path is not None:
        old_path = _repo_path(old_path, source, f"{where}.old_path", key="")
    if change == "renamed" and not old_path:
        raise ManifestError(f"{source}: {where}.old_path: required when change is 'renamed'")
    if change != "renamed" and old_path is not None:
        raise ManifestError(
            f"{source}: {where}.old_path: only allowed when change is 'renamed', not {change!r}"
        )
    return ChangedFile(
        path=path,
        change=cast(ChangeKind, change),
        added_lines=_count(item, "added_lines", source, where),
        deleted_lines=_count(item, "deleted_lines", source, where),
        old_path=old_path,
        integrated=_bool(item, "integrated", True, source, where),
        behind_flag=_bool(item, "behind_flag", False, source, where),
        content=_str(item, "content", source, f"{where}.", allow_empty=True),
    )


def _repo_path(path: str, source: str, where: str, key: str = ".path") -> str:
    """A path relative to the repository root: no leading ``/``, no ``..``, no control chars."""
    if any(unicodedata.category(c) == "Cc" for c in path):
        raise ManifestError(f"{source}: {where}{key}: {path!r} contains a control character")
    if path.startswith("/") or ".." in path.split("/"):
        raise ManifestError(
            f"{source}: {where}{key}: {path!r} must be relative to the repository root "
            "(no leading '/', no '..')"
        )
    return path


def _integration_points(value: object, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ManifestError(f"{source}: integration_points: expected a list, got {_kind(value)}")
    for i, point in enumerate(value):
        if point not in INTEGRATION_POINTS:
            raise ManifestError(
                f"{source}: integration_points[{i}]: {point!r} is not one of "
                f"{', '.join(INTEGRATION_POINTS)}"
            )
    return tuple(dict.fromkeys(cast(list[str], value)))


def _commits(value: object, source: str) -> tuple[Commit, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ManifestError(f"{source}: commits: expected a list, got {_kind(value)}")
    commits = []
    for i, item in enumerate(value):
        where = f"commits[{i}]"
        if not isinstance(item, Mapping):
            raise ManifestError(f"{source}: {where}: expected a mapping, got {_kind(item)}")
        _no_unknown_keys(item, ("sha", "subject"), source, f"{where}.")
        sha = _str(item, "sha", source, f"{where}.", required=True) or ""
        if not _SHA.fullmatch(sha):
            raise ManifestError(
                f"{source}: {where}.sha: {sha!r} is not a commit id (4 to 64 hex digits)"
            )
        subject = _str(item, "subject", source, f"{where}.", allow_empty=True) or ""
        commits.append(Commit(sha=sha, subject=subject))
    return tuple(commits)


def _str(
    data: Mapping[Any, Any],
    key: str,
    source: str,
    prefix: str,
    *,
    required: bool = False,
    allow_empty: bool = False,
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ManifestError(f"{source}: {prefix}{key}: required")
        return None
    if not isinstance(value, str):
        raise ManifestError(f"{source}: {prefix}{key}: expected a string, got {value!r}")
    if not allow_empty and not value.strip():
        raise ManifestError(f"{source}: {prefix}{key}: must not be empty")
    return value


def _count(item: Mapping[Any, Any], key: str, source: str, where: str) -> int:
    value = item.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ManifestError(
            f"{source}: {where}.{key}: expected a non-negative integer, got {value!r}"
        )
    return value


def _bool(item: Mapping[Any, Any], key: str, default: bool, source: str, where: str) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise ManifestError(f"{source}: {where}.{key}: expected true or false, got {value!r}")
    return value


def _no_unknown_keys(
    data: Mapping[Any, Any], allowed: tuple[str, ...], source: str, prefix: str
) -> None:
    for key in data:
        if key not in allowed:
            raise ManifestError(
                f"{source}: {prefix}{key}: unknown field (expected one of {', '.join(allowed)})"
            )


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__
