"""planner.risk.classify and planner.risk.rules: per-file levels and reasons, overall risk,
complexity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.gitrepo import commit, git, make_repo
from support.paths import ROOT

from planner.change.git import read_git_change
from planner.change.manifest import load_manifest
from planner.change.model import ChangedFile, ChangeSet
from planner.risk.classify import classify, classify_file
from planner.risk.defaults import DEFAULT_RULES
from planner.risk.migrations import up_sections
from planner.risk.policy import parse_policy


def rate(path: str, change: str = "modified", content: str | None = None, **kw: object) -> tuple:
    """(level, categories, reasons) of one file under the default rules."""
    f = ChangedFile(path=path, change=change, content=content, **kw)  # type: ignore[arg-type]
    risk, _ = classify_file(f, DEFAULT_RULES)
    return risk.level, risk.categories, risk.reasons


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("path", "change", "level", "category", "evidence"),
    [
        # tests and docs are ZERO in every language's layout, whatever else the path says
        ("tests/test_orders.py", "modified", "ZERO", "test", "path segment 'tests'"),
        ("src/auth/login_test.go", "added", "ZERO", "test", "file name 'login_test.go'"),
        ("src/middleware/auth.spec.ts", "modified", "ZERO", "test", "auth.spec.ts"),
        ("src/test/java/com/acme/AuthControllerTest.java", "added", "ZERO", "test", "'test'"),
        ("spec/requests/sessions_spec.rb", "modified", "ZERO", "test", "'spec'"),
        ("__tests__/payments.js", "modified", "ZERO", "test", "'__tests__'"),
        ("docs/AUTH.md", "added", "ZERO", "docs", "path segment 'docs'"),
        ("src/payments/README.md", "modified", "ZERO", "docs", "file name 'README.md'"),
        # an API definition under spec/ or docs/ is an API change, not a test or a doc
        ("api/spec/openapi.yaml", "modified", "MEDIUM", "api_route", "'api'"),
        ("docs/orders.proto", "modified", "MEDIUM", "api_route", "file name 'orders.proto'"),
        # an Italian locale folder is not Java's src/it integration tests: translations, LOW
        ("locales/it/messages.json", "modified", "LOW", "translation", "'locales'"),
        # type declarations are LOW even under an auth folder
        ("src/types/auth.ts", "added", "LOW", "types", "path segment 'types'"),
        ("typings/index.d.ts", "modified", "LOW", "types", "'typings'"),
        ("src/pkg/client.pyi", "added", "LOW", "types", "file name 'client.pyi'"),
        # authentication, sessions, tokens, passwords, permissions: HIGH
        ("src/middleware/auth.js", "modified", "HIGH", "auth", "path segment 'auth'"),
        ("app/controllers/sessions_controller.rb", "modified", "HIGH", "auth", "'sessions'"),
        ("src/main/java/com/acme/web/AuthController.java", "modified", "HIGH", "auth", "'auth'"),
        ("internal/tokens/refresh.go", "modified", "HIGH", "auth", "'tokens'"),
        ("app/core/security.py", "modified", "HIGH", "auth", "'security'"),
        ("src/users/password_reset.py", "added", "HIGH", "auth", "'password'"),
        ("app/policies/permissions.rb", "modified", "HIGH", "auth", "'permissions'"),
        # payments and billing: HIGH
        ("src/services/billing/invoice.ts", "modified", "HIGH", "payments", "'billing'"),
        ("app/payments/stripe_client.py", "added", "HIGH", "payments", "'payments'"),
        ("internal/checkout/handler.go", "modified", "HIGH", "payments", "'checkout'"),
        # data layer without content (a manifest): assumed to write, HIGH
        ("app/models/order.rb", "modified", "HIGH", "data_write", "content not available"),
        ("src/main/java/com/acme/OrderRepository.java", "modified", "HIGH", "data_write", "repo"),
        # MEDIUM: routes, middleware, controllers, config, dependencies, lock files, CI, infra
        ("src/routes/orders.js", "modified", "MEDIUM", "api_route", "path segment 'routes'"),
        ("orders/urls.py", "modified", "MEDIUM", "api_route", "file name 'urls.py'"),
        ("src/middleware/rateLimit.ts", "modified", "MEDIUM", "middleware", "'middleware'"),
        ("internal/handlers/orders.go", "modified", "MEDIUM", "controller", "'handlers'"),
        ("app/controllers/orders_controller.rb", "modified", "MEDIUM", "controller", "'contr"),
        ("src/main/resources/application.yml", "modified", "MEDIUM", "config", "applicat"),
        ("config/database.yml", "modified", "MEDIUM", "config", "'config'"),
        ("myproj/settings.py", "modified", "MEDIUM", "config", "file name 'settings.py'"),
        ("go.mod", "modified", "MEDIUM", "dependency", "file name 'go.mod'"),
        ("pom.xml", "modified", "MEDIUM", "dependency", "file name 'pom.xml'"),
        ("Gemfile", "modified", "MEDIUM", "dependency", "file name 'Gemfile'"),
        ("pyproject.toml", "modified", "MEDIUM", "dependency", "'pyproject.toml'"),
        ("go.sum", "modified", "MEDIUM", "lockfile", "file name 'go.sum'"),
        ("yarn.lock", "modified", "MEDIUM", "lockfile", "file name 'yarn.lock'"),
        ("uv.lock", "modified", "MEDIUM", "lockfile", "file name 'uv.lock'"),
        (".github/workflows/deploy.yml", "modified", "MEDIUM", "ci", "'.github/workflows'"),
        ("Dockerfile", "modified", "MEDIUM", "infrastructure", "file name 'Dockerfile'"),
        ("k8s/deployment.yaml", "modified", "MEDIUM", "infrastructure", "'k8s'"),
        ("deploy/helm/api/Chart.yaml", "modified", "MEDIUM", "infrastructure", "'deploy'"),
        ("terraform/rds.tf", "modified", "MEDIUM", "infrastructure", "'terraform'"),
        # fallbacks: new code LOW, changed code MEDIUM, other files LOW
        ("src/lib/slugify.js", "added", "LOW", "new_file", "added src/lib/slugify.js"),
        ("pkg/client/client.go", "modified", "MEDIUM", "source", "modified pkg/client/client.go"),
        ("src/pkg/service.py", "deleted", "MEDIUM", "source", "deleted src/pkg/service.py"),
        ("public/logo.png", "modified", "LOW", "source", "other file"),
        # SQLAlchemy's db/session.py is a database session, not a login session
        ("app/db/session.py", "modified", "MEDIUM", "source", "modified app/db/session.py"),
    ],
)
def test_default_rules_by_path(
    path: str, change: str, level: str, category: str, evidence: str
) -> None:
    got_level, categories, reasons = rate(path, change)
    assert got_level == level
    assert categories[0] == category
    assert evidence in reasons[0]
    assert path in reasons[0] or category in ("new_file", "source")


ALEMBIC_DROP = '''"""drop legacy flag"""
from alembic import op

revision = "b2"
down_revision = "a1"


def upgrade():
    op.drop_column("orders", "legacy_flag")


def downgrade():
    op.add_column("orders", sa.Column("legacy_flag", sa.Boolean()))
'''
ALEMBIC_ADD = '''"""add refresh tokens"""
from alembic import op
import sqlalchemy as sa

revision = "c3"
down_revision = "b2"


def upgrade():
    op.add_column("users", sa.Column("refresh_token_hash", sa.String(64)))


def downgrade():
    op.drop_column("users", "refresh_token_hash")
'''
ALEMBIC_UPDATE = """def upgrade():
    op.add_column("orders", sa.Column("state", sa.String()))
    op.execute("UPDATE orders SET state = 'open' WHERE closed_at IS NULL")
