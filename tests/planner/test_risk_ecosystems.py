"""Risk levels, reasons, failure modes and rollback hazards of real-shaped changes per ecosystem.

Each row is a small git repository whose head commit makes the kind of change a public
repository made (named in the row's comment), read through real ``git`` (so the evidence comes
from the diff's hunks), classified and planned. The expected level, reason, failure mode and
hazard of each row were judged by hand from what the change does, not read off the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support.gitrepo import commit, git, make_repo

from planner.change import read_git_change
from planner.plan import build_plan
from planner.risk import classify


@dataclass(frozen=True)
class Row:
    """One change: files before, files after (None deletes), the commit message, and what a
    release engineer expects: ``levels`` path -> (level, reason substring or "" for any);
    ``not_reason`` path -> a substring no reason may contain; ``mode``/``hazard`` substrings of
    a failure mode scenario / rollback hazard (``""`` for no check); ``no_mode`` a substring no
    failure mode may contain."""

    before: dict[str, str]
    after: dict[str, str | None]
    levels: dict[str, tuple[str, str]]
    message: str = "change"
    not_reason: dict[str, str] = field(default_factory=dict)
    mode: str = ""
    hazard: str = ""
    no_mode: str = ""
    overall: str = ""


DJANGO_SETTINGS = """from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = False
# https://docs.djangoproject.com/en/dev/ref/settings/#password-hashers
PASSWORD_HASHERS = [
{hashers}
]
AUTH_USER_MODEL = "users.User"
LANGUAGE_CODE = "en-us"
"""
PBKDF2_FIRST = """    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher","""
ARGON2_FIRST = """    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher","""

