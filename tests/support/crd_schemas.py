"""CRD ``openAPIV3Schema``s as JSON Schemas, for validating exported manifests in tests."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema
import yaml

from support.paths import TESTS

SCHEMAS = TESTS / "schemas"
CRD_FILES = {
    ("argoproj.io/v1alpha1", "Rollout"): "argo-rollouts/rollout-crd.yaml",
    ("argoproj.io/v1alpha1", "AnalysisTemplate"): "argo-rollouts/analysis-template-crd.yaml",
    ("flagger.app/v1beta1", "Canary"): "flagger/crd.yaml",
    ("flagger.app/v1beta1", "MetricTemplate"): "flagger/crd.yaml",
}


def to_json_schema(node: Any) -> Any:
    """A k8s structural schema node as a strict JSON Schema node (see schemas/README.md)."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: to_json_schema(v)
        for k, v in node.items()
        if not k.startswith("x-kubernetes-") and k != "nullable"
    }
    if node.get("x-kubernetes-int-or-string") and "anyOf" not in node:
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if (
        "properties" in node
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


@functools.cache
def schema_for(api_version: str, kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` at ``api_version`` from the vendored CRD."""
    group, version = api_version.split("/")
    path = SCHEMAS / CRD_FILES[(api_version, kind)]
    for crd in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if crd["spec"]["group"] == group and crd["spec"]["names"]["kind"] == kind:
            for v in crd["spec"]["versions"]:
                if v["name"] == version:
                    schema = to_json_schema(v["schema"]["openAPIV3Schema"])
                    return schema  # type: ignore[no-any-return]
    raise KeyError(f"no CRD for {api_version} {kind}")


def validate(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``document`` fits its CRD schema."""
    schema = schema_for(document["apiVersion"], document["kind"])
    jsonschema.Draft7Validator(schema).validate(document)
