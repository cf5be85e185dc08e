"""Diesel and EF Core migrations, renames both versions need, migrations run at start-up.

Modelled on LemmyNet/lemmy (Rust, Diesel, PostgreSQL): ``diesel.toml`` at the root,
``migrations/<version>_<name>/up.sql`` beside its ``down.sql``, the migrations embedded in
the binary and run when it connects (``run_pending_migrations`` in
``crates/diesel_utils/src/schema_setup/mod.rs``). Lemmy's commit f671f41b3 renamed
``resolve_reason`` to ``conclusion`` in one migration and in the code together: held back, the
new code fails from Canary on; run first, the old code fails.

The Diesel CLI is not installed here, so its commands are checked as text (the flags are
``diesel migration run|revert --migration-dir DIR --database-url URL``, diesel_cli 2.x).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from support.gitrepo import commit, git, make_repo

from planner.exceptions import PlanError
from planner.io import validate_schema
from planner.usecase import PlanRequest, plan_change

UP = "ALTER TABLE post_report RENAME COLUMN resolve_reason TO conclusion;\n"
DOWN = "ALTER TABLE post_report RENAME COLUMN conclusion TO resolve_reason;\n"
FOLDER = "migrations/2026-07-27-143313-0000_rename_resolve_reason_to_conclusion"
BASE = {
    "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n',
    "diesel.toml": '[print_schema]\nfile = "crates/db_schema/src/schema.rs"\n',
    "migrations/2025-01-01-000000-0000_init/up.sql": (
        "CREATE TABLE post_report (id serial PRIMARY KEY, resolve_reason text);\n"
    ),
    "migrations/2025-01-01-000000-0000_init/down.sql": "DROP TABLE post_report;\n",
    "crates/db_schema/src/schema.rs": (
        "diesel::table! { post_report (id) { id -> Int4, resolve_reason -> Nullable<Text>, } }\n"
    ),
    "crates/api/src/resolve.rs": "fn f(r: &Report) -> Option<&str> { r.resolve_reason() }\n",
}
STARTUP = (
    "pub fn run(conn: &mut PgConnection) {\n"
    '    conn.run_pending_migrations(MIGRATIONS).expect("migrations");\n}\n'
)


def _database(tmp_path: Path, base: dict[str, str], head: dict[str, str]) -> dict[str, Any]:
    repo = make_repo(tmp_path, base)
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, head, "rename resolve_reason to conclusion")
    plan = plan_change(PlanRequest(repo=str(repo), base="main", head="feature"))
    doc = plan.to_dict()
    assert doc["rollback"]["database"] is not None
    validate_schema(doc, "plan", "plan.json", PlanError)  # rollback.database as documented
    return {"plan": doc, "db": doc["rollback"]["database"]}


def _commands(db: dict[str, Any]) -> list[str]:
    steps = [*db["steps"], *(s for d in db["deferred"] for s in [*d["commands"], *d["undo"]])]
    return [str(c) for c in [db["upgrade"], *(s["command"] for s in steps)] if c]


def test_a_diesel_rename_is_high_risk_and_undone_by_diesel_never_by_psql(tmp_path: Path) -> None:
    found = _database(tmp_path, BASE, {f"{FOLDER}/up.sql": UP, f"{FOLDER}/down.sql": DOWN})
    plan, db = found["plan"], found["db"]
    levels = {f["path"]: f["level"] for f in plan["risk"]["files"]}
    assert levels[f"{FOLDER}/up.sql"] == "HIGH"  # a rename breaks the code that reads the old name
    assert db["tool"] == "diesel"
    assert set(db["migrations"]) == {f"{FOLDER}/up.sql", f"{FOLDER}/down.sql"}
    commands = _commands(db)
    assert any(
        c == 'diesel migration run --migration-dir migrations --database-url "$DATABASE_URL"'
        for c in commands
    )
    assert any(c.startswith("diesel migration revert --migration-dir migrations") for c in commands)
    # down.sql is the undo: never applied as a forward migration, never run by psql
    assert not any("psql" in c or "down.sql" in c for c in commands), commands
    [held] = db["deferred"]
    assert held["files"] == [f"{FOLDER}/up.sql"]


def test_a_rename_both_versions_need_is_a_blocker_at_the_top_of_the_checklist(
    tmp_path: Path,
) -> None:
    head = {
        f"{FOLDER}/up.sql": UP,
        f"{FOLDER}/down.sql": DOWN,
        "crates/db_schema/src/schema.rs": (
            "diesel::table! { post_report (id) { id -> Int4, conclusion -> Nullable<Text>, } }\n"
        ),
        "crates/api/src/resolve.rs": "fn f(r: &Report) -> Option<&str> { r.conclusion() }\n",
    }
    found = _database(tmp_path, BASE, head)
    plan, db = found["plan"], found["db"]
    first = plan["checklist"][0]
    assert first.startswith(f"Blocker: {FOLDER}/up.sql renames what both versions need")
    assert "the old code uses `resolve_reason`" in first
    assert "the new code uses `conclusion`" in first
    assert "crates/api/src/resolve.rs" in first
    assert any(w == first for w in db["warnings"])


def test_no_blocker_when_the_new_code_does_not_start_using_the_new_name(tmp_path: Path) -> None:
    # the migration alone: the new code still reads resolve_reason, so holding it back is right
    found = _database(tmp_path, BASE, {f"{FOLDER}/up.sql": UP, f"{FOLDER}/down.sql": DOWN})
    assert not any(item.startswith("Blocker") for item in found["plan"]["checklist"])
    assert not any(w.startswith("Blocker") for w in found["db"]["warnings"])


def test_embedded_diesel_migrations_run_at_start_so_the_rename_waits_for_a_later_release(
    tmp_path: Path,
) -> None:
    base = {**BASE, "crates/diesel_utils/src/schema_setup/mod.rs": STARTUP}
    found = _database(tmp_path, base, {f"{FOLDER}/up.sql": UP, f"{FOLDER}/down.sql": DOWN})
    db = found["db"]
    [held] = db["deferred"]
    assert held["when"] == "later_release"
    assert any(
        "crates/diesel_utils/src/schema_setup/mod.rs runs the embedded Diesel migrations" in w
        for w in db["warnings"]
    )


def test_an_additive_diesel_migration_runs_in_stage_one_and_its_undo_targets_the_previous(
    tmp_path: Path,
) -> None:
    add = "migrations/2026-08-01-000000-0000_add_note"
    found = _database(
        tmp_path,
        BASE,
        {
            f"{add}/up.sql": "ALTER TABLE post_report ADD COLUMN note text;\n",
            f"{add}/down.sql": "ALTER TABLE post_report DROP COLUMN note;\n",
        },
    )
    db = found["db"]
    assert db["deferred"] == []
    assert db["upgrade"] == (
        'diesel migration run --migration-dir migrations --database-url "$DATABASE_URL"'
    )
    [undo] = [s for s in db["steps"] if s["command"]]
    assert undo["command"].startswith("diesel migration revert --migration-dir migrations")
    assert "2026-08-01-000000-0000_add_note" in undo["action"]
    assert db["target"] == "2025-01-01-000000-0000"


def test_a_rails_rename_the_new_code_needs_is_a_blocker_too(tmp_path: Path) -> None:
    # the layout of a Rails app (discourse/discourse, mastodon/mastodon): db/migrate + app/models
    base = {
        "Gemfile": "source 'https://rubygems.org'\ngem 'rails'\n",
        "db/migrate/20250101000000_create_reports.rb": (
            "class CreateReports < ActiveRecord::Migration[7.1]\n  def change\n"
            "    create_table :reports do |t|\n      t.text :resolve_reason\n    end\n  end\nend\n"
        ),
        "app/models/report.rb": (
            "class Report < ApplicationRecord\n  def why = resolve_reason\nend\n"
        ),
    }
    head = {
        "db/migrate/20260801000000_rename_reason.rb": (
            "class RenameReason < ActiveRecord::Migration[7.1]\n  def change\n"
            "    rename_column :reports, :resolve_reason, :conclusion\n  end\nend\n"
        ),
        "app/models/report.rb": "class Report < ApplicationRecord\n  def why = conclusion\nend\n",
    }
    found = _database(tmp_path, base, head)
    first = found["plan"]["checklist"][0]
    assert first.startswith("Blocker: db/migrate/20260801000000_rename_reason.rb renames")
    assert "rename_column reports.resolve_reason to conclusion" in first
    assert "the new code uses `conclusion` (app/models/report.rb)" in first


def test_alembic_run_by_prestart_sh_asks_for_a_later_release(tmp_path: Path) -> None:
    # fastapi/full-stack-fastapi-template: backend/prestart.sh runs `alembic upgrade head` (its
    # deploy workflow runs the script, as tiangolo's FastAPI images do before the server)
    versions = "backend/app/alembic/versions"
    base = {
        "backend/alembic.ini": "[alembic]\nscript_location = app/alembic\n",
        "backend/prestart.sh": "#! /usr/bin/env bash\nset -e\nalembic upgrade head\n",
        f"{versions}/e2412789c190_initialize_models.py": (
            'revision = "e2412789c190"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n'
        ),
    }
    head = {
        f"{versions}/1a31ce608336_add_cascade_delete.py": (
            'revision = "1a31ce608336"\ndown_revision = "e2412789c190"\n\n\n'
            "def upgrade():\n"
            '    op.alter_column("item", "owner_id", nullable=False)\n'
        ),
    }
    db = _database(tmp_path, base, head)["db"]
    [held] = db["deferred"]
    assert held["when"] == "later_release"
    assert any("backend/prestart.sh runs alembic" in w for w in db["warnings"])


def test_sql_files_a_go_binary_embeds_and_applies_are_never_run_by_psql(tmp_path: Path) -> None:
    # usememos/memos: store/migration/<engine>/<version>/NN__name.sql, embedded with
    # //go:embed migration in store/migrator.go and applied by the server when it starts
    base = {
        "go.mod": "module github.com/usememos/memos\n",
        "store/migrator.go": "package store\n\n//go:embed migration\nvar migrationFS embed.FS\n",
        "store/migration/postgres/0.30/00__init.sql": "CREATE TABLE reaction (id int);\n",
    }
    head = {
        "store/migration/postgres/0.31/01__add_memo_id.sql": (
            "ALTER TABLE reaction ADD COLUMN memo_id INTEGER;\n"
        ),
        "store/migration/postgres/0.31/02__drop_content_id.sql": (
            "ALTER TABLE reaction DROP COLUMN content_id;\n"
        ),
    }
    db = _database(tmp_path, base, head)["db"]
    assert any("store/migrator.go embeds the SQL migrations" in w for w in db["warnings"])
    assert db["upgrade"] is None  # the server applies them; psql first would break its migrator
    assert not any("--file=store/migration" in c for c in _commands(db)), _commands(db)
    [held] = db["deferred"]
    assert held["when"] == "later_release"


# dotnet/eShop b9af96e: src/Ordering.Infrastructure/Migrations/
# 20240106121712_UseEnumForOrderStatus.cs (abridged)
EF_MIGRATIONS = "src/Ordering.Infrastructure/Migrations"
EF_UP_DOWN = '''using Microsoft.EntityFrameworkCore.Migrations;

namespace Ordering.Infrastructure.Migrations
{
    public partial class UseEnumForOrderStatus : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OrderStatus",
                schema: "ordering",
                table: "orders",
                type: "character varying(30)",
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql("""
                UPDATE ordering.orders
                SET "OrderStatus" = s."Name"
                FROM ordering.orderstatus s
                WHERE s."Id" = orders."OrderStatusId";
                """);

            migrationBuilder.DropTable(
                name: "orderstatus",
                schema: "ordering");

            migrationBuilder.DropColumn(
                name: "OrderStatusId",
                schema: "ordering",
                table: "orders");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "orderstatus_restored",
                schema: "ordering",
                columns: table => new { Id = table.Column<int>(type: "integer", nullable: false) });
        }
    }
}
'''
EF_BASE = {
    "src/Ordering.Infrastructure/Ordering.Infrastructure.csproj": (
        '<Project Sdk="Microsoft.NET.Sdk" />\n'
    ),
    f"{EF_MIGRATIONS}/20231026091055_Outbox.cs": (
        "public partial class Outbox : Migration {\n"
        "  protected override void Up(MigrationBuilder migrationBuilder) {\n"
        '    migrationBuilder.CreateTable(name: "IntegrationEventLog", schema: "ordering");\n'
        "  }\n}\n"
    ),
    f"{EF_MIGRATIONS}/OrderingContextModelSnapshot.cs": "partial class S : ModelSnapshot {}\n",
    "src/Ordering.API/Queries.cs": 'const string Q = "SELECT OrderStatusId FROM orders";\n',
}
EF_HEAD = {
    f"{EF_MIGRATIONS}/20240106121712_UseEnumForOrderStatus.cs": EF_UP_DOWN,
    f"{EF_MIGRATIONS}/20240106121712_UseEnumForOrderStatus.Designer.cs": (
        '[Migration("20240106121712_UseEnumForOrderStatus")]\npartial class UseEnumForOrderStatus '
        "{ protected override void BuildTargetModel(ModelBuilder modelBuilder) {} }\n"
    ),
    f"{EF_MIGRATIONS}/OrderingContextModelSnapshot.cs": "partial class S : ModelSnapshot { }\n",
}


def test_an_ef_core_migration_is_read_from_up_and_undone_with_dotnet_ef(tmp_path: Path) -> None:
    found = _database(tmp_path, EF_BASE, EF_HEAD)
    plan, db = found["plan"], found["db"]
    migration = f"{EF_MIGRATIONS}/20240106121712_UseEnumForOrderStatus.cs"
    levels = {f["path"]: f["level"] for f in plan["risk"]["files"]}
    assert levels[migration] == "HIGH"
    assert db["tool"] == "efcore"
    # the generated Designer.cs and ModelSnapshot.cs are metadata, not migrations
    assert db["migrations"] == [migration]
    [entry] = db["files"]
    assert entry["kind"] == "contract"
    assert entry["steps"] == [
        "add column orders.OrderStatus",
        "rewrite ordering.orders (OrderStatus)",
        "drop table orderstatus",
        "drop column orders.OrderStatusId",
    ]  # Down()'s CreateTable is the undo, not a step of the deploy
    [held] = db["deferred"]
    assert held["files"] == [migration]
    assert "`OrderStatusId` in src/Ordering.API/Queries.cs" in held["reason"]
    undo = [s["command"] for s in held["undo"] if s["command"]]
    assert undo == [
        "dotnet ef database update 20231026091055_Outbox --project src/Ordering.Infrastructure"
    ]


def test_ef_core_migrations_applied_at_start_wait_for_a_later_release(tmp_path: Path) -> None:
    base = {
        **EF_BASE,
        "src/Shared/MigrateDbContextExtensions.cs": (
            "static class M { static async Task Run(DbContext context) {\n"
            "    await context.Database.MigrateAsync();\n} }\n"
        ),
    }
    db = _database(tmp_path, base, EF_HEAD)["db"]
    [held] = db["deferred"]
    assert held["when"] == "later_release"
    assert any(
        "src/Shared/MigrateDbContextExtensions.cs applies the EF Core migrations" in w
        for w in db["warnings"]
    )


def test_an_additive_ef_core_migration_runs_in_stage_one(tmp_path: Path) -> None:
    add = f"{EF_MIGRATIONS}/20240201000000_AddNote.cs"
    db = _database(
        tmp_path,
        EF_BASE,
        {
            add: (
                "public partial class AddNote : Migration {\n"
                "  protected override void Up(MigrationBuilder migrationBuilder) {\n"
                '    migrationBuilder.AddColumn<string>(name: "Note", table: "orders", '
                "nullable: true);\n  }\n"
                "  protected override void Down(MigrationBuilder migrationBuilder) {\n"
                '    migrationBuilder.DropColumn(name: "Note", table: "orders");\n  }\n}\n'
            )
        },
    )["db"]
    assert db["deferred"] == []
    assert db["upgrade"] == "dotnet ef database update --project src/Ordering.Infrastructure"
    assert db["target"] == "20231026091055_Outbox"
    [undo] = [s["command"] for s in db["steps"] if s["command"]]
    assert undo == (
        "dotnet ef database update 20231026091055_Outbox --project src/Ordering.Infrastructure"
    )


def test_a_rename_no_old_code_names_is_held_back_and_said_to_be_needed_first(
    tmp_path: Path,
) -> None:
    # maybe-finance/maybe c5da8ea5: imports.original_account_id (named only by the db/schema.rb
    # dump) becomes account_id, which the new controller reads: held back, Canary fails; run
    # first, Rails' cached columns still make the old code write original_account_id
    base = {
        "Gemfile": "source 'https://rubygems.org'\ngem 'rails'\n",
        "db/schema.rb": 't.uuid "original_account_id"\n',
        "app/controllers/imports_controller.rb": "class ImportsController\nend\n",
    }
    head = {
        "db/migrate/20250303141007_add_optional_account_for_import.rb": (
            "class AddOptionalAccountForImport < ActiveRecord::Migration[7.2]\n  def change\n"
            "    rename_column :imports, :original_account_id, :account_id\n  end\nend\n"
        ),
        "db/schema.rb": 't.uuid "account_id"\n',
        "app/controllers/imports_controller.rb": (
            "class ImportsController\n  def show = Import.find_by(account_id: params[:id])\nend\n"
        ),
    }
    found = _database(tmp_path, base, head)
    db = found["db"]
    # held back (safe for the old code), and the plan says the new code needs it first
    [held] = db["deferred"]
    assert held["files"] == ["db/migrate/20250303141007_add_optional_account_for_import.rb"]
    first = found["plan"]["checklist"][0]
    assert first.startswith(
        "Blocker: db/migrate/20250303141007_add_optional_account_for_import.rb renames what the "
        "new code needs"
    )
    assert "No base code names `original_account_id`" in first
    assert "ignored_columns" in first  # Rails still writes a cached column


# --- the database engine, read from the repository ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "engine"),
    [
        # kimai/kimai .env.dist (Symfony, Doctrine)
        (".env.dist", "DATABASE_URL=mysql://user:password@127.0.0.1:3306/database\n", "mysql"),
        # umami-software/umami prisma/schema.prisma
        (
            "prisma/schema.prisma",
            'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
            "postgresql",
        ),
        # a Rails app (discourse/discourse, maybe-finance/maybe) config/database.yml
        ("config/database.yml", "default: &default\n  adapter: postgresql\n", "postgresql"),
        ("config/database.yml", "production:\n  adapter: trilogy\n", "mysql"),
        # koel/koel .env.example (Laravel)
        (".env.example", "DB_CONNECTION=sqlite\n", "sqlite"),
        # healthchecks/healthchecks hc/settings.py (Django)
        ("hc/settings.py", '"ENGINE": "django.db.backends.postgresql",\n', "postgresql"),
        # dotnet/eShop src/Ordering.API/Extensions/Extensions.cs (.NET Aspire, EF Core)
        (
            "src/Ordering.API/Extensions.cs",
            "builder.AddNpgsqlDbContext<OrderingContext>(",
            "postgresql",
        ),
        # a Go service's go.mod (gothinkster/golang-gin-realworld-example-app style); an
        # indirect requirement is another library's, not the service's driver
        (
            "go.mod",
            "module x\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.5.0\n"
            "\tgithub.com/go-sql-driver/mysql v1.8.1 // indirect\n)\n",
            "postgresql",
        ),
        # hexpm/hexpm config/config.exs (Elixir, Ecto)
        (
            "config/config.exs",
            "config :hexpm, Hexpm.RepoBase, adapter: Ecto.Adapters.Postgres",
            "postgresql",
        ),
        # a Spring Boot service: src/main/resources/application.properties
        (
            "src/main/resources/application.properties",
            "spring.datasource.url=jdbc:mysql://db:3306/x",
            "mysql",
        ),
    ],
)
def test_the_engine_is_read_from_the_tools_own_configuration(
    path: str, text: str, engine: str
) -> None:
    from planner.migrations.tools.engine import detected_engines, resolve_engine

    assert detected_engines({path: text}) == ((engine, path, True),)
    assert resolve_engine(None, detected_engines({path: text}))[0] == engine


def test_the_profile_wins_and_several_engines_or_none_are_said_not_guessed() -> None:
    from planner.migrations.tools.engine import detected_engines, resolve_engine

    env = {".env": "DATABASE_URL=mysql://x\n"}
    assert resolve_engine("postgresql", detected_engines(env)) == ("postgresql", ())
    # a compose file's image is weaker than the tool's configuration
    both = {**env, "compose.yml": "services:\n  db:\n    image: postgres:16\n"}
    assert resolve_engine(None, detected_engines(both))[0] == "mysql"
    # usememos/memos supports three engines: none is named, the assumption is said
    many = {"a/.env": "DB_CONNECTION=mysql\n", "b/.env": "DATABASE_URL=sqlite:memos.db\n"}
    engine, note = resolve_engine(None, detected_engines(many))
    assert engine == "mysql" and "several database engines" in note[0]
    engine, note = resolve_engine(None, ())
    assert engine == "postgresql" and "PostgreSQL assumed" in note[0]


def test_a_mysql_project_gets_mysql_commands_without_a_profile(tmp_path: Path) -> None:
    # kimai/kimai: Doctrine migrations in migrations/, DATABASE_URL=mysql://... in .env.dist
    base = {
        "composer.json": '{"require": {"doctrine/doctrine-migrations-bundle": "^3"}}\n',
        ".env.dist": "DATABASE_URL=mysql://user:password@127.0.0.1:3306/database\n",
        "migrations/Version20260101000000.php": "<?php\n// init\n",
    }
    head = {
        "migrations/Version20260802183206.php": (
            "<?php\nfinal class Version20260802183206 extends AbstractMigration\n{\n"
            "    public function up(Schema $schema): void\n    {\n"
            "        $this->addSql('DELETE FROM kimai2_configuration WHERE name = \\'x\\'');\n"
            "    }\n}\n"
        ),
    }
    db = _database(tmp_path, base, head)["db"]
    assert any(
        w == "Database engine mysql, from the repository (mysql in .env.dist)"
        for w in db["warnings"]
    )
    commands = _commands(db)
    assert commands and not any("psql" in c or "pg_dump" in c for c in commands), commands
    assert any(c.startswith("mysql ") for c in commands), commands
    # Doctrine: recognised by its class, undone by its own down(), never by hand
    assert db["tool"] == "doctrine"
    [held] = db["deferred"]
    assert [s["command"] for s in held["undo"] if s["command"]] == [
        "vendor/bin/doctrine-migrations execute 'DoctrineMigrations\\Version20260802183206' "
        "--down --no-interaction"
    ]


def test_a_symfony_doctrine_migration_runs_through_bin_console(tmp_path: Path) -> None:
    # kimai/kimai: bin/console, namespace DoctrineMigrations, an additive migration
    base = {
        "bin/console": "#!/usr/bin/env php\n<?php\n",
        ".env.dist": "DATABASE_URL=mysql://user:password@127.0.0.1:3306/database\n",
        "migrations/Version20260101000000.php": "<?php\n// init\n",
    }
    add = "migrations/Version20260802144517.php"
    db = _database(
        tmp_path,
        base,
        {
            add: (
                "<?php\nnamespace DoctrineMigrations;\n\nfinal class Version20260802144517 "
                "extends AbstractMigration\n{\n    public function up(Schema $schema): void\n"
                "    {\n        $this->addSql('ALTER TABLE t ADD note VARCHAR(35) DEFAULT NULL');\n"
                "    }\n\n    public function down(Schema $schema): void\n    {\n"
                "        $this->addSql('ALTER TABLE t DROP note');\n    }\n}\n"
            )
        },
    )["db"]
    assert db["tool"] == "doctrine" and db["deferred"] == []
    assert db["upgrade"] == "php bin/console doctrine:migrations:migrate --no-interaction"
    assert db["target"] == "Version20260101000000"
    assert [s["command"] for s in db["steps"] if s["command"]] == [
        "php bin/console doctrine:migrations:execute 'DoctrineMigrations\\Version20260802144517' "
        "--down --no-interaction"
    ]


# openstatusHQ/openstatus fbfb54790: packages/db/drizzle/0082_cooing_karma.sql with its
# meta/0082_snapshot.json and meta/_journal.json, drizzle.config.ts with dialect "turso"
DRIZZLE_SQL = (
    "CREATE INDEX `incident_open_idx` ON `incident` (`workspace_id`);--> statement-breakpoint\n"
    "CREATE INDEX `user_email_idx` ON `user` (`email`);"
)


def _drizzle(tmp_path: Path, dialect: str, sql: str = DRIZZLE_SQL) -> dict[str, Any]:
    base = {
        "package.json": '{"workspaces": ["packages/*"]}\n',
        "packages/db/drizzle.config.ts": (
            'export default {\n  schema: "./src/schema/index.ts",\n  out: "./drizzle",\n'
            f'  dialect: "{dialect}",\n}}\n'
        ),
        "packages/db/drizzle/0000_init.sql": "CREATE TABLE `incident` (`id` integer);\n",
        "packages/db/drizzle/meta/_journal.json": '{"entries": []}\n',
    }
    head = {
        "packages/db/drizzle/0082_cooing_karma.sql": sql,
        "packages/db/drizzle/meta/0082_snapshot.json": '{"user": {"hashed_token": 1}}\n',
        "packages/db/drizzle/meta/_journal.json": '{"entries": [{"idx": 82}]}\n',
    }
    return _database(tmp_path, base, head)


def test_drizzle_migrations_run_with_drizzle_kit_and_turso_gets_placeholders(
    tmp_path: Path,
) -> None:
    found = _drizzle(tmp_path, "turso")
    plan, db = found["plan"], found["db"]
    levels = {f["path"]: (f["level"], f["categories"]) for f in plan["risk"]["files"]}
    assert levels["packages/db/drizzle/meta/0082_snapshot.json"] == ("LOW", ["migration_metadata"])
    assert levels["packages/db/drizzle/meta/_journal.json"] == ("LOW", ["migration_metadata"])
    assert db["tool"] == "drizzle"
    assert db["migrations"] == ["packages/db/drizzle/0082_cooing_karma.sql"]
    assert db["upgrade"] == "(cd packages/db && npx drizzle-kit migrate)"
    assert "Database engine turso, from the repository" in " ".join(db["warnings"])
    undo = [s["command"] for s in db["steps"] if s["command"]]
    # a remote libSQL database: no psql, no sqlite3 file; marked placeholders, never wrapped in
    # a subshell whose closing parenthesis the comment would swallow
    assert undo and all(c.startswith("# fill in: run with the turso client:") for c in undo)
    for command in undo:
        done = subprocess.run(["bash", "-n"], input=command + "\necho next\n", text=True)
        assert done.returncode == 0


def test_drizzle_on_postgresql_undoes_with_psql_in_the_package(tmp_path: Path) -> None:
    # drizzle-kit writes PostgreSQL identifiers in double quotes
    db = _drizzle(tmp_path, "postgresql", DRIZZLE_SQL.replace("`", '"'))["db"]
    undo = [s["command"] for s in db["steps"] if s["command"]]
    assert len(undo) == 1
    assert undo[0].startswith("(cd packages/db && psql -v ON_ERROR_STOP=1 --single-transaction")
    assert 'DROP INDEX IF EXISTS "user_email_idx"' in undo[0]
    assert "no down migrations" in db["steps"][0]["action"]


def test_a_sqlite_projects_plain_sql_is_applied_and_undone_by_sqlite3_for_real(
    tmp_path: Path,
) -> None:
    # one folder per engine, as usememos/memos keeps store/migration/sqlite/: sqlite3, never psql
    import shutil

    if shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 is not installed (.ci/run installs it)")
    base = {"store/migration/sqlite/001_init.sql": "CREATE TABLE memo (id INTEGER);\n"}
    head = {
        "store/migration/sqlite/002_add_tag.sql": (
            "CREATE TABLE tag (id INTEGER, name TEXT);\nCREATE INDEX idx_tag_name ON tag (name);\n"
        )
    }
    repo_db = tmp_path / "memos.db"
    db = _database(tmp_path, base, head)["db"]
    repo = tmp_path / "repo"
    env = {"DB_PATH": str(repo_db), "PATH": "/usr/bin:/bin"}

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True, check=True
        )

    run('sqlite3 "$DB_PATH" < store/migration/sqlite/001_init.sql')
    assert db["upgrade"].startswith('sqlite3 -bail "$DB_PATH" < ')
    run(db["upgrade"])
    tables = 'sqlite3 "$DB_PATH" "SELECT name FROM sqlite_master WHERE type=\'table\'"'
    assert run(tables).stdout.split() == ["memo", "tag"]
    for step in db["steps"]:
        if step["command"]:
            run(step["command"])
    assert run(tables).stdout.split() == ["memo"]


def test_dotnet_ef_gets_the_aspnet_project_that_references_the_migrations_as_startup(
    tmp_path: Path,
) -> None:
    # dotnet/eShop: src/Ordering.API (Sdk.Web) references src/Ordering.Infrastructure, whose
    # DbContext it configures (AddNpgsqlDbContext); dotnet ef needs it as --startup-project
    base = {
        **EF_BASE,
        "src/Ordering.API/Ordering.API.csproj": (
            '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n    <ProjectReference '
            'Include="..\\Ordering.Infrastructure\\Ordering.Infrastructure.csproj" />\n'
            "  </ItemGroup>\n</Project>\n"
        ),
        # another web project that does not reference it does not count
        "src/Basket.API/Basket.API.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web" />\n',
    }
    db = _database(tmp_path, base, EF_HEAD)["db"]
    [held] = db["deferred"]
    [undo] = [s for s in held["undo"] if s["command"]]
    assert undo["command"] == (
        "dotnet ef database update 20231026091055_Outbox --project src/Ordering.Infrastructure "
        "--startup-project src/Ordering.API"
    )
    assert "--startup-project <" not in undo["action"]  # resolved: no note left
