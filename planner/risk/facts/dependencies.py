"""Dependency changes from the changed lines of manifests and lock files.

For each package whose version line the diff adds or removes: the old and new version, the
semver distance (``major``, ``minor``, ``patch``; a ``0.x`` minor step is a minor step: semver
allows it to break, but the build or the tests catch most such API changes) and what the package
is (``security`` libraries such as bcrypt, JWT and OAuth clients; ``database`` ORMs and drivers;
web ``framework`` packages; ``payments`` SDKs; ``dev`` tools such as linters, test runners and
type stubs; else ``runtime``). A crypto or ORM major bump is HIGH, a linter patch LOW
(:data:`LEVEL`).

Which package and version each changed line names: :mod:`planner.risk.facts.package_lines`.
"""

from __future__ import annotations

import re
from typing import cast

from planner.model import Fact, RiskLevel
from planner.risk.facts.evidence import ChangedText
from planner.risk.facts.package_lines import VERSION, changed_packages, file_format

__all__ = ["LEVEL", "dependency_facts", "distance", "package_kind"]

_STEPS = ("major", "minor", "patch", "added", "removed", "downgrade", "unknown")


def _row(levels: str) -> dict[str, RiskLevel]:
    return {
        step: cast(RiskLevel, level) for step, level in zip(_STEPS, levels.split(), strict=True)
    }


# level by package kind (rows) and step (columns: major minor patch added removed downgrade
# unknown); ``docs/risk-rules.md`` shows the same table.
LEVEL: dict[str, dict[str, RiskLevel]] = {
    "security": _row("HIGH MEDIUM LOW HIGH HIGH HIGH MEDIUM"),
    "database": _row("HIGH MEDIUM LOW MEDIUM HIGH HIGH MEDIUM"),
    "framework": _row("HIGH MEDIUM LOW MEDIUM HIGH MEDIUM MEDIUM"),
    "payments": _row("HIGH MEDIUM LOW MEDIUM HIGH MEDIUM MEDIUM"),
    "runtime": _row("MEDIUM LOW LOW MEDIUM MEDIUM MEDIUM LOW"),
    "dev": _row("LOW LOW LOW LOW LOW LOW LOW"),
}

_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "dev",
        re.compile(
            r"(?:^|/)(?:@types/.*|types-.*|eslint.*|@eslint/.*|@typescript-eslint/.*|prettier.*"
            r"|ruff|black|flake8.*|pylint.*|mypy|isort|pytest.*|coverage|hypothesis|tox|nox"
            r"|pre-commit|jest.*|@jest/.*|vitest|mocha|chai|sinon|nyc|husky|lint-staged"
            r"|rubocop.*|rspec.*|simplecov|phpunit|phpstan|psalm|php-cs-fixer|pint|golangci.*"
            r"|junit.*|mockito.*|assertj.*|testcontainers.*|spotbugs.*|checkstyle.*|detekt.*"
            r"|ktlint.*|@testing-library/.*|playwright|@playwright/.*|cypress|storybook.*"
            r"|@storybook/.*|typescript|ts-node|nodemon|webpack.*|vite|babel.*|@babel/.*"
            r"|factory[-_]bot.*|faker|fakerphp/faker|mockery/mockery|debugbar|bullet"
            r"|web-console|byebug|pry.*|ipython|ipdb|django-debug-toolbar|sphinx.*|mkdocs.*)$",
            re.IGNORECASE,
        ),
    ),
    (
        "security",
        re.compile(
            r"bcrypt|argon2|scrypt|passlib|pwdlib|pyjwt|jwt|jose|jsonwebtoken|oauth|oidc|openid"
            r"|authlib|allauth|devise|omniauth|passport|warden|doorkeeper|pundit|cancancan"
            r"|spring-security|spring-boot-starter-security|spring-boot-starter-oauth2|jjwt"
            r"|nimbus|keycloak|cryptography|pyopenssl|openssl|node-forge|crypto|^tink$|crypto\.tink|bouncycastle"
            r"|bcprov|express-session|cookie-session|next-auth|@auth/|lucia|sanctum"
            r"|laravel/passport|laravel/fortify|tymon|firebase/php-jwt|casbin|itsdangerous"
            r"|flask-login|flask-jwt|djangorestframework-simplejwt|django-oauth|rack-attack"
            r"|golang\.org/x/crypto|go-jose|golang-jwt|dgrijalva|ory/|gorilla/sessions|securecookie",
            re.IGNORECASE,
        ),
    ),
    (
        "database",
        re.compile(
            r"sqlalchemy|sqlmodel|alembic|psycopg|asyncpg|pymysql|mysqlclient|mysql|mariadb"
            r"|peewee|tortoise|pony|django-?(?:db|orm)|prisma|typeorm|sequelize|knex|mongoose"
            r"|mongodb|^pg$|pg-promise|mysql2|better-sqlite3|sqlite|drizzle|objection|mikro-orm"
            r"|activerecord|^pg$|sequel|hibernate|jpa|spring-data|spring-boot-starter-data|mybatis"
            r"|jooq|flyway|liquibase|postgresql|h2database|ojdbc|mssql|gorm|pgx|lib/pq"
            r"|go-sql-driver|sqlx|ent|doctrine|illuminate/database|eloquent|redis|ioredis|jedis"
            r"|lettuce|elasticsearch|opensearch|cassandra|dynamo|diesel|sea-orm|rusqlite|tokio-postgres",
            re.IGNORECASE,
        ),
    ),
    (
        "payments",
        re.compile(r"stripe|braintree|adyen|paypal|mollie|square|cashier|checkout-sdk", re.I),
    ),
    (
        "framework",
        re.compile(
            r"^(?:django|flask|fastapi|starlette|uvicorn|gunicorn|celery|pydantic|werkzeug|express"
            r"|koa|fastify|@nestjs/.*|next|nuxt|react|react-dom|vue|@angular/core|rails|railties"
            r"|actionpack|sinatra|puma|sidekiq|laravel/framework|symfony/.*|slim/slim"
            r"|github\.com/gin-gonic/gin|github\.com/labstack/echo|github\.com/gofiber/fiber"
            r"|github\.com/go-chi/chi|google\.golang\.org/grpc|spring-boot.*"
            r"|org\.springframework.*|io\.micronaut.*|io\.quarkus.*|ktor.*|actix-web|axum|tokio"
            r"|rocket)$",
            re.IGNORECASE,
        ),
    ),
)