"""
DJANGO_REMOVE = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_order_state")]
    operations = [
        migrations.RemoveField(model_name="order", name="legacy"),
    ]
"""
DJANGO_RUNPYTHON = """from django.db import migrations


def backfill(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    operations = [migrations.RunPython(backfill)]
"""
DJANGO_RUNSQL = """class Migration(migrations.Migration):
    operations = [
        migrations.RunSQL("DELETE FROM orders_order WHERE archived"),
    ]
"""
KNEX_ADD = """exports.up = function (knex) {
  return knex.schema.createTable('refresh_tokens', (t) => {
    t.increments('id');
    t.string('token_hash').notNullable();
  });
};

exports.down = function (knex) {
  return knex.schema.dropTable('refresh_tokens');
};
"""
KNEX_DROP = """exports.up = async (knex) => {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('legacy_session_id');
  });
};

exports.down = async (knex) => {
  await knex.schema.alterTable('users', (t) => t.string('legacy_session_id'));
};
"""
KNEX_RAW = """export async function up(knex) {
  await knex.raw('DELETE FROM sessions WHERE expires_at < now()');
}

export async function down() {}
"""
SEQUELIZE_REMOVE = """module.exports = {
  async up(queryInterface) {
    await queryInterface.removeColumn('Users', 'legacyToken');
  },
  async down(queryInterface, Sequelize) {
    await queryInterface.addColumn('Users', 'legacyToken', Sequelize.STRING);
  },
};
"""
SEQUELIZE_ADD = """module.exports = {
  up: async (queryInterface, Sequelize) => {
    await queryInterface.addColumn('Users', 'plan', Sequelize.STRING);
  },
  down: async (queryInterface) => {
    await queryInterface.removeColumn('Users', 'plan');
  },
};
"""
PRISMA_DROP = """-- AlterTable
ALTER TABLE "User" ADD COLUMN "plan" TEXT;

-- AlterTable
ALTER TABLE "User" DROP COLUMN "legacyToken";
"""
RAILS_REMOVE = """class RemoveLegacyFromOrders < ActiveRecord::Migration[7.1]
  def change
    remove_column :orders, :legacy, :boolean
  end
end
"""
RAILS_UP_DOWN = """class AddPlanToUsers < ActiveRecord::Migration[7.1]
  def up
    add_column :users, :plan, :string
  end

  def down
    remove_column :users, :plan
  end
end
"""
RAILS_EXECUTE = """class BackfillPlans < ActiveRecord::Migration[7.1]
  def up
    execute "UPDATE users SET plan = 'free' WHERE plan IS NULL"
  end
end
"""
FLYWAY_DROP = """ALTER TABLE orders ADD COLUMN state VARCHAR(20);
ALTER TABLE orders DROP legacy_flag;
"""
SQL_ADD = "CREATE TABLE refresh_tokens (id BIGSERIAL PRIMARY KEY);\n"
DJANGO_REVERSIBLE_SQL = """class Migration(migrations.Migration):
    operations = [
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY orders_state ON orders_order (state)",
            reverse_sql="DROP INDEX orders_state",
        ),
        migrations.RunSQL("ALTER TABLE x ADD COLUMN y int", reverse_sql=[
            "ALTER TABLE x DROP COLUMN y",
        ]),
    ]
"""
TYPEORM_ADD = """export class AddPlan1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user" ADD "plan" varchar`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "plan"`);
  }
}
"""
GOOSE_GO = """package migrations

func init() { goose.AddMigration(upAddAudit, downAddAudit) }

func upAddAudit(tx *sql.Tx) error {
	_, err := tx.Exec("CREATE TABLE audit (id int)")
	return err
}

func downAddAudit(tx *sql.Tx) error {
	_, err := tx.Exec("DROP TABLE audit")
	return err
}
"""
LARAVEL_ADD = """<?php
return new class extends Migration
{
    public function up(): void
    {
        Schema::create('refresh_tokens', function (Blueprint $table) {
            $table->id();
        });
    }

    public function down(): void
    {
        Schema::dropIfExists('refresh_tokens');
    }
};
"""
LARAVEL_DROP = """<?php
return new class extends Migration
{
    public function up(): void
    {
        Schema::table('users', function (Blueprint $table) {
            $table->dropColumn('legacy_token');
        });
    }
};
"""
LIQUIBASE_XML_ADD = """<databaseChangeLog>
  <changeSet id="2" author="dev">
    <createTable tableName="refresh_tokens">
      <column name="id" type="bigint"/>
    </createTable>
    <rollback>
      <dropTable tableName="refresh_tokens"/>
    </rollback>
  </changeSet>
</databaseChangeLog>
"""
LIQUIBASE_XML_DROP = """<databaseChangeLog>
  <changeSet id="3" author="dev">
    <dropColumn tableName="users" columnName="legacy_token"/>
  </changeSet>
</databaseChangeLog>
"""
LIQUIBASE_YAML_ADD = """databaseChangeLog:
  - changeSet:
      id: 4
      changes:
        - addColumn:
            tableName: users
            columns:
              - column: {name: plan, type: varchar(20)}
      rollback:
        - dropColumn:
            tableName: users
            columnName: plan
"""
GOOSE = """-- +goose Up
CREATE TABLE audit (id SERIAL);

-- +goose Down
DROP TABLE audit;
"""


