"""Dependency changes from the changed lines of manifests and lock files.

For each package whose version line the diff adds or removes: the old and new version, the
semver distance (``major``, ``minor``, ``patch``; a ``0.x`` minor step is a minor step: semver
allows it to break, but the build or the tests catch most such API changes) and what the package
is (``security`` libraries such as bcrypt, JWT and OAuth clients; ``database`` ORMs and drivers;
web ``framework`` packages; ``payments`` SDKs; ``dev`` tools such as linters, test runners and
type stubs; else ``runtime``). A crypto or ORM major bump is HIGH, a linter patch LOW
(:data:`LEVEL`).

Formats: requirements files, ``pyproject.toml`` (PEP 508 and Poetry), ``Pipfile``,
``package.json``, ``composer.json``, ``go.mod`` (a ``/vN`` module path is the major version),
``Gemfile``, ``*.gemspec``, ``pom.xml`` (the name is the nearest ``artifactId`` above, or the
``<x.version>`` property), ``build.gradle(.kts)``, ``Cargo.toml``, and the lock files
``go.sum``, ``Gemfile.lock``, ``pnpm-lock.yaml``, ``package-lock.json``, ``composer.lock``,
``yarn.lock``, ``poetry.lock``, ``uv.lock``, ``Cargo.lock`` (a version line's package is the
nearest name line above it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from planner.model import Fact, RiskLevel
from planner.risk.evidence import ChangedText

__all__ = ["LEVEL", "DependencyChange", "dependency_facts", "distance", "package_kind"]

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
_VERSION = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")
_GO_MAJOR = re.compile(r"/v(\d+)$")


@dataclass(frozen=True)
class DependencyChange:
    """One package's change: versions ``None`` when the side has none (added or removed)."""

    name: str
    old: str | None
    new: str | None
    line: int  # head line (base line for a removal)


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
    a, b = _VERSION.search(old), _VERSION.search(new)
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
    fmt = _format(name)
    if fmt is None:
        return ()
    new = {c.name: c for c in _changes(fmt, added, head)}
    old = {c.name: c for c in _changes(fmt, removed, base)}
    facts: list[Fact] = []
    for pkg in dict.fromkeys([*new, *old]):
        a, b = old.get(pkg), new.get(pkg)
        ov, nv = (a.old if a else None), (b.new if b else None)
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


def _format(name: str) -> str | None:
    if re.fullmatch(r"requirements.*\.(?:txt|in)|constraints.*\.txt", name):
        return "requirements"
    return {
        "pyproject.toml": "pyproject",
        "pipfile": "pyproject",
        "package.json": "json",
        "composer.json": "json",
        "go.mod": "gomod",
        "go.sum": "gosum",
        "gemfile": "gemfile",
        "gemfile.lock": "gemlock",
        "pom.xml": "pom",
        "build.gradle": "gradle",
        "build.gradle.kts": "gradle",
        "cargo.toml": "cargo",
        "pnpm-lock.yaml": "pnpm",
        "package-lock.json": "named",
        "npm-shrinkwrap.json": "named",
        "composer.lock": "named",
        "yarn.lock": "named",
        "poetry.lock": "named",
        "uv.lock": "named",
        "cargo.lock": "named",
        "pipfile.lock": "named",
    }.get(name) or ("gemfile" if name.endswith(".gemspec") else None)


_REQ = re.compile(
    r"^\s*([A-Za-z0-9][\w.\-]*)(?:\[[^\]]*\])?\s*(?:===?|~=|>=|<=|>|<|!=)\s*([\w.*+!\-]+)"
)
_PEP508 = re.compile(r"^\s*[\"']([A-Za-z0-9][\w.\-]*)(?:\[[^\]]*\])?\s*([^\"';]*)[\"']")
_POETRY = re.compile(
    r"^\s*([A-Za-z0-9][\w.\-]*)\s*=\s*(?:\{[^}]*version\s*=\s*)?[\"'][\^~>=<!\s]*(\d[\w.\-*]*)"
)
_JSON = re.compile(r"^\s*\"(@?[\w.\-]+(?:/[\w.\-]+)?)\"\s*:\s*\"[\^~>=<v\s]*(\d[\w.\-*]*)")
_GOMOD = re.compile(r"^\s*(?:require\s+)?([\w.\-]+\.[\w.\-~]+(?:/[\w.\-~]+)*)\s+(v\d[\w.\-+]*)")
_GOSUM = re.compile(r"^([\w.\-]+\.[\w.\-~]+(?:/[\w.\-~]+)*)\s+(v[\w.\-+]+?)(?:/go\.mod)?\s+h1:")
_GEM = re.compile(
    r"^\s*(?:gem|s?\.?add_(?:runtime_)?dependency)\s*\(?\s*['\"]([\w.\-]+)['\"]"
    r"(?:\s*,\s*['\"][~>=<\s]*(\d[\w.]*)['\"])?"
)
_GEMLOCK = re.compile(r"^    ([\w.\-]+) \((\d[\w.\-]*)\)$")
_GRADLE = re.compile(r"[\"']([\w.\-]+):([\w.\-]+):(\d[\w.\-]*)[\"']")
_GRADLE_PLUGIN = re.compile(
    r"\bid\s*\(?\s*[\"']([\w.\-]+)[\"']\s*\)?\s*version\s*[\"'](\d[\w.\-]*)"
)
_CARGO = re.compile(
    r"^\s*([A-Za-z][\w\-]*)\s*=\s*(?:\"|\{[^}]*version\s*=\s*\")[\^~=<>\s]*(\d[\w.\-]*)\""
)
_PNPM = re.compile(r"^\s+/?(@?[\w.\-]+(?:/[\w.\-]+)?)@(\d[\w.\-]*)(?:\(.*\))?:\s*$")
_POM_VERSION = re.compile(r"<version>\s*([^<\s]+)\s*</version>")
_POM_PROPERTY = re.compile(r"<([\w.\-]+)\.version>\s*([^<\s]+)\s*</")
_POM_ARTIFACT = re.compile(r"<artifactId>\s*([^<\s]+)\s*</artifactId>")
_LOCK_VERSION = re.compile(r"^\s*\"?version\"?\s*[:=]?\s*\"?v?(\d[\w.\-+]*)\"?,?\s*$")
_LOCK_NAME = re.compile(
    r"^\s*(?:name\s*=\s*\"([^\"]+)\""  # poetry, uv, cargo
    r"|\"name\"\s*:\s*\"([^\"]+)\""  # composer.lock
    r"|\"(?:node_modules/)+(@?[^\"]+)\"\s*:\s*\{"  # package-lock v2/v3
    r"|\"?(@?[^@\s\"][^@\s\"]*)@[^\n]*:\s*$)"  # yarn.lock header
)
_SKIP_JSON = frozenset({"version", "node", "npm", "yarn", "pnpm", "php", "engines"})


