"""The generated database commands, run against a real PostgreSQL started by the test.

Schemas are modelled on real projects: ``users``/``orders`` with a foreign key (the shape of
every web app), and openfga's goose migration ``005_add_conditions_to_tuples.sql`` (an
additive ``ADD COLUMN`` with a ``-- +goose Down`` that drops it). Each test pastes the plan's
own commands into bash with ``DATABASE_URL`` set, as an operator would.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.postgres import Postgres, running_postgres

from planner.migrations.backup import backup_step, losses, recovery
from planner.migrations.shape.classify import read_shape

FEATURE = "drop legacy email"


@pytest.fixture(scope="module")
def server() -> Iterator[Postgres]:
    with running_postgres() as pg:
        yield pg


@pytest.fixture
def pg(server: Postgres) -> Postgres:
    """The server with fresh ``users`` <- ``orders`` (foreign key) tables and an unrelated one."""
    server.sql(
        "DROP SCHEMA IF EXISTS rollback_backup CASCADE; DROP TABLE IF EXISTS orders, users, audit;"
        "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, legacy_email text);"
        "CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users (id),"
        " note text);"
        "CREATE TABLE audit (id serial PRIMARY KEY, msg text);"
        "INSERT INTO users VALUES (1, 'a@x', 'old-a'), (2, 'b@x', 'old-b');"
        "INSERT INTO orders VALUES (10, 1, 'first'), (11, 2, 'second');"
        "INSERT INTO audit (msg) VALUES ('before');"
    )
    return server


def _ok(pg: Postgres, command: str | None, stdin: str = "") -> str:
    assert command is not None
    done = pg.run(command, stdin)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


CONTRACT = """-- +goose Up
ALTER TABLE users DROP COLUMN legacy_email;
-- +goose Down
ALTER TABLE users ADD COLUMN legacy_email text;
"""


def test_contract_on_a_table_referenced_by_foreign_keys_is_recovered_without_losing_new_rows(
    pg: Postgres,
) -> None:
    loss, unknown = losses(read_shape("db/migrations/0002_drop.sql", CONTRACT, "goose").steps)
    assert unknown == ()
    for step in backup_step("postgresql", loss, FEATURE):
        _ok(pg, step.command)
    # the deploy: the contract step, then traffic writes rows that reference the table
    pg.sql("ALTER TABLE users DROP COLUMN legacy_email")
    pg.sql("INSERT INTO users VALUES (3, 'c@x'); INSERT INTO orders VALUES (12, 3, 'after');")
    pg.sql("INSERT INTO audit (msg) VALUES ('after')")
    # the goose Down section re-creates the column, empty (the routine undo)
    pg.sql("ALTER TABLE users ADD COLUMN legacy_email text")
    plan = recovery("postgresql", loss, FEATURE)
    for step in plan.steps:
        _ok(pg, step.command, "RECONCILE users\n")
    assert pg.sql("SELECT id, coalesce(legacy_email, '-') FROM users ORDER BY id").split() == [
        "1|old-a",
        "2|old-b",
        "3|-",  # written after the backup: kept, with no value to bring back
    ]
    assert pg.sql("SELECT count(*) FROM orders") == "3"
    assert pg.sql("SELECT msg FROM audit ORDER BY id").split() == ["before", "after"]


def test_reconcile_adds_the_dropped_column_back_when_no_undo_did(pg: Postgres) -> None:
    loss, _ = losses(
        read_shape("V2__drop.sql", "ALTER TABLE users DROP COLUMN legacy_email;", "flyway").steps
    )
    for step in backup_step("postgresql", loss, FEATURE):
        _ok(pg, step.command)
    pg.sql("ALTER TABLE users DROP COLUMN legacy_email")
    for step in recovery("postgresql", loss, FEATURE).steps:
        _ok(pg, step.command, "RECONCILE users\n")
    assert pg.sql("SELECT legacy_email FROM users ORDER BY id").split() == ["old-a", "old-b"]


def test_recovery_does_nothing_without_the_typed_confirmation(pg: Postgres) -> None:
    loss, _ = losses(read_shape("x.sql", "UPDATE users SET email = lower(email);", "sql").steps)
    for step in backup_step("postgresql", loss, FEATURE):
        _ok(pg, step.command)
    pg.sql("UPDATE users SET email = 'rewritten'")
    reconcile = [s for s in recovery("postgresql", loss, FEATURE).steps if "Reconcile" in s.action]
    assert len(reconcile) == 1
    done = pg.run(reconcile[0].command or "", "yes\n")
    assert done.returncode != 0
    assert pg.sql("SELECT DISTINCT email FROM users") == "rewritten"


def test_scoped_backup_and_recovery_keep_the_other_tables_rows(pg: Postgres) -> None:
    # a data rewrite of one column of one table: only that table is copied and reconciled
    loss, _ = losses(read_shape("x.sql", "UPDATE orders SET note = upper(note);", "sql").steps)
    steps = backup_step("postgresql", loss, FEATURE)
    assert "users" not in " ".join(s.command or "" for s in steps)
    for step in steps:
        _ok(pg, step.command)
    assert (
        pg.sql(
            "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables"
            " WHERE table_schema = 'rollback_backup'"
        )
        == "orders__drop_legacy_email"
    )
    pg.sql("UPDATE orders SET note = upper(note)")
    pg.sql("INSERT INTO users VALUES (3, 'c@x'); INSERT INTO orders VALUES (12, 3, 'new')")
    pg.sql("UPDATE users SET email = 'changed@x' WHERE id = 1")
    for step in recovery("postgresql", loss, FEATURE).steps:
        _ok(pg, step.command, "RECONCILE orders\n")
    assert pg.sql("SELECT note FROM orders ORDER BY id").split() == ["first", "second", "new"]
    assert pg.sql("SELECT email FROM users ORDER BY id").split() == ["changed@x", "b@x", "c@x"]


def test_deleted_rows_come_back_and_rows_written_since_stay(pg: Postgres) -> None:
    loss, _ = losses(read_shape("x.sql", "DELETE FROM orders WHERE id = 11;", "sql").steps)
    for step in backup_step("postgresql", loss, FEATURE):
        _ok(pg, step.command)
    pg.sql("DELETE FROM orders WHERE id = 11; INSERT INTO orders VALUES (12, 1, 'new')")
    for step in recovery("postgresql", loss, FEATURE).steps:
        _ok(pg, step.command, "RECONCILE orders\n")
    assert pg.sql("SELECT id FROM orders ORDER BY id").split() == ["10", "11", "12"]


def test_a_lost_snapshot_is_loaded_back_from_the_off_database_copy(pg: Postgres) -> None:
    loss, _ = losses(read_shape("x.sql", CONTRACT, "goose").steps)
    for step in backup_step("postgresql", loss, FEATURE):
        _ok(pg, step.command)
    pg.sql("DROP SCHEMA rollback_backup CASCADE; ALTER TABLE users DROP COLUMN legacy_email")
    for step in recovery("postgresql", loss, FEATURE).steps:
        _ok(pg, step.command, "RECONCILE users\n")
    assert pg.sql("SELECT legacy_email FROM users ORDER BY id").split() == ["old-a", "old-b"]


def test_dropped_tables_linked_by_a_foreign_key_come_back_parents_first(pg: Postgres) -> None:
    # the migration drops the child before the table it references, as it must
    drop = "-- +goose Up\nDROP TABLE orders;\nDROP TABLE users;\n-- +goose Down\n"
    loss, _ = losses(read_shape("db/migrations/0003_drop.sql", drop, "goose").steps)
    assert [x.table for x in loss] == ["orders", "users"]
    for step in backup_step("postgresql", loss, FEATURE):
        _ok(pg, step.command)
    pg.sql("DROP TABLE orders; DROP TABLE users")
    # the undo re-creates both tables, empty, with their foreign key
    pg.sql(
        "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, legacy_email text);"
        "CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users (id),"
        " note text);"
    )
    for step in recovery("postgresql", loss, FEATURE).steps:
        answer = "RECONCILE users\n" if "users" in step.action else "RECONCILE orders\n"
        _ok(pg, step.command, answer)
    assert pg.sql("SELECT count(*) FROM users") == "2"
    assert pg.sql("SELECT string_agg(note, ',' ORDER BY id) FROM orders") == "first,second"