@pytest.mark.parametrize(
    ("path", "content", "level", "evidence"),
    [
        # alembic: drop_column in upgrade() is destructive ...
        ("alembic/versions/b2_drop_legacy.py", ALEMBIC_DROP, "HIGH", "'op.drop_column'"),
        # ... but the drop_column of an additive migration's downgrade() is the rollback
        ("alembic/versions/c3_add_refresh.py", ALEMBIC_ADD, "MEDIUM", "no destructive"),
        # a data rewrite through op.execute
        ("migrations/versions/d4_state.py", ALEMBIC_UPDATE, "HIGH", "'UPDATE orders SET'"),
        # Django: RemoveField, RunPython, RunSQL with a DELETE
        ("orders/migrations/0003_remove_legacy.py", DJANGO_REMOVE, "HIGH", "RemoveField"),
        ("orders/migrations/0004_backfill.py", DJANGO_RUNPYTHON, "HIGH", "RunPython"),
        ("orders/migrations/0005_purge.py", DJANGO_RUNSQL, "HIGH", "'DELETE FROM'"),
        # knex: createTable up / dropTable down is additive; dropColumn or raw DELETE up is not
        ("migrations/20240101_refresh_tokens.js", KNEX_ADD, "MEDIUM", "no destructive"),
        ("migrations/20240102_drop_session.js", KNEX_DROP, "HIGH", "'dropColumn' at line 3"),
        ("db/migrations/20240103_purge.mjs", KNEX_RAW, "HIGH", "'DELETE FROM'"),
        # sequelize: removeColumn in up is destructive, in down it is the rollback
        ("migrations/20240104-remove-legacy.js", SEQUELIZE_REMOVE, "HIGH", "'removeColumn('"),
        ("migrations/20240105-add-plan.js", SEQUELIZE_ADD, "MEDIUM", "no destructive"),
        # prisma migration.sql
        ("prisma/migrations/20240106_plan/migration.sql", PRISMA_DROP, "HIGH", "DROP COLUMN'"),
        # rails: reversible change with remove_column, up/down pair, execute "UPDATE"
        ("db/migrate/20240107000000_remove_legacy.rb", RAILS_REMOVE, "HIGH", "remove_column"),
        ("db/migrate/20240108000000_add_plan.rb", RAILS_UP_DOWN, "MEDIUM", "no destructive"),
        ("db/migrate/20240109000000_backfill.rb", RAILS_EXECUTE, "HIGH", "'UPDATE users SET'"),
        # flyway V*__*.sql, MySQL-style ALTER TABLE ... DROP without COLUMN
        (
            "src/main/resources/db/migration/V3__drop_flag.sql",
            FLYWAY_DROP,
            "HIGH",
            "'ALTER TABLE orders DROP'",
        ),
        ("db/migration/V2__refresh_tokens.sql", SQL_ADD, "MEDIUM", "no destructive"),
        # golang-migrate: the .down.sql file is the rollback, not a deploy risk
        ("migrations/000002_audit.down.sql", "DROP TABLE audit;\n", "MEDIUM", "rollback-only"),
        ("migrations/000002_audit.up.sql", "CREATE TABLE audit (id int);\n", "MEDIUM", "no destr"),
        # goose markers: only the Up section counts (SQL files and Go functions)
        ("db/migrations/00003_audit.sql", GOOSE, "MEDIUM", "no destructive"),
        ("db/migrations/00004_audit.go", GOOSE_GO, "MEDIUM", "no destructive"),
        # Django reverse_sql= is the rollback of RunSQL
        ("orders/migrations/0006_index.py", DJANGO_REVERSIBLE_SQL, "MEDIUM", "no destructive"),
        # Laravel: dropIfExists in down() is the rollback, dropColumn in up() is not
        ("database/migrations/2024_01_01_000000_tokens.php", LARAVEL_ADD, "MEDIUM", "no destr"),
        ("database/migrations/2024_01_02_000000_drop.php", LARAVEL_DROP, "HIGH", "'dropColumn'"),
        # liquibase: rollback blocks (XML and YAML) are the rollback
        ("src/main/resources/db/changelog/002-tokens.xml", LIQUIBASE_XML_ADD, "MEDIUM", "no de"),
        ("src/main/resources/db/changelog/003-drop.xml", LIQUIBASE_XML_DROP, "HIGH", "dropColumn"),
        ("db/changelog/db.changelog-004.yaml", LIQUIBASE_YAML_ADD, "MEDIUM", "no destructive"),
        # TypeORM: public async down() is the rollback
        ("src/migrations/1700000000000-AddPlan.ts", TYPEORM_ADD, "MEDIUM", "no destructive"),
    ],
)
def test_migrations_are_judged_by_their_forward_content(
    path: str, content: str, level: str, evidence: str
) -> None:
    got, categories, reasons = rate(path, "added", content)
    assert got == level
    assert categories == (("migration_destructive",) if level == "HIGH" else ("migration",))
    assert evidence in reasons[0]


