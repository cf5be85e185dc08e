"""Schema steps of Python migrations: Django operations and alembic ``op.*`` calls (``ast``)."""

from __future__ import annotations

import ast
import posixpath
import re

from planner.migrations.shape.sql import sql_steps
from planner.migrations.shape.step import SchemaStep, Shape

__all__ = ["python_shape"]


def python_shape(path: str, text: str, tool: str) -> Shape:
    """The steps of a Django or alembic migration (``text`` is its forward part)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        return Shape((), f"Python syntax error at line {e.lineno}: {e.msg}")
    app = posixpath.basename(posixpath.dirname(posixpath.dirname(path)))
    steps: list[SchemaStep] = []
    models = _get_models(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and _attr(call.func) == "batch_alter_table":
                    table = _str(call.args[0]) if call.args else None
                    for inner in ast.walk(node):
                        if (
                            isinstance(inner, ast.Call)
                            and isinstance(inner.func, ast.Attribute)
                            and _owner(inner.func) == _alias(item)
                        ):
                            steps += _alembic(inner, table)
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner, op = _owner(node.func), node.func.attr
        if owner == "migrations" or (tool == "django" and owner is None):
            steps += _django(node, op, app, models)
        elif owner == "op":
            steps += _alembic(node, None)
    return Shape(tuple(steps))


def _attr(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else None


def _owner(func: ast.Attribute) -> str | None:
    return func.value.id if isinstance(func.value, ast.Name) else None


def _alias(item: ast.withitem) -> str | None:
    v = item.optional_vars
    return v.id if isinstance(v, ast.Name) else None


def _str(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _kw(call: ast.Call, name: str, pos: int | None = None) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    if pos is not None and len(call.args) > pos:
        return call.args[pos]
    return None


def _get_models(tree: ast.AST) -> tuple[str, ...]:
    """Tables a RunPython function touches: ``apps.get_model("app", "Model")`` -> ``app_model``."""
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _attr(node.func) == "get_model":
            args = [_str(a) for a in node.args]
            if len(args) == 2 and args[0] and args[1]:
                out.append(f"{args[0]}_{args[1].lower()}")
            elif len(args) == 1 and args[0] and "." in args[0]:
                app, model = args[0].split(".", 1)
                out.append(f"{app}_{model.lower()}")
    return tuple(dict.fromkeys(out))


def _django(call: ast.Call, op: str, app: str, models: tuple[str, ...]) -> list[SchemaStep]:
    model = _str(_kw(call, "model_name", 0)) or _str(_kw(call, "name", 0))
    table = f"{app}_{model.lower()}" if model else None
    field = _str(_kw(call, "name", 1))
    if op == "RemoveField" and table and field:
        return [
            SchemaStep(
                "contract",
                f"remove field {model}.{field} ({table}.{field})",
                table,
                (field,),
                "columns",
                (field,),
            )
        ]
    if op == "DeleteModel" and table:
        return [
            SchemaStep(
                "contract",
                f"delete model {model} (table {table})",
                table,
                (),
                "rows",
                (model or "",),
            )
        ]
    if op == "RenameField" and table:
        old = _str(_kw(call, "old_name", 1)) or "?"
        new = _str(_kw(call, "new_name", 2))
        return [
            SchemaStep(
                "contract",
                f"rename field {model}.{old}" + (f" to {new}" if new else ""),
                table,
                (old,),
                "none",
                (old,),
                (new,) if new else (),
            )
        ]
    if op == "RenameModel":
        old = _str(_kw(call, "old_name", 0)) or "?"
        new = _str(_kw(call, "new_name", 1))
        return [
            SchemaStep(
                "contract",
                f"rename model {old}" + (f" to {new}" if new else ""),
                f"{app}_{old.lower()}",
                (),
                "none",
                (old,),
                (new,) if new else (),
            )
        ]
    if op == "AlterField" and table and field:
        return [
            SchemaStep(
                "contract",
                f"alter field {model}.{field} (type, null or length may narrow)",
                table,
                (field,),
            )
        ]
    if op == "AddField" and table and field:
        spec = ast.unparse(_kw(call, "field", 2) or ast.Constant(None))
        nullable = re.search(r"\bnull\s*=\s*True\b|\bdb_default\s*=", spec) is not None
        if nullable or "ManyToManyField" in spec:
            return [SchemaStep("expand", f"add field {model}.{field}", table, (field,))]
        return [
            SchemaStep(
                "contract",
                f"add field {model}.{field} NOT NULL without a database default "
                "(old code's inserts fail)",
                table,
                (field,),
            )
        ]
    if op == "RunSQL":
        sql = _kw(call, "sql", 0)
        texts = (
            [_str(e) for e in sql.elts] if isinstance(sql, ast.List | ast.Tuple) else [_str(sql)]
        )
        steps: list[SchemaStep] = []
        for t in texts:
            if t:
                steps += sql_steps(t)[0]
        return steps
    if op == "RunPython":
        forward = _kw(call, "code", 0)
        if forward is not None and _attr(forward) == "noop":
            return []
        reverse = _kw(call, "reverse_code", 1)
        one_way = reverse is None or _attr(reverse) == "noop"
        where = ", ".join(models) or "tables not read"
        how = (
            "one-way: reverse_code is missing or noop"
            if one_way
            else "reverse_code may not restore every value"
        )
        if not models:
            return [
                SchemaStep(
                    "rewrite", f"RunPython data migration ({where}; {how})", None, (), "unknown"
                )
            ]
        return [
            SchemaStep("rewrite", f"RunPython data migration of {t} ({how})", t, (), "table")
            for t in models
        ]
    return []


def _alembic(call: ast.Call, batch_table: str | None) -> list[SchemaStep]:
    op = _attr(call.func) or ""
    args = [_str(a) for a in call.args]
    table = batch_table or (args[0] if args else None)
    rest = args[1:] if batch_table is None else args
    if op == "drop_column" and table and rest and rest[0]:
        c = rest[0]
        return [SchemaStep("contract", f"drop column {table}.{c}", table, (c,), "columns", (c,))]
    if op == "drop_table" and table:
        return [SchemaStep("contract", f"drop table {table}", table, (), "rows", (table,))]
    if op == "rename_table" and table:
        return [SchemaStep("contract", f"rename table {table}", table, (), "none", (table,))]
    if op == "alter_column" and table and rest and rest[0]:
        c = rest[0]
        if (renamed := _kw(call, "new_column_name")) is not None:
            new = _str(renamed)
            return [
                SchemaStep(
                    "contract",
                    f"rename column {table}.{c}" + (f" to {new}" if new else ""),
                    table,
                    (c,),
                    "none",
                    (c,),
                    (new,) if new else (),
                )
            ]
        if _kw(call, "type_") is not None:
            return [
                SchemaStep("contract", f"change the type of {table}.{c}", table, (c,), "columns")
            ]
        nullable = _kw(call, "nullable")
        if isinstance(nullable, ast.Constant) and nullable.value is False:
            return [SchemaStep("contract", f"set {table}.{c} NOT NULL", table, (c,))]
        return [SchemaStep("expand", f"alter column {table}.{c}", table, (c,))]
    if op == "add_column" and table:
        spec = ast.unparse(call.args[-1]) if call.args else ""
        col = re.search(r"Column\(\s*['\"](\w+)['\"]", spec)
        c = col.group(1) if col else "?"
        strict = re.search(r"nullable\s*=\s*False", spec) and "server_default" not in spec
        if strict:
            return [
                SchemaStep(
                    "contract",
                    f"add column {table}.{c} NOT NULL without a server default "
                    "(old code's inserts fail)",
                    table,
                    (c,),
                )
            ]
        return [SchemaStep("expand", f"add column {table}.{c}", table, (c,))]
    if op == "execute" and call.args:
        sql = _str(call.args[0])
        if sql is None and isinstance(call.args[0], ast.Call) and call.args[0].args:
            sql = _str(call.args[0].args[0])  # op.execute(sa.text("..."))
        if sql:
            return list(sql_steps(sql)[0])
        return [SchemaStep("rewrite", "op.execute of SQL not read", None, (), "unknown")]
    return []
