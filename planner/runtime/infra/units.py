"""Infrastructure roots: Terraform modules, Helm charts, Kustomizations, manifests, compose files.

Each is found from files that prove it: a folder of ``*.tf`` files, a ``Chart.yaml``, a
``kustomization.yaml`` (a ``kind: Component`` is applied through the nearest Kustomization above
it), a YAML file with ``apiVersion`` and ``kind`` at its top level, a ``docker-compose.yml`` or
``compose.yaml``. A changed file inside one belongs to it, not to an application.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["InfraKind", "InfraRoot", "find_infra", "infra_of"]

InfraKind = Literal["terraform", "helm", "kustomize", "manifest", "compose"]
_KUSTOMIZATION = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_COMPOSE = re.compile(r"^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$")
_K8S = re.compile(r"^apiVersion:\s*\S+", re.M)
_KIND = re.compile(r"^kind:\s*(\w+)", re.M)
# examples and CI test fixtures are not deployed (kustomize/tests in microservices-demo)
_IGNORED = frozenset({"examples", "example", "testdata", "fixtures", "tests", ".github"})
_LIST_ITEM = re.compile(r"^\s*-\s+([^\s#]+)\s*$", re.M)
_NAME = re.compile(r"^name:\s*['\"]?([\w.-]+)", re.M)


@dataclass(frozen=True)
class InfraRoot:
    """One infrastructure unit.

    ``folder`` is the module, chart or kustomization folder (for ``manifest`` and ``compose``:
    the file); ``target`` what the commands apply (a Component's parent Kustomization, ``""``
    when none is known); ``source`` the file that makes it one; ``name`` the chart name.
    """

    kind: InfraKind
    folder: str
    target: str
    source: str
    name: str = ""
    line: int = 0

    @property
    def evidence(self) -> str:
        """``source:line`` or ``source``."""
        return f"{self.source}:{self.line}" if self.line else self.source


def find_infra(paths: frozenset[str], texts: Mapping[str, str]) -> tuple[InfraRoot, ...]:
    """Every Terraform module, Helm chart, Kustomization and compose file of the repository."""
    out: dict[str, InfraRoot] = {}
    kustomize: dict[str, str] = {}
    terraform: dict[str, str] = {}
    for path in sorted(paths):
        folder, _, name = path.rpartition("/")
        if "/.terraform/" in f"/{path}" or _ignored(folder):
            continue
        if name.endswith(".tf"):
            terraform.setdefault(folder, path)
        elif name == "Chart.yaml":
            text = texts.get(path, "")
            m = _NAME.search(text)
            line = text.count("\n", 0, m.start()) + 1 if m else 0
            out[folder] = InfraRoot("helm", folder, folder, path, m.group(1) if m else "", line)
        elif name in _KUSTOMIZATION:
            kustomize[folder] = path
        elif _COMPOSE.match(name) and "example" not in name:
            out[path] = InfraRoot("compose", path, path, path)
    for folder, path in terraform.items():
        out[folder] = InfraRoot("terraform", folder, _tf_target(folder, terraform, paths), path)
    used_by = _referenced(kustomize, texts)
    for folder, path in kustomize.items():
        if folder in out:
            continue
        out[folder] = InfraRoot(
            "kustomize", folder, _k_target(folder, kustomize, used_by, texts), path
        )
    return tuple(sorted(out.values(), key=lambda r: r.folder))


def _referenced(kustomize: Mapping[str, str], texts: Mapping[str, str]) -> dict[str, str]:
    """Kustomization folder -> the Kustomization whose ``resources``/``components`` list it."""
    used_by: dict[str, str] = {}
    for folder, path in sorted(kustomize.items()):
        for item in _LIST_ITEM.findall(texts.get(path, "")):
            child = posixpath.normpath(posixpath.join(folder, item.strip("'\""))) if item else ""
            child = "" if child == "." else child
            if child in kustomize and child != folder:
                used_by.setdefault(child, folder)
    return used_by


def _k_target(
    folder: str, kustomize: Mapping[str, str], used_by: Mapping[str, str], texts: Mapping[str, str]
) -> str:
    """What to apply for a change in ``folder``: the top Kustomization that includes it.

    Followed through ``resources``/``components`` references; a Component nobody lists is
    applied through the nearest Kustomization above it; ``""`` when there is none.
    """
    seen = {folder}
    target = folder
    while target in used_by and used_by[target] not in seen:
        target = used_by[target]
        seen.add(target)
    if _component(texts.get(kustomize[target], "")):
        parents = [f for f in kustomize if f != target and _within(target, f)]
        parents = [f for f in parents if not _component(texts.get(kustomize[f], ""))]
        return max(parents, key=len) if parents else ""
    return target


def _ignored(folder: str) -> bool:
    return any(part in _IGNORED for part in folder.split("/"))


def _within(path: str, folder: str) -> bool:
    return folder == "" or path == folder or path.startswith(folder + "/")


def _tf_target(folder: str, terraform: Mapping[str, str], paths: frozenset[str]) -> str:
    """The root module to plan: the folder itself, or the nearest root module above a child."""

    def is_root(f: str) -> bool:
        lock = posixpath.join(f, ".terraform.lock.hcl")
        return lock in paths or any(
            p.startswith(f"{f}/" if f else "")
            and p.endswith(".tfvars")
            and posixpath.dirname(p) == f
            for p in paths
        )

    if is_root(folder):
        return folder
    above = [f for f in terraform if f != folder and _within(folder, f) and is_root(f)]
    return max(above, key=len) if above else folder


def _component(text: str) -> bool:
    m = _KIND.search(text)
    return m is not None and m.group(1) == "Component"


def _contains(root: InfraRoot, path: str) -> bool:
    if root.kind in ("manifest", "compose"):
        return path == root.folder
    if root.kind == "terraform":
        return posixpath.dirname(path) == root.folder and path.endswith((".tf", ".tfvars", ".hcl"))
    if root.folder == "":  # a chart or Kustomization at the top: its YAML, not the whole repo
        return path.endswith((".yaml", ".yml")) and (
            "/" not in path or path.startswith("templates/")
        )
    return path.startswith(root.folder + "/")


def infra_of(path: str, content: str | None, roots: tuple[InfraRoot, ...]) -> InfraRoot | None:
    """The infrastructure unit a changed file belongs to (the deepest one), else ``None``.

    A YAML file with ``apiVersion`` and ``kind`` outside every chart and Kustomization is a
    plain manifest of its own.
    """
    inside = [r for r in roots if _contains(r, path)]
    if inside:
        return max(inside, key=lambda r: len(r.folder))
    if (
        path.endswith((".yaml", ".yml"))
        and content
        and _K8S.search(content)
        and _KIND.search(content)
    ):
        return InfraRoot("manifest", path, path, path)
    return None


def kind_of(content: str | None) -> str:
    """The first top-level ``kind:`` of a manifest (``""`` when none)."""
    m = _KIND.search(content or "")
    return m.group(1) if m else ""