def test_destructive_reason_names_the_statement_and_line() -> None:
    _, _, reasons = rate("alembic/versions/b2_drop_legacy.py", "added", ALEMBIC_DROP)
    line = line_of(ALEMBIC_DROP, "op.drop_column")
    assert reasons == (f"destructive migration: 'op.drop_column' at line {line}",)
    _, _, reasons = rate("prisma/migrations/x/migration.sql", "added", PRISMA_DROP)
    line = line_of(PRISMA_DROP, "DROP")
    assert reasons == (
        f"""destructive migration: 'ALTER TABLE "User" DROP COLUMN' at line {line}""",
    )


def test_migration_without_content_is_high_and_not_understood() -> None:
    level, _, reasons = rate("db/migrate/20240101000000_x.rb", "added")
    assert level == "HIGH"
    assert "not understood, review by hand (content not available" in reasons[0]


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("db/migrations/0002_x.sql", "INSERT INTO t VALUES ('never closed);"),
        ("app/migrations/0002_x.py", "class Migration(migrations.Migration:\n"),
    ],
)
def test_unparsable_migration_is_high_and_not_understood(path: str, content: str) -> None:
    level, _, reasons = rate(path, "added", content)
    assert level == "HIGH"
    assert "not understood, review by hand" in reasons[0]


