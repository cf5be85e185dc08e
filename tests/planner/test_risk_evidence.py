"""planner.risk evidence: facts from the changed lines, dependency steps, managed upgrades,
advisories, path words in context, and how they weigh on a file's level."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gitrepo import commit, git, make_repo

from planner.change.git import read_git_change
from planner.change.hunks import Hunk
from planner.change.model import ChangedFile
from planner.model import Commit
from planner.risk.classify import classify, classify_file
from planner.risk.defaults import DEFAULT_RULES
from planner.risk.facts.advisories import advisory_facts
from planner.risk.facts.dependencies import dependency_facts, distance, package_kind
from planner.risk.facts.evidence import changed_text, comments_only
from planner.risk.facts.managed import managed_facts
from planner.risk.patterns import AUTH, PathParts


def diff(path: str, before: list[str], after: list[str], change: str = "modified") -> ChangedFile:
    """A file whose whole text is replaced: one hunk removing ``before`` and adding ``after``."""
    hunk = Hunk(1, tuple(before), 1, tuple(after))
    return ChangedFile(
        path,
        change,  # type: ignore[arg-type]
        content="\n".join(after),
        base_content="\n".join(before) if change != "added" else None,
        hunks=(hunk,),
    )


@pytest.mark.parametrize(
    ("old", "new", "step"),
    [
        ("1.4.52", "2.0.30", "major"),
        ("4.18.2", "4.19.0", "minor"),
        ("8.57.0", "8.57.1", "patch"),
        ("0.14.0", "0.15.0", "minor"),  # before 1.0 a minor step may break; still a minor
        ("2.0.0", "1.9.9", "downgrade"),
        ("v4.5.0", "v5.2.1", "major"),  # Go's v prefix
        ("14", "16", "major"),
        (None, "1.0", "added"),
        ("1.0", None, "removed"),
        ("latest", "next", "unknown"),
    ],
)
def test_semver_distance(old: str | None, new: str | None, step: str) -> None:
    assert distance(old, new) == step


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("bcrypt", "security"),
        ("pyjwt", "security"),
        ("spring-boot-starter-security", "security"),
        ("github.com/golang-jwt/jwt", "security"),
        ("sqlalchemy", "database"),
        ("@prisma/client", "database"),
        ("gorm.io/gorm", "database"),
        ("django", "framework"),
        ("stripe", "payments"),
        ("eslint", "dev"),
        ("@types/node", "dev"),
        ("pytest-cov", "dev"),
        ("left-pad", "runtime"),
    ],
)
def test_package_kind(name: str, kind: str) -> None:
    assert package_kind(name) == kind


@pytest.mark.parametrize(
    ("path", "before", "after", "expected"),
    [
        # requirements: an ORM major is HIGH, a linter patch LOW
        (
            "requirements.txt",
            ["SQLAlchemy==1.4.52", "ruff==0.4.1"],
            ["SQLAlchemy==2.0.30", "ruff==0.4.2"],
            {"sqlalchemy": ("HIGH", "major"), "ruff": ("LOW", "patch")},
        ),
        # pyproject PEP 508: the lower bound is the version (fastapi-template's pins)
        (
            "pyproject.toml",
            ['    "fastapi[standard]<1.0.0,>=0.114.2",'],
            ['    "fastapi[standard]<1.0.0,>=0.115.0",'],
            {"fastapi": ("MEDIUM", "minor")},  # a framework's 0.x minor step
        ),
        # package.json: payments SDK major HIGH, dev tool LOW
        (
            "package.json",
            ['    "stripe": "^12.18.0",', '    "prettier": "3.2.4"'],
            ['    "stripe": "^14.10.0",', '    "prettier": "3.2.5"'],
            {"stripe": ("HIGH", "major"), "prettier": ("LOW", "patch")},
        ),
        # go.mod: the /v5 module path is the same package, a major step
        (
            "go.mod",
            ["\tgithub.com/golang-jwt/jwt/v4 v4.5.0"],
            ["\tgithub.com/golang-jwt/jwt/v5 v5.2.1"],
            {"github.com/golang-jwt/jwt": ("HIGH", "major")},
        ),
        # Gemfile.lock spec lines
        (
            "Gemfile.lock",
            ["    devise (4.9.3)"],
            ["    devise (4.9.4)"],
            {"devise": ("LOW", "patch")},
        ),
        # build.gradle coordinates
        (
            "build.gradle",
            ["    implementation 'io.jsonwebtoken:jjwt-api:0.11.5'"],
            ["    implementation 'io.jsonwebtoken:jjwt-api:0.12.3'"],
            {"io.jsonwebtoken:jjwt-api": ("MEDIUM", "minor")},
        ),
        # a new crypto library is HIGH, a removed one HIGH
        (
            "requirements.txt",
            ["passlib[bcrypt]==1.7.4"],
            ["pwdlib[argon2]==0.2.1"],
            {"pwdlib": ("HIGH", "added"), "passlib": ("HIGH", "removed")},
        ),
    ],
)
def test_dependency_changes_by_distance_and_kind(
    path: str, before: list[str], after: list[str], expected: dict[str, tuple[str, str]]
) -> None:
    f = diff(path, before, after)
    facts = dependency_facts(
        path, path.lower(), changed_text(f), changed_text(f, "removed"), f.content, f.base_content
    )
    got = {x.text: (x.level, x.detail.split(", ")[1]) for x in facts}
    assert got == expected


def test_lock_file_versions_take_the_name_above() -> None:
    # poetry.lock/uv.lock: the version line changes, the name line above it does not
    before = ['name = "cryptography"', 'version = "41.0.7"', "", 'name = "idna"', 'version = "3.6"']
    after = ['name = "cryptography"', 'version = "42.0.5"', "", 'name = "idna"', 'version = "3.7"']
    f = ChangedFile(
        "uv.lock",
        "modified",
        content="\n".join(after),
        base_content="\n".join(before),
        hunks=(
            Hunk(2, ('version = "41.0.7"',), 2, ('version = "42.0.5"',)),
            Hunk(5, ('version = "3.6"',), 5, ('version = "3.7"',)),
        ),
    )
    facts = dependency_facts(
        "uv.lock", "uv.lock", changed_text(f), changed_text(f, "removed"), f.content, f.base_content
    )
    assert [(x.text, x.level, x.lines) for x in facts] == [
        ("cryptography", "HIGH", (2,)),
        ("idna", "LOW", (5,)),
    ]


@pytest.mark.parametrize(
    ("path", "before", "after", "kind", "level"),
    [
        (
            "infra/rds.tf",
            ['resource "aws_db_instance" "main" {', '  engine_version = "14.10"', "}"],
            ['resource "aws_db_instance" "main" {', '  engine_version = "16.3"', "}"],
            "managed_upgrade",
            "HIGH",
        ),
        (
            "infra/cache.tf",
            ['resource "aws_elasticache_replication_group" "c" {', '  engine_version = "7.0"', "}"],
            ['resource "aws_elasticache_replication_group" "c" {', '  engine_version = "7.1"', "}"],
            "managed_upgrade",
            "MEDIUM",
        ),
        (
            "infra/rds.tf",
            ['resource "aws_db_instance" "main" {', "  deletion_protection = true", "}"],
            ['resource "aws_db_instance" "main" {', "  deletion_protection = false", "}"],
            "data_protection_off",
            "HIGH",
        ),
        (
            "k8s/db.yaml",
            ["      - image: postgres:14.11"],
            ["      - image: postgres:16.2"],
            "managed_upgrade",
            "HIGH",
        ),
    ],
)
def test_managed_upgrades(
    path: str, before: list[str], after: list[str], kind: str, level: str
) -> None:
    f = diff(path, before, after)
    name = path.rsplit("/", 1)[-1]
    facts = managed_facts(
        path, name, changed_text(f), changed_text(f, "removed"), f.content, f.base_content
    )
    assert [(x.kind, x.level) for x in facts] == [(kind, level)]
    assert facts[0].lines == (2,) if path.endswith(".tf") else (1,)


def test_an_app_version_tag_is_not_a_managed_upgrade() -> None:
    f = diff(
        "k8s/app.yaml", ["  image: ghcr.io/acme/api:1.2.0"], ["  image: ghcr.io/acme/api:2.0.0"]
    )
    assert managed_facts("k8s/app.yaml", "app.yaml", changed_text(f), None, None, None) == ()


def test_advisories_in_commit_subjects() -> None:
    facts = advisory_facts(
        (
            Commit("a" * 40, "fix: escape names (CVE-2024-21234, GHSA-jfh8-c2jp-5v3q)"),
            Commit("b" * 40, "chore: bump eslint"),
            Commit("c" * 40, "Fix SQL injection in search"),
        )
    )
    assert [(f.path, f.text) for f in facts] == [
        (f"commit {'a' * 12}", "CVE-2024-21234, GHSA-JFH8-C2JP-5V3Q"),
        (f"commit {'c' * 12}", "SQL injection"),
    ]


@pytest.mark.parametrize(
    ("path", "word"),
    [
        ("app/controllers/sessions_controller.rb", "sessions"),
        ("config/initializers/session_store.rb", "session"),
        ("internal/tokens/refresh.go", "tokens"),
        ("src/auth/jwt.ts", "auth"),
        ("src/main/java/io/spring/api/security/WebSecurityConfig.java", "security"),
        # no qualifying neighbour, or a veto word: not auth by the path
        ("app/models/security.rb", None),
        ("src/analytics/sessions/aggregate.ts", None),
        ("internal/bigtable/consistency_token.go", None),
        ("posthog/session_recordings/api.py", None),
        ("app/models/securities_importer.rb", None),  # a word, never a substring
        ("design/tokens/colors.ts", None),
    ],
)
def test_ambiguous_path_words_need_context(path: str, word: str | None) -> None:
    found = AUTH.find(PathParts.of(path))
    assert (found[1] if found else None) == word


def test_write_far_from_the_edit_is_not_evidence(tmp_path: Path) -> None:
    model = "class Order:\n    def total(self):\n        return 1\n" + "\n" * 30
    model += "    def close(self, s):\n        s.add(self)\n"
    repo = make_repo(tmp_path, {"app/models/order.py": model})
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, {"app/models/order.py": model.replace("return 1", "return 2")}, "total")
    risk = classify(read_git_change(str(repo), base, "HEAD"))
    (f,) = risk.files
    # the diff touches a read: existing code changed, not a data write
    assert (f.level, f.categories) == ("MEDIUM", ("source",))
    commit(repo, {"app/models/order.py": model.replace("s.add(self)", "s.merge(self)")}, "w")
    (f,) = classify(read_git_change(str(repo), base, "HEAD")).files
    assert f.level == "HIGH"
    assert f.reasons[0].endswith(f"'.merge(' at line {model.count(chr(10)) - 0}")


def test_comment_only_change_is_low_and_deleting_code_is_not() -> None:
    f = diff("src/auth/login.py", ["def login(u):"], ["# Signs in.", "def login(u):"])
    f = ChangedFile(
        f.path,
        "modified",
        content=f.content,
        base_content=f.base_content,
        hunks=(Hunk(0, (), 1, ("# Signs in.",)),),
    )
    risk, _ = classify_file(f, DEFAULT_RULES)
    assert (risk.level, risk.categories) == ("LOW", ("comments_only",))
    assert "only comments or blank lines change in src/auth/login.py (lines 1): LOW" in risk.reasons
    assert comments_only(changed_text(f), changed_text(f, "removed"))
    gone = ChangedFile("src/auth/login.py", "modified", hunks=(Hunk(3, ("    check(u)",), 2, ()),))
    assert classify_file(gone, DEFAULT_RULES)[0].level == "HIGH"


def test_facts_raise_a_file_and_cite_its_lines() -> None:
    f = diff(
        "config/settings/base.py",
        ['PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]'],
        ['PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]'],
    )
    risk, _ = classify_file(f, DEFAULT_RULES)
    assert risk.level == "HIGH"
    assert "password hashing: 'PASSWORD_HASHERS' at config/settings/base.py:1" in risk.reasons
    kinds = {x.kind: x.detail for x in risk.facts}
    assert kinds["hash_upgrade"] == "argon2 newly used (pbkdf2 before)"


def test_a_removed_authorization_check_is_its_own_fact() -> None:
    f = diff(
        "app/controllers/reports_controller.rb",
        ["class ReportsController", "  before_action :require_admin", "end"],
        ["class ReportsController", "end"],
    )
    risk, _ = classify_file(f, DEFAULT_RULES)
    assert [x.kind for x in risk.facts] == ["authz_removed"]
    assert risk.facts[0].lines == (2,)  # the base line it was on
    assert risk.level == "HIGH"


def test_a_flagged_file_counts_its_facts_once_the_flag_is_on() -> None:
    f = ChangedFile(
        "src/lib/issue.ts",
        "added",
        content="export const t = jwt.sign(p, key, { algorithm: 'RS256' });\n",
        behind_flag=True,
    )
    risk, when_on = classify_file(f, DEFAULT_RULES, flag="NEW_TOKENS")
    assert (risk.level, when_on) == ("ZERO", "HIGH")
    assert any(r.startswith("when NEW_TOKENS is on, HIGH: JWT:") for r in risk.reasons)


def test_a_change_inside_an_auth_function_is_auth(tmp_path: Path) -> None:
    # fastapi/full-stack-fastapi-template 14728b6: only the expiry line of
    # create_access_token changes; git names the function after the hunk's @@
    before = (
        "import jwt\n\n\ndef create_access_token(subject, expires_delta):\n"
        "    expire = datetime.now(timezone.utc) + expires_delta\n"
        "    return jwt.encode({'exp': expire, 'sub': subject}, KEY)\n"
    )
    repo = make_repo(tmp_path, {"backend/app/core/security.py": before})
    base = git(repo, "rev-parse", "HEAD")
    after = before.replace("timezone.utc", "UTC")
    commit(repo, {"backend/app/core/security.py": after}, "py3.14")
    (f,) = classify(read_git_change(str(repo), base, "HEAD")).files
    assert f.level == "HIGH"
    assert (
        "change inside an auth function: 'create_access_token' at backend/app/core/security.py:5"
        in (f.reasons)
    )


def test_templates_and_generated_code_give_no_facts() -> None:
    for path in ("app/views/oauth/show.html.erb", "frontend/src/client/types.gen.ts"):
        f = diff(path, ["a"], ["<%= client_secret %> redirect_uri is_superuser"])
        assert classify_file(f, DEFAULT_RULES)[0].facts == ()


@pytest.mark.parametrize(
    ("path", "level"),
    [
        # laravel/laravel .env.example: a template people copy, not the service's settings
        (".env.example", "ZERO"),
        # the real .env: a session driver change signs users out
        (".env", "HIGH"),
    ],
)
def test_example_settings_are_docs(path: str, level: str) -> None:
    f = diff(path, ["SESSION_DRIVER=file"], ["SESSION_DRIVER=database"])
    assert classify_file(f, DEFAULT_RULES)[0].level == level


def test_a_change_inside_an_auth_method_is_auth(tmp_path: Path) -> None:
    # spring-boot-realworld-example-app's token service shape: the method is indented in its
    # class; git's java and python function finders (given by the planner) name it after @@
    java = (
        "public class DefaultCodec {\n"
        "  public Optional<String> validateToken(String token) {\n"
        "    try {\n"
        "      return Optional.of(parse(token));\n"
        "    } catch (Exception e) {\n"
        "      return Optional.empty();\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    path = "src/main/java/io/spring/infrastructure/service/DefaultCodec.java"
    repo = make_repo(
        tmp_path,
        {
            path: java,
            "app/views.py": "class V:\n    def login(self, r):\n        a = 1\n        return a\n",
        },
    )
    base = git(repo, "rev-parse", "HEAD")
    commit(
        repo,
        {
            path: java.replace("Optional.empty()", "Optional.ofNullable(null)"),
            "app/views.py": "class V:\n    def login(self, r):\n        a = 2\n        return a\n",
        },
        "edit",
    )
    files = {f.path: f for f in classify(read_git_change(str(repo), base, "HEAD")).files}
    assert (
        "change inside an auth function: 'login' at app/views.py:3" in files["app/views.py"].reasons
    )
    # git's default finder would have named "public class DefaultCodec {" here
    assert f"change inside an auth function: 'validateToken' at {path}:6" in files[path].reasons


def test_a_policy_rule_before_the_flag_keeps_its_own_label() -> None:
    from planner.risk.classify import effective_rules
    from planner.risk.policy import parse_policy

    policy = parse_policy(
        {"rules": [{"name": "legacy", "level": "LOW", "paths": ["src/**"], "reason": "old"}]}, "p"
    )
    f = ChangedFile("src/lib/issue.ts", "added", content="x = 1\n", behind_flag=True)
    risk, _ = classify_file(f, effective_rules(policy), flag="F")
    assert risk.reasons[0].startswith("legacy: old; policy path matches src/lib/issue.ts")
    assert risk.reasons[1].startswith("behind the feature flag: ")
    assert risk.level == "LOW"  # the policy's LOW and the flag's ZERO: highest wins


def test_a_change_inside_a_js_auth_function_is_auth(tmp_path: Path) -> None:
    # node-express-realworld-example-app style middleware: an arrow function bound to a name;
    # git has no JS driver, the planner gives it one
    ts = (
        "export const authenticateToken = (req: Request, res: Response, next: Next) => {\n"
        "  if (!req.headers.authorization) return res.sendStatus(401);\n"
        "  next();\n"
        "};\n"
    )
    repo = make_repo(tmp_path, {"src/middleware/guards.ts": ts})
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, {"src/middleware/guards.ts": ts.replace("401", "403")}, "status")
    (f,) = classify(read_git_change(str(repo), base, "HEAD")).files
    assert f.level == "HIGH"
    assert (
        "change inside an auth function: 'authenticateToken' at src/middleware/guards.ts:2"
        in f.reasons
    )
