"""A plan as text: Markdown for people, JSON (stable bytes) for programs."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from planner.exceptions import PlannerError
from planner.model import Plan, omit_unset_scopes
from planner.render.markdown import render_markdown

__all__ = ["FORMATS", "plan_document", "render_json", "render_plan"]

FORMATS = ("markdown", "json")


def plan_document(plan: Plan) -> dict[str, Any]:
    """The same document as ``plan.to_dict()``, built without ``dataclasses.asdict``'s deep
    copies (about 6x faster on a 10,000-file plan)."""
    body = omit_unset_scopes(_plain(plan))
    version = body.pop("schema_version")
    return {"schema_version": version, **body}


_SCALARS = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(value))
    return {name: _plain(getattr(value, name)) for name in names}


def render_json(plan: Plan) -> str:
    """``json.dumps(plan.to_dict(), indent=2, sort_keys=False)`` plus a newline: stable bytes."""
    return json.dumps(plan_document(plan), indent=2, sort_keys=False) + "\n"


def render_plan(plan: Plan, fmt: str) -> str:
    """Render ``plan`` in ``fmt`` (``markdown`` or ``json``).

    Raises:
        PlannerError: unknown format.
    """
    if fmt == "markdown":
        return render_markdown(plan)
    if fmt == "json":
        return render_json(plan)
    raise PlannerError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