def test_goose_file_outside_a_migrations_folder_is_found_by_content() -> None:
    # openfga/openfga keeps goose files under assets/migrations/<engine>/ (embedded in the binary)
    text = "-- +goose Up\nUPDATE tuple SET condition_name = NULL;\n-- +goose Down\n"
    level, _, reasons = rate("assets/migrations/postgres/007_rewrite.sql", "added", text)
    assert level == "HIGH"
    assert "UPDATE tuple SET" in reasons[0]


def test_edited_applied_flyway_migration_is_high() -> None:
    level, _, reasons = rate(
        "src/main/resources/db/migration/V1__init.sql", "modified", "SELECT 1;"
    )
    assert level == "HIGH"
    assert "checksum" in reasons[0]


def test_up_sections_keeps_line_numbers() -> None:
    blanked = up_sections("alembic/versions/c3.py", ALEMBIC_ADD)
    assert blanked.count("\n") == ALEMBIC_ADD.count("\n")
    assert "drop_column" not in blanked
    assert "add_column" in blanked


@pytest.mark.parametrize(
    ("content", "level", "evidence"),
    [
        # a data-layer file that writes is HIGH, with the write operation and its line
        ("class Order(Base):\n    def close(self):\n        self.save()\n", "HIGH", "'.save(' at"),
        ("def purge(db):\n    db.execute('DELETE FROM orders')\n", "HIGH", "'DELETE FROM'"),
        # a read-only data-layer file is existing code changed: MEDIUM
        ("def find(db, id):\n    return db.get(id)\n", "MEDIUM", "existing code changed"),
    ],
)
def test_data_layer_content(content: str, level: str, evidence: str) -> None:
    got, _, reasons = rate("app/models/order.py", "modified", content)
    assert got == level
    assert evidence in reasons[0]


def test_highest_level_wins_and_every_reason_is_kept() -> None:
    level, categories, reasons = rate("src/routes/auth.js")
    assert level == "HIGH"
    assert categories == ("auth", "api_route")
    assert reasons == (
        "auth: path segment 'auth' in src/routes/auth.js",
        "API route: path segment 'routes' in src/routes/auth.js",
    )


def test_unintegrated_new_file_is_low_even_when_it_is_auth() -> None:
    level, categories, reasons = rate("src/utils/jwt.js", "added", integrated=False)
    assert (level, categories) == ("LOW", ("new_file",))
    assert reasons == (
        "new file, not integrated: src/utils/jwt.js is added and nothing calls it yet",
    )
    # integrated (the default), the same file is an auth change
    assert rate("src/utils/jwt.js", "added")[0] == "HIGH"


def test_pure_rename_is_low_and_rename_with_edits_is_judged_as_code() -> None:
    level, _, reasons = rate("src/lib/b.py", "renamed", old_path="src/lib/a.py")
    assert (level, reasons) == (
        "LOW",
        ("pure rename: src/lib/a.py -> src/lib/b.py, no line changed",),
    )
    assert rate("src/lib/b.py", "renamed", old_path="src/lib/a.py", added_lines=3)[0] == "MEDIUM"


def flagged_change(points: tuple[str, ...] = ()) -> ChangeSet:
    return ChangeSet(
        source="manifest",
        feature_flag="FEATURE_X",
        integration_points=points,
        files=(
            ChangedFile("src/middleware/auth.js", "added", added_lines=80, behind_flag=True),
            ChangedFile("docs/AUTH.md", "added", added_lines=10),
        ),
    )


