"""The path and content vocabulary of the default risk rules.

A path is split once (:class:`PathParts`): lower case, camelCase words split by ``_``
(``AuthController`` -> ``auth_controller``), so one vocabulary serves
``src/middleware/auth.js``, ``app/controllers/sessions_controller.rb`` and
``src/main/java/com/acme/AuthController.java``. A :class:`PathPattern` then matches by set
look-ups on the words and folders, and one short regex on the file name, so 10,000 files are
rated in a fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "AUTH",
    "AUTH_WORDS",
    "CI",
    "CODE_EXTENSIONS",
    "CONFIG",
    "CONTROLLERS",
    "DATA_LAYER",
    "DECLARATIONS",
    "DEPENDENCIES",
    "DOCS",
    "FIXTURES",
    "INFRA",
    "LOCKFILES",
    "MIDDLEWARE",
    "MIGRATION_METADATA",
    "PAYMENTS",
    "ROUTES",
    "TESTS",
    "TRANSLATIONS",
    "TYPES",
    "WRITE_OPS",
    "ContentPattern",
    "Keyworded",
    "PathParts",
    "PathPattern",
    "normalise_path",
]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[/_.\-]+")


def normalise_path(path: str) -> str:
    """Lower-case ``path`` with camelCase words split by ``_`` (``AuthController`` ->
    ``auth_controller``), so one word list serves every language's naming style."""
    return _CAMEL.sub("_", path.replace("\\", "/")).lower()


class ContentPattern(Protocol):
    """What a content rule needs: ``search(text)`` like :meth:`re.Pattern.search`."""

    def search(self, text: str, /) -> re.Match[str] | None: ...


@dataclass(frozen=True)
class Keyworded:
    """A content regex guarded by keywords: the regex only runs on a text whose lower-cased form
    contains one of ``keywords`` (a C-speed substring scan), since every match contains one."""

    regex: re.Pattern[str]
    keywords: tuple[str, ...]

    def search(self, text: str, /) -> re.Match[str] | None:
        low = text.lower()
        if not any(k in low for k in self.keywords):
            return None
        return self.regex.search(text)


@dataclass(frozen=True)
class PathParts:
    """A path split once for every rule: ``norm`` (normalised), its folders, file name, words."""

    path: str
    norm: str
    dirs: tuple[str, ...]
    name: str
    words: tuple[str, ...]
    dir_set: frozenset[str]
    word_set: frozenset[str]
    slashed_dirs: str  # "/a/b/" for folder runs
    code: bool = False  # application source (CODE_EXTENSIONS, not shell scripts or SQL)

    @classmethod
    def of(cls, path: str) -> PathParts:
        norm = normalise_path(path)
        *dirs, name = norm.split("/")
        words = tuple(w for w in _SPLIT.split(norm) if w)
        slashed = "/" + "".join(d + "/" for d in dirs)
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        code = ext in CODE_EXTENSIONS and ext not in ("sh", "sql")
        return cls(
            path, norm, tuple(dirs), name, words, frozenset(dirs), frozenset(words), slashed, code
        )