FASTAPI_SECURITY_BEFORE = """from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from passlib.context import CryptContext

from app.core.config import settings

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")


ALGORITHM = "HS256"


def verify_password(plain_password: str, hashed_password: str) -> bool:
    return pwd_context.verify(plain_password, hashed_password)


def get_password_hash(password: str) -> str:
    return pwd_context.hash(password)
"""
FASTAPI_SECURITY_AFTER = """from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from app.core.config import settings

password_hash = PasswordHash(
    (
        Argon2Hasher(),
        BcryptHasher(),
    )
)


ALGORITHM = "HS256"


def verify_password(
    plain_password: str, hashed_password: str
) -> tuple[bool, str | None]:
    return password_hash.verify_and_update(plain_password, hashed_password)


def get_password_hash(password: str) -> str:
    return password_hash.hash(password)
"""
FASTAPI_PYPROJECT = """[project]
name = "app"
version = "0.1.0"
dependencies = [
    "fastapi[standard]<1.0.0,>=0.114.2",
{auth}    "sqlmodel<1.0.0,>=0.0.21",
    "pyjwt<3.0.0,>=2.8.0",
]
"""
FASTAPI_ROUTE = """from fastapi import APIRouter, Depends

from app.api.deps import get_current_active_superuser

router = APIRouter(prefix="/users", tags=["users"])


@router.get(
    "/",
{guard}    response_model=UsersPublic,
)
def read_users(session: SessionDep, skip: int = 0, limit: int = 100) -> Any:
    return crud.list_users(session, skip, limit)
"""
FLASK_DECORATORS_AFTER = """import hmac
from functools import wraps

from flask import abort, current_app, request


def require_api_key(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        sent = request.headers.get("X-API-Key", "")
        if not hmac.compare_digest(sent, current_app.config["API_KEY"]):
            abort(401)
        return view(*args, **kwargs)

    return wrapped
"""
RAILS_SECURITY_BEFORE = """class Security < ApplicationRecord
  has_many :trades, dependent: :nullify
  has_many :prices, dependent: :destroy

  def current_price
    prices.order(date: :desc).first
  end
end
"""
RAILS_SECURITY_AFTER = """class Security < ApplicationRecord
  has_many :trades, dependent: :nullify
  has_many :prices, dependent: :destroy

  def current_price
    prices.order(date: :desc).first || Security::Price.new(security: self)
  end
end
"""
RAILS_AUTH_CONCERN = """module Authentication
  extend ActiveSupport::Concern

  included do
    before_action :set_request_details
{guard}  end
end
"""
RAILS_USER_BEFORE = """class User < ApplicationRecord
  validates :email, presence: true

  def authenticate(candidate)
    password == candidate ? self : false
  end
end
"""
RAILS_USER_AFTER = """class User < ApplicationRecord
  has_secure_password
  validates :email, presence: true
end
"""
SPRING_SECURITY = """package io.spring.api.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.password.{encoder_import};
import org.springframework.security.crypto.password.PasswordEncoder;

@Configuration
public class WebSecurityConfig {{
  @Bean
  public PasswordEncoder passwordEncoder() {{
    return {encoder};
  }}
}}
"""
SPRING_REPOSITORY = """package io.spring.infrastructure.repository;

import io.spring.core.user.User;
import org.springframework.stereotype.Repository;

@Repository
public class MyBatisUserRepository {{
  private final UserMapper userMapper;

  public Optional<User> findById(String id) {{
    return Optional.ofNullable(userMapper.findById(id){extra});
  }}
}}
"""
KOTLIN_CONTROLLER = """package io.realworld.web

import org.springframework.security.access.prepost.PreAuthorize
import org.springframework.web.bind.annotation.*

@RestController
class TagHandler(val tagRepository: TagRepository) {{
{guard}    @DeleteMapping("/api/tags/{{name}}")
    fun delete(@PathVariable name: String) = tagRepository.deleteByName(name)
}}
"""
GO_MOD = """module github.com/gothinkster/golang-gin-realworld-example-app

go 1.21

require (
	github.com/gin-gonic/gin v1.9.1
	{jwt}
	gorm.io/gorm v1.25.5
)
"""
GO_WORKER_AFTER = """package orders

import "sync"

type Batcher struct {
	mu      sync.Mutex
	pending []Order
}

func (b *Batcher) Flush(send func([]Order)) {
	b.mu.Lock()
	batch := b.pending
	b.pending = nil
	b.mu.Unlock()
	go func() { send(batch) }()
}
"""
NODE_PACKAGE = """{{
  "name": "conduit",
  "version": "1.0.0",
  "dependencies": {{
    "express": "^4.18.2",
    "stripe": "{stripe}"
  }},
  "devDependencies": {{
    "eslint": "{eslint}"
  }}
}}
"""
NODE_TOKEN_AFTER = """import jwt from 'jsonwebtoken';

export function issue(user: { id: string }): string {
  return jwt.sign({ sub: user.id }, process.env.JWT_PRIVATE_KEY!, { algorithm: 'RS256' });
}
"""
NODE_ANALYTICS_BEFORE = """export function aggregate(sessions: Visit[]): number {
  return sessions.length;
}
"""
NODE_ANALYTICS_AFTER = """export function aggregate(sessions: Visit[]): number {
  return new Set(sessions.map((s) => s.visitorId)).size;
}
"""
LARAVEL_HASHING = """<?php

return [
    'driver' => '{driver}',
    'bcrypt' => [
        'rounds' => env('BCRYPT_ROUNDS', 12),
    ],
];
"""
LARAVEL_ROUTES = """<?php

use Illuminate\\Support\\Facades\\Route;

Route::get('/user', function (Request $request) {{
    return $request->user();
}}){guard};
"""
LARAVEL_API_KEY = """<?php

namespace App\\Http\\Middleware;

class AuthenticateApiKey
{{
    public function handle($request, Closure $next)
    {{
        $key = $request->header('X-Api-Key');
        $client = Client::where({lookup})->first();
        abort_if($client === null, 401);
        return $next($request);
    }}
}}
"""
TERRAFORM_RDS = """resource "aws_db_instance" "main" {{
  identifier                  = "orders"
  engine                      = "postgres"
  engine_version              = "{version}"
  instance_class              = "db.t4g.medium"
  allow_major_version_upgrade = true
  skip_final_snapshot         = false
}}
"""
HELM_CHART = """apiVersion: v2
name: app
version: 1.4.0
dependencies:
  - name: postgresql
    version: {version}
    repository: https://charts.bitnami.com/bitnami
"""
K8S_REDIS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: redis-cart
spec:
  template:
    spec:
      containers:
        - name: redis
          image: redis:{tag}
          ports:
            - containerPort: 6379
"""
TS_GUARD_BEFORE = """export function canEdit(user: User, doc: Doc): boolean {
  return true;
}
"""
TS_GUARD_AFTER = """export function canEdit(user: User, doc: Doc): boolean {
  return user.id === doc.ownerId || hasPermission(user, 'doc:edit');
}
"""
GO_TOKEN = """package bigtable

