"""Notebook -> self-contained HTML page (nbconvert), readable in a browser without a kernel.

Code cells are hidden by default (a report is read by people approving a change, not by the
people who wrote it); figures are embedded as base64 PNG by the notebook outputs themselves. The
template drops the ``<script>`` tags nbconvert would load from CDNs (require.js, MathJax,
Mermaid): the page needs no network, and a browser offline does not stall on them.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, cast

import jinja2
import nbformat

from planner.render.text import code_span

__all__ = ["notebook_to_html", "provenance_markdown", "read_notebook"]

_TEMPLATE_NAME = "devops_planner_report.html.j2"
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style type="text/css">
body { max-width: 1200px; margin: 0 auto; }
.jp-RenderedHTMLCommon table { font-size: 12px; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {
  white-space: pre-wrap; text-align: left !important; vertical-align: top; }
</style>
{%- endblock extra_css -%}
"""


def provenance_markdown(nb: Any, notebook: str, generated: str) -> str:
    """A footer saying when and from what a page was made: the notebook and the parameters
    papermill injected (values in code spans that no backtick inside can end)."""
    params = nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or {}
    lines = ["---", f"Generated {generated} by `devops-planner report` from `{notebook}`"]
    if params:
        lines[-1] += " with these parameters (the others at their defaults):"
        for name, value in sorted(params.items()):
            lines.append(f"- {code_span(name)} = {code_span(repr(value))}")
    else:
        lines[-1] += ", every parameter at its default."
    return "\n".join(lines)


def notebook_to_html(nb: Any, title: str, show_code: bool = False, footer: str = "") -> str:
    """Render an executed notebook node to an HTML page titled ``title``.

    Args:
        nb: a notebook node (``nbformat.read`` result); it is not modified.
        title: the page title.
        show_code: include code cells (used for a failed report, where the code is the clue).
        footer: Markdown added at the end of the page only (see :func:`provenance_markdown`).
    """
    import nbconvert

    exporter = cast(Any, nbconvert).HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
    )
    node = cast(Any, nbformat).from_dict(copy.deepcopy(dict(nb)))
    node.metadata["title"] = title
    if footer:
        node.cells.append(cast(Any, nbformat).v4.new_markdown_cell(footer))
    body, _ = exporter.from_notebook_node(node)
    return str(body)


def read_notebook(path: Path) -> Any:
    """Read a notebook file as an nbformat 4 node."""
    return cast(Any, nbformat).read(path, as_version=4)
