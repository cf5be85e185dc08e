"""The shape of each migration step: expand, contract or data rewrite, read from SQL, Python and
builder calls.

Modules:

- ``builders``: Schema steps of Rails migrations and of the knex, sequelize, TypeORM, Laravel, Ecto
  and Liquibase ones: helper and builder calls that name their table, and SQL embedded in strings.
- ``classify``: Expand, contract or data rewrite: what each migration step does to the old code and
  data.
- ``efcore``: Entity Framework Core migrations: the ``MigrationBuilder`` calls of ``Up()``.
- ``python``: Schema steps of Python migrations: Django operations and alembic ``op.*`` calls
  (``ast``).
- ``sql``: Schema steps of forward SQL: DROP, ALTER, UPDATE, DELETE, TRUNCATE, CREATE, RENAME.
- ``step``: The records of a migration's shape: its schema steps and what each loses.
"""

from planner.migrations.shape.builders import other_steps, rails_steps
from planner.migrations.shape.classify import Kind, Loss, SchemaStep, Shape, read_shape, sql_steps
from planner.migrations.shape.efcore import efcore_steps
from planner.migrations.shape.python import python_shape

__all__ = [
    "Kind",
    "Loss",
    "SchemaStep",
    "Shape",
    "efcore_steps",
    "other_steps",
    "python_shape",
    "rails_steps",
    "read_shape",
    "sql_steps",
]
