"""Configuration files, recognised by type and content, and how the project ships them.

Configuration is what a service reads to decide its behaviour, never source code that happens to
sit under a folder named ``settings`` or ``config``:

- environment files (``.env``, ``.env.production``; templates like ``.env.example`` are not
  deployed);
- Spring ``application*.properties|yml`` under ``src/main/resources``;
- the Django settings module (``DJANGO_SETTINGS_MODULE`` in ``manage.py``, or a module that
  assigns ``INSTALLED_APPS``/``MIDDLEWARE``/``DATABASES``);
- Rails ``config/*.yml`` and ``config/environments|initializers/*.rb`` of an app with
  ``config/application.rb`` (not ``routes.rb`` nor ``locales/``); Laravel ``config/*.php`` of an
  app with ``artisan``; Elixir ``config/*.exs`` of a mix project;
- Helm ``values*.yaml`` of a chart; Kubernetes ``kind: ConfigMap`` manifests;
- feature-flag files (``flags.yml``, ``feature_flags.json``, ``features.yaml``);
- ``*.ini|*.conf|*.cfg|*.toml|*.yml`` files under ``config/``/``conf/``/``etc/`` that are not a
  tool's own configuration.

How the change reaches production decides how Level 2 reverts it (:func:`shipping`): ``helm``
(``helm rollback``), ``configmap`` (re-apply the old ConfigMap, restart), ``restart`` (a checkout
on the host read at start), or ``rebuild`` when the file is packaged in the artefact (a jar, a
release, a container image): then reverting it is a rebuild and redeploy, no faster than Level 3.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Literal

from planner.runtime.infra.units import InfraRoot, kind_of
from planner.runtime.repository.model import CodeRoot, Repository

__all__ = ["ConfigFile", "Shipping", "find_configuration", "shipping"]

Shipping = Literal["helm", "configmap", "restart", "rebuild"]
_TEMPLATE = re.compile(r"\.(?:example|sample|template|dist|tmpl|test)$|\.example\.")
_DJANGO = re.compile(r"^(?:INSTALLED_APPS|MIDDLEWARE|DATABASES|ROOT_URLCONF)\s*=", re.M)
_SETTINGS_MODULE = re.compile(r"DJANGO_SETTINGS_MODULE['\"]?\s*,\s*['\"]([\w.]+)['\"]")
_JS_EXPORT = re.compile(r"^\s*(?:module\.exports\s*=|export\s+default)\s*\{", re.M)
_JS_CODE = re.compile(r"\bfunction\b|=>|\bclass\s|\bawait\b")
# extensions a rule below can accept: code only inside config/ (or a settings module)
_CODE_EXT = frozenset({"rb", "php", "exs", "js", "ts", "mjs", "cjs"})
_DATA_EXT = frozenset({"yml", "yaml", "properties", "json", "toml", "ini", "conf", "cfg", "enc"})
_FLAGS = re.compile(r"^(?:feature[-_]?)?(?:flags?|features|toggles)\.(?:json|ya?ml|toml)$", re.I)
_TOOL_FILES = frozenset(
    {
        "pyproject.toml",
        "Cargo.toml",
        "setup.cfg",
        "tox.ini",
        "mypy.ini",
        "pytest.ini",
        ".editorconfig",
        "rust-toolchain.toml",
        "netlify.toml",
        "gradle.properties",
        "gradle-wrapper.properties",
        "lerna.json",
    }
)


@dataclass(frozen=True)
class ConfigFile:
    """A changed configuration file: what it is (``kind``), why (``reason``), where it ships."""

    path: str
    kind: str
    reason: str
    root: CodeRoot | None = None
    infra: InfraRoot | None = None


def find_configuration(
    repo: Repository, files: tuple[tuple[str, str | None], ...]
) -> tuple[ConfigFile, ...]:
    """The configuration among ``files`` (``(path, text at head or base)`` pairs)."""
    infra_by_path = {p: unit for unit, paths in repo.touched_infra for p in paths}
    modules = _settings_modules(repo)
    out = []
    for path, text in files:
        unit = infra_by_path.get(path)
        found = _recognise(path, text, repo, unit, modules)
        if found is not None:
            kind, reason = found
            root = None if unit is not None else repo.root_of(path)
            out.append(ConfigFile(path, kind, reason, root, unit))
    return tuple(out)


def _recognise(
    path: str, text: str | None, repo: Repository, unit: InfraRoot | None, modules: tuple[str, ...]
) -> tuple[str, str] | None:
    folder, _, name = path.rpartition("/")
    if unit is None and not _candidate(path, name, modules):
        return None  # cheap test first: most changed files cannot be configuration by type
    if unit is not None:
        if unit.kind == "helm" and re.match(r"values[\w.-]*\.ya?ml$", name):
            return "helm_values", f"values file of chart {unit.name or unit.folder}"
        if kind_of(text) == "ConfigMap":
            return "configmap", "a Kubernetes ConfigMap (kind: ConfigMap)"
        return None
    if (name == ".env" or name.startswith(".env.")) and not _TEMPLATE.search(name):
        return "env", "an environment file read at start"
    if _TEMPLATE.search(name) or name in _TOOL_FILES:
        return None
    root = repo.root_of(path)
    rel = path[len(root.folder) + 1 :] if root is not None and root.folder else path
    eco = root.ecosystem if root is not None else ""
    base = root.folder if root is not None else ""

    def at(name: str) -> str:
        return posixpath.join(base, name)

    if (
        eco == "java"
        and "src/main/resources/" in f"/{rel}"
        and (
            name.endswith(".properties") or re.match(r"(application|bootstrap)[\w-]*\.ya?ml$", name)
        )
    ):
        return "properties", "Spring configuration under src/main/resources (packaged in the jar)"
    if eco == "python" and name.endswith(".py") and _django_settings(path, text, modules):
        return "settings", "the Django settings module"
    if eco == "ruby" and at("config/application.rb") in repo.paths and _rails_config(rel):
        return "rails_config", "Rails configuration (config/)"
    if eco == "php" and at("artisan") in repo.paths and re.match(r"config/[\w-]+\.php$", rel):
        return "laravel_config", "Laravel configuration (config/*.php)"
    if eco == "elixir" and re.match(r"config/[\w-]+\.exs$", rel):
        return "elixir_config", "Mix configuration (config/*.exs, compiled into the release)"
    if eco == "node" and "config" in rel.split("/")[:-1] and _js_config(text):
        return "js_config", "a module under config/ that only exports values"
    if _FLAGS.match(name):
        return "flags", "a feature-flag file"
    parts = set(folder.split("/"))
    if parts & {"config", "conf", "etc"} and name.endswith(
        (".ini", ".conf", ".cfg", ".toml", ".yml", ".yaml", ".properties")
    ):
        if "locales" in parts or "i18n" in parts:
            return None
        return "file", f"a {name.rsplit('.', 1)[-1]} file under {folder}/"
    return None


def _candidate(path: str, name: str, modules: tuple[str, ...]) -> bool:
    """Whether any rule below could accept ``path`` (a filter on names only)."""
    if name.startswith(".env"):
        return True
    ext = name.rpartition(".")[2]
    if ext == "py":
        return "settings" in path or any(m.split(".")[-1] in path for m in modules)
    if ext in _CODE_EXT:
        return "config/" in path
    return ext in _DATA_EXT


def _django_settings(path: str, text: str | None, modules: tuple[str, ...]) -> bool:
    module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    if any(module.endswith(m) or module.startswith(m + ".") for m in modules):
        return True
    return text is not None and _DJANGO.search(text) is not None


def _settings_modules(repo: Repository) -> tuple[str, ...]:
    """``DJANGO_SETTINGS_MODULE`` values named in ``manage.py``, ``wsgi.py`` or ``asgi.py``."""
    out = []
    for path, body in repo.texts.items():
        if posixpath.basename(path) in ("manage.py", "wsgi.py", "asgi.py"):
            m = _SETTINGS_MODULE.search(body)
            if m:
                out.append(m.group(1))
    return tuple(out)


def _js_config(text: str | None) -> bool:
    """A JavaScript/TypeScript module that exports an object literal and defines no code."""
    if not text or not _JS_EXPORT.search(text):
        return False
    return _JS_CODE.search(text) is None


def _rails_config(rel: str) -> bool:
    if not rel.startswith("config/") or rel.startswith("config/locales/"):
        return False
    name = posixpath.basename(rel)
    if name in ("routes.rb", "application.rb", "boot.rb", "environment.rb", "importmap.rb"):
        return False
    if rel.count("/") == 1:
        return name.endswith((".yml", ".yml.enc"))
    return rel.startswith(("config/environments/", "config/initializers/")) and name.endswith(".rb")


def shipping(config: ConfigFile, platform: str) -> Shipping:
    """How a reverted ``config`` reaches production on ``platform``."""
    if config.kind == "helm_values":
        return "helm"
    if config.kind == "configmap":
        return "configmap"
    root = config.root
    if config.kind in ("properties", "elixir_config"):
        return "rebuild"  # compiled into the jar or the release
    if platform == "kubernetes" and root is not None:
        return "rebuild"  # a file of the repository reaches a pod only inside its image
    return "restart"
