"""The database part of whole plans built from real git ranges, and its commands run for real.

Repositories are modelled on real layouts: openfga/openfga keeps goose files under
``assets/migrations/{postgres,mysql,sqlite}/`` (embedded, run by ``openfga migrate``);
langfuse/langfuse has Prisma (PostgreSQL) and golang-migrate ClickHouse folders side by side;
a plain-SQL service keeps ``migrations/NNN_x.sql`` applied with psql.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.gitrepo import commit, git, make_repo
from support.postgres import Postgres, running_postgres

from planner.change import read_git_change
from planner.io import read_plan
from planner.model import DatabaseRecovery, DatabaseRollback, DeferredMigrations, Plan, Step
from planner.plan import build_plan
from planner.profile import ServiceProfile
from planner.render import render_json
from planner.risk import classify


def plan_of(repo: Path, database: str = "postgresql") -> Plan:
    changes = read_git_change(str(repo), "main", "feature")
    profile = ServiceProfile(service="svc", database=database)  # type: ignore[arg-type]
    return build_plan(changes, classify(changes), profile)


def level3(plan: Plan) -> list[str]:
    return [s.command for s in plan.rollback.levels[2].steps if s.command]


GOOSE_INIT = "-- +goose Up\nCREATE TABLE tuple (id int);\n"
GOOSE_REWRITE = """-- +goose Up
UPDATE tuple SET condition_name = NULL WHERE condition_name = '';
-- +goose Down
"""
GOOSE_ADD = """-- +goose Up
ALTER TABLE tuple ADD COLUMN revoked_at TIMESTAMPTZ;
-- +goose Down
ALTER TABLE tuple DROP COLUMN revoked_at;
"""


def test_goose_files_under_assets_are_found_rated_and_the_rewrite_held_back(
    tmp_path: Path,
) -> None:
    repo = make_repo(
        tmp_path,
        {
            "go.mod": "module example.com/fga\n",
            "assets/migrations/postgres/001_init.sql": GOOSE_INIT,
            "pkg/storage/tuples.go": "package storage\n// reads condition_name\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {
            "assets/migrations/postgres/002_add_revoked.sql": GOOSE_ADD,
            "assets/migrations/postgres/003_clear_conditions.sql": GOOSE_REWRITE,
        },
        "revocations",
    )
    plan = plan_of(repo)
    levels = {f.path: f.level for f in plan.risk.files}
    assert levels["assets/migrations/postgres/003_clear_conditions.sql"] == "HIGH"
    db = plan.rollback.database
    assert db is not None and db.tool == "goose"
    # Stage 1 applies the expand migration only, and stops there
    stage1 = plan.stages[0].commands
    assert 'goose -dir assets/migrations/postgres postgres "$DATABASE_URL" up-to 2' in stage1
    [held] = db.deferred
    assert held.files == ("assets/migrations/postgres/003_clear_conditions.sql",)
    assert held.when == "after_full"
    assert (held.commands[-1].command or "").endswith('"$DATABASE_URL" up')
    assert any("After the bake" in d for d in plan.stages[4].deploy)
    # the backup covers exactly the rewritten table; Level 3 never restores it
    assert db.tables == ("tuple",)
    assert not any("pg_restore" in c or "rollback_backup" in c for c in level3(plan))
    assert db.recovery is not None and db.recovery.steps


CH = "packages/shared/clickhouse/migrations/clustered"
PRISMA = "packages/shared/prisma/migrations"


def test_clickhouse_migrations_beside_prisma_get_their_own_tool_and_no_pg_dump(
    tmp_path: Path,
) -> None:
    repo = make_repo(
        tmp_path,
        {
            "packages/shared/package.json": '{"devDependencies": {"prisma": "^6.19.3"}}\n',
            "packages/shared/prisma/schema.prisma": 'datasource db { provider = "postgresql" }\n',
            f"{CH}/0001_init.up.sql": "CREATE TABLE a (x Int8) ENGINE = MergeTree ORDER BY x;\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {
            f"{CH}/0002_drop_env.up.sql": "DROP TABLE IF EXISTS project_environments;\n",
            f"{CH}/0002_drop_env.down.sql": "CREATE TABLE project_environments (x Int8);\n",
            f"{PRISMA}/20240101000000_add/migration.sql": 'ALTER TABLE "u" ADD COLUMN "n" TEXT;\n',
        },
        "drop environments, add nick",
    )
    db = plan_of(repo).rollback.database
    assert db is not None
    tools = {f.path.split("/")[2]: (f.tool, f.engine) for f in db.files}
    assert tools == {
        "clickhouse": ("golang-migrate", "clickhouse"),
        "prisma": ("prisma", "postgresql"),
    }
    [held] = db.deferred
    assert held.files == (f"{CH}/0002_drop_env.up.sql",)
    backup = " ".join(c.command or "" for c in held.commands)
    assert "clickhouse-client" in backup and "pg_dump" not in backup
    assert '"$CLICKHOUSE_URL"' in backup


def test_unparsable_migration_is_listed_and_the_plan_completes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"migrations/001_init.sql": "CREATE TABLE t (id int);\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"migrations/002_x.sql": "INSERT INTO t VALUES ('oops);\n"}, "broken")
    plan = plan_of(repo)
    assert {f.path: f.level for f in plan.risk.files}["migrations/002_x.sql"] == "HIGH"
    db = plan.rollback.database
    assert db is not None
    assert db.not_understood == (
        "migrations/002_x.sql: not understood, review by hand "
        f"(a ' quote opened near character {len('INSERT INTO t VALUES (')} is never closed)",
    )


@pytest.fixture(scope="module")
def server() -> Iterator[Postgres]:
    with running_postgres() as pg:
        yield pg


EXPAND = "ALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX users_nick ON users (nick);\n"
CONTRACT = "ALTER TABLE users DROP COLUMN legacy_email;\n"


def _run(pg: Postgres, repo: Path, command: str) -> None:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=repo,
        env=pg.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, f"{command}\n{done.stderr}"


def test_a_database_rollback_round_trips_through_the_plan_file_as_typed_records(
    tmp_path: Path,
) -> None:
    # a contract migration held back, its backup and a recovery: every nested record is present
    repo = make_repo(
        tmp_path / "repo", {"migrations/001_init.sql": "CREATE TABLE users (id int);\n"}
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {"migrations/002_add_nick.sql": EXPAND, "migrations/003_drop_legacy.sql": CONTRACT},
        "nick, drop legacy email",
    )
    plan = plan_of(repo)
    db = plan.rollback.database
    assert isinstance(db, DatabaseRollback)
    assert db.deferred and db.recovery is not None and db.backup_steps and db.files
    path = tmp_path / "plan.json"
    path.write_text(render_json(plan), encoding="utf-8")
    back = read_plan(path)  # validated against planner/schemas/plan.schema.json on the way
    assert back == plan
    again = back.rollback.database
    assert again is not None
    assert isinstance(again.recovery, DatabaseRecovery)
    assert all(isinstance(d, DeferredMigrations) for d in again.deferred)
    assert all(isinstance(s, Step) for s in again.recovery.steps)
    assert render_json(back) == path.read_text(encoding="utf-8")
    # the keys, in the order plans carried them while this was a hand-built mapping
    written = json.loads(path.read_text(encoding="utf-8"))["rollback"]["database"]
    assert list(written) == [
        "tool",
        "migrations",
        "destructive",
        "tables",
        "target",
        "upgrade",
        "backup",
        "restore",
        "steps",
        "warnings",
        "files",
        "backup_steps",
        "deferred",
        "recovery",
        "not_understood",
    ]
    assert list(written["files"][0]) == ["path", "tool", "engine", "kind", "steps", "problem"]
    assert list(written["deferred"][0]) == ["files", "when", "reason", "commands", "undo"]
    assert list(written["recovery"]) == ["when", "loses", "steps"]


def test_routine_level3_undoes_the_expand_migration_and_loses_no_row_written_since(
    tmp_path: Path, server: Postgres
) -> None:
    server.sql(
        "DROP SCHEMA IF EXISTS rollback_backup CASCADE; DROP TABLE IF EXISTS orders, users;"
        "CREATE TABLE users (id int PRIMARY KEY, email text, legacy_email text);"
        "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id));"
        "INSERT INTO users VALUES (1, 'a', 'la'); INSERT INTO orders VALUES (10, 1);"
    )
    repo = make_repo(tmp_path, {"migrations/001_init.sql": "CREATE TABLE users (id int);\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {"migrations/002_add_nick.sql": EXPAND, "migrations/003_drop_legacy.sql": CONTRACT},
        "nick, drop legacy email",
    )
    plan = plan_of(repo)
    db = plan.rollback.database
    assert db is not None
    # Stage 1: the expand file only (psql, one file)
    stage1 = [c for c in plan.stages[0].commands if "psql" in c]
    assert len(stage1) == 1 and "002_add_nick.sql" in stage1[0] and "003" not in stage1[0]
    for command in stage1:
        _run(server, repo, command)
    server.sql(
        "INSERT INTO users VALUES (2, 'b', 'lb', 'nick-b'); INSERT INTO orders VALUES (11, 2)"
    )
    # after Full: the backup of users, then the contract migration
    [held] = db.deferred
    for step in held.commands:
        assert step.command is not None
        _run(server, repo, step.command)
    server.sql("INSERT INTO users (id, email, nick) VALUES (3, 'c', 'nick-c')")
    # the routine Level 3 database steps: the undo of what ran, never a restore
    for command in level3(plan):
        if "psql" in command:
            assert "002" not in command or "DROP COLUMN IF EXISTS nick" in command
            _run(server, repo, command)
    assert not any("pg_restore" in c for c in level3(plan))
    assert server.sql("SELECT id FROM users ORDER BY id").split() == ["1", "2", "3"]
    assert server.sql("SELECT count(*) FROM orders") == "2"
    assert (
        server.sql(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' "
            "AND column_name = 'nick'"
        )
        == "0"
    )
    # the disaster-recovery procedure brings the dropped values back, rows since kept
    server.sql("ALTER TABLE users ADD COLUMN legacy_email text")  # the contract's own undo
    assert db.recovery is not None
    for step in db.recovery.steps:
        assert step.command is not None
        done = subprocess.run(
            ["bash", "-c", step.command],
            cwd=repo,
            env=server.env,
            input="RECONCILE users\n",
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert server.sql("SELECT id, coalesce(legacy_email, '-') FROM users ORDER BY id").split() == [
        "1|la",
        "2|lb",
        "3|-",
    ]


def test_sqlite_snapshot_command_runs_with_sqlite3(tmp_path: Path) -> None:
    from planner.migrations.backup import backup_step, losses
    from planner.migrations.shape.classify import read_shape

    path = tmp_path / "app.db"
    with sqlite3.connect(path) as con:
        con.executescript(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, legacy TEXT);"
            "INSERT INTO users VALUES (1, 'x');"
        )
    loss, _ = losses(read_shape("m.sql", "ALTER TABLE users DROP COLUMN legacy;", "sql").steps)
    [step] = backup_step("sqlite", loss, "f")
    assert step.command is not None
    done = subprocess.run(
        ["bash", "-c", step.command],
        env={"DB_PATH": str(path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 127:
        pytest.skip("sqlite3 command-line tool not installed")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as con:
        assert con.execute('SELECT legacy FROM "rollback_backup__users__f"').fetchall() == [("x",)]


def test_goose_version_table_renamed_in_code_reaches_every_goose_command(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "go.mod": "module example.com/svc\n",
            "internal/db/migrate.go": (
                'package db\n\nfunc Migrate() {\n\tgoose.SetTableName("schema_migrations")\n'
                '\tgoose.Up(db, "migrations")\n}\n'
            ),
            "internal/db/migrations/001_init.sql": GOOSE_INIT,
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"internal/db/migrations/002_add.sql": GOOSE_ADD}, "add revoked_at")
    db = plan_of(repo).rollback.database
    assert db is not None
    goose = [db.upgrade, *(s.command for s in db.steps if s.command)]
    assert goose and all(c.startswith("goose -table schema_migrations -dir ") for c in goose)
    assert any("'schema_migrations' set in internal/db/migrate.go" in w for w in db.warnings)


@pytest.mark.parametrize(
    ("version", "diff", "execute"),
    [
        ("^6.19.3", "--from-schema-datasource", "--schema"),
        ("^7.0.1", "--from-config-datasource", None),
    ],
)
def test_prisma_commands_follow_the_major_version_in_package_json(
    tmp_path: Path, version: str, diff: str, execute: str | None
) -> None:
    repo = make_repo(
        tmp_path,
        {
            "package.json": f'{{"devDependencies": {{"prisma": "{version}"}}}}\n',
            "prisma/schema.prisma": 'datasource db { provider = "postgresql" }\n',
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {"prisma/migrations/20240101000000_a/migration.sql": 'ALTER TABLE "u" ADD "n" TEXT;'},
        "add n",
    )
    db = plan_of(repo).rollback.database
    assert db is not None
    commands = " ".join(s.command or "" for s in db.steps)
    assert diff in commands
    executes = [c for s in db.steps if "db execute" in (c := s.command or "")]
    assert executes and all((execute in c) if execute else ("--schema" not in c) for c in executes)


def test_spring_boot_flyway_at_startup_asks_for_a_later_release(tmp_path: Path) -> None:
    # gothinkster/spring-boot-realworld-example-app: flyway-core in build.gradle, migrations
    # under src/main/resources/db/migration, run by the application when it starts
    folder = "src/main/resources/db/migration"
    repo = make_repo(
        tmp_path,
        {
            "build.gradle": "dependencies {\n    implementation 'org.flywaydb:flyway-core'\n}\n",
            f"{folder}/V1__create_tables.sql": "CREATE TABLE users (id int, bio text);\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {
            f"{folder}/V2__add_image.sql": "ALTER TABLE users ADD COLUMN image text;\n",
            f"{folder}/V3__drop_bio.sql": "ALTER TABLE users DROP COLUMN bio;\n",
        },
        "image, drop bio",
    )
    db = plan_of(repo).rollback.database
    assert db is not None
    [held] = db.deferred
    assert (held.files, held.when) == ((f"{folder}/V3__drop_bio.sql",), "later_release")
    assert "start-up" in held.reason
    undo = [s.command for s in db.steps if s.command]
    assert undo == [f"flyway -locations=filesystem:{folder} undo -target=1"]


def test_edited_applied_flyway_migration_gets_the_repair_guidance(tmp_path: Path) -> None:
    folder = "src/main/resources/db/migration"
    repo = make_repo(tmp_path, {f"{folder}/V1__init.sql": "CREATE TABLE a (id int);\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {f"{folder}/V1__init.sql": "CREATE TABLE a (id bigint);\n"}, "edit V1")
    plan = plan_of(repo)
    assert {f.path: f.level for f in plan.risk.files}[f"{folder}/V1__init.sql"] == "HIGH"
    db = plan.rollback.database
    assert db is not None
    assert any("checksum" in w and "flyway repair" in w for w in db.warnings)


def test_contract_step_quotes_the_base_code_that_still_uses_the_column(tmp_path: Path) -> None:
    from planner.usecase import PlanRequest, plan_change

    repo = make_repo(
        tmp_path,
        {
            "go.mod": "module example.com/svc\n",
            "db/migrations/001_init.sql": GOOSE_INIT,
            "internal/users/store.go": 'package users\n\nconst q = "SELECT legacy_email"\n',
            "internal/users/other.go": "package users\n\n// no column here\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"db/migrations/002_drop.sql": CONTRACT_GOOSE}, "drop legacy_email")
    plan = plan_change(PlanRequest(repo=str(repo), base="main", head="feature"))
    db = plan.rollback.database
    assert db is not None
    [held] = db.deferred
    assert "`legacy_email` in internal/users/store.go" in held.reason
    assert "other.go" not in held.reason
    assert "searched" not in held.reason  # found, so no "nothing found" sentence


CONTRACT_GOOSE = (
    "-- +goose Up\nALTER TABLE users DROP COLUMN legacy_email;\n"
    "-- +goose Down\nALTER TABLE users ADD COLUMN legacy_email text;\n"
)


def test_one_engine_per_deployment_when_the_same_change_ships_for_several(tmp_path: Path) -> None:
    # openfga ships each goose change in assets/migrations/{postgres,mysql}/
    repo = make_repo(tmp_path, {"go.mod": "module example.com/fga\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {
            "assets/migrations/postgres/002_add.sql": GOOSE_ADD,
            "assets/migrations/mysql/002_add.sql": GOOSE_ADD.replace("TIMESTAMPTZ", "DATETIME"),
        },
        "add revoked_at",
    )
    db = plan_of(repo, database="mysql").rollback.database
    assert db is not None
    assert db.upgrade == 'goose -dir assets/migrations/mysql mysql "$DATABASE_URL" up'
    assert any(
        w.startswith("assets/migrations/postgres (goose, postgresql): not this")
        for w in db.warnings
    )


def test_markdown_shows_the_recovery_apart_from_the_level3_block(tmp_path: Path) -> None:
    from planner.render import render_plan

    repo = make_repo(tmp_path, {"go.mod": "module x\n", "db/migrations/001_init.sql": GOOSE_INIT})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"db/migrations/002_drop.sql": CONTRACT_GOOSE}, "drop legacy_email")
    md = render_plan(plan_of(repo), "markdown")
    level3 = md[md.index("Level 3") : md.index("**Database Rollback")]
    assert "RECONCILE" not in level3 and "pg_restore" not in level3
    recovery = md[md.index("**Database recovery (disaster recovery, NOT part of Level 3):**") :]
    assert "What it loses: changes made to users.legacy_email after the backup" in recovery
    assert "read -r -p 'Type RECONCILE users" in recovery


def test_migrations_run_by_the_container_at_start_ask_for_a_later_release(tmp_path: Path) -> None:
    # a common Node layout: the image's CMD applies Prisma migrations, then starts the server
    repo = make_repo(
        tmp_path,
        {
            "package.json": '{"dependencies": {"@prisma/client": "^6.1.0"}}\n',
            "Dockerfile": 'FROM node:22\nRUN npm ci\nCMD ["sh", "-c", '
            '"npx prisma migrate deploy && node dist/server.js"]\n',
            "prisma/schema.prisma": 'datasource db { provider = "postgresql" }\n',
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {"prisma/migrations/20240101000000_drop/migration.sql": 'ALTER TABLE "u" DROP COLUMN "x";'},
        "drop x",
    )
    db = plan_of(repo).rollback.database
    assert db is not None
    [held] = db.deferred
    assert held.when == "later_release"
    assert any("Dockerfile runs prisma when the application starts" in w for w in db.warnings)
