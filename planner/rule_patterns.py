"""The path and content vocabulary of the default risk rules.

Path patterns are searched in :func:`normalise_path` of a path (lower case, camelCase split by
``_``), so one word list serves ``src/middleware/auth.js``,
``app/controllers/sessions_controller.rb`` and ``src/main/java/com/acme/AuthController.java``.
A named group ``w`` is the evidence a reason quotes.
"""

from __future__ import annotations

import re

__all__ = [
    "AUTH",
    "CI",
    "CODE",
    "CONFIG",
    "CONTROLLERS",
    "DATA_LAYER",
    "DEPENDENCIES",
    "DOCS",
    "INFRA",
    "LOCKFILES",
    "MIDDLEWARE",
    "PAYMENTS",
    "ROUTES",
    "TESTS",
    "TYPES",
    "WRITE_OPS",
    "normalise_path",
]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def normalise_path(path: str) -> str:
    """Lower-case ``path`` with camelCase words split by ``_`` (``AuthController`` ->
    ``auth_controller``), so one word list serves every language's naming style."""
    return _CAMEL.sub("_", path.replace("\\", "/")).lower()


def _words(*words: str) -> re.Pattern[str]:
    """A path regex matching any of ``words`` as a whole word of the normalised path."""
    return re.compile(r"(?:^|[/_.\-])(?P<w>" + "|".join(words) + r")(?=$|[/_.\-])")


def _dirs(*names: str) -> re.Pattern[str]:
    """A path regex matching a directory named one of ``names``."""
    return re.compile(r"(?:^|/)(?P<w>" + "|".join(names) + r")/")


def _names(*patterns: str) -> re.Pattern[str]:
    """A path regex matching a file name (last segment) against ``patterns``."""
    return re.compile(r"(?:^|/)(?P<w>" + "|".join(patterns) + r")$")


