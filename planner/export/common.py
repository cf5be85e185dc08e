"""Pieces every exporter shares: object metadata, numbers as text, exposure checks."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from planner.exceptions import ExportError
from planner.export.target import ExportTarget
from planner.model import Plan, Stage

__all__ = ["MANAGED_BY", "check_reference", "metadata", "number", "whole_percent"]

MANAGED_BY = "devops-planner"
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


def check_reference(value: str, field: str, subdomain: bool = False) -> str:
    """``value`` unchanged if it is a valid name for an existing object, else an error.

    Namespaces are DNS-1123 labels (63 characters); Deployments DNS-1123 subdomains (253).
    A reference is never rewritten: a sanitised name would point at another object.

    Raises:
        ExportError: not a valid name.
    """
    pattern, limit = (_SUBDOMAIN, 253) if subdomain else (_LABEL, 63)
    if len(value) > limit or not pattern.fullmatch(value):
        kind = "DNS-1123 subdomain" if subdomain else "DNS-1123 label"
        raise ExportError(
            f"{field}: {value!r} is not a valid Kubernetes name ({kind}: lower-case a-z, 0-9, "
            f"'-'{', .' if subdomain else ''}; at most {limit} characters)"
        )
    return value


def metadata(name: str, target: ExportTarget, plan: Plan) -> dict[str, Any]:
    """``metadata`` for an exported object: name, namespace, provenance label and annotations."""
    annotations = {
        "devops-planner/service": target.service,
        "devops-planner/feature": plan.change.feature,
        "devops-planner/risk": plan.risk.overall,
        "devops-planner/thresholds-source": plan.thresholds_source,
    }
    if plan.change.feature_flag:
        annotations["devops-planner/feature-flag"] = plan.change.feature_flag
    return {
        "name": name,
        "namespace": check_reference(target.namespace, "namespace"),
        "labels": {"app.kubernetes.io/managed-by": MANAGED_BY},
        "annotations": {k: v for k, v in annotations.items() if v},
    }


def number(value: float) -> str:
    """A threshold as plain decimal text (no exponent): ``0.005``, ``500``."""
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def whole_percent(stage: Stage, engine: str) -> int:
    """The stage's exposure as the whole percent an engine's weight takes.

    Raises:
        ExportError: the exposure has a fraction.
    """
    value = stage.exposure_percent
    if not float(value).is_integer():
        raise ExportError(
            f"stages[{stage.name}].exposure_percent: {value} cannot be expressed in {engine}, "
            "which takes whole percent weights"
        )
    return int(value)
