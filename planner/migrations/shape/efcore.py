"""Entity Framework Core migrations: the ``MigrationBuilder`` calls of ``Up()``, read as steps.

EF Core writes each migration as a C# class (``public partial class X : Migration``) with
``Up(MigrationBuilder migrationBuilder)`` and ``Down(...)``; the calls take named arguments
(``name:``, ``table:``, ``newName:``, ``nullable:``, ``defaultValue:``), as dotnet/eShop's
``20240106121712_UseEnumForOrderStatus.cs`` shows. SQL passed to ``migrationBuilder.Sql(...)``
(a ``"..."``, ``@"..."`` or ``\"\"\"...\"\"\"`` literal) is read by the SQL reader.
"""

from __future__ import annotations

import re

from planner.migrations.shape.sql import sql_steps
from planner.migrations.shape.step import SchemaStep

__all__ = ["efcore_steps"]

_CALL = re.compile(r"\bmigrationBuilder\s*\.\s*(\w+)\s*(?:<[^>(]*>)?\s*\(", re.S)
_ARG = re.compile(r"\b(\w+)\s*:\s*(\"(?:[^\"\\]|\\.)*\"|[\w.]+)")
_STRING = re.compile(r'"""(.*?)"""|@"((?:[^"]|"")*)"|"((?:[^"\\]|\\.)*)"', re.S)


def _call_body(text: str, start: int) -> str:
    """The argument text of the call whose ``(`` is at ``start - 1`` (balanced parentheses)."""
    depth, i = 1, start
    while i < len(text) and depth:
        if text.startswith('"""', i):
            end = text.find('"""', i + 3)
            i = len(text) if end < 0 else end + 3
            continue
        if text[i] == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
        i += 1
    return text[start : i - 1]


def _args(body: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ARG.finditer(body):
        out.setdefault(m.group(1), m.group(2).strip('"'))
    return out


def efcore_steps(text: str) -> list[SchemaStep]:
    """The steps of an EF Core migration's forward part (``Up``), in order."""
    steps: list[SchemaStep] = []
    for m in _CALL.finditer(text):
        op, body = m.group(1), _call_body(text, m.end())
        a = _args(body)
        name, table = a.get("name"), a.get("table")
        if op == "Sql":
            s = _STRING.search(body)
            if s is not None:
                sql = s.group(1) or (s.group(2) or "").replace('""', '"') or s.group(3) or ""
                steps += sql_steps(sql)[0]
        elif op == "DropTable" and name:
            steps.append(SchemaStep("contract", f"drop table {name}", name, (), "rows", (name,)))
        elif op == "DropColumn" and name and table:
            steps.append(
                SchemaStep(
                    "contract", f"drop column {table}.{name}", table, (name,), "columns", (name,)
                )
            )
        elif op == "RenameColumn" and name and table:
            new = a.get("newName")
            steps.append(
                SchemaStep(
                    "contract",
                    f"rename column {table}.{name}" + (f" to {new}" if new else ""),
                    table,
                    (name,),
                    "none",
                    (name,),
                    (new,) if new else (),
                )
            )
        elif op == "RenameTable" and name:
            new = a.get("newName")
            steps.append(
                SchemaStep(
                    "contract",
                    f"rename table {name}" + (f" to {new}" if new else ""),
                    name,
                    (),
                    "none",
                    (name,),
                    (new,) if new else (),
                )
            )
        elif op == "AlterColumn" and name and table:
            tighter = a.get("nullable") == "false" and a.get("oldNullable") == "true"
            what = "set {t}.{c} NOT NULL" if tighter else "change the type of {t}.{c}"
            steps.append(
                SchemaStep(
                    "contract",
                    what.format(t=table, c=name),
                    table,
                    (name,),
                    "none" if tighter else "columns",
                )
            )
        elif op == "AddColumn" and name and table:
            strict = a.get("nullable") == "false" and "defaultValue" not in a
            steps.append(
                SchemaStep(
                    "contract" if strict else "expand",
                    f"add column {table}.{name}"
                    + (" NOT NULL without a default" if strict else ""),
                    table,
                    (name,),
                )
            )
        elif op in ("CreateTable", "CreateIndex", "AddForeignKey", "DropIndex", "DropForeignKey"):
            target = name or table
            steps.append(SchemaStep("expand", f"{op} {target}", table or name))
    return steps
