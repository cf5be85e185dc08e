"""A plan as text: Markdown for people, JSON (stable bytes) for programs."""

from __future__ import annotations

import json

from planner.exceptions import PlannerError
from planner.markdown import render_markdown
from planner.model import Plan

__all__ = ["FORMATS", "render", "render_json"]

FORMATS = ("markdown", "json")


def render_json(plan: Plan) -> str:
    """``plan.to_dict()`` as indented JSON in field order, ending with a newline."""
    return json.dumps(plan.to_dict(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def render(plan: Plan, fmt: str) -> str:
    """Render ``plan`` in ``fmt`` (``markdown`` or ``json``).

    Raises:
        PlannerError: unknown format.
    """
    if fmt == "markdown":
        return render_markdown(plan)
    if fmt == "json":
        return render_json(plan)
    raise PlannerError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
