"""Small I/O helpers shared by every command: safe YAML/JSON reading and atomic writes."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from planner.exceptions import PlanError, PlannerError

if TYPE_CHECKING:
    from planner.model import Plan

__all__ = ["atomic_write_text", "read_plan", "read_structured"]


def read_structured(path: str | Path, error: type[PlannerError] = PlannerError) -> Any:
    """Read a YAML or JSON file (chosen by content; YAML is a superset) with a safe loader.

    Raises:
        error: the file cannot be read or does not parse; the message names the file.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{p}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(f"{p}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error(f"{p}{line}: invalid YAML: {problem}") from None


def read_plan(path: str | Path) -> Plan:
    """The plan in ``path`` (``devops-planner plan --format json``): the one plan reader.

    Raises:
        PlanError: the file cannot be read or parsed, or the plan is invalid; the message starts
            with ``path`` so the user knows which of their plan files is wrong.
    """
    from planner.model import Plan

    data = read_structured(path, PlanError)
    try:
        return Plan.from_dict(data)
    except PlanError as exc:
        message = str(exc)
        prefix = str(path)
        raise PlanError(message if message.startswith(prefix) else f"{prefix}: {message}") from None


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename.

    A reader never sees a half-written file and a failed write leaves the old file intact.
    """
    target = Path(path)
    for folder in (target.parent, *target.parent.parents):
        if folder.exists():  # mkdir would say "File exists" for a file on the way
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
            break
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():  # else the rename fails naming the temporary, not the user's path
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    # mkstemp creates 0600; a replaced file keeps its mode, a new one gets the usual 0644.
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).chmod(mode)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