def _any(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One regex matching any of ``patterns``; their ``w`` groups become ``w0``, ``w1``, ..."""
    parts = [p.pattern.replace("(?P<w>", f"(?P<w{i}>") for i, p in enumerate(patterns)]
    return re.compile("|".join(f"(?:{part})" for part in parts))


CODE = re.compile(
    r"\.(?:py|js|jsx|mjs|cjs|ts|tsx|go|java|kt|kts|scala|rb|php|cs|rs|ex|exs|erl|swift|c|cc|cpp|"
    r"h|hpp|sql|sh|vue|svelte|rake|prisma|groovy|clj|dart|lua|pl|pm)$"
)

AUTH = _words(
    "auth",
    "authn",
    "authz",
    "authentication",
    "authenticate",
    "authenticator",
    "authorization",
    "authorize",
    "login",
    "logout",
    "signin",
    r"(?<!db/)(?<!database/)sessions?",  # not SQLAlchemy's db/session.py
    "security",
    "secrets?",
    "tokens?",
    "jwt",
    "jwks",
    "oauth2?",
    "oidc",
    "saml",
    "sso",
    "passwords?",
    "passwd",
    "credentials?",
    "permissions?",
    "rbac",
    "acls?",
    "roles?",
    "mfa",
    "totp",
    "otp",
    "devise",
    "passport",
    "csrf",
)
PAYMENTS = _words(
    "payments?",
    "pay",
    "billing",
    "invoices?",
    "invoicing",
    "checkout",
    "charges?",
    "refunds?",
    "subscriptions?",
    "payouts?",
    "stripe",
    "paypal",
    "braintree",
    "adyen",
    "wallets?",
    "ledgers?",
    "pricing",
)
DATA_LAYER = _any(
    _words(
        "models?",
        "repositor(?:y|ies)",
        "repos?",
        "daos?",
        "dal",
        "entit(?:y|ies)",
        "persistence",
        "orm",
        "stores?",
        "queries",
        "mappers?",
        "crud",
    ),
)
WRITE_OPS = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE\s+[\w.\"`\[\]]+\s+SET|DELETE\s+FROM|UPSERT|MERGE\s+INTO)\b"
    r"|\.(?:save|create|insert|insert_one|insert_many|update|update_one|update_many|"
    r"delete|delete_one|delete_many|destroy|upsert|bulk_create|bulk_update|persist|merge|"
    r"remove|add|commit|put|Exec|ExecContext|executeUpdate|saveAll|deleteAll|"
    r"update_all|delete_all|destroy_all|update_column|update_columns)!?\s*\("
    r"|\b(?:save!|create!|update!|destroy!)|@Modifying\b|\bsession\.(?:add|delete|merge)\b",
    re.IGNORECASE,
)

TESTS = _any(
    _dirs(r"tests?", "__tests__", r"specs?", "e2e", "cypress", "testdata", "testing", "it"),
    _names(
        r"test_[^/]*\.py",
        r"[^/]*_test\.(?:py|go|rb|exs)",
        r"conftest\.py",
        r"[^/]*\.(?:test|spec)\.[cm]?[jt]sx?",
        r"[^/]*(?:Test|Tests|IT)\.(?:java|kt|scala)",
        r"[^/]*_spec\.rb",
    ),
)
DOCS = _any(
    _dirs("docs?", "documentation", "adr", "examples?"),
    _names(
        r"[^/]*\.(?:md|markdown|rst|adoc|txt)",
        r"(?:license|licence|notice|authors|changelog|contributing|codeowners)(?:\.[^/]*)?",
        r"mkdocs\.ya?ml",
    ),
)
TYPES = _any(
    _dirs("types", "typings", "@types", "interfaces"),
    _names(r"[^/]*\.d\.[cm]?ts", r"[^/]*\.pyi", r"py\.typed", r"types?\.(?:ts|py|go)"),
)
ROUTES = _any(
    _dirs(r"routes?", r"routers?", "api", r"endpoints?", "resolvers", "graphql"),
    _names(
        r"routes?\.[a-z]+",
        r"urls\.py",
        r"views\.py",
        r"[^/]*\.proto",
        r"(?:openapi|swagger)[^/]*\.(?:ya?ml|json)",
        r"[^/]*\.graphql",
    ),
)
MIDDLEWARE = _any(
    _dirs("middlewares?", "interceptors?", "filters"),
    _names(r"middlewares?\.[a-z]+", r"[^/]*[_.\-]middleware\.[a-z]+", r"[^/]*_interceptor\.[a-z]+"),
)
CONTROLLERS = _any(
    _dirs(r"controllers?", r"handlers?", r"servlets?"),
    _names(r"[^/]*_(?:controller|handler)s?\.[a-z]+", r"handlers?\.[a-z]+"),
)
DEPENDENCIES = _names(
    r"package\.json",
    r"pyproject\.toml",
    r"setup\.py",
    r"setup\.cfg",
    r"requirements[^/]*\.(?:txt|in)",
    r"pipfile",
    r"go\.mod",
    r"pom\.xml",
    r"build\.gradle(?:\.kts)?",
    r"settings\.gradle(?:\.kts)?",
    r"gemfile",
    r"[^/]*\.gemspec",
    r"cargo\.toml",
    r"composer\.json",
)
LOCKFILES = _names(
    r"package-lock\.json",
    r"npm-shrinkwrap\.json",
    r"yarn\.lock",
    r"pnpm-lock\.yaml",
    r"poetry\.lock",
    r"uv\.lock",
    r"pipfile\.lock",
    r"pdm\.lock",
    r"go\.sum",
    r"gemfile\.lock",
    r"cargo\.lock",
    r"composer\.lock",
    r"gradle\.lockfile",
)
CI = _any(
    re.compile(r"(?:^|/)(?P<w>\.github/workflows|\.circleci|\.buildkite|\.ci|\.gitlab)/"),
    _names(
        r"\.gitlab-ci\.ya?ml",
        r"jenkinsfile",
        r"azure-pipelines\.ya?ml",
        r"\.travis\.ya?ml",
        r"bitbucket-pipelines\.ya?ml",
        r"makefile",
        r"cloudbuild\.ya?ml",
    ),
)
INFRA = _any(
    _dirs(
        "k8s",
        "kubernetes",
        "kube",
        "helm",
        "charts?",
        "terraform",
        "infra",
        "infrastructure",
        "deploy",
        "deployments?",
        "ansible",
        "kustomize",
        "pulumi",
    ),
    _names(
        r"dockerfile[^/]*",
        r"[^/]*\.dockerfile",
        r"(?:docker-)?compose[^/]*\.ya?ml",
        r"[^/]*\.tf",
        r"[^/]*\.tfvars",
        r"chart\.yaml",
        r"values[^/]*\.yaml",
        r"kustomization\.ya?ml",
        r"skaffold\.ya?ml",
        r"serverless\.ya?ml",
        r"procfile",
        r"ecosystem\.config\.[cm]?js",
        r"[^/]*\.service",
        r"app\.ya?ml",
        r"fly\.toml",
    ),
)
CONFIG = _any(
    _dirs("config", "configs", "conf", "settings", "initializers", "environments"),
    _names(
        r"\.env(?:\.[^/]*)?",
        r"[^/]*\.env",
        r"settings\.py",
        r"config\.[a-z]+",
        r"[^/]*\.config\.[cm]?[jt]s",
        r"application[^/]*\.(?:ya?ml|properties)",
        r"bootstrap[^/]*\.(?:ya?ml|properties)",
        r"appsettings[^/]*\.json",
        r"[^/]*\.(?:ini|cfg|conf|properties|toml)",
        r"(?:database|secrets|credentials|storage|cable)\.yml",
    ),
)
