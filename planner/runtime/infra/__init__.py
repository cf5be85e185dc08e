"""Infrastructure roots (Terraform, Helm, Kustomize, manifests, compose) and the steps that apply,
verify and roll back each.

Modules:

- ``steps``: Check, apply, verify and roll back one infrastructure unit, and what a rollback cannot
  undo.
- ``units``: Infrastructure roots: Terraform modules, Helm charts, Kustomizations, manifests,
  compose files.
"""

from planner.runtime.infra.steps import InfraSteps, infra_steps, namespace_flags
from planner.runtime.infra.units import InfraKind, InfraRoot, find_infra, infra_of

__all__ = [
    "InfraKind",
    "InfraRoot",
    "InfraSteps",
    "find_infra",
    "infra_of",
    "infra_steps",
    "namespace_flags",
]
