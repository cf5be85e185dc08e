"""Migration rollback targets read from the repository (commands: test_toolchain_commands.py)."""

from __future__ import annotations

import shlex

import pytest

from planner.change.model import ChangedFile, ChangeSet
from planner.migrations.plan import DatabasePlan, plan_database
from planner.model import FileRisk, Risk


def change(files: tuple[ChangedFile, ...], repo_files: tuple[str, ...] = ()) -> ChangeSet:
    return ChangeSet("git", files, repo="r", base="b" * 40, head="h" * 40, repo_files=repo_files)


def risk_of(cs: ChangeSet, destructive: tuple[str, ...] = ()) -> Risk:
    files = tuple(
        FileRisk(
            f.path,
            f.change,
            "HIGH" if f.path in destructive else "MEDIUM",
            ("test",),
            categories=("migration_destructive",) if f.path in destructive else ("migration",),
        )
        for f in cs.files
    )
    return Risk("HIGH", 10, files)


def database(
    cs: ChangeSet, destructive: tuple[str, ...] = (), engine: str = "postgresql"
) -> DatabasePlan:
    plan = plan_database(cs, risk_of(cs, destructive), cs.base or "", "jwt auth", engine)
    assert plan is not None
    return plan


def test_alembic_in_a_subfolder_runs_there_for_upgrade_and_downgrade() -> None:
    # script_location = migrations in backend/alembic.ini is relative to the working folder,
    # so `alembic -c backend/alembic.ini` from the root would not find the scripts.
    text = 'revision = "r2"\ndown_revision = "r1"\n'
    files = (ChangedFile("backend/migrations/versions/r2.py", "added", content=text),)
    db = database(change(files, ("backend/alembic.ini", "backend/migrations/versions/r1.py")))
    assert db.upgrade == "(cd backend && alembic upgrade head)"
    assert [s.command for s in db.steps] == [
        "(cd backend && alembic downgrade r1)",
        "(cd backend && alembic current)",
    ]


@pytest.mark.parametrize(
    ("tool_files", "migration", "upgrade", "undo"),
    [
        # a monorepo: bin/rails, knexfile and .sequelizerc are found from the working folder
        (
            ("services/api/Gemfile",),
            "services/api/db/migrate/20240101000000_add_a.rb",
            "(cd services/api && bin/rails db:migrate)",
            "(cd services/api && bin/rails db:migrate:down VERSION=20240101000000)",
        ),
        (
            ("services/web/package.json", "services/web/knexfile.js"),
            "services/web/migrations/20240101_add.js",
            "(cd services/web && npx knex migrate:latest)",
            "(cd services/web && npx knex migrate:down)",
        ),
        (
            ("apps/shop x/.sequelizerc",),
            "apps/shop x/db/migrations/20240101-add.js",
            "(cd 'apps/shop x' && npx sequelize-cli db:migrate)",
            "(cd 'apps/shop x' && npx sequelize-cli db:migrate:undo:all --to 20240101-add.js)",
        ),
    ],
)
def test_migration_tools_of_a_subproject_run_in_its_folder(
    tool_files: tuple[str, ...], migration: str, upgrade: str, undo: str
) -> None:
    files = (ChangedFile(migration, "added", content="up"),)
    db = database(change(files, (*tool_files, migration)))
    assert db.upgrade == upgrade
    assert [s.command for s in db.steps if s.command] == [undo]


ALEMBIC_1 = (
    'revision = "a1b2"\ndown_revision = "f00d"\n\n'
    'def upgrade():\n    op.add_column("users", sa.Column("x"))\n'
)
ALEMBIC_2 = 'revision: str = "c3d4"\ndown_revision: Union[str, None] = "a1b2"\n'


def test_alembic_downgrades_to_the_parent_of_the_earliest_added_revision() -> None:
    files = (
        ChangedFile("migrations/versions/c3d4_second.py", "added", content=ALEMBIC_2),
        ChangedFile("migrations/versions/a1b2_first.py", "added", content=ALEMBIC_1),
    )
    db = database(change(files, ("alembic.ini", "migrations/versions/f00d_init.py")))
    assert db.tool == "alembic" and db.target == "f00d"
    assert db.steps[0].command == "alembic downgrade f00d"
    assert db.upgrade == "alembic upgrade head"


def test_alembic_first_migration_downgrades_to_base() -> None:
    text = 'revision = "a1"\ndown_revision = None\n'
    db = database(
        change(
            (ChangedFile("alembic/versions/a1_init.py", "added", content=text),), ("alembic.ini",)
        )
    )
    assert db.steps[0].command == "alembic downgrade base"


