"""Risk rules: what makes a changed file ZERO, LOW, MEDIUM or HIGH risk.

A :class:`Rule` matches a file by its path (a compiled regex searched in the normalised path),
by its content (a compiled regex searched in the text at ``head``), or both, and says which
level and category that gives and why. :data:`DEFAULT_RULES` is the ordered default rule set
documented in ``docs/risk-rules.md``; :func:`match` tells whether one rule matches one file and
with which evidence. Precedence lives in :mod:`planner.risk`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from planner.change import ChangedFile
from planner.migration_risk import DESTRUCTIVE, is_down_migration, is_migration, up_sections
from planner.model import RiskLevel

__all__ = ["DEFAULT_RULES", "Needs", "Role", "Rule", "match", "normalise_path"]

Needs = Literal["flag", "unintegrated", "added", "pure_rename", "changed_code", "migration"]
Role = Literal["final", "max", "fallback"]


@dataclass(frozen=True)
class Rule:
    """One risk rule.

    Attributes:
        name: identifier, used by a policy's ``disable`` list.
        level: the level a match gives.
        category: what the file is (``FileRisk.categories``).
        label: the first words of the reason, e.g. ``"destructive migration"``.
        why: one sentence for the documentation (and, for a policy rule, the reason shown).
        path: regex searched in the normalised path (:func:`normalise_path`), or in the path as
            written when ``raw_path``; group ``w``, if any, is the evidence.
        content: regex searched in the text at ``head``; a file without text does not match,
            unless ``assume_content`` (then the path alone matches, said so in the reason).
        role: ``"final"`` decides the level and stops evaluation; ``"max"`` contributes to the
            highest-level-wins maximum; ``"fallback"`` applies only when no other rule matched.
        needs: an extra condition on the change (flag-guarded, not integrated, added, ...).
        evidence: how the path evidence is named in the reason ("path segment", "file name").
    """

    name: str
    level: RiskLevel
    category: str
    label: str
    why: str
    path: re.Pattern[str] | None = None
    content: re.Pattern[str] | None = None
    role: Role = "max"
    needs: Needs | None = None
    evidence: str = "path segment"
    raw_path: bool = False
    assume_content: bool = False


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
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns).replace("(?P<w>", "(?:"))


_CODE = re.compile(
    r"\.(?:py|js|jsx|mjs|cjs|ts|tsx|go|java|kt|kts|scala|rb|php|cs|rs|ex|exs|erl|swift|c|cc|cpp|"
    r"h|hpp|sql|sh|vue|svelte)$"
)

_AUTH = _words(
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
    "sessions?",
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
_PAYMENTS = _words(
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
)
_DATA_LAYER = _any(
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
    ),
)
_WRITE_OPS = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE\s+[\w.\"`\[\]]+\s+SET|DELETE\s+FROM|UPSERT|MERGE\s+INTO)\b"
    r"|\.(?:save|create|insert|insert_one|insert_many|update|update_one|update_many|"
    r"delete|delete_one|delete_many|destroy|upsert|bulk_create|bulk_update|persist|merge|"
    r"remove|add|commit|put|Exec|ExecContext|executeUpdate|saveAll|deleteAll|"
    r"update_all|delete_all|destroy_all|update_column|update_columns)!?\s*\("
    r"|\b(?:save!|create!|update!|destroy!)|@Modifying\b|\bsession\.(?:add|delete|merge)\b",
    re.IGNORECASE,
)

_TESTS = _any(
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
_DOCS = _any(
    _dirs("docs?", "documentation", "adr", "examples?"),
    _names(
        r"[^/]*\.(?:md|markdown|rst|adoc|txt)",
        r"(?:license|licence|notice|authors|changelog|contributing|codeowners)(?:\.[^/]*)?",
        r"mkdocs\.ya?ml",
    ),
)
_TYPES = _any(
    _dirs("types", "typings", "@types", "interfaces"),
    _names(r"[^/]*\.d\.[cm]?ts", r"[^/]*\.pyi", r"py\.typed", r"types?\.(?:ts|py|go)"),
)
_ROUTES = _any(
    _dirs(r"routes?", r"routers?", "api", r"endpoints?", "resolvers", "graphql", "views"),
    _names(
        r"routes?\.[a-z]+",
        r"urls\.py",
        r"views\.py",
        r"[^/]*\.proto",
        r"(?:openapi|swagger)[^/]*\.(?:ya?ml|json)",
        r"[^/]*\.graphql",
    ),
)
_MIDDLEWARE = _any(
    _dirs("middlewares?", "interceptors?", "filters"),
    _names(r"middlewares?\.[a-z]+", r"[^/]*[_.\-]middleware\.[a-z]+", r"[^/]*_interceptor\.[a-z]+"),
)
_CONTROLLERS = _any(
    _dirs(r"controllers?", r"handlers?", r"servlets?"),
    _names(r"[^/]*_(?:controller|handler)s?\.[a-z]+", r"handlers?\.[a-z]+"),
)
_DEPENDENCIES = _names(
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
_LOCKFILES = _names(
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
_CI = _any(
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
_INFRA = _any(
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
_CONFIG = _any(
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

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "test",
        "ZERO",
        "test",
        "test",
        "Test code is not deployed to serve traffic; it cannot break production.",
        path=_TESTS,
        role="final",
    ),
    Rule(
        "docs",
        "ZERO",
        "docs",
        "docs",
        "Documentation does not run.",
        path=_DOCS,
        role="final",
    ),
    Rule(
        "flagged_off",
        "ZERO",
        "flagged_off",
        "behind the feature flag",
        "Code that only runs when the change's feature flag is on is dormant while the flag "
        "stays OFF at deploy; the level it takes once the flag is on counts for the overall risk.",
        role="final",
        needs="flag",
    ),
    Rule(
        "types",
        "LOW",
        "types",
        "type declarations",
        "Type declarations (.d.ts, .pyi, types/) are erased or unused at run time.",
        path=_TYPES,
        role="final",
        evidence="path",
    ),
    Rule(
        "unintegrated_new_file",
        "LOW",
        "new_file",
        "new file, not integrated",
        "A new file nothing calls yet cannot change behaviour until a later change wires it in.",
        role="final",
        needs="unintegrated",
    ),
    Rule(
        "migration_destructive",
        "HIGH",
        "migration_destructive",
        "destructive migration",
        "Dropping, deleting, truncating or rewriting data cannot be undone by a code revert; "
        "Level 3 needs a restore from backup.",
        content=DESTRUCTIVE,
        role="final",
        needs="migration",
    ),
    Rule(
        "migration",
        "MEDIUM",
        "migration",
        "additive migration",
        "A schema migration with no destructive statement: old code keeps working, but it "
        "changes the database every instance shares.",
        role="final",
        needs="migration",
    ),
    Rule(
        "auth",
        "HIGH",
        "auth",
        "auth",
        "Authentication, sessions, tokens, passwords and permissions: a bug locks users out "
        "or lets the wrong ones in.",
        path=_AUTH,
    ),
    Rule(
        "payments",
        "HIGH",
        "payments",
        "payments",
        "Payments and billing: a bug loses or double-charges money.",
        path=_PAYMENTS,
    ),
    Rule(
        "data_write",
        "HIGH",
        "data_write",
        "data write",
        "Data-layer code (models, repositories, DAOs) that writes: a bug corrupts stored data, "
        "which a rollback does not repair.",
        path=_DATA_LAYER,
        content=_WRITE_OPS,
        assume_content=True,
    ),
    Rule(
        "api_route",
        "MEDIUM",
        "api_route",
        "API route",
        "Routes and API definitions change what clients can call.",
        path=_ROUTES,
    ),
    Rule(
        "middleware",
        "MEDIUM",
        "middleware",
        "middleware",
        "Middleware runs on every request it is mounted on.",
        path=_MIDDLEWARE,
    ),
    Rule(
        "controller",
        "MEDIUM",
        "controller",
        "controller/handler",
        "Controllers and handlers serve requests directly.",
        path=_CONTROLLERS,
    ),
    Rule(
        "dependency",
        "MEDIUM",
        "dependency",
        "dependency manifest",
        "Dependency changes swap code under every module at once.",
        path=_DEPENDENCIES,
        evidence="file name",
    ),
    Rule(
        "lockfile",
        "MEDIUM",
        "lockfile",
        "lock file",
        "Lock files pin the exact dependency versions that ship.",
        path=_LOCKFILES,
        evidence="file name",
    ),
    Rule(
        "ci",
        "MEDIUM",
        "ci",
        "CI/build",
        "CI and build files change how the artefact is built and shipped.",
        path=_CI,
        evidence="path",
    ),
    Rule(
        "infrastructure",
        "MEDIUM",
        "infrastructure",
        "infrastructure",
        "Containers, Kubernetes, Helm, Terraform and process files change where and how the "
        "service runs.",
        path=_INFRA,
        evidence="path",
    ),
    Rule(
        "config",
        "MEDIUM",
        "config",
        "configuration",
        "Configuration changes behaviour without a code change; Level 2 reverts it.",
        path=_CONFIG,
        evidence="path",
    ),
    Rule(
        "new_file",
        "LOW",
        "new_file",
        "new file",
        "A new file that no other rule matched adds code without changing existing code.",
        role="fallback",
        needs="added",
    ),
    Rule(
        "rename",
        "LOW",
        "source",
        "pure rename",
        "A file moved without a line changed (imports of the old path are in other files).",
        role="fallback",
        needs="pure_rename",
    ),
    Rule(
        "source",
        "MEDIUM",
        "source",
        "existing code changed",
        "Modified, renamed or deleted code that no other rule matched changes existing behaviour.",
        role="fallback",
        needs="changed_code",
    ),
    Rule(
        "other",
        "LOW",
        "source",
        "other file",
        "Any other changed file (assets, data): low risk unless a rule above says otherwise.",
        role="fallback",
    ),
)


def match(rule: Rule, file: ChangedFile, norm_path: str, flag: str | None) -> str | None:
    """The evidence (the reason after the label) if ``rule`` matches ``file``, else None.

    Args:
        rule: the rule.
        file: the changed file.
        norm_path: :func:`normalise_path` of ``file.path`` (computed once per file).
        flag: the change's feature flag name, if any.
    """
    if rule.needs is not None and not _needs(rule.needs, file, norm_path, flag):
        return None
    evidence: list[str] = []
    if rule.path is not None:
        m = rule.path.search(file.path if rule.raw_path else norm_path)
        if m is None:
            return None
        if rule.raw_path:
            evidence.append(f"{rule.evidence} matches {file.path}")
        else:
            word = (m.groupdict().get("w") or m.group(0)).strip("/._-")
            evidence.append(f"{rule.evidence} {word!r} in {file.path}")
    if rule.content is not None:
        text = file.content
        if text is None:
            if not (rule.assume_content and file.change != "deleted" and evidence):
                return None
            evidence.append("content not available, assumed to match")
        else:
            if rule.needs == "migration":
                text = up_sections(norm_path, text)
            m = rule.content.search(text)
            if m is None:
                return None
            line = text.count("\n", 0, m.start()) + 1
            shown = " ".join(m.group(0).split())[:60]
            evidence.append(f"{shown!r} at line {line}")
    if not evidence:
        evidence.append(_condition(rule.needs, file, norm_path, flag))
    return "; ".join(evidence)


def _needs(needs: Needs, file: ChangedFile, norm_path: str, flag: str | None) -> bool:
    if needs == "flag":
        return flag is not None and file.behind_flag
    if needs == "unintegrated":
        return file.change == "added" and not file.integrated
    if needs == "added":
        return file.change == "added"
    if needs == "pure_rename":
        return file.change == "renamed" and file.added_lines == file.deleted_lines == 0
    if needs == "changed_code":
        return file.change != "added" and bool(_CODE.search(norm_path))
    return is_migration(norm_path)


def _condition(needs: Needs | None, file: ChangedFile, norm_path: str, flag: str | None) -> str:
    if needs == "flag":
        return f"{file.path} only runs when {flag} is on (OFF at deploy)"
    if needs == "unintegrated":
        return f"{file.path} is added and nothing calls it yet"
    if needs == "pure_rename":
        return f"{file.old_path} -> {file.path}, no line changed"
    if needs == "migration":
        if is_down_migration(norm_path):
            return f"{file.path} is a rollback-only migration (not run on deploy)"
        if file.content is None:
            return f"{file.path} (content not available: destructive statements not ruled out)"
        return f"{file.path} (no destructive statement found)"
    return f"{file.change} {file.path}"