def package_kind(name: str) -> str:
    """``security``, ``database``, ``payments``, ``framework``, ``dev`` or ``runtime``."""
    for kind, pattern in _KINDS:
        if pattern.search(name):
            return kind
    return "runtime"


def distance(old: str | None, new: str | None) -> str:
    """``added``, ``removed``, ``major``, ``minor``, ``patch``, ``downgrade``, ``same`` or
    ``unknown`` (no number to compare)."""
    if old is None:
        return "added"
    if new is None:
        return "removed"
    a, b = VERSION.search(old), VERSION.search(new)
    if a is None or b is None:
        return "unknown" if old != new else "same"
    va = tuple(int(x or 0) for x in a.groups())
    vb = tuple(int(x or 0) for x in b.groups())
    if va == vb:
        return "same" if old == new else "patch"
    if vb < va:
        return "downgrade"
    if va[0] != vb[0]:
        return "major"
    if va[1] != vb[1]:
        return "minor"
    return "patch"


def dependency_facts(
    path: str,
    name: str,
    added: ChangedText | None,
    removed: ChangedText | None,
    head: str | None,
    base: str | None,
) -> tuple[Fact, ...]:
    """One fact per package whose version the change moves, in order of first appearance.

    Args:
        path: the file's path (for the facts).
        name: its lower-case file name (selects the format).
        added: the added lines; removed: the removed lines.
        head: the file's text at head; base: at base (for the names of lock-file versions).
    """
    fmt = file_format(name)
    if fmt is None:
        return ()
    new = {c.name: c for c in changed_packages(fmt, added, head)}
    old = {c.name: c for c in changed_packages(fmt, removed, base)}
    facts: list[Fact] = []
    for pkg in dict.fromkeys([*new, *old]):
        a, b = old.get(pkg), new.get(pkg)
        ov, nv = (a.version if a else None), (b.version if b else None)
        if a is None:
            step = "added"
        elif b is None:
            step = "removed"
        elif ov is None or nv is None:
            step = "same" if ov == nv else "unknown"
        else:
            step = distance(ov, nv)
        if step == "same":
            continue
        kind = package_kind(pkg)
        level = LEVEL[kind][step]
        line = b.line if b is not None else a.line if a is not None else 0
        shown = f"{ov or 'none'} -> {nv or 'none'}"
        facts.append(
            Fact(
                "dependency",
                "dependency",
                level,
                path,
                (line,),
                pkg,
                f"{shown}, {step}, {kind}",
            )
        )
    return tuple(facts)
