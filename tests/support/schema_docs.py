"""Render the shipped JSON Schemas as one Markdown page (``docs/input-schemas.md``)."""

from __future__ import annotations

import json
from typing import Any

from planner.io import SCHEMAS, schema_text

__all__ = ["render_schema_docs"]

_HEAD = """# Input schemas

Generated from `planner/schemas/*.schema.json` by `tests/support/schema_docs.py` (the test
`tests/planner/test_schemas.py` fails when this page is stale; `UPDATE_GOLDEN=1` rewrites it).
Every loader checks its file against the schema first; checks a schema cannot express (a flag
name against the profile's mechanism, a freeze that ends before it starts, a regex that does
not compile) stay in code and run after it. Editors that speak the YAML language server get
completion and checks from the first line of each sample file:

```yaml
# yaml-language-server: $schema=../../planner/schemas/service-profile.schema.json
```

Every file is also read under one loading policy (`planner/io.py`): dates stay text (the
loader parses and range-checks them), duplicate keys, non-finite numbers (`.inf`, `NaN`,
`1e400`), integers over 30 digits, nesting deeper than 64 levels and files over 64 MiB
(`DEVOPS_PLANNER_MAX_INPUT_BYTES`) are rejected with one line naming the file and field.
"""


def _type(node: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in node:
        ref = node["$ref"]
        if ref.startswith("#/$defs/"):
            return _type(defs[ref.split("/")[-1]], defs)
        return f"see {ref.removesuffix('.schema.json')}"
    if "enum" in node:
        return " / ".join("null" if v is None else f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "anyOf" in node:
        return " or ".join(_type(n, defs) for n in node["anyOf"])
    kind = node.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    words = []
    for k in kinds:
        if k == "array" and "items" in node:
            words.append(f"list of ({_type(node['items'], defs)})")
        else:
            words.append(k)
    text = " or ".join(words)
    bounds = [
        f"{op} {node[key]:g}"
        for key, op in (("minimum", ">="), ("maximum", "<="))
        if isinstance(node.get(key), int | float)
    ]
    if "pattern" in node:
        bounds.append(f"pattern `{node['pattern']}`")
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def _rows(node: dict[str, Any], defs: dict[str, Any], prefix: str, out: list[str]) -> None:
    if "$ref" in node and node["$ref"].startswith("#/$defs/"):
        node = defs[node["$ref"].split("/")[-1]]
    required = set(node.get("required", ()))
    for name, sub in node.get("properties", {}).items():
        target = defs[sub["$ref"].split("/")[-1]] if sub.get("$ref", "").startswith("#") else sub
        what = target.get("description", sub.get("description", ""))
        need = "yes" if name in required else ""
        cells = (_type(sub, defs), need, what)
        row = " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells)
        out.append(f"| `{prefix}{name}` | {row} |")
        items = target.get("items") if target.get("type") in ("array", ["array", "null"]) else None
        if isinstance(items, dict) and ("properties" in items or "$ref" in items):
            _rows(items, defs, f"{prefix}{name}[].", out)
        elif "properties" in target:
            _rows(target, defs, f"{prefix}{name}.", out)


def render_schema_docs() -> str:
    """The Markdown page: one table per schema, field by field."""
    out = [_HEAD]
    for name in SCHEMAS:
        schema = json.loads(schema_text(name))
        defs = schema.get("$defs", {})
        out += [
            f"## {schema['title']}",
            "",
            f"`planner/schemas/{name}.schema.json`: {schema.get('description', '')}",
            "",
        ]
        out += ["| field | type | required | meaning |", "|---|---|---|---|"]
        body = schema
        if "anyOf" in schema:  # the incidents file: a list or {incidents: list}
            body = {"properties": {"incidents": defs["list"]}}
        rows: list[str] = []
        _rows(body, defs, "", rows)
        out += [*rows, ""]
    return "\n".join(out).rstrip("\n") + "\n"
