"""`devops-planner plan` end to end on real throwaway repositories, and its bad-input contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.gitrepo import commit, git, make_repo
from support.paths import ROOT

from planner.cli import main


def plan_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "plan.json"
    assert main(["plan", *args, "--format", "json", "-o", str(out)]) == 0
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def steps(data: dict[str, Any], level: int) -> list[str]:
    return [s["command"] for s in data["rollback"]["levels"][level - 1]["steps"] if s["command"]]


def levels(data: dict[str, Any]) -> dict[str, str]:
    return {f["path"]: f["level"] for f in data["risk"]["files"]}


def alembic(rev: str, down: str | None, body: str) -> str:
    parent = "None" if down is None else repr(down)
    return (
        f'"""{rev}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
        f"revision = {rev!r}\ndown_revision = {parent}\n\n\ndef upgrade():\n    {body}\n"
    )


def python_service(tmp_path: Path) -> tuple[Path, list[str]]:
    repo = make_repo(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'billing'\n",
            "uv.lock": "version = 1\n",
            "alembic.ini": "[alembic]\nscript_location = migrations\n",
            "migrations/versions/a1_init.py": alembic("a1", None, "op.create_table('invoices')"),
            "src/billing/api/routes.py": "ROUTES = []\n",
            "src/billing/models.py": "class Invoice: ...\n",
            "config/settings.yaml": "retries: 3\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    shas = [
        commit(
            repo,
            {
                "migrations/versions/b2_discount.py": alembic(
                    "b2", "a1", "op.add_column('invoices', sa.Column('discount', sa.Integer()))"
                ),
                "src/billing/models.py": "class Invoice:\n    discount = 0\n",
            },
            "feat: invoice discount column",
        ),
        commit(
            repo,
            {
                "src/billing/api/routes.py": "ROUTES = ['/discounts']\n",
                "config/settings.yaml": "retries: 5\n",
                "tests/test_discount.py": "def test_x():\n    assert True\n",
            },
            "feat: discount route",
        ),
    ]
    return repo, shas


def test_python_service_with_alembic(tmp_path: Path) -> None:
    repo, shas = python_service(tmp_path)
    data = plan_json(tmp_path, "--repo", str(repo), "--base", "main", "--head", "feature")
    assert [c["sha"] for c in data["change"]["commits"]] == shas
    assert steps(data, 3)[:3] == [
        "alembic downgrade a1",  # while the migration file still exists
        "alembic current",
        f"git revert --no-edit {shas[1]} {shas[0]}",  # newest first
    ]
    db = data["rollback"]["database"]
    assert (db["tool"], db["target"], db["destructive"]) == ("alembic", "a1", False)
    # pytest because the suite's test files are bare pytest functions (no pytest config here)
    assert "uv run pytest  # from tests/test_discount.py" in steps(data, 3)
    base = git(repo, "rev-parse", "main")
    assert steps(data, 2)[0] == f"git checkout {base} -- config/settings.yaml"
    assert levels(data)["tests/test_discount.py"] == "ZERO"
    assert data["risk"]["overall"] in ("MEDIUM", "HIGH")
    assert not data["rollback"]["levels"][0]["applicable"]  # no flag anywhere
    assert data["rollback"]["files"]["delete"] == [
        "migrations/versions/b2_discount.py",
        "tests/test_discount.py",
    ]


