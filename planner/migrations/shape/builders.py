"""Schema steps of Rails migrations and of the knex, sequelize, TypeORM, Laravel, Ecto and
Liquibase ones: helper and builder calls that name their table, and SQL embedded in strings."""

from __future__ import annotations

import re

from planner.migrations.shape.sql import sql_steps
from planner.migrations.shape.step import Kind, SchemaStep
from planner.risk.migrations import DESTRUCTIVE

__all__ = ["other_steps", "rails_steps"]

_RB = re.compile(
    r"\b(?P<op>remove_column|drop_table|rename_column|rename_table|change_column_null|change_column"
    r"|add_column|remove_reference|remove_columns)\b\s*\(?\s*:?['\"]?(?P<t>\w+)['\"]?"
    r"(?:\s*,\s*:?['\"]?(?P<c>\w+)['\"]?)?(?P<rest>[^\n]*)"
)
_RB_NAME = re.compile(r"\s*,\s*:?['\"]?(\w+)")
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


def rails_steps(text: str) -> list[SchemaStep]:
    """The steps of a Rails migration's forward part."""
    steps: list[SchemaStep] = []
    for m in _RB.finditer(text):
        op, t, c, rest = m.group("op"), m.group("t"), m.group("c"), m.group("rest") or ""
        if op in ("remove_column", "remove_columns", "remove_reference") and c:
            col = f"{c}_id" if op == "remove_reference" else c
            steps.append(SchemaStep("contract", f"{op} {t}.{col}", t, (col,), "columns", (c,)))
        elif op == "drop_table":
            steps.append(SchemaStep("contract", f"drop table {t}", t, (), "rows", (t,)))
        elif op in ("rename_column", "rename_table"):
            # rename_column :t, :old, :new / rename_table :old, :new: the new name comes next
            after = _RB_NAME.match(rest) if op == "rename_column" else None
            new = after.group(1) if after else (c if op == "rename_table" else None)
            steps.append(
                SchemaStep(
                    "contract",
                    f"{op} {t}{'.' + c if c and op == 'rename_column' else ''}"
                    + (f" to {new}" if new else ""),
                    t,
                    (c,) if c and op == "rename_column" else (),
                    "none",
                    (c or t,) if op == "rename_column" else (t,),
                    (new,) if new else (),
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


def other_steps(text: str) -> list[SchemaStep]:
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
