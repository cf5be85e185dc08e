"""Expand, contract or data rewrite: what each migration step does to the old code and data.

- **expand**: additive, the old code keeps working (CREATE TABLE/INDEX, ADD COLUMN that is
  nullable or has a default, dropping an index or a constraint).
- **contract**: the old code may break (DROP or RENAME of a table or column, SET NOT NULL, an
  added NOT NULL column without a default, a type change).
- **rewrite**: rows change (UPDATE, DELETE, TRUNCATE, Django ``RunPython``).

``loses`` says what the migration's own undo cannot bring back: ``columns`` (values of
``columns`` of ``table``), ``rows`` (rows of ``table``), ``table`` (any value of ``table``),
``unknown`` (a one-way change whose tables were not read) or ``none``. ``removes`` names what
the old code may still reference.
Only the forward (up) part of a migration is read (:func:`planner.risk.migrations.up_sections`);
the readers live in ``shape_sql``, ``shape_python`` and ``shape_builders``.
"""

from __future__ import annotations

from planner.migrations.shape.builders import other_steps, rails_steps
from planner.migrations.shape.efcore import efcore_steps
from planner.migrations.shape.python import python_shape
from planner.migrations.shape.sql import sql_steps
from planner.migrations.shape.step import Kind, Loss, SchemaStep, Shape
from planner.risk.migrations import migration_problem, up_sections

__all__ = ["Kind", "Loss", "SchemaStep", "Shape", "read_shape", "sql_steps"]


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
        return python_shape(path, forward, tool)
    if name.endswith(".sql"):
        steps, problem = sql_steps(forward)
        return Shape(steps, problem)
    if name.endswith(".rb"):
        return Shape(tuple(rails_steps(forward)))
    if name.endswith(".cs") and "MigrationBuilder" in forward:
        return Shape(tuple(efcore_steps(forward)))
    return Shape(tuple(other_steps(forward)))