def test_flag_guarded_file_is_zero_but_its_enabled_level_sets_the_overall() -> None:
    risk = classify(flagged_change())
    auth = risk.files[0]
    assert auth.level == "ZERO"
    assert auth.categories == ("flagged_off", "auth", "middleware")
    assert auth.reasons[0] == (
        "behind the feature flag: src/middleware/auth.js only runs when FEATURE_X is on "
        "(OFF at deploy)"
    )
    assert auth.reasons[1] == (
        "when FEATURE_X is on, HIGH: auth: path segment 'auth' in src/middleware/auth.js"
    )
    assert risk.overall == "HIGH"
    assert "HIGH once the flag is on (src/middleware/auth.js)" in risk.complexity_explained


def test_behind_flag_without_a_flag_is_judged_normally() -> None:
    f = ChangedFile("src/middleware/auth.js", "added", behind_flag=True)
    risk, when_on = classify_file(f, DEFAULT_RULES, flag=None)
    assert (risk.level, when_on) == ("HIGH", None)


@pytest.mark.parametrize(
    ("paths", "points", "overall"),
    [
        # docs only: integration points do not raise a change that ships no code
        (("docs/a.md",), ("payment_api",), "ZERO"),
        # one LOW file touching the payment API is at least HIGH
        (("static/logo.svg",), ("payment_api",), "HIGH"),
        # the database raises a LOW change to MEDIUM, never lowers a HIGH one
        (("static/logo.svg",), ("database",), "MEDIUM"),
        (("src/auth/login.py",), ("database",), "HIGH"),
        # cache and email do not raise a LOW change
        (("static/logo.svg",), ("cache", "email"), "LOW"),
    ],
)
def test_overall_is_max_file_level_raised_by_integration_points(
    paths: tuple[str, ...], points: tuple[str, ...], overall: str
) -> None:
    files = tuple(ChangedFile(p, "modified") for p in paths)
    risk = classify(ChangeSet(source="manifest", files=files, integration_points=points))
    assert risk.overall == overall
    if overall == "HIGH" and "payment_api" in points:
        assert "integration point payment_api raises it to at least HIGH" in (
            risk.complexity_explained
        )


def test_complexity_arithmetic() -> None:
    # one docs file of 3 lines: files 5 x ceil(log2(2)) = 5, lines 5 x 1 digit = 5, levels 0
    one = classify(ChangeSet("manifest", (ChangedFile("README.md", "modified", 3, 0),)))
    assert one.complexity == 10
    assert one.complexity_explained.startswith(
        "complexity 10 = files 5 (5 x ceil(log2(1+1)), max 25) + lines 5 (5 x 1 digits of 3, "
        "max 25) + levels 0 (0x1 ZERO + 1x0 LOW + 3x0 MEDIUM + 6x0 HIGH = 0, max 30) + "
        "integration points 0 (5 x 0, max 20)"
    )
    # every component capped: 40 files -> 30 > 25; 44000 lines -> 25; 40 HIGH -> 240 > 30;
    # 5 points -> 25 > 20: 25 + 25 + 30 + 20 = 100
    many = tuple(ChangedFile(f"src/auth/m{i}.py", "modified", 1000, 100) for i in range(40))
    points = ("payment_api", "database", "cache", "email", "queue")
    assert classify(ChangeSet("manifest", many, integration_points=points)).complexity == 100


def test_bundled_sample_manifest() -> None:
    risk = classify(load_manifest(ROOT / "data/sample/change-manifest.yaml"))
    levels = {f.path: f.level for f in risk.files}
    # the levels the manifest's own comments give each group of files
    assert levels == {
        "tests/auth/jwt.test.js": "ZERO",
        "docs/AUTH.md": "ZERO",
        "src/middleware/auth.js": "ZERO",
        "src/utils/jwt.js": "LOW",
        "src/types/auth.d.ts": "LOW",
        "package.json": "MEDIUM",
        "package-lock.json": "MEDIUM",
        "migrations/002_add_refresh_tokens.sql": "MEDIUM",
        "config/auth.js": "HIGH",
        "src/routes/auth.js": "HIGH",
        "src/services/billing/session-limits.js": "HIGH",
        "src/auth/session.js": "HIGH",
    }
    assert risk.overall == "HIGH"
    # 12 files -> 20; 692 lines -> 15; 3 ZERO, 2 LOW, 3 MEDIUM, 4 HIGH = 35 -> 30; 3 points -> 15
    assert risk.complexity == 80


# --- real repositories in conventional layouts -------------------------------------------


def levels_of(repo: Path, base: str) -> dict[str, str]:
    risk = classify(read_git_change(str(repo), base, "HEAD"))
    return {f.path: f.level for f in risk.files}


