"""Expand / contract / rewrite classification and recognition of migrations by their content."""

from __future__ import annotations

import pytest

from planner.migrations.discover import engine_of, recognise_migration
from planner.migrations.shape.classify import read_shape

# openfga/openfga assets/migrations/postgres/005_add_conditions_to_tuples.sql (goose)
OPENFGA_005 = """-- +goose Up
ALTER TABLE tuple ADD COLUMN condition_name TEXT, ADD COLUMN condition_context BYTEA;
ALTER TABLE changelog ADD COLUMN condition_name TEXT, ADD COLUMN condition_context BYTEA;

-- +goose Down
ALTER TABLE tuple DROP COLUMN condition_name, DROP COLUMN condition_context;
ALTER TABLE changelog DROP COLUMN condition_name, DROP COLUMN condition_context;
"""

# healthchecks/healthchecks hc/api/migrations/0109_remove_ping_body.py (Django)
HEALTHCHECKS_0109 = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0108_move_body_to_body_raw"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="ping",
            name="body",
        ),
    ]
"""


@pytest.mark.parametrize(
    ("path", "text", "kind", "loses"),
    [
        # goose additive: its Down drops what Up adds; only the Up counts
        ("assets/migrations/postgres/005_x.sql", OPENFGA_005, "expand", False),
        # Django RemoveField: the old code still selects the column
        ("hc/api/migrations/0109_remove_ping_body.py", HEALTHCHECKS_0109, "contract", True),
        # a NOT NULL column without a default breaks the old code's inserts, loses nothing
        ("m.sql", "ALTER TABLE t ADD COLUMN c int NOT NULL;", "contract", False),
        ("m.sql", "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;", "expand", False),
        # a rename breaks the old code; the undo renames it back with every value
        ("m.sql", "ALTER TABLE t RENAME COLUMN a TO b;", "contract", False),
        ("m.sql", "ALTER TABLE t ALTER COLUMN a SET NOT NULL;", "contract", False),
        ("m.sql", "ALTER TABLE t ALTER COLUMN a TYPE int USING a::int;", "contract", True),
        ("m.sql", "UPDATE tokens SET revoked = true WHERE expires < now();", "rewrite", True),
        ("m.sql", "DROP INDEX CONCURRENTLY IF EXISTS idx_a;", "expand", False),
        ("m.sql", "CREATE TABLE a (id int); INSERT INTO a VALUES (1);", "expand", False),
        # alembic: downgrade() is the undo, not part of the deploy
        (
            "alembic/versions/1a_x.py",
            "def upgrade():\n    op.drop_column('users', 'nick')\n\n"
            "def downgrade():\n    op.add_column('users', sa.Column('nick', sa.String()))\n",
            "contract",
            True,
        ),
        # Rails
        (
            "db/migrate/20240101_x.rb",
            "class X < ActiveRecord::Migration[7.1]\n  def change\n"
            "    remove_column :users, :legacy, :string\n  end\nend\n",
            "contract",
            True,
        ),
    ],
)
def test_each_step_is_classified(path: str, text: str, kind: str, loses: bool) -> None:
    shape = read_shape(path, text, "x")
    assert shape.problem == ""
    assert (shape.kind, shape.loses_data) == (kind, loses)


def test_a_contract_step_names_what_the_old_code_may_still_read() -> None:
    steps = read_shape("hc/api/migrations/0109_remove_ping_body.py", HEALTHCHECKS_0109, "django")
    assert [(s.table, s.columns, s.removes) for s in steps.steps] == [
        ("api_ping", ("body",), ("body",))
    ]


@pytest.mark.parametrize(
    ("path", "text", "problem"),
    [
        ("m.sql", "-- +goose Up\nINSERT INTO t VALUES ('oops);\n", "never closed"),
        ("m.sql", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;", "never closed"),
        ("app/migrations/0002_x.py", "class Migration(:\n", "syntax error"),
        ("m.sql", None, "content not available"),
    ],
)
def test_an_unreadable_migration_says_why(path: str, text: str | None, problem: str) -> None:
    assert problem in read_shape(path, text, "x").problem


@pytest.mark.parametrize(
    ("path", "text", "tool"),
    [
        # openfga keeps goose files under assets/migrations/<engine>/, embedded in the binary
        ("assets/migrations/postgres/007_x.sql", OPENFGA_005, "goose"),
        ("db/x/20240101_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n", "dbmate"),
        # langfuse: golang-migrate ClickHouse folders
        (
            "packages/shared/clickhouse/migrations/clustered/0045_drop.up.sql",
            "DROP TABLE a;",
            "golang-migrate",
        ),
        # ory/kratos popx: the dialect is part of the file name
        ("persistence/sql/migrations/sql/20260703_x.postgres.up.sql", "", "popx"),
        ("src/main/resources/db/migration/V3__drop.sql", "DROP TABLE a;", "flyway"),
        ("packages/shared/prisma/migrations/20240101000000_x/migration.sql", "", "prisma"),
        ("hc/api/migrations/0109_remove_ping_body.py", HEALTHCHECKS_0109, "django"),
        ("somewhere/versions/1a_x.py", "revision = '1a'\ndown_revision = None\n", "alembic"),
        ("priv/repo/migrations/1_x.exs", "defmodule M do\n  use Ecto.Migration\nend\n", "ecto"),
        ("src/lib/a.py", "print('no migration')\n", None),
        ("docs/schema.sql.md", "", None),
    ],
)
def test_migrations_are_recognised_by_content(path: str, text: str, tool: str | None) -> None:
    assert recognise_migration(path, text) == tool


@pytest.mark.parametrize(
    ("path", "engine"),
    [
        ("assets/migrations/postgres/001_x.sql", "postgresql"),
        ("assets/migrations/mysql/001_x.sql", "mysql"),
        ("assets/migrations/sqlite/005_x.sql", "sqlite"),
        ("packages/shared/clickhouse/migrations/clustered/0001_x.up.sql", "clickhouse"),
        ("persistence/sql/migrations/sql/1_x.mysql.up.sql", "mysql"),
        ("db/migrations/001_x.sql", None),
    ],
)
def test_the_engine_is_read_from_the_folder_or_file_name(path: str, engine: str | None) -> None:
    assert engine_of(path) == engine


def test_clickhouse_on_cluster_is_not_part_of_the_table_name() -> None:
    # langfuse/langfuse packages/shared/clickhouse/migrations/clustered/0045_*.up.sql
    sql = "DROP TABLE IF EXISTS project_environments ON CLUSTER default SYNC;"
    [step] = read_shape("0045_drop.up.sql", sql, "golang-migrate").steps
    assert (step.table, step.loses) == ("project_environments", "rows")


def test_ory_popx_autocommit_files_are_popx_not_golang_migrate() -> None:
    # ory/kratos persistence/sql/migrations/sql/<ts>_<name>[.<dialect>].autocommit.up.sql
    assert recognise_migration("sql/20260703000000000000_idx.autocommit.up.sql", "") == "popx"
    assert (
        recognise_migration("sql/20260703000000000000_idx.postgres.autocommit.up.sql", "") == "popx"
    )
    assert recognise_migration("db/migrations/000002_nick.up.sql", "") == "golang-migrate"


@pytest.mark.parametrize(
    ("path", "text", "undo"),
    [
        (
            "database/migrations/2024_01_01_000000_drop_votes.php",
            "<?php\nreturn new class extends Migration {\n  public function up(): void {\n"
            "    Schema::table('users', function (Blueprint $table) {\n"
            "      $table->dropColumn('votes');\n    });\n  }\n};\n",
            "php artisan migrate:rollback --force --step=1",
        ),
        (
            "priv/repo/migrations/20240101_add.exs",
            "defmodule Repo.Migrations.Add do\n  use Ecto.Migration\n  def change do\n"
            "    alter table(:users) do\n      add :nick, :string\n    end\n  end\nend\n",
            "mix ecto.rollback --step 1",
        ),
        (
            "src/main/resources/db/changelog/002.xml",
            '<databaseChangeLog>\n<changeSet id="1" author="a"/>\n<changeSet id="2" author="a"/>\n'
            "</databaseChangeLog>\n",
            "liquibase rollback-count --count=2",
        ),
    ],
)
def test_laravel_ecto_and_liquibase_are_undone_by_their_own_tool(
    path: str, text: str, undo: str
) -> None:
    from planner.change.model import ChangedFile, ChangeSet
    from planner.migrations import plan_database
    from planner.model import FileRisk, Risk

    cs = ChangeSet("git", (ChangedFile(path, "added", content=text),), base="b" * 40)
    risk = Risk("MEDIUM", 1, (FileRisk(path, "added", "MEDIUM", ("x",), ("migration",)),))
    db = plan_database(cs, risk, "b" * 40, "f", "postgresql")
    assert db is not None
    commands = [s.command for s in db.steps if s.command] + [
        s.command for d in db.deferred for s in d.undo if s.command
    ]
    assert commands == [undo]