@dataclass(frozen=True)
class PathPattern:
    """Matches a path by any word, any folder, a folder sequence or the file name.

    Attributes:
        words: any word of the normalised path (split on ``/ _ . -``).
        dirs: any folder name.
        dir_paths: a run of folders, e.g. ``.github/workflows``.
        name: a regex the whole (normalised) file name must match.
        not_after: words that do not count right after the given word (``db`` ``session``).
        not_name: a regex on the file name that vetoes the whole pattern.
        qualified: words that count only next to one of ``qualifiers`` when there are any
            (``sessions`` in ``sessions_controller``, ``token`` in ``refresh_token``), and never
            in a path holding one of ``veto`` (``analytics/sessions``, ``consistency_token``).
        code_dirs: folders also match source-code files (False: only other files, so a Java
            package named ``infrastructure`` is not deployment infrastructure).
    """

    words: frozenset[str] = frozenset()
    dirs: frozenset[str] = frozenset()
    dir_paths: tuple[str, ...] = ()
    name: re.Pattern[str] | None = None
    not_after: frozenset[str] = field(default_factory=frozenset)
    not_name: re.Pattern[str] | None = None
    qualified: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()
    veto: frozenset[str] = frozenset()
    code_dirs: bool = True

    def find(self, p: PathParts) -> tuple[str, str] | None:
        """``(kind, evidence)`` of the first match, folders first, then words, then the file
        name: ``("path segment", "auth")``, ``("file name", "Gemfile")``; else ``None``."""
        if self.not_name is not None and self.not_name.fullmatch(p.name):
            return None
        if (self.code_dirs or not p.code) and not self.dirs.isdisjoint(p.dir_set):
            return "path segment", next(d for d in p.dirs if d in self.dirs)
        for run in self.dir_paths:
            if f"/{run}/" in p.slashed_dirs:
                return "path segment", run
        if not self.words.isdisjoint(p.word_set):
            vetoed = not self.veto.isdisjoint(p.word_set)
            words = p.words
            for i, w in enumerate(words):
                prev = words[i - 1] if i else ""
                if w not in self.words or prev in self.not_after:
                    continue
                if w in self.qualified:
                    if vetoed:
                        continue
                    after = words[i + 1] if i + 1 < len(words) else ""
                    if self.qualifiers and not ({prev, after} & self.qualifiers):
                        continue
                return "path segment", w
        if self.name is not None and self.name.fullmatch(p.name):
            return "file name", p.path.rsplit("/", 1)[-1]
        return None