def node_service(tmp_path: Path) -> tuple[Path, str]:
    repo = make_repo(
        tmp_path,
        {
            "package.json": '{"name": "web", "scripts": {"test": "jest"}}\n',
            "package-lock.json": "{}\n",
            "knexfile.js": "module.exports = {client: 'pg'};\n",
            "migrations/20240101000000_init.js": (
                "exports.up = (knex) => knex.schema.createTable('users');\n"
            ),
            "src/middleware/auth.js": "module.exports = (req, res, next) => next();\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    sha = commit(
        repo,
        {
            "migrations/20240301000000_drop_legacy.js": (
                "exports.up = (knex) => knex.schema.dropTable('legacy_sessions');\n"
                "exports.down = () => {};\n"
            ),
            "src/middleware/auth.js": (
                "module.exports = (req, res, next) => req.user ? next() : res.sendStatus(401);\n"
            ),
        },
        "feat: drop legacy sessions, require a user",
    )
    return repo, sha


def test_node_service_with_knex_and_a_destructive_migration(tmp_path: Path) -> None:
    repo, sha = node_service(tmp_path)
    profile = tmp_path / "service.yaml"
    profile.write_text("service: web\nplatform: pm2\nprocess: web-api\n")
    data = plan_json(
        tmp_path,
        "--repo",
        str(repo),
        "--base",
        "main",
        "--head",
        "feature",
        "--service",
        str(profile),
    )
    assert levels(data)["src/middleware/auth.js"] == "HIGH"
    assert levels(data)["migrations/20240301000000_drop_legacy.js"] == "HIGH"
    db = data["rollback"]["database"]
    assert (db["tool"], db["destructive"], db["tables"]) == ("knex", True, ["legacy_sessions"])
    # the dropTable never runs in Stage 1 while the old code is live: it runs after Full
    [held] = db["deferred"]
    assert (held["files"], held["when"]) == (
        ["migrations/20240301000000_drop_legacy.js"],
        "after_full",
    )
    assert 'CREATE TABLE rollback_backup."legacy_sessions__' in db["backup"]["command"]
    assert [c["command"] for c in held["commands"]][-1] == "npx knex migrate:latest"
    assert db["backup"]["command"] not in data["stages"][0]["commands"]
    assert not any("knex" in c for c in data["stages"][0]["commands"])
    assert any("After the bake" in d for d in data["stages"][4]["deploy"])
    # Level 3 never restores a backup: nothing ran in the database during the rollout
    assert not any("pg_restore" in c or "rollback_backup" in c for c in steps(data, 3))
    assert db["restore"] is None and db["recovery"]["steps"]
    assert f"git revert --no-edit {sha}" in steps(data, 3)
    assert "npm test  # from package.json:1" in steps(data, 3)
    assert "pm2 reload web-api --update-env" in steps(data, 3)
    assert any(
        m["severity"] == "CRITICAL" and "Destructive migration" in m["scenario"]
        for m in data["failure_modes"]
    )


def test_go_service_on_systemd_markdown(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "go.mod": "module example.com/orders\n",
            "main.go": "package main\n",
            "internal/handlers/orders.go": "package handlers\n",
        },
    )
    git(repo, "checkout", "-q", "-b", "feature")
    sha = commit(
        repo,
        {
            "internal/handlers/orders.go": "package handlers\n\nfunc List() {}\n",
            "docs/orders.md": "# orders\n",
        },
        "feat: list orders",
    )
    profile = tmp_path / "service.yaml"
    profile.write_text("service: orders\nplatform: systemd\n")
    out = tmp_path / "plan.md"
    assert (
        main(
            [
                "plan",
                "--repo",
                str(repo),
                "--base",
                "main",
                "--head",
                "feature",
                "--service",
                str(profile),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    md = out.read_text()
    assert f"git revert --no-edit {sha}" in md
    assert "go test ./..." in md and "go build ./..." in md
    assert "sudo systemctl restart orders" in md
    assert "**Database Rollback:** not needed (no migration in this change)" in md
    assert "**Not applicable:** No feature flag" in md


def test_stdout_without_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--manifest", str(ROOT / "data/sample/change-manifest.yaml")]) == 0
    assert capsys.readouterr().out.startswith(
        "# Deployment and Rollback Plan: User authentication (JWT)\n"
    )


def test_python_dash_m_planner_works() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "planner",
            "plan",
            "--manifest",
            str(ROOT / "data/sample/change-manifest.yaml"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["change"]["feature_flag"] == "FEATURE_AUTH_JWT_ENABLED"


def bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    repo, _ = python_service(tmp_path)
    (tmp_path / "plain").mkdir()
    types = tmp_path / "types.yaml"
    types.write_text("feature: x\nfiles: [{path: a.py, change: added, added_lines: many}]\n")
    kind = tmp_path / "kind.yaml"
    kind.write_text("feature: x\nfiles: [{path: a.py, change: copied}]\n")
    policy = tmp_path / "policy.yaml"
    policy.write_text("rules: [{name: r, level: HIGH, paths: ['src/[']}]\n")
    profile = tmp_path / "profile.yaml"
    profile.write_text("platform: nomad\n")
    manifest = str(ROOT / "data/sample/change-manifest.yaml")
    r = str(repo)
    return {
        "not a repository": (
            ["--repo", str(tmp_path / "plain"), "--base", "HEAD"],
            "not a git repository",
        ),
        "unknown ref": (["--repo", r, "--base", "nope", "--head", "feature"], "nope"),
        "empty range": (["--repo", r, "--base", "feature", "--head", "feature"], "empty range"),
        "manifest types": (["--manifest", str(types)], "added_lines"),
        "unknown change kind": (["--manifest", str(kind)], "copied"),
        "unreadable manifest": (["--manifest", str(tmp_path / "missing.yaml")], "missing.yaml"),
        "bad policy pattern": (["--manifest", manifest, "--policy", str(policy)], "policy.yaml"),
        "bad profile": (["--manifest", manifest, "--service", str(profile)], "platform: 'nomad'"),
        "manifest and range": (["--manifest", manifest, "--base", "main"], "cannot be combined"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "not a repository",
        "unknown ref",
        "empty range",
        "manifest types",
        "unknown change kind",
        "unreadable manifest",
        "bad policy pattern",
        "bad profile",
        "manifest and range",
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    args, needle = bad_inputs(tmp_path)[case]
    out = tmp_path / "out" / "plan.md"
    assert main(["plan", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("devops-planner: error: ") and needle in err, err
    assert "Traceback" not in err
    assert not out.exists()