def test_alembic_unreadable_revision_steps_back_by_count() -> None:
    files = (
        ChangedFile("alembic/versions/x.py", "added", content=None),
        ChangedFile("alembic/versions/y.py", "added"),
    )
    db = database(change(files, ("alembic.ini",)))
    assert db.steps[0].command == "alembic downgrade -2"


def test_django_migrates_each_app_back_to_the_migration_before_the_first_added() -> None:
    repo = (
        "manage.py",
        "shop/migrations/0001_initial.py",
        "shop/migrations/0002_price.py",
        "users/migrations/0001_initial.py",
    )
    files = (
        ChangedFile("shop/migrations/0003_discount.py", "added"),
        ChangedFile("shop/migrations/0004_coupon.py", "added"),
        ChangedFile("users/migrations/0001_initial.py", "added"),
    )
    db = database(
        change(files, (*repo, "shop/migrations/0003_discount.py", "shop/migrations/0004_coupon.py"))
    )
    assert [s.command for s in db.steps] == [
        "python manage.py migrate shop 0002_price",
        "python manage.py migrate users zero",
    ]


FILL = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ('shop', '0001_initial'),
    ]
    operations = [migrations.RunPython(migrations.RunPython.noop)]
"""


def test_django_target_is_read_from_the_migration_dependencies() -> None:
    # A manifest lists only the changed files: 0001_initial is not in the listing. Without the
    # dependency, "no earlier migration" would become `migrate shop zero`, which unapplies every
    # migration of the app and drops its tables.
    files = (ChangedFile("shop/migrations/0002_fill.py", "added", content=FILL),)
    db = database(change(files, ("manage.py",)))
    assert [s.command for s in db.steps] == ["python manage.py migrate shop 0001_initial"]
    assert db.target == "shop 0001_initial"


def test_django_unknown_predecessor_is_never_zero() -> None:
    files = (ChangedFile("shop/migrations/0003_discount.py", "added"),)  # no content, no listing
    db = database(change(files, ("manage.py",)))
    assert [s.command for s in db.steps if s.command] == []
    assert "showmigrations shop" in db.steps[0].action


def test_knex_undoes_one_migration_per_added_file_and_reads_dropped_tables() -> None:
    text = "exports.up = (knex) => knex.schema.dropTable('sessions');\n"
    files = (
        ChangedFile("db/migrations/20240102_b.js", "added", content=text),
        ChangedFile(
            "db/migrations/20240101_a.js",
            "added",
            content="exports.up = (knex) => knex.schema.createTable('t')",
        ),
    )
    db = database(
        change(files, ("knexfile.js", "package.json")), destructive=("db/migrations/20240102_b.js",)
    )
    assert db.tool == "knex"
    # Stage 1 runs the createTable only; the dropTable is held back, and knex cannot stop
    # between migrations, so it must ship in a later release
    assert [s.command for s in db.steps] == ["npx knex migrate:down"]
    assert "20240101_a.js" in db.steps[0].action
    [held] = db.deferred
    assert (held.files, held.later_release) == (("db/migrations/20240102_b.js",), True)
    assert [s.command for s in held.undo] == ["npx knex migrate:down"]
    assert db.tables == ("sessions",)
    assert db.backup is not None and db.backup.command is not None
    assert (
        'CREATE TABLE rollback_backup."sessions__jwt_auth" AS TABLE "sessions";'
        in (shlex.split(db.backup.command)[5])
    )


def test_sequelize_undoes_down_to_the_earliest_added_file() -> None:
    text = (
        "module.exports = { up: (queryInterface) => queryInterface.removeColumn('users', 'age') }"
    )
    files = (ChangedFile("migrations/20240301-drop-age.js", "added", content=text),)
    db = database(
        change(files, (".sequelizerc",)), destructive=("migrations/20240301-drop-age.js",)
    )
    # the only migration is a contract step: nothing runs in Stage 1, it runs after Full
    assert db.upgrade is None and db.steps[0].command is None
    [held] = db.deferred
    assert held.when == "after_full"
    assert held.undo[0].command == (
        "npx sequelize-cli db:migrate:undo:all --to 20240301-drop-age.js"
    )
    assert held.commands[-1].command == "npx sequelize-cli db:migrate"
    assert db.tables == ("users",)


def test_rails_migrates_down_each_version_newest_first() -> None:
    files = (
        ChangedFile("db/migrate/20240101000000_add_a.rb", "added"),
        ChangedFile("db/migrate/20240202000000_add_b.rb", "added"),
    )
    db = database(change(files, ("Gemfile", "bin/rails")))
    assert [s.command for s in db.steps] == [
        "bin/rails db:migrate:down VERSION=20240202000000",
        "bin/rails db:migrate:down VERSION=20240101000000",
    ]


def test_flyway_undo_names_teams_edition_and_the_previous_version() -> None:
    repo = ("flyway.conf", "sql/V1__init.sql", "sql/V1_1__users.sql")
    files = (ChangedFile("sql/V2__orders.sql", "added"),)
    db = database(change(files, (*repo, "sql/V2__orders.sql")))
    commands = [s.command for s in db.steps if s.command]
    # The steps are pasted as one block: one undo path only (an alternative that ran after the
    # per-file undos would undo again), and no `flyway repair` that changes history on its own.
    assert commands == ["flyway undo -target=1.1"]
    assert any("Teams" in s.action for s in db.steps)
    assert any("Community" in s.action and s.command is None for s in db.steps)
    assert db.target == "1.1"


def test_flyway_without_an_older_version_undoes_each_added_migration_once() -> None:
    files = (ChangedFile("sql/V1__init.sql", "added"), ChangedFile("sql/V2__orders.sql", "added"))
    db = database(change(files, ("flyway.conf", "sql/V1__init.sql", "sql/V2__orders.sql")))
    assert [s.command for s in db.steps if s.command] == ["flyway undo", "flyway undo"]
    assert [s.action.split()[1] for s in db.steps if s.command] == [
        "V2__orders.sql",
        "V1__init.sql",
    ]


def test_prisma_has_no_down_migration_so_the_plan_generates_one() -> None:
    files = (
        ChangedFile(
            "prisma/migrations/20240101_add/migration.sql",
            "added",
            content="ALTER TABLE users DROP COLUMN age;",
        ),
    )
    db = database(
        change(files, ("prisma/schema.prisma",)),
        destructive=("prisma/migrations/20240101_add/migration.sql",),
    )
    [held] = db.deferred
    undo = held.undo
    text = " ".join(s.command or "" for s in undo)
    assert "no down migrations" in undo[0].action.lower()
    assert "npx prisma migrate diff" in text
    # `migrate resolve --rolled-back` only accepts FAILED migrations (P3012 otherwise, see
    # prisma/orm#14286): an applied one is forgotten by deleting its history row instead.
    assert "--rolled-back" not in text
    forget = [s.command for s in undo if s.command and "_prisma_migrations" in s.command]
    assert forget == [
        "printf '%s\\n' 'DELETE FROM _prisma_migrations WHERE migration_name = '\"'\"'20240101_add'"
        "\"'\"';' | npx prisma db execute --stdin --schema prisma/schema.prisma"
    ]
    assert db.tables == ("users",)


def test_prisma_history_row_of_a_hostile_migration_name_stays_one_sql_literal() -> None:
    name = "20240101_it's; DROP TABLE x"
    files = (ChangedFile(f"prisma/migrations/{name}/migration.sql", "added", content=""),)
    db = database(change(files, ("prisma/schema.prisma",)))
    [command] = [s.command for s in db.steps if s.command and "_prisma_migrations" in s.command]
    words = shlex.split(command)
    assert words[:3] == [
        "printf",
        "%s\\n",
        "DELETE FROM _prisma_migrations WHERE migration_name = '20240101_it''s; DROP TABLE x';",
    ]
    execute = ["npx", "prisma", "db", "execute", "--stdin", "--schema", "prisma/schema.prisma"]
    assert words[3:] == ["|", *execute]


GOOSE_DROP = (
    "-- +goose Up\nALTER TABLE users DROP COLUMN legacy;\n"
    "-- +goose Down\nALTER TABLE users ADD COLUMN legacy text;\n"
)


def test_goose_file_is_undone_by_goose_not_by_inverting_its_down_section() -> None:
    # psql would run a goose file's Up AND Down sections; the inverse of its Down section
    # (ADD COLUMN -> DROP COLUMN) would drop the column the rollback must bring back.
    files = (ChangedFile("db/migrations/20240101_drop.sql", "added", content=GOOSE_DROP),)
    db = database(change(files, ("go.mod", "db/migrations/20240101_drop.sql")))
    assert db.tool == "goose"
    # a contract step: held back until after Full, then backed up and applied by goose
    assert db.upgrade is None
    [held] = db.deferred
    assert held.commands[-1].command == 'goose -dir db/migrations postgres "$DATABASE_URL" up'
    assert [s.command for s in held.undo if s.command] == [
        'goose -dir db/migrations postgres "$DATABASE_URL" down'
    ]


def test_golang_migrate_pair_is_applied_and_undone_by_migrate() -> None:
    # The .down.sql file is the rollback: it must not be applied on deploy, nor inverted.
    up = ChangedFile(
        "db/migrations/000002_nick.up.sql", "added", content="ALTER TABLE u ADD COLUMN n text;"
    )
    down = ChangedFile(
        "db/migrations/000002_nick.down.sql", "added", content="ALTER TABLE u DROP COLUMN n;"
    )
    old = ("db/migrations/000001_init.up.sql", "db/migrations/000001_init.down.sql")
    db = database(change((up, down), (*old, up.path, down.path)))
    assert db.tool == "golang-migrate"
    assert db.upgrade == 'migrate -path db/migrations -database "$DATABASE_URL" up'
    assert [s.command for s in db.steps if s.command] == [
        'migrate -path db/migrations -database "$DATABASE_URL" down 1'
    ]
    assert db.target == "000001"


def test_dbmate_rolls_back_each_added_migration() -> None:
    text = "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n"
    files = (
        ChangedFile("db/migrations/20240101_a.sql", "added", content=text),
        ChangedFile("db/migrations/20240202_b.sql", "added", content=text),
    )
    db = database(change(files, tuple(f.path for f in files)))
    assert db.tool == "dbmate"
    assert db.upgrade == "dbmate --migrations-dir db/migrations migrate"
    assert [s.command for s in db.steps if s.command] == [
        "dbmate --migrations-dir db/migrations rollback",
        "dbmate --migrations-dir db/migrations rollback",
    ]
    assert [s.action.split()[1] for s in db.steps if s.command] == [
        "20240202_b.sql",
        "20240101_a.sql",
    ]


def test_plain_sql_additive_migration_is_inverted() -> None:
    sql = (
        "CREATE TABLE t (id int);\nCREATE INDEX t_i ON t (id);\n"
        "ALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX u_i ON users (nick);\n"
    )
    db = database(change((ChangedFile("migrations/002_t.sql", "added", content=sql),)))
    assert db.tool == "sql"
    assert db.steps[0].command == (
        "psql -v ON_ERROR_STOP=1 --single-transaction -c "
        "'DROP INDEX IF EXISTS u_i; ALTER TABLE users DROP COLUMN IF EXISTS nick; "
        "DROP TABLE IF EXISTS t;' "
        '"$DATABASE_URL"'
    )


def test_mysql_backup_uses_mysqldump() -> None:
    files = (ChangedFile("migrations/003.sql", "added", content="DROP TABLE old_orders;"),)
    db = database(change(files), destructive=("migrations/003.sql",), engine="mysql")
    assert db.backup is not None and db.backup.command is not None
    assert db.backup.command == (
        'mysql "$DB_NAME" -e \'CREATE TABLE `rollback_backup__old_orders__jwt_auth` AS SELECT * '
        "FROM `old_orders`;'"
    )
    assert db.recovery is not None and "fill in" in db.recovery.steps[0].action


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("DROP TABLE IF EXISTS legacy;", ("legacy",)),  # drop
        ('ALTER TABLE "users" DROP COLUMN age;', ("users",)),  # quoted name
        ("DELETE FROM sessions WHERE expired;", ("sessions",)),
        ("TRUNCATE TABLE audit;", ("audit",)),
        ("UPDATE orders SET state = 'x';", ("orders",)),
        ("ALTER TABLE users ADD COLUMN x int;", ()),  # additive: no table to back up
    ],
)
def test_tables_of_destructive_sql(sql: str, tables: tuple[str, ...]) -> None:
    db = database(
        change((ChangedFile("migrations/9.sql", "added", content=sql),)),
        destructive=("migrations/9.sql",),
    )
    assert db.tables == tables


def test_no_migration_means_no_database_plan() -> None:
    cs = change((ChangedFile("src/app.py", "modified"),))
    assert (
        plan_database(
            cs,
            Risk("LOW", 1, (FileRisk("src/app.py", "modified", "LOW", ("x",)),)),
            "b",
            "f",
            "postgresql",
        )
        is None
    )


def test_edited_existing_migration_is_warned_about() -> None:
    db = database(change((ChangedFile("db/migrate/20240101000000_a.rb", "modified"),)))
    assert any("was modified" in w for w in db.warnings)


@pytest.mark.parametrize(
    "path",
    [
        "src/main/resources/db/changelog/002-add-tokens.xml",  # liquibase
        "database/migrations/2024_01_01_000000_add_tokens.php",  # Laravel
        "src/migrations/1700000000000-AddTokens.ts",  # TypeORM
    ],
)
def test_unrecognised_non_sql_migration_is_never_fed_to_psql(path: str) -> None:
    db = database(change((ChangedFile(path, "added", content="<changeSet/>"),)))
    commands = [s.command for s in db.steps if s.command] + [db.upgrade or ""]
    # psql/mysql would choke on XML, PHP or TypeScript: the plan asks for the real tool instead.
    assert not any("psql" in c or "mysql" in c for c in commands)
    assert any("not recognised" in s.action for s in db.steps)