def _re(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


def _plural(*words: str) -> frozenset[str]:
    return frozenset(words) | {w + "s" for w in words}


CODE_EXTENSIONS = (
    frozenset({"py", "pyx", "js", "jsx", "mjs", "cjs", "ts", "tsx", "vue", "svelte", "go", "java"})
    | {"kt", "kts", "scala", "groovy", "clj", "rb", "rake", "php", "cs", "rs", "ex", "exs", "erl"}
    | {"swift", "dart", "c", "cc", "cpp", "h", "hpp", "sql", "sh", "prisma", "lua", "pl", "pm"}
)

# Path words that are authentication whatever surrounds them ...
_AUTH_STRONG = (
    _plural("password", "credential", "permission", "acl", "authenticator")
    | {"auth", "authn", "authz", "authentication", "authenticate", "authorization", "authorize"}
    | {"login", "logout", "signin", "jwt", "jwks", "oauth", "oauth2", "oidc", "saml", "sso"}
    | {"passwd", "rbac", "mfa", "totp", "otp", "devise", "passport", "csrf"}
)
# ... and words that are only next to one of _AUTH_NEXT (sessions_controller, refresh_token,
# security_config, user_roles, secret_manager); elsewhere (maybe-finance/maybe's stock
# Security model, plausible/analytics' visit sessions, a consistency token, Ansible roles) the
# changed lines must show authentication code (rule ``auth_word``).
AUTH_WORDS = _plural("session", "token", "role", "secret") | {"security"}
_AUTH_NEXT = (
    _plural("controller", "guard", "filter", "manager", "handler", "policy", "validator")
    | _plural("verifier", "strategy", "user", "key", "cookie", "store", "provider")
    | {"policies", "middleware", "service", "config", "configuration", "backend", "access"}
    | {"refresh", "api", "auth", "bearer", "csrf", "reset", "jwt", "login", "logout", "signin"}
    | {"admin", "revoke", "revocation", "issuer", "personal", "oauth", "expiry", "id"}
)
_AUTH_VETO = (
    _plural("stat", "metric", "recording", "replay", "stock", "holding", "event", "style")
    | {"analytics", "tracking", "tracker", "statistics", "telemetry", "consistency", "lexer"}
    | {"parser", "tokenizer", "design", "theme", "pagination", "cursor", "continuation", "next"}
    | {"securities", "trading", "portfolio", "market", "ansible", "playbooks", "sync", "page"}
)
AUTH = PathPattern(
    words=_AUTH_STRONG | AUTH_WORDS,
    qualified=AUTH_WORDS,
    qualifiers=_AUTH_NEXT,
    veto=_AUTH_VETO,
    # SQLAlchemy's db/session.py is a database session, not a login session
    not_after=frozenset({"db", "database"}),
)
PAYMENTS = PathPattern(
    words=_plural("payment", "invoice", "charge", "refund", "subscription", "payout", "wallet")
    | _plural("ledger")
    | {"pay", "billing", "invoicing", "checkout", "stripe", "paypal", "braintree", "adyen"}
    | {"pricing"},
    # GraphQL and pub/sub subscriptions are not billing
    qualified=_plural("subscription"),
    qualifiers=_plural("controller", "plan", "service", "model", "payment", "invoice")
    | {"billing", "stripe", "checkout", "paddle", "customer", "renewal"},
    veto=_plural("topic", "event", "resolver", "notification", "socket", "channel")
    | {"graphql", "pubsub", "websocket", "ws", "kafka", "push", "realtime"},
)
DATA_LAYER = PathPattern(
    words=_plural("model", "repo", "dao", "store", "mapper")
    | {"repository", "repositories", "dal", "entity", "entities", "persistence", "orm"}
    | {"queries", "crud"},
)
WRITE_OPS = Keyworded(
    re.compile(
        r"\b(?:INSERT\s+INTO|UPDATE\s+[\w.\"`\[\]]+\s+SET|DELETE\s+FROM|UPSERT|MERGE\s+INTO)\b"
        r"|\.(?:save|create|insert|insert_one|insert_many|update|update_one|update_many|"
        r"delete|delete_one|delete_many|destroy|upsert|bulk_create|bulk_update|persist|merge|"
        r"remove|add|commit|put|Exec|ExecContext|executeUpdate|saveAll|deleteAll|"
        r"update_all|delete_all|destroy_all|update_column|update_columns)!?\s*\("
        r"|\b(?:save!|create!|update!|destroy!)|@Modifying\b|\bsession\.(?:add|delete|merge)\b",
        re.IGNORECASE,
    ),
    (
        *("insert", "update", "delete", "upsert", "merge", "save", "create", "destroy", "persist"),
        *("remove", ".add", "commit", ".put", "exec", "modifying"),
    ),
)

# API definitions kept under spec/ or docs/ still change the API (they are api_route).
_API_SPEC = _re(r"(?:openapi|swagger).*\.(?:ya?ml|json)", r".*\.proto", r".*\.graphql")

TESTS = PathPattern(
    dirs=_plural("test", "spec") | {"__tests__", "e2e", "cypress", "testdata", "testing"},
    not_name=_API_SPEC,
    name=_re(
        r"test_.*\.py",
        r".*_test\.(?:py|go|rb|exs)",
        r"conftest\.py",
        r".*\.(?:test|spec)\.[cm]?[jt]sx?",
        r".*_(?:test|tests|it)\.(?:java|kt|scala)",
        r".*_spec\.rb",
    ),
)
DOCS = PathPattern(
    dirs=_plural("doc", "example") | {"documentation", "adr"},
    not_name=_API_SPEC,
    name=_re(
        r".*\.(?:md|markdown|rst|adoc)",
        r"(?:license|licence|notice|authors|changelog|contributing|codeowners)(?:\..*)?",
        r"mkdocs\.ya?ml",
        r".*\.(?:example|sample)",  # .env.example: copied by people, not read by the service
    ),
)
DECLARATIONS = PathPattern(name=_re(r".*\.d\.[cm]?ts", r".*\.pyi", r"py\.typed"))
TYPES = PathPattern(
    dirs=frozenset({"types", "typings", "@types", "interfaces"}),
    name=_re(r"types?\.(?:ts|py|go)"),
)
TRANSLATIONS = PathPattern(
    dirs=frozenset({"locales", "locale", "i18n", "l10n", "translations", "lang", "langs"}),
    name=_re(
        r".*\.(?:po|pot|mo|xlf|xliff|arb|strings|stringsdict|resx)",
        r"messages(?:_[a-z]{2}(?:_[a-z]{2})?)?\.properties",
    ),
    code_dirs=False,  # a Go package named lang/ is code
)
FIXTURES = PathPattern(dirs=frozenset({"fixtures", "__fixtures__", "__mocks__"}))
# Generated by a migration tool beside its migrations: Drizzle's meta/NNNN_snapshot.json and
# _journal.json (openstatusHQ/openstatus), EF Core's <id>.Designer.cs and <Context>ModelSnapshot.cs
MIGRATION_METADATA = PathPattern(
    name=_re(
        r"\d{4}_snapshot\.json", r"_journal\.json", r".*\.designer\.cs", r".*model_snapshot\.cs"
    )
)
ROUTES = PathPattern(
    dirs=_plural("route", "router", "endpoint") | {"api", "resolvers", "graphql"},
    name=_re(
        r"routes?\.[a-z]+",
        r"urls\.py",
        r"views\.py",
        r".*\.proto",
        r"(?:openapi|swagger).*\.(?:ya?ml|json)",
        r".*\.graphql",
    ),
)
MIDDLEWARE = PathPattern(
    dirs=_plural("middleware", "interceptor") | {"filters"},
    name=_re(r"middlewares?\.[a-z]+", r".*[_.\-]middleware\.[a-z]+", r".*_interceptor\.[a-z]+"),
)
CONTROLLERS = PathPattern(
    dirs=_plural("controller", "handler", "servlet"),
    name=_re(r".*_(?:controller|handler)s?\.[a-z]+", r"handlers?\.[a-z]+"),
)
DEPENDENCIES = PathPattern(
    name=_re(
        r"package\.json",
        r"pyproject\.toml",
        r"setup\.(?:py|cfg)",
        r"requirements.*\.(?:txt|in)",
        r"pipfile",
        r"go\.mod",
        r"pom\.xml",
        r"(?:build|settings)\.gradle(?:\.kts)?",
        r"gemfile",
        r".*\.gemspec",
        r"cargo\.toml",
        r"composer\.json",
    ),
)
LOCKFILES = PathPattern(
    name=_re(
        r"package-lock\.json",
        r"npm-shrinkwrap\.json",
        r"yarn\.lock",
        r"pnpm-lock\.yaml",
        r"(?:poetry|uv|pipfile|pdm|cargo|composer|gemfile)\.lock",
        r"go\.sum",
        r"gradle\.lockfile",
    ),
)
CI = PathPattern(
    dir_paths=(".github/workflows", ".circleci", ".buildkite", ".ci", ".gitlab"),
    name=_re(
        r"\.gitlab-ci\.ya?ml",
        r"jenkinsfile",
        r"azure-pipelines\.ya?ml",
        r"\.travis\.ya?ml",
        r"bitbucket-pipelines\.ya?ml",
        r"makefile",
        r"cloudbuild\.ya?ml",
    ),
)
INFRA = PathPattern(
    dirs=_plural("chart", "deployment")
    | {"k8s", "kubernetes", "kube", "helm", "terraform", "infra", "infrastructure", "deploy"}
    | {"ansible", "kustomize", "pulumi"},
    code_dirs=False,  # Java's io.spring.infrastructure is a layer of the application
    name=_re(
        r"dockerfile.*",
        r".*\.dockerfile",
        r"(?:docker-)?compose.*\.ya?ml",
        r".*\.tf",
        r".*\.tfvars",
        r"chart\.yaml",
        r"values.*\.yaml",
        r"(?:kustomization|skaffold|serverless|app)\.ya?ml",
        r"procfile",
        r"ecosystem\.config\.[cm]?js",
        r".*\.service",
        r"fly\.toml",
    ),
)
CONFIG = PathPattern(
    dirs=frozenset({"config", "configs", "conf", "settings", "initializers", "environments"}),
    name=_re(
        r"\.env(?:\..*)?",
        r".*\.env",
        r"settings\.py",
        r"config\.[a-z]+",
        r".*\.config\.[cm]?[jt]s",
        r"(?:application|bootstrap).*\.(?:ya?ml|properties)",
        r"app_?settings.*\.json",
        r".*\.(?:ini|cfg|conf|properties|toml)",
        r"(?:database|secrets|credentials|storage|cable)\.yml",
    ),
)