def test_python_service_with_alembic(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'orders'\n",
            "src/orders/api/routes.py": "router = None\n",
            "src/orders/models.py": "class Order:\n    pass\n",
            "alembic/versions/a1_init.py": "def upgrade():\n    op.create_table('orders')\n",
        },
    )
    base = git(repo, "rev-parse", "HEAD")
    commit(
        repo,
        {
            "alembic/versions/b2_drop_legacy.py": ALEMBIC_DROP,
            "alembic/versions/c3_add_refresh.py": ALEMBIC_ADD,
            "src/orders/models.py": "class Order:\n    def close(self, s):\n        s.add(self)\n",
            "src/orders/api/routes.py": "router = object()\n",
            "tests/test_models.py": "def test_x():\n    pass\n",
            "uv.lock": "version = 1\n",
        },
        "feat: drop legacy flag",
    )
    assert levels_of(repo, base) == {
        "alembic/versions/b2_drop_legacy.py": "HIGH",
        "alembic/versions/c3_add_refresh.py": "MEDIUM",
        "src/orders/models.py": "HIGH",
        "src/orders/api/routes.py": "MEDIUM",
        "tests/test_models.py": "ZERO",
        "uv.lock": "MEDIUM",
    }


def test_node_service_with_knex(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {"package.json": "{}\n", "src/index.js": "require('./routes')\n", "knexfile.js": "{}\n"},
    )
    base = git(repo, "rev-parse", "HEAD")
    commit(
        repo,
        {
            "migrations/20240101_refresh_tokens.js": KNEX_ADD,
            "migrations/20240102_drop_session.js": KNEX_DROP,
            "src/middleware/requestId.js": "module.exports = () => {}\n",
            "src/controllers/orderController.js": "exports.list = () => []\n",
            "src/index.js": "require('./routes'); require('./middleware/requestId')\n",
            "package-lock.json": "{}\n",
            "src/orders.test.js": "test('x', () => {})\n",
        },
        "feat: tokens",
    )
    assert levels_of(repo, base) == {
        "migrations/20240101_refresh_tokens.js": "MEDIUM",
        "migrations/20240102_drop_session.js": "HIGH",
        "src/middleware/requestId.js": "MEDIUM",
        "src/controllers/orderController.js": "MEDIUM",
        "src/index.js": "MEDIUM",
        "package-lock.json": "MEDIUM",
        "src/orders.test.js": "ZERO",
    }


def test_go_service(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {"go.mod": "module example.com/orders\n", "cmd/orders/main.go": "package main\n"},
    )
    base = git(repo, "rev-parse", "HEAD")
    commit(
        repo,
        {
            "internal/handlers/orders.go": "package handlers\n",
            "internal/auth/jwt.go": "package auth\n",
            "internal/store/orders.go": 'package store\nfunc Save() { db.Exec("INSERT INTO o") }\n',
            "internal/store/orders_test.go": "package store\n",
            "go.sum": "example.com/x v1.0.0 h1:abc\n",
            "cmd/orders/main.go": "package main\n\nfunc main() {}\n",
        },
        "feat: orders API",
    )
    assert levels_of(repo, base) == {
        "internal/handlers/orders.go": "MEDIUM",
        "internal/auth/jwt.go": "HIGH",
        "internal/store/orders.go": "HIGH",
        "internal/store/orders_test.go": "ZERO",
        "go.sum": "MEDIUM",
        "cmd/orders/main.go": "MEDIUM",
    }


def test_java_service_with_flyway(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"pom.xml": "<project/>\n"})
    base = git(repo, "rev-parse", "HEAD")
    java = "src/main/java/com/acme/orders"
    commit(
        repo,
        {
            f"{java}/OrderController.java": "class OrderController {}\n",
            f"{java}/PaymentService.java": "class PaymentService {}\n",
            "src/main/resources/application.yml": "server:\n  port: 8080\n",
            "src/main/resources/db/migration/V3__drop_flag.sql": FLYWAY_DROP,
            "src/test/java/com/acme/orders/OrderControllerTest.java": "class T {}\n",
            "pom.xml": "<project><version>2</version></project>\n",
        },
        "feat: payments",
    )
    assert levels_of(repo, base) == {
        f"{java}/OrderController.java": "MEDIUM",
        f"{java}/PaymentService.java": "HIGH",
        "src/main/resources/application.yml": "MEDIUM",
        "src/main/resources/db/migration/V3__drop_flag.sql": "HIGH",
        "src/test/java/com/acme/orders/OrderControllerTest.java": "ZERO",
        "pom.xml": "MEDIUM",
    }


