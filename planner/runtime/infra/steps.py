"""Check, apply, verify and roll back one infrastructure unit, and what a rollback cannot undo.

- Terraform: ``init`` and ``plan -out`` in the root module, a state backup, ``apply`` of that
  plan as a commented line (a saved plan applies without asking: reading it is the
  confirmation), ``plan -detailed-exitcode`` to verify; rollback is a new plan and apply after
  the code revert. Provider or Terraform version upgrades, ``moved``/``import``/``removed``
  blocks and destroyed resources are named: reverting the code does not undo them.
- Helm: ``helm lint``, ``helm upgrade --install RELEASE CHART --wait``, ``helm status``;
  rollback ``helm rollback RELEASE`` (no revision: the one before the last upgrade).
- Kustomize: ``kubectl diff -k``, ``apply -k``, ``get -k``; rollback applies the base commit's
  Kustomization from a temporary worktree.
- Manifests: ``kubectl diff -f``, ``apply -f``, ``rollout status``; rollback re-applies the
  base version (``git show BASE:FILE | kubectl apply -f -``); deleting what the change added is
  left as a commented line to run after checking.
- Compose: ``docker compose config``, ``up -d``, ``ps``; rollback runs the base file.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from planner.change.model import ChangedFile
from planner.quoting.shell import join, q
from planner.runtime.infra.units import InfraRoot, kind_of
from planner.runtime.repository.command import Command, comment, in_folder, placeholder
from planner.runtime.repository.evidence import Found

__all__ = ["InfraSteps", "infra_steps", "namespace_flags"]

_RESOURCE = re.compile(r'^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"', re.M)
_STATE_BLOCK = re.compile(r"^\s*(moved|import|removed)\s*\{", re.M)
_VERSION = re.compile(r"^\s*(?:required_version|version)\s*=\s*\"[^\"]*\"", re.M)
_NAMESPACE = re.compile(r"^\s*namespace:\s*\S+", re.M)
_META_NAME = re.compile(r"^metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*['\"]?([\w.-]+)", re.M)
_ROLLOUT = ("Deployment", "StatefulSet", "DaemonSet")
_CHECK = re.compile(
    r"^(?:helm lint\b|terraform (?:validate|fmt -check|init -backend=false)\b)[^>|;&]*$"
)


@dataclass(frozen=True)
class InfraSteps:
    """The commands for one changed infrastructure unit."""

    unit: InfraRoot
    files: tuple[str, ...]
    check: tuple[Command, ...]
    apply: tuple[Command, ...]
    verify: tuple[Command, ...]
    rollback: tuple[Command, ...]
    irreversible: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``Terraform `terraform` `` and the like, for the plan's text."""
        names = {
            "terraform": "Terraform",
            "helm": "Helm chart",
            "kustomize": "Kustomization",
            "manifest": "Kubernetes manifest",
            "compose": "Compose file",
        }
        return f"{names[self.unit.kind]} `{self.unit.target or self.unit.folder or '.'}`"


def infra_steps(
    unit: InfraRoot,
    files: Sequence[ChangedFile],
    namespace: str,
    base: str,
    found: Sequence[Found] = (),
) -> InfraSteps:
    """Commands for ``unit`` changed by ``files``; ``base`` is the commit to roll back to."""
    paths = tuple(f.path for f in files)
    if unit.kind == "terraform":
        return _terraform(unit, files, found)
    if unit.kind == "helm":
        return _helm(unit, paths, namespace, found)
    if unit.kind == "kustomize":
        return _kustomize(unit, paths, namespace, base, files)
    if unit.kind == "manifest":
        return _manifest(unit, files, namespace, base)
    return _compose(unit, paths, base)


def _ci(found: Sequence[Found], folder: str, tool: str) -> tuple[Command, ...]:
    """The unit's own CI checks (lint, validate): read-only commands, run in its folder."""
    return tuple(
        Command(in_folder(folder, f.text), f.source)
        for f in found
        if f.kind == "ci"
        and f.folder == folder
        and _CHECK.match(f.text)
        and f.text.startswith(tool)
    )