def _changes(
    fmt: str, changed: ChangedText | None, whole: str | None
) -> Iterator[DependencyChange]:
    if changed is None or not changed.text:
        return
    file_lines = whole.split("\n") if whole is not None else None
    for line, number in zip(changed.text.split("\n"), changed.numbers, strict=False):
        found = _parse(fmt, line, file_lines, number)
        if found is not None:
            name, version = found
            yield DependencyChange(name.lower(), version, version, number)


def _parse(
    fmt: str, line: str, file_lines: list[str] | None, number: int
) -> tuple[str, str | None] | None:
    if fmt == "requirements":
        m = _REQ.match(line)
        if m:
            return m.group(1), m.group(2)
        bare = re.match(r"^\s*([A-Za-z0-9][\w.\-]*)(?:\[[^\]]*\])?\s*(?:#.*)?$", line)
        return (bare.group(1), None) if bare else None
    if fmt == "pyproject":
        m = _PEP508.match(line)
        if m:
            return m.group(1), _lower_bound(m.group(2))
        m = _POETRY.match(line)
        if m and m.group(1).lower() not in ("python", "version", "name", "requires-python"):
            return m.group(1), m.group(2)
        return None
    if fmt == "json":
        m = _JSON.match(line)
        return (m.group(1), m.group(2)) if m and m.group(1) not in _SKIP_JSON else None
    if fmt == "gomod":
        m = _GOMOD.match(line)
        if m is None or line.lstrip().startswith(("module", "go ", "toolchain")):
            return None
        return _go(m.group(1), m.group(2))
    if fmt == "gosum":
        m = _GOSUM.match(line)
        return _go(m.group(1), m.group(2)) if m else None
    if fmt == "gemfile":
        m = _GEM.match(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "gemlock":
        m = _GEMLOCK.match(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "gradle":
        m = _GRADLE.search(line)
        if m:
            return f"{m.group(1)}:{m.group(2)}", m.group(3)
        m = _GRADLE_PLUGIN.search(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "cargo":
        m = _CARGO.match(line)
        return (m.group(1), m.group(2)) if m and m.group(1) not in ("version", "edition") else None
    if fmt == "pnpm":
        m = _PNPM.match(line)
        return (m.group(1), m.group(2)) if m else None
    if fmt == "pom":
        m = _POM_PROPERTY.search(line)
        if m and m.group(1) not in ("java", "maven.compiler", "project.build"):
            return m.group(1), m.group(2)
        m = _POM_VERSION.search(line)
        if m is None or file_lines is None:
            return None
        artifact = _above(file_lines, number, _POM_ARTIFACT)
        return (artifact, m.group(1)) if artifact else None
    if fmt == "named":
        m = _LOCK_VERSION.match(line)
        if m is None or file_lines is None:
            return None
        pkg = _above(file_lines, number, _LOCK_NAME)
        return (pkg, m.group(1)) if pkg else None
    return None


def _above(file_lines: list[str], number: int, pattern: re.Pattern[str]) -> str | None:
    """The first group of ``pattern`` on the nearest line above line ``number`` (1-based)."""
    for i in range(min(number - 1, len(file_lines)) - 1, max(-1, number - 42), -1):
        m = pattern.search(file_lines[i])
        if m:
            return next(g for g in m.groups() if g)
    return None


def _go(module: str, version: str) -> tuple[str, str]:
    m = _GO_MAJOR.search(module)
    return (module[: m.start()], version) if m else (module, version)


def _lower_bound(spec: str) -> str | None:
    for op in ("===", "==", "~=", ">=", ">", "^", "~"):
        i = spec.find(op)
        if i >= 0:
            m = re.match(r"\s*([\w.*+!\-]+)", spec[i + len(op) :])
            if m:
                return m.group(1)
    m = _VERSION.search(spec)
    return m.group(0) if m else None