def test_rails_app(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"Gemfile": "source 'https://rubygems.org'\n"})
    base = git(repo, "rev-parse", "HEAD")
    commit(
        repo,
        {
            "app/controllers/sessions_controller.rb": "class SessionsController; end\n",
            "app/models/user.rb": "class User\n  def touch!\n    save!\n  end\nend\n",
            "db/migrate/20240107000000_remove_legacy.rb": RAILS_REMOVE,
            "db/migrate/20240108000000_add_plan.rb": RAILS_UP_DOWN,
            "config/routes.rb": "Rails.application.routes.draw {}\n",
            "Gemfile.lock": "GEM\n",
            "spec/models/user_spec.rb": "describe User\n",
        },
        "feat: sessions",
    )
    assert levels_of(repo, base) == {
        "app/controllers/sessions_controller.rb": "HIGH",
        "app/models/user.rb": "HIGH",
        "db/migrate/20240107000000_remove_legacy.rb": "HIGH",
        "db/migrate/20240108000000_add_plan.rb": "MEDIUM",
        "config/routes.rb": "MEDIUM",
        "Gemfile.lock": "MEDIUM",
        "spec/models/user_spec.rb": "ZERO",
    }


# --- invariants ---------------------------------------------------------------------------

_RANK = {"ZERO": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3}
_segments = st.sampled_from(
    [
        *("src", "app", "internal", "tests", "docs", "auth", "billing", "models", "routes"),
        *("config", "migrations", "db", "handlers", "utils", "types", "k8s", "OrderController"),
        "session",
    ]
)
_names = st.sampled_from(
    [
        *("main.py", "index.ts", "auth.js", "go.mod", "Dockerfile", "README.md", "x.d.ts"),
        *("a.sql", "V2__drop.sql", "logo.png", "user.rb", "test_a.py", "values.yaml"),
        "package-lock.json",
    ]
)
_files = st.lists(
    st.builds(
        lambda dirs, name, kind, n, integrated, content: ChangedFile(
            "/".join([*dirs, name]),
            kind,
            added_lines=n,
            old_path="old/x" if kind == "renamed" else None,
            integrated=integrated,
            content=content,
        ),
        st.lists(_segments, max_size=3),
        _names,
        st.sampled_from(["added", "modified", "deleted", "renamed"]),
        st.integers(0, 5000),
        st.booleans(),
        st.none() | st.sampled_from(["DROP TABLE x;", "x.save()", "print(1)", ""]),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda f: f.path,
)
_points = st.lists(st.sampled_from(["payment_api", "database", "cache", "email"]), unique=True)


@settings(max_examples=200, deadline=None)
@given(_files, _points)
def test_classify_invariants(files: list[ChangedFile], points: list[str]) -> None:
    change = ChangeSet("manifest", tuple(files), integration_points=tuple(points))
    risk = classify(change)
    assert [f.path for f in risk.files] == [f.path for f in files]
    assert all(f.reasons and f.categories for f in risk.files)
    assert all(_RANK[risk.overall] >= _RANK[f.level] for f in risk.files)
    assert 1 <= risk.complexity <= 100
    # the same input gives the same output
    assert classify(change) == risk
    # integration points never lower the overall level
    bare = classify(ChangeSet("manifest", tuple(files)))
    assert _RANK[risk.overall] >= _RANK[bare.overall]


@settings(max_examples=100, deadline=None)
@given(_files)
def test_a_matching_high_policy_rule_never_lowers_a_level(files: list[ChangedFile]) -> None:
    change = ChangeSet("manifest", tuple(files))
    everything = parse_policy(
        {"rules": [{"name": "all", "level": "HIGH", "paths": ["**"], "reason": "all"}]}, "p"
    )
    before = classify(change)
    after = classify(change, everything)
    assert all(a.level == "HIGH" for a in after.files)
    assert all(
        _RANK[a.level] >= _RANK[b.level] for a, b in zip(after.files, before.files, strict=True)
    )


def test_docs_list_every_default_rule_in_order() -> None:
    text = (ROOT / "docs/risk-rules.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| \d+ \| `(\w+)` \| (\w+) \| (\w+) \|", text, re.MULTILINE)
    assert documented == [(r.name, r.level, r.role) for r in DEFAULT_RULES]


def test_docs_dependency_table_equals_the_code() -> None:
    from planner.risk.facts.dependencies import LEVEL

    text = (ROOT / "docs/risk-rules.md").read_text(encoding="utf-8")
    table = text[text.index("| kind | major |") :].split("\n\n", 1)[0].splitlines()
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table]
    assert cells[0][1:] == list(next(iter(LEVEL.values())))
    documented = {row[0]: tuple(row[1:]) for row in cells[2:]}
    assert documented == {kind: tuple(steps.values()) for kind, steps in LEVEL.items()}