def _terraform(unit: InfraRoot, files: Sequence[ChangedFile], found: Sequence[Found]) -> InfraSteps:
    t, src = unit.target, unit.source
    plan = Command(in_folder(t, "terraform plan -input=false -out=tfplan"), src)
    init = Command(in_folder(t, "terraform init -input=false"), src)
    backup = Command(
        in_folder(t, 'terraform state pull > "pre-deploy-$(date +%Y%m%d%H%M%S).tfstate"'), src
    )
    # a saved plan applies without asking: reading it first is the confirmation step
    apply = Command(
        "# after reading the plan (no unexpected destroy or replace), run: "
        + in_folder(t, "terraform apply -input=false tfplan")
    )
    check = (
        (*_ci(found, unit.folder, "terraform"), init, plan) if unit.folder == t else (init, plan)
    )
    verify = (Command(in_folder(t, "terraform plan -input=false -detailed-exitcode"), src),)
    return InfraSteps(
        unit,
        tuple(f.path for f in files),
        tuple(dict.fromkeys(check)),
        (backup, apply),
        verify,
        (init, plan, apply),
        _terraform_irreversible(files),
    )


def _terraform_irreversible(files: Sequence[ChangedFile]) -> tuple[str, ...]:
    out: list[str] = []
    for f in files:
        old, new = f.base_content or "", f.content or ""
        if posixpath.basename(f.path) == ".terraform.lock.hcl":
            out.append(
                f"`{f.path}` changed: a provider upgrade rewrites the state in the new provider's "
                "schema; reverting the code does not downgrade it (keep the state backup)."
            )
        elif sorted(_VERSION.findall(old)) != sorted(_VERSION.findall(new)) and old:
            out.append(
                f"`{f.path}` changes a Terraform or provider version: state written by the newer "
                "version may not be readable by the older one after a revert."
            )
        blocks = sorted(set(_STATE_BLOCK.findall(new)) - set(_STATE_BLOCK.findall(old)))
        if blocks:
            out.append(
                f"`{f.path}` adds {', '.join(f'`{b}`' for b in blocks)} block(s): they change the "
                "state itself, which a code revert does not move back."
            )
        gone = sorted(set(_RESOURCE.findall(old)) - set(_RESOURCE.findall(new)))
        if gone:
            names = ", ".join(f"`{a}.{b}`" for a, b in gone[:5])
            out.append(
                f"`{f.path}` removes {names}: apply destroys them and their data; a revert "
                "recreates them empty."
            )
    return tuple(out)


def _helm(
    unit: InfraRoot, paths: tuple[str, ...], namespace: str, found: Sequence[Found]
) -> InfraSteps:
    if not unit.name:
        missing = placeholder(f"the Helm release of chart {unit.folder} (Chart.yaml has no name)")
        return InfraSteps(unit, paths, (), (missing,), (), (missing,))
    chart = unit.folder or "."
    src = f"{unit.evidence} (chart name; if the release is named otherwise, see helm list)"
    ns = ("-n", namespace)
    lint = _ci(found, unit.folder, "helm") or (
        Command(join("helm", "lint", "--strict", chart), unit.source),
    )
    return InfraSteps(
        unit,
        paths,
        lint,
        (
            Command(
                join(
                    "helm",
                    "upgrade",
                    "--install",
                    unit.name,
                    chart,
                    *ns,
                    "--wait",
                    "--timeout",
                    "10m",
                ),
                src,
            ),
        ),
        (Command(join("helm", "status", unit.name, *ns), src),),
        (
            Command(join("helm", "history", unit.name, *ns, "--max", "5"), src),
            Command(join("helm", "rollback", unit.name, *ns, "--wait"), src),
        ),
    )


