"""Notebook parameters from the command line: checked against the notebook, typed, named.

``papermill.inspect_notebook`` tells which parameters a notebook declares and their defaults
(literals); :func:`coerce` turns a ``-p NAME VALUE`` string into the default's type and rejects a
name the notebook does not declare, so a typo fails before a kernel starts.
:func:`default_name` gives the report a folder name from what it is about (the change's feature,
the repository and head).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planner.exceptions import PlannerError
from planner.io import read_structured
from simulations.exceptions import ReportError
from simulations.paths import resolve

__all__ = ["coerce", "declared_parameters", "default_name", "slug"]

_TRUE = ("true", "yes", "1", "on")
_FALSE = ("false", "no", "0", "off")


def slug(text: str) -> str:
    """``text`` as a folder-name slug: lower case, runs of other characters become ``-``."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "report"


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """The notebook's parameters: name -> default value (a Python literal).

    Raises:
        ReportError: the notebook cannot be read, or a default is not a literal.
    """
    import papermill

    try:
        found = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # papermill raises several types for an unreadable notebook
        raise ReportError(f"{notebook}: cannot read the notebook's parameters: {exc}") from None
    declared = {}
    for name, info in found.items():
        try:
            declared[name] = ast.literal_eval(str(info.get("default")))
        except (ValueError, SyntaxError):
            raise ReportError(
                f"{notebook}: parameter {name} = {info.get('default')}: not a literal"
            ) from None
    return declared


def coerce(name: str, value: str, declared: Mapping[str, Any], notebook: str) -> Any:
    """``value`` converted to the type of parameter ``name``'s default (str when it is None).

    Raises:
        ReportError: ``name`` is not a parameter of the notebook, or ``value`` does not convert.
    """
    if name not in declared:
        known = ", ".join(sorted(declared)) or "none"
        raise ReportError(f"-p {name}: {notebook} has no such parameter (it has: {known})")
    default = declared[name]
    if isinstance(default, bool):
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ReportError(f"-p {name}: {value!r} is not true or false")
    kind = type(default)
    if kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            raise ReportError(f"-p {name}: {value!r} is not a valid {kind.__name__}") from None
    return value


def default_name(parameters: Mapping[str, Any]) -> str:
    """A folder name for a report on these parameters, as a slug.

    The feature named in the manifest or plan file when there is one; for a git range, the
    repository folder and the head ref; otherwise ``report``. A file that cannot be read here is
    left for the notebook to report.
    """
    for key in ("plan_path", "manifest_path"):
        path = parameters.get(key)
        if path:
            try:
                data = read_structured(resolve(str(path)))
            except PlannerError:
                continue
            if isinstance(data, Mapping):
                feature = data.get("feature") or (data.get("change") or {}).get("feature")
                if isinstance(feature, str) and feature:
                    return slug(feature)
    repo = parameters.get("repo")
    if repo:
        head = str(parameters.get("head") or "HEAD")
        return slug(f"{Path(str(repo)).resolve().name}-{head}")
    return "report"
