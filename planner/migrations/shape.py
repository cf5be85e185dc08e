"""Expand, contract or data rewrite: what each migration step does to the old code and data.

- **expand**: additive, the old code keeps working (CREATE TABLE/INDEX, ADD COLUMN that is
  nullable or has a default, dropping an index or a constraint).
- **contract**: the old code may break (DROP or RENAME of a table or column, SET NOT NULL, an
  added NOT NULL column without a default, a type change).
- **rewrite**: rows change (UPDATE, DELETE, TRUNCATE, Django ``RunPython``).

``loses`` says what the migration's own undo cannot bring back: ``columns`` (values of
``columns`` of ``table``), ``rows`` (rows of ``table``), ``unknown`` (a one-way change whose
tables were not read) or ``none``. ``removes`` names what the old code may still reference.
Only the forward (up) part of a migration is read, via :func:`planner.risk.migrations.up_sections`.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from typing import Literal

from planner.risk.migrations import DESTRUCTIVE, migration_problem, split_sql, up_sections

__all__ = ["Kind", "Loss", "SchemaStep", "Shape", "read_shape"]

Kind = Literal["expand", "contract", "rewrite"]
Loss = Literal["none", "columns", "rows", "table", "unknown"]


@dataclass(frozen=True)
class SchemaStep:
    """One schema step of a migration's forward part."""

    kind: Kind
    what: str
    table: str | None = None
    columns: tuple[str, ...] = ()
    loses: Loss = "none"
    removes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shape:
    """The steps of one migration file; ``problem`` is set when the file was not understood."""

    steps: tuple[SchemaStep, ...]
    problem: str = ""

    @property
    def kind(self) -> Kind:
        """The strongest kind of the file: contract > rewrite > expand."""
        kinds = {s.kind for s in self.steps}
        if "contract" in kinds:
            return "contract"
        return "rewrite" if "rewrite" in kinds else "expand"

    @property
    def loses_data(self) -> bool:
        """True when the migration's own undo cannot bring some data back."""
        return any(s.loses != "none" for s in self.steps)


_NAME = r"((?:[\w$]+|\"[^\"]+\"|`[^`]+`|\[[^\]]+\])(?:\.(?:[\w$]+|\"[^\"]+\"|`[^`]+`|\[[^\]]+\]))?)"
_IFX = r"(?:IF\s+EXISTS\s+)?"
_SQL: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I | re.S), tag)
    for p, tag in (
        (rf"^DROP\s+TABLE\s+{_IFX}(.+?)(?:\s+(?:CASCADE|RESTRICT))?$", "drop_table"),
        (rf"^ALTER\s+TABLE\s+(?:ONLY\s+)?{_IFX}{_NAME}\s+(.*)$", "alter_table"),
        (rf"^RENAME\s+TABLE\s+{_NAME}\s+TO\s+{_NAME}", "rename_table_mysql"),
        (rf"^UPDATE\s+(?:ONLY\s+)?{_NAME}(?:\s+(?:AS\s+)?\w+)?\s+SET\s+(.*)$", "update"),
        (rf"^DELETE\s+FROM\s+(?:ONLY\s+)?{_NAME}", "delete"),
        (
            r"^TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(.+?)(?:\s+(?:CASCADE|RESTRICT|RESTART\s+IDENTITY|CONTINUE\s+IDENTITY))*$",
            "truncate",
        ),
        (r"^DROP\s+(?:SCHEMA|DATABASE)\b", "drop_schema"),
        (
            rf"^DROP\s+(?:MATERIALIZED\s+)?VIEW\s+{_IFX}(.+?)(?:\s+(?:CASCADE|RESTRICT))?$",
            "drop_view",
        ),
        (r"^DROP\s+(?:TYPE|DOMAIN|FUNCTION|PROCEDURE|TRIGGER|SEQUENCE)\b", "drop_other"),
        (
            r"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+)?(?:TEMP(?:ORARY)?\s+)?(\w+)\s+(?:INDEX\s+)?"
            r"(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([\w.\"`]+)",
            "create",
        ),
    )
)


def _unquote(name: str) -> str:
    return name.strip().strip('"`[]').replace('"."', ".")


def _names(listing: str) -> list[str]:
    """Table names of a DROP/TRUNCATE list, without ClickHouse's ``ON CLUSTER x`` or ``SYNC``."""
    listing = re.split(r"\s+(?:ON\s+CLUSTER|SYNC|PERMANENTLY)\b", listing, flags=re.I)[0]
    return [_unquote(n.split()[0]) for n in listing.split(",") if n.strip()]


