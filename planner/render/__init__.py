"""The plan as text: Markdown for people, JSON for tools.

Modules:

- ``document``: A plan as text: Markdown for people, JSON (stable bytes) for programs.
- ``markdown``: Render a :class:`Plan` as Markdown following the reference's section structure.
- ``text``: Plan text in Markdown: the one escaping rule for every medium that shows a plan.
"""

from planner.render.document import FORMATS, plan_document, render_json, render_plan
from planner.render.markdown import render_markdown

__all__ = [
    "FORMATS",
    "plan_document",
    "render_json",
    "render_markdown",
    "render_plan",
]