def namespace_flags(namespace: str, text: str) -> tuple[str, ...]:
    """``-n NS`` unless the file sets its own namespace (kubectl refuses a mismatch)."""
    return () if _NAMESPACE.search(text) else ("-n", namespace)


def _kustomize(
    unit: InfraRoot, paths: tuple[str, ...], namespace: str, base: str, files: Sequence[ChangedFile]
) -> InfraSteps:
    if unit.target == "" and unit.folder != "":
        missing = placeholder(
            f"the Kustomization that includes component {unit.folder} (none above it)"
        )
        return InfraSteps(unit, paths, (), (missing,), (), (missing,))
    t = unit.target or "."
    ns = namespace_flags(
        namespace,
        "\n".join(f.content or "" for f in files if f.path.endswith("kustomization.yaml")),
    )
    src = unit.source
    flags = f" {join(*ns)}" if ns else ""
    old = (
        f'(tmp=$(mktemp -d) && git worktree add --detach "$tmp" {q(base)} && '
        f'kubectl apply -k "$tmp"/{q(t)}{flags}; git worktree remove --force "$tmp")'
    )
    return InfraSteps(
        unit,
        paths,
        (Command(join("kubectl", "diff", "-k", t, *ns), src),),
        (Command(join("kubectl", "apply", "-k", t, *ns), src),),
        (Command(join("kubectl", "get", "-k", t, *ns), src),),
        (Command(old, src),),
    )


def _manifest(
    unit: InfraRoot, files: Sequence[ChangedFile], namespace: str, base: str
) -> InfraSteps:
    f = files[0]
    text = f.content or f.base_content or ""
    ns = namespace_flags(namespace, text)
    kind = kind_of(text)
    m = _META_NAME.search(text)
    verify: tuple[Command, ...]
    if kind in _ROLLOUT and m:
        verify = (
            Command(
                join(
                    "kubectl",
                    *ns,
                    "rollout",
                    "status",
                    f"{kind.lower()}/{m.group(1)}",
                    "--timeout=10m",
                ),
                f.path,
            ),
        )
    else:
        verify = (Command(join("kubectl", "get", "-f", f.path, *ns), f.path),)
    if f.change == "added":
        rollback = (
            Command(
                "# check nothing else uses them, then delete what the change created: "
                + comment(join("kubectl", "delete", "-f", f.path, *ns))
            ),
        )
    else:
        old = f.old_path or f.path
        rollback = (
            Command(
                f"git show {q(f'{base}:{old}')} | {join('kubectl', 'apply', '-f', '-', *ns)}",
                f.path,
            ),
        )
    check = (
        ()
        if f.change == "deleted"
        else (Command(join("kubectl", "diff", "-f", f.path, *ns), f.path),)
    )
    if f.change == "deleted":
        gone = f"git show {q(f'{base}:{f.path}')} | {join('kubectl', 'delete', '-f', '-', *ns)}"
        apply: tuple[Command, ...] = (
            Command(
                "# the change removes it; after checking, delete the live objects: " + comment(gone)
            ),
        )
    else:
        apply = (Command(join("kubectl", "apply", "-f", f.path, *ns), f.path),)
    return InfraSteps(
        unit, (f.path,), check, apply, verify if f.change != "deleted" else (), rollback
    )


def _compose(unit: InfraRoot, paths: tuple[str, ...], base: str) -> InfraSteps:
    file = unit.folder
    folder = posixpath.dirname(file) or "."
    old = f"git show {q(f'{base}:{file}')} | " + join(
        "docker", "compose", "-f", "-", "--project-directory", folder, "up", "-d"
    )
    return InfraSteps(
        unit,
        paths,
        (Command(join("docker", "compose", "-f", file, "config", "--quiet"), file),),
        (Command(join("docker", "compose", "-f", file, "up", "-d"), file),),
        (Command(join("docker", "compose", "-f", file, "ps"), file),),
        (Command(old, file),),
    )