_ADD_COL = re.compile(
    rf"^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}\s*(.*)$", re.I | re.S
)
_DROP_COL = re.compile(rf"^DROP\s+(?:COLUMN\s+)?{_IFX}{_NAME}", re.I)
_RENAME_COL = re.compile(rf"^RENAME\s+(?:COLUMN\s+)?{_NAME}\s+TO\s+{_NAME}", re.I)
_RENAME_TABLE = re.compile(rf"^RENAME\s+TO\s+{_NAME}", re.I)
_ALTER_COL = re.compile(rf"^(?:ALTER|MODIFY|CHANGE)\s+(?:COLUMN\s+)?{_NAME}\s+(.*)$", re.I | re.S)
_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "INDEX", "KEY"}


def _clauses(text: str) -> list[str]:
    """Top-level comma-separated clauses of an ALTER TABLE body."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [c for c in out if c]


def _alter(table: str, body: str) -> list[SchemaStep]:
    steps: list[SchemaStep] = []
    for clause in _clauses(body):
        word = clause.split(None, 1)[0].upper() if clause.split() else ""
        if (m := _ADD_COL.match(clause)) and _unquote(m.group(1)).upper() not in _CONSTRAINT_WORDS:
            col, rest = _unquote(m.group(1)), m.group(2).upper()
            strict = "NOT NULL" in rest and "DEFAULT" not in rest and "GENERATED" not in rest
            kind: Kind = "contract" if strict else "expand"
            why = " NOT NULL without a default (old code's inserts fail)" if strict else ""
            steps.append(SchemaStep(kind, f"add column {table}.{col}{why}", table, (col,)))
        elif word == "ADD":
            steps.append(SchemaStep("expand", f"add constraint or index on {table}", table))
        elif word == "DROP" and re.match(
            r"^DROP\s+(?:CONSTRAINT|INDEX|KEY|PRIMARY|FOREIGN|CHECK)\b", clause, re.I
        ):
            steps.append(SchemaStep("expand", f"drop a constraint or index of {table}", table))
        elif m := _DROP_COL.match(clause):
            col = _unquote(m.group(1))
            steps.append(
                SchemaStep(
                    "contract", f"drop column {table}.{col}", table, (col,), "columns", (col,)
                )
            )
        elif m := _RENAME_COL.match(clause):
            old, new = _unquote(m.group(1)), _unquote(m.group(2))
            steps.append(
                SchemaStep(
                    "contract",
                    f"rename column {table}.{old} to {new}",
                    table,
                    (old,),
                    "none",
                    (old,),
                )
            )
        elif m := _RENAME_TABLE.match(clause):
            steps.append(
                SchemaStep(
                    "contract",
                    f"rename table {table} to {_unquote(m.group(1))}",
                    table,
                    (),
                    "none",
                    (_short(table),),
                )
            )
        elif m := _ALTER_COL.match(clause):
            col, rest = _unquote(m.group(1)), m.group(2).upper()
            if re.search(r"\bSET\s+NOT\s+NULL\b", rest):
                steps.append(SchemaStep("contract", f"set {table}.{col} NOT NULL", table, (col,)))
            elif re.search(
                r"\b(?:DROP\s+NOT\s+NULL|SET\s+DEFAULT|DROP\s+DEFAULT|SET\s+STATISTICS|SET\s+STORAGE)\b",
                rest,
            ):
                steps.append(
                    SchemaStep("expand", f"relax or re-default {table}.{col}", table, (col,))
                )
            else:  # TYPE / MODIFY / CHANGE: a conversion the undo may not reverse exactly
                steps.append(
                    SchemaStep(
                        "contract", f"change the type of {table}.{col}", table, (col,), "columns"
                    )
                )
        else:
            steps.append(
                SchemaStep("expand", f"alter {table}: {' '.join(clause.split())[:60]}", table)
            )
    return steps


def _short(table: str) -> str:
    return table.rsplit(".", 1)[-1]


def sql_steps(sql: str) -> tuple[tuple[SchemaStep, ...], str]:
    """The schema steps of forward SQL, and a problem when it cannot be split into statements."""
    statements, problem = split_sql(sql)
    steps: list[SchemaStep] = []
    for stmt in statements:
        steps += _statement(" ".join(stmt.split()))
    return tuple(steps), problem


def _statement(stmt: str) -> list[SchemaStep]:
    for pattern, tag in _SQL:
        m = pattern.match(stmt)
        if m is None:
            continue
        if tag == "drop_table":
            return [
                SchemaStep("contract", f"drop table {t}", t, (), "rows", (_short(t),))
                for t in _names(m.group(1))
            ]
        if tag == "alter_table":
            return _alter(_unquote(m.group(1)), m.group(2))
        if tag == "rename_table_mysql":
            t = _unquote(m.group(1))
            return [SchemaStep("contract", f"rename table {t}", t, (), "none", (_short(t),))]
        if tag == "update":
            t = _unquote(m.group(1))
            cols = tuple(
                dict.fromkeys(
                    _unquote(c.split("=", 1)[0]).rsplit(".", 1)[-1]
                    for c in _clauses(
                        re.split(r"\bWHERE\b|\bFROM\b|\bRETURNING\b", m.group(2), flags=re.I)[0]
                    )
                    if "=" in c
                )
            )
            return [SchemaStep("rewrite", f"rewrite {t} ({', '.join(cols)})", t, cols, "columns")]
        if tag == "delete":
            t = _unquote(m.group(1))
            return [SchemaStep("rewrite", f"delete rows of {t}", t, (), "rows")]
        if tag == "truncate":
            return [
                SchemaStep("rewrite", f"truncate {t}", t, (), "rows") for t in _names(m.group(1))
            ]
        if tag == "create":
            return [SchemaStep("expand", f"create {m.group(1).lower()} {_unquote(m.group(2))}")]
        if tag == "drop_schema":
            return [SchemaStep("contract", "drop a schema or database", None, (), "unknown")]
        if tag == "drop_view":
            return [
                SchemaStep("contract", f"drop view {v}", None, (), "none", (_short(v),))
                for v in _names(m.group(1))
            ]
        return [SchemaStep("contract", stmt[:60], None)]
    return []


def read_shape(path: str, text: str | None, tool: str) -> Shape:
    """The steps of the migration at ``path``; a :class:`Shape` with ``problem`` when unreadable.

    ``tool`` is the migration tool the plan recognised (``django``, ``alembic``, ``rails``, a
    SQL tool, ...): it says how the file is read.
    """
    problem = migration_problem(path, text)
    if text is None or problem:
        return Shape((), problem)
    forward = up_sections(path, text)
    name = path.lower()
    if name.endswith(".py"):
        return _python(path, forward, tool)
    if name.endswith(".sql"):
        steps, problem = sql_steps(forward)
        return Shape(steps, problem)
    if name.endswith(".rb"):
        return Shape(tuple(_rails(forward)))
    return Shape(tuple(_other(forward)))


# -- Python: Django operations and alembic op.* calls, read with ast --------------------------


def _python(path: str, text: str, tool: str) -> Shape:
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
        return [
            SchemaStep("contract", f"rename field {model}.{old}", table, (old,), "none", (old,))
        ]
    if op == "RenameModel":
        old = _str(_kw(call, "old_name", 0)) or "?"
        return [
            SchemaStep(
                "contract", f"rename model {old}", f"{app}_{old.lower()}", (), "none", (old,)
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
        if _kw(call, "new_column_name") is not None:
            return [SchemaStep("contract", f"rename column {table}.{c}", table, (c,), "none", (c,))]
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


# -- Rails and the JavaScript/PHP/Elixir/XML tools: helper calls and embedded SQL ---------------

_RB = re.compile(
    r"\b(?P<op>remove_column|drop_table|rename_column|rename_table|change_column_null|change_column"
    r"|add_column|remove_reference|remove_columns)\b\s*\(?\s*:?['\"]?(?P<t>\w+)['\"]?"
    r"(?:\s*,\s*:?['\"]?(?P<c>\w+)['\"]?)?(?P<rest>[^\n]*)"
)
_SQL_STRING = re.compile(
    r"(?:<<[~-]?(?P<tag>[A-Z_]+)\n(?P<here>.*?)\n\s*(?P=tag))"
    r"|(?P<q>[\"'`])(?P<lit>\s*(?:ALTER|DROP|UPDATE|DELETE|TRUNCATE|CREATE|RENAME)\b(?:(?!(?P=q)).)*)(?P=q)",
    re.I | re.S,
)


def _embedded_sql(text: str) -> list[SchemaStep]:
    steps: list[SchemaStep] = []
    for m in _SQL_STRING.finditer(text):
        steps += sql_steps(m.group("here") or m.group("lit") or "")[0]
    return steps


def _rails(text: str) -> list[SchemaStep]:
    steps: list[SchemaStep] = []
    for m in _RB.finditer(text):
        op, t, c, rest = m.group("op"), m.group("t"), m.group("c"), m.group("rest") or ""
        if op in ("remove_column", "remove_columns", "remove_reference") and c:
            col = f"{c}_id" if op == "remove_reference" else c
            steps.append(SchemaStep("contract", f"{op} {t}.{col}", t, (col,), "columns", (c,)))
        elif op == "drop_table":
            steps.append(SchemaStep("contract", f"drop table {t}", t, (), "rows", (t,)))
        elif op in ("rename_column", "rename_table"):
            steps.append(
                SchemaStep(
                    "contract",
                    f"{op} {t}{'.' + c if c and op == 'rename_column' else ''}",
                    t,
                    (c,) if c and op == "rename_column" else (),
                    "none",
                    (c or t,) if op == "rename_column" else (t,),
                )
            )
        elif op == "change_column_null" and c and re.search(r"\bfalse\b", rest):
            steps.append(SchemaStep("contract", f"set {t}.{c} NOT NULL", t, (c,)))
        elif op == "change_column" and c:
            steps.append(SchemaStep("contract", f"change the type of {t}.{c}", t, (c,), "columns"))
        elif op == "add_column" and c:
            strict = re.search(r"null:\s*false", rest) and "default:" not in rest
            kind: Kind = "contract" if strict else "expand"
            steps.append(
                SchemaStep(
                    kind,
                    f"add column {t}.{c}" + (" NOT NULL without a default" if strict else ""),
                    t,
                    (c,),
                )
            )
    for m in re.finditer(r"\b(\w+)\.(?:\w+\.)*(update_all|delete_all|destroy_all)\b", text):
        steps.append(SchemaStep("rewrite", f"{m.group(1)}.{m.group(2)}", None, (), "unknown"))
    return steps + _embedded_sql(text)


_Q = r"\s*['\"`](\w+)['\"`]"
_ORM: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), tag)
    for p, tag in (
        (rf"\b(?:dropTable|dropTableIfExists|Schema::drop|Schema::dropIfExists)\({_Q}", "table"),
        (rf"\bremoveColumn\({_Q}\s*,{_Q}", "column"),  # sequelize (table, column)
        (rf"\brenameColumn\({_Q}\s*,{_Q}", "rename"),  # sequelize (table, old, new)
        (rf"\bchangeColumn\({_Q}\s*,{_Q}", "type"),
        (rf"\bbulkDelete\({_Q}", "rows"),
        (rf"\bbulkUpdate\({_Q}", "rewrite"),
        (rf"\b(?:alterTable|table|Schema::table)\({_Q}", "context"),  # knex, Laravel
        (rf"(?:\.|->)dropColumns?\({_Q}", "drop_in_context"),
    )
)


def _orm(text: str) -> list[SchemaStep]:
    """knex, sequelize, TypeORM and Laravel schema-builder calls that name their table."""
    hits = sorted((m.start(), tag, m) for pattern, tag in _ORM for m in pattern.finditer(text))
    steps: list[SchemaStep] = []
    context: str | None = None
    for _, tag, m in hits:
        if tag == "context":
            context = m.group(1)
        elif tag == "table":
            t = m.group(1)
            steps.append(SchemaStep("contract", f"drop table {t}", t, (), "rows", (t,)))
        elif tag == "column":
            t, c = m.group(1), m.group(2)
            steps.append(SchemaStep("contract", f"drop column {t}.{c}", t, (c,), "columns", (c,)))
        elif tag == "rename":
            t, c = m.group(1), m.group(2)
            steps.append(SchemaStep("contract", f"rename column {t}.{c}", t, (c,), "none", (c,)))
        elif tag == "type":
            t, c = m.group(1), m.group(2)
            steps.append(SchemaStep("contract", f"change column {t}.{c}", t, (c,), "columns"))
        elif tag == "rows":
            t = m.group(1)
            steps.append(SchemaStep("rewrite", f"delete rows of {t}", t, (), "rows"))
        elif tag == "rewrite":
            t = m.group(1)
            steps.append(SchemaStep("rewrite", f"rewrite rows of {t}", t, (), "table"))
        elif tag == "drop_in_context" and context:
            c = m.group(1)
            steps.append(
                SchemaStep("contract", f"drop column {context}.{c}", context, (c,), "columns", (c,))
            )
    return steps


def _other(text: str) -> list[SchemaStep]:
    """knex, sequelize, TypeORM, Laravel, Ecto, Liquibase: builder calls, embedded SQL, else
    destructive words (tables not read)."""
    steps = _orm(text) + _embedded_sql(text)
    if steps:
        return steps
    m = DESTRUCTIVE.search(text)
    if m is not None:
        shown = " ".join(m.group(0).split())[:40]
        return [
            SchemaStep(
                "contract", f"destructive call {shown!r} (tables not read)", None, (), "unknown"
            )
        ]
    return []
