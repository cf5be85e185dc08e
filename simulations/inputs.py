"""The inputs a notebook names by its parameters, read into the packages' records.

Notebook parameters are plain literals (paths relative to the repository root, ``""`` for "not
given"); these functions resolve the paths (:func:`simulations.paths.resolve`) and call the
packages' loaders, so the notebooks hold no logic of their own.
"""

from __future__ import annotations

import json

from planner.model import Plan
from simulations.exceptions import ReportError
from simulations.paths import resolve

__all__ = ["load_plan"]


def load_plan(plan_path: str) -> Plan:
    """Read a plan JSON document (as written by ``devops-planner plan --format json``).

    Raises:
        ReportError: the file cannot be read or is not JSON.
        PlanError: the document is not a valid plan; the message names the field.
    """
    path = resolve(plan_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    return Plan.from_dict(data)