// ConsistencyToken waits until replication caught up.
func ConsistencyToken(ctx context.Context, table string) (string, error) {{
	return client.GenerateConsistencyToken(ctx, table{extra})
}}
"""

ROWS: dict[str, Row] = {
    # Django: cookiecutter/cookiecutter-django config/settings/base.py lists PASSWORD_HASHERS;
    # putting Argon2 first makes Django re-hash every password at the next sign-in.
    "django_argon2_first": Row(
        {"config/settings/base.py": DJANGO_SETTINGS.format(hashers=PBKDF2_FIRST)},
        {"config/settings/base.py": DJANGO_SETTINGS.format(hashers=ARGON2_FIRST)},
        {"config/settings/base.py": ("HIGH", "password hashing: 'Argon2PasswordHasher'")},
        mode="Password hashing moves to a new algorithm",
        hazard="cannot be verified by the previous version",
    ),
    # FastAPI: fastapi/full-stack-fastapi-template 730c6e9e (passlib bcrypt -> pwdlib Argon2
    # with verify_and_update re-hashing at login; passlib and bcrypt dropped, pwdlib added).
    "fastapi_pwdlib": Row(
        {
            "backend/app/core/security.py": FASTAPI_SECURITY_BEFORE,
            "backend/pyproject.toml": FASTAPI_PYPROJECT.format(
                auth='    "passlib[bcrypt]<2.0.0,>=1.7.4",\n    "bcrypt==4.3.0",\n'
            ),
        },
        {
            "backend/app/core/security.py": FASTAPI_SECURITY_AFTER,
            "backend/pyproject.toml": FASTAPI_PYPROJECT.format(
                auth='    "pwdlib[argon2,bcrypt]>=0.3.0",\n'
            ),
        },
        {
            "backend/app/core/security.py": ("HIGH", "password re-hash on login"),
            "backend/pyproject.toml": ("HIGH", "passlib"),
        },
        mode="Passwords are re-hashed at sign-in",
        hazard="locked out",
    ),
    # FastAPI: the same template's routes/users.py guards the listing with
    # dependencies=[Depends(get_current_active_superuser)]; dropping it opens the route.
    "fastapi_guard_removed": Row(
        {
            "backend/app/api/routes/users.py": FASTAPI_ROUTE.format(
                guard="    dependencies=[Depends(get_current_active_superuser)],\n"
            )
        },
        {"backend/app/api/routes/users.py": FASTAPI_ROUTE.format(guard="")},
        {"backend/app/api/routes/users.py": ("HIGH", "authorization check removed")},
        mode="check is removed",
    ),
    # Flask: miguelgrinberg/microblog app/api/auth.py guards the API with a token decorator; an
    # API-key decorator in a file with no auth word in its path is still authentication.
    "flask_api_key_decorator": Row(
        {"app/api/decorators.py": "from functools import wraps\n"},
        {"app/api/decorators.py": FLASK_DECORATORS_AFTER},
        {"app/api/decorators.py": ("HIGH", "authentication/authorization check")},
        mode="authentication or authorization check changes",
    ),
    # Rails: maybe-finance/maybe app/models/security.rb is a stock, not a login;
    # app/jobs/security_health_check_job.rb checks stock data; config/locales are translations;
    # app/controllers/concerns/authentication.rb is the real authentication.
    "rails_securities_and_auth": Row(
        {
            "app/models/security.rb": RAILS_SECURITY_BEFORE,
            "app/jobs/security_health_check_job.rb": "class SecurityHealthCheckJob\nend\n",
            "config/locales/views/sessions/en.yml": "en:\n  sessions:\n    new:\n      t: Hi\n",
            "app/controllers/concerns/authentication.rb": RAILS_AUTH_CONCERN.format(guard=""),
        },
        {
            "app/models/security.rb": RAILS_SECURITY_AFTER,
            "app/jobs/security_health_check_job.rb": (
                "class SecurityHealthCheckJob\n  def perform\n    Security::HealthChecker"
                ".check_all\n  end\nend\n"
            ),
            "config/locales/views/sessions/en.yml": "en:\n  sessions:\n    new:\n      t: Hello\n",
            "app/controllers/concerns/authentication.rb": RAILS_AUTH_CONCERN.format(
                guard="    before_action :authenticate_user!\n"
            ),
        },
        {
            "app/models/security.rb": ("MEDIUM", ""),
            "app/jobs/security_health_check_job.rb": ("MEDIUM", ""),
            "config/locales/views/sessions/en.yml": ("LOW", "translation"),
            "app/controllers/concerns/authentication.rb": ("HIGH", ":authenticate_user"),
        },
        not_reason={
            "app/models/security.rb": "auth:",
            "app/jobs/security_health_check_job.rb": "auth:",
            "config/locales/views/sessions/en.yml": "auth",
        },
    ),
    # Rails: a plaintext password compare replaced by has_secure_password (bcrypt), as the
    # Rails guides' authentication generator does: stored passwords change format one way.
    "rails_plaintext_to_bcrypt": Row(
        {"app/models/user.rb": RAILS_USER_BEFORE, "Gemfile": 'gem "rails", "~> 7.1.0"\n'},
        {
            "app/models/user.rb": RAILS_USER_AFTER,
            "Gemfile": 'gem "rails", "~> 7.1.0"\ngem "bcrypt", "~> 3.1.7"\n',
        },
        {
            "app/models/user.rb": ("HIGH", "has_secure_password"),
            "Gemfile": ("HIGH", "bcrypt"),
        },
        hazard="locked out",
    ),
    # Spring (Java): gothinkster/spring-boot-realworld-example-app WebSecurityConfig returns the
    # PasswordEncoder; its io.spring.infrastructure package is the persistence layer, not
    # deployment infrastructure.
    "spring_encoder_and_infrastructure_package": Row(
        {
            "src/main/java/io/spring/api/security/WebSecurityConfig.java": SPRING_SECURITY.format(
                encoder_import="NoOpPasswordEncoder", encoder="NoOpPasswordEncoder.getInstance()"
            ),
            "src/main/java/io/spring/infrastructure/repository/MyBatisUserRepository.java": (
                SPRING_REPOSITORY.format(extra="")
            ),
        },
        {
            "src/main/java/io/spring/api/security/WebSecurityConfig.java": SPRING_SECURITY.format(
                encoder_import="BCryptPasswordEncoder", encoder="new BCryptPasswordEncoder()"
            ),
            "src/main/java/io/spring/infrastructure/repository/MyBatisUserRepository.java": (
                SPRING_REPOSITORY.format(extra=".orElse(null)")
            ),
        },
        {
            "src/main/java/io/spring/api/security/WebSecurityConfig.java": (
                "HIGH",
                "BCryptPasswordEncoder",
            ),
            "src/main/java/io/spring/infrastructure/repository/MyBatisUserRepository.java": (
                "MEDIUM",
                "",
            ),
        },
        not_reason={
            "src/main/java/io/spring/infrastructure/repository/MyBatisUserRepository.java": (
                "infrastructure: path"
            )
        },
        hazard="cannot be verified by the previous version",
        no_mode="pods do not become ready",
    ),
    # Spring (Kotlin): gothinkster/kotlin-spring-realworld-example-app handlers; removing a
    # @PreAuthorize leaves the endpoint open.
    "kotlin_preauthorize_removed": Row(
        {
            "src/main/kotlin/io/realworld/web/TagHandler.kt": KOTLIN_CONTROLLER.format(
                guard="    @PreAuthorize(\"hasRole('ADMIN')\")\n"
            )
        },
        {"src/main/kotlin/io/realworld/web/TagHandler.kt": KOTLIN_CONTROLLER.format(guard="")},
        {"src/main/kotlin/io/realworld/web/TagHandler.kt": ("HIGH", "@PreAuthorize")},
        mode="check is removed",
    ),
    # Go: gothinkster/golang-gin-realworld-example-app signs tokens with a JWT library; moving
    # golang-jwt from v4 to v5 is a major bump of a security package (module path /v5).
    "go_jwt_major": Row(
        {"go.mod": GO_MOD.format(jwt="github.com/golang-jwt/jwt/v4 v4.5.0")},
        {"go.mod": GO_MOD.format(jwt="github.com/golang-jwt/jwt/v5 v5.2.1")},
        {"go.mod": ("HIGH", "github.com/golang-jwt/jwt")},
        mode="v4.5.0 -> v5.2.1",
    ),
    # Go: a batcher with a mutex and a goroutine (the shape of many Go services' internal/
    # packages): concurrency, not auth, MEDIUM.
    "go_concurrency": Row(
        {"internal/orders/batcher.go": "package orders\n"},
        {"internal/orders/batcher.go": GO_WORKER_AFTER},
        {"internal/orders/batcher.go": ("MEDIUM", "concurrency")},
        mode="Locking or concurrency changes",
    ),
    # Node (TS): gothinkster/node-express-realworld-example-app signs JWTs with jsonwebtoken;
    # switching to RS256 in a file whose path says nothing about auth.
    "node_jwt_algorithm": Row(
        {"src/lib/issue.ts": "export function issue() {}\n"},
        {"src/lib/issue.ts": NODE_TOKEN_AFTER},
        {"src/lib/issue.ts": ("HIGH", "JWT")},
        mode="Token signing or validation changes",
    ),
    # Node: plausible/analytics keeps visit "sessions" under its analytics code: not logins.
    "node_analytics_sessions": Row(
        {"src/analytics/sessions/aggregate.ts": NODE_ANALYTICS_BEFORE},
        {"src/analytics/sessions/aggregate.ts": NODE_ANALYTICS_AFTER},
        {"src/analytics/sessions/aggregate.ts": ("MEDIUM", "existing code changed")},
        not_reason={"src/analytics/sessions/aggregate.ts": "auth:"},
    ),
    # Node: a payments SDK major (stripe 12 -> 14) is HIGH ...
    "node_stripe_major": Row(
        {"package.json": NODE_PACKAGE.format(stripe="^12.18.0", eslint="8.57.0")},
        {"package.json": NODE_PACKAGE.format(stripe="^14.10.0", eslint="8.57.0")},
        {"package.json": ("HIGH", "stripe")},
        mode="Dependency",
    ),
    # ... a linter patch is LOW (dependabot's most common pull request).
    "node_eslint_patch": Row(
        {"package.json": NODE_PACKAGE.format(stripe="^14.10.0", eslint="8.57.0")},
        {"package.json": NODE_PACKAGE.format(stripe="^14.10.0", eslint="8.57.1")},
        {"package.json": ("LOW", "eslint")},
    ),
    # Laravel: laravel/laravel config/hashing.php 'driver' => 'bcrypt'; Argon2id with Laravel's
    # rehash-on-login is the same one-way upgrade.
    "laravel_argon2id": Row(
        {"config/hashing.php": LARAVEL_HASHING.format(driver="bcrypt")},
        {"config/hashing.php": LARAVEL_HASHING.format(driver="argon2id")},
        {"config/hashing.php": ("HIGH", "password hashing")},
        hazard="cannot be verified by the previous version",
    ),
    # Laravel: routes/api.php of laravel/laravel guards /user with ->middleware('auth:sanctum').
    "laravel_route_guard_removed": Row(
        {"routes/api.php": LARAVEL_ROUTES.format(guard="->middleware('auth:sanctum')")},
        {"routes/api.php": LARAVEL_ROUTES.format(guard="")},
        {"routes/api.php": ("HIGH", "authorization check removed")},
        mode="check is removed",
    ),
    # Laravel: API keys looked up by their SHA-256 hash instead of the plaintext (as Sanctum
    # stores personal access tokens): the old code cannot read the new column.
    "laravel_api_keys_hashed": Row(
        {
            "app/Http/Middleware/AuthenticateApiKey.php": LARAVEL_API_KEY.format(
                lookup="'api_key', $key"
            )
        },
        {
            "app/Http/Middleware/AuthenticateApiKey.php": LARAVEL_API_KEY.format(
                lookup="'api_key_hash', hash('sha256', $key)"
            )
        },
        {"app/Http/Middleware/AuthenticateApiKey.php": ("HIGH", "secret stored hashed")},
        hazard="stored hashed",
    ),
    # Terraform: terraform-aws-modules/terraform-aws-rds examples pin engine_version; 14 -> 16
    # is a managed major upgrade with no downgrade.
    "terraform_rds_major": Row(
        {"infra/rds.tf": TERRAFORM_RDS.format(version="14.10")},
        {"infra/rds.tf": TERRAFORM_RDS.format(version="16.3")},
        {"infra/rds.tf": ("HIGH", "engine_version")},
        mode="no downgrade path",
        hazard="cannot be downgraded in place",
    ),
    # Helm: charts depending on bitnami/postgresql (e.g. sentry-kubernetes/charts); a chart
    # major moves the database major.
    "helm_postgresql_major": Row(
        {"deploy/helm/app/Chart.yaml": HELM_CHART.format(version="12.12.10")},
        {"deploy/helm/app/Chart.yaml": HELM_CHART.format(version="15.5.0")},
        {"deploy/helm/app/Chart.yaml": ("HIGH", "postgresql")},
        hazard="cannot be downgraded in place",
    ),
    # Kubernetes: GoogleCloudPlatform/microservices-demo kubernetes-manifests/redis.yaml runs
    # redis-cart from a redis image; 6 -> 7 rewrites its data files.
    "k8s_redis_major": Row(
        {"kubernetes-manifests/redis.yaml": K8S_REDIS.format(tag="6.2-alpine")},
        {"kubernetes-manifests/redis.yaml": K8S_REDIS.format(tag="7.2-alpine")},
        {"kubernetes-manifests/redis.yaml": ("HIGH", "redis")},
        mode="no downgrade path",
    ),
    # A CVE fix in an authorization check kept under src/types/ (the issue's LOW "type
    # declarations"): the check is code, and a rollback re-opens the CVE.
    "cve_fix_in_types_folder": Row(
        {"src/types/guards.ts": TS_GUARD_BEFORE},
        {"src/types/guards.ts": TS_GUARD_AFTER},
        {"src/types/guards.ts": ("HIGH", "hasPermission")},
        message="fix(auth): check document ownership (CVE-2024-21234)",
        hazard="re-opens `CVE-2024-21234`",
        overall="HIGH",
    ),
    # A Bigtable-style consistency token (googleapis client libraries) is not an auth token.
    "go_consistency_token": Row(
        {"internal/bigtable/consistency_token.go": GO_TOKEN.format(extra="")},
        {"internal/bigtable/consistency_token.go": GO_TOKEN.format(extra=", opts...")},
        {"internal/bigtable/consistency_token.go": ("MEDIUM", "existing code changed")},
        not_reason={"internal/bigtable/consistency_token.go": "auth:"},
    ),
    # Rails: a unique index added over data that may hold duplicates (the shape of
    # maybe-finance/maybe db/migrate/*_add_indexes_*.rb): the migration stays MEDIUM (additive),
    # but the mode and the hazard name the duplicates.
    "rails_unique_index": Row(
        {"db/migrate/20240101000000_create_users.rb": "class CreateUsers\nend\n"},
        {
            "db/migrate/20240301000000_add_unique_email.rb": (
                "class AddUniqueEmail < ActiveRecord::Migration[7.1]\n  def change\n"
                "    add_index :users, :email, unique: true\n  end\nend\n"
            )
        },
        {"db/migrate/20240301000000_add_unique_email.rb": ("MEDIUM", "additive migration")},
        mode="fails on existing duplicate rows",
        hazard="rejects the duplicates the previous version writes",
    ),
    # Today's cases: docs and tests only stay ZERO; a comment-only edit under auth/ is LOW.
    "docs_tests_and_comment_only": Row(
        {
            "README.md": "# app\n",
            "tests/test_login.py": "def test_x():\n    pass\n",
            "src/auth/login.py": "def login(user):\n    return check(user)\n",
        },
        {
            "README.md": "# app\n\nHow to sign in.\n",
            "tests/test_login.py": "def test_x():\n    assert True\n",
            "src/auth/login.py": "# Signs the user in.\ndef login(user):\n    return check(user)\n",
        },
        {
            "README.md": ("ZERO", "docs"),
            "tests/test_login.py": ("ZERO", "test"),
            "src/auth/login.py": ("LOW", "comments"),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_real_shaped_change(name: str, tmp_path: Path) -> None:
    row = ROWS[name]
    repo = make_repo(tmp_path, row.before)
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, row.after, row.message)
    change = read_git_change(str(repo), base, "HEAD")
    risk = classify(change)
    files = {f.path: f for f in risk.files}
    for path, (level, reason) in row.levels.items():
        got = files[path]
        assert got.level == level, (path, got.level, got.reasons)
        assert any(reason in r for r in got.reasons), (path, got.reasons)
        # every reason cites the file
        assert all(path in r or "commit" in r for r in got.reasons if not r.startswith("when ")), (
            got.reasons
        )
    for path, text in row.not_reason.items():
        assert not any(text in r for r in files[path].reasons), (path, files[path].reasons)
    if row.overall:
        assert risk.overall == row.overall, risk.complexity_explained
    plan = build_plan(change, risk)
    scenarios = [m.scenario for m in plan.failure_modes]
    if row.mode:
        specific = [m for m in plan.failure_modes if row.mode in m.scenario]
        assert specific, scenarios
        assert not specific[0].generic and specific[0].evidence and specific[0].detection
    if row.no_mode:
        assert not any(
            row.no_mode in m.trigger or row.no_mode in m.scenario for m in plan.failure_modes
        )
    if row.hazard:
        effects = [h.effect for h in plan.rollback.hazards]
        assert any(row.hazard in e for e in effects), effects
