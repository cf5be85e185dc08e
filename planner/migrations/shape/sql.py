"""Schema steps of forward SQL: DROP, ALTER, UPDATE, DELETE, TRUNCATE, CREATE, RENAME.

Statements are split by :func:`planner.risk.migrations.split_sql` (quotes, ``$$`` bodies and
comments honoured); ALTER TABLE bodies are read clause by clause.
"""

from __future__ import annotations

import re

from planner.migrations.shape.step import Kind, SchemaStep
from planner.risk.migrations import split_sql

__all__ = ["sql_steps"]

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
                    (new,),
                )
            )
        elif m := _RENAME_TABLE.match(clause):
            new_table = _unquote(m.group(1))
            steps.append(
                SchemaStep(
                    "contract",
                    f"rename table {table} to {new_table}",
                    table,
                    (),
                    "none",
                    (_short(table),),
                    (_short(new_table),),
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
            t, new = _unquote(m.group(1)), _unquote(m.group(2))
            return [
                SchemaStep(
                    "contract",
                    f"rename table {t} to {new}",
                    t,
                    (),
                    "none",
                    (_short(t),),
                    (_short(new),),
                )
            ]
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
