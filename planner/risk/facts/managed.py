"""Managed services and stateful images whose version a change moves, and data protection it
turns off: the one-way infrastructure changes.

Terraform: an ``engine_version`` / ``database_version`` / ``kafka_version`` / ``cluster_version``
/ ``version`` attribute inside a datastore or cluster resource (``aws_db_instance``,
``aws_rds_cluster``, ``aws_elasticache_*``, ``aws_opensearch_domain``, ``aws_msk_cluster``,
``aws_eks_cluster``, ``google_sql_database_instance``, ``google_container_cluster``,
``azurerm_*sql*``/``*redis*``/``*kubernetes_cluster``, and the terraform-aws-modules inputs): a
managed engine cannot be downgraded in place. Helm ``Chart.yaml`` dependencies and Kubernetes or
compose ``image:`` lines of stateful images (postgres, mysql, mariadb, mongo, redis,
elasticsearch, opensearch, kafka, zookeeper, rabbitmq, etcd, cassandra): a new major rewrites
the data directory. ``deletion_protection = false``, ``skip_final_snapshot = true`` and
``prevent_destroy = false`` make a later destroy lose data.
"""

from __future__ import annotations

import re

from planner.model import Fact, RiskLevel
from planner.risk.facts.dependencies import distance
from planner.risk.facts.evidence import ChangedText

__all__ = ["managed_facts"]

_TF_VERSION = re.compile(
    r"^\s*(engine_version|database_version|kafka_version|cluster_version|kubernetes_version"
    r"|postgres_version|redis_version|mysql_version|version)\s*=\s*\"([^\"]+)\""
)
_TF_RESOURCE = re.compile(r"^\s*(?:resource|module)\s+\"([\w\-]+)\"(?:\s+\"([\w\-]+)\")?")
_STATEFUL_RESOURCE = re.compile(
    r"db_instance|rds_cluster|elasticache|opensearch|elasticsearch|msk_cluster|eks_cluster"
    r"|sql_database_instance|container_cluster|redis|postgresql|mysql|mariadb|cosmosdb"
    r"|kubernetes_cluster|docdb|neptune|memorydb|rds|eks|aks|gke|cloudsql|database",
    re.IGNORECASE,
)
_IMAGE = re.compile(
    r"^\s*-?\s*(?:image|repository)\s*:\s*[\"']?(?:[\w.\-]+(?::\d+)?/)*"
    r"(postgres(?:ql)?|mysql|mariadb|mongo(?:db)?|redis|elasticsearch|opensearch|kafka"
    r"|zookeeper|rabbitmq|etcd|cassandra|clickhouse[\w\-]*|timescaledb[\w\-]*|postgis)"
    r"(?::([\w.\-]+))?",
    re.IGNORECASE,
)
_TAG = re.compile(r"^\s*tag\s*:\s*[\"']?([\w.\-]+)")
_CHART_DEP = re.compile(r"^\s*-?\s*name\s*:\s*[\"']?([\w.\-]+)")
_HELM_VERSION = re.compile(r"^\s*version\s*:\s*[\"']?([\w.\-]+)")
_UNPROTECT = re.compile(
    r"^\s*(?:deletion_protection\s*=\s*false|skip_final_snapshot\s*=\s*true"
    r"|prevent_destroy\s*=\s*false|force_destroy\s*=\s*true)\b"
)


def managed_facts(
    path: str,
    name: str,
    added: ChangedText | None,
    removed: ChangedText | None,
    head: str | None,
    base: str | None,
) -> tuple[Fact, ...]:
    """Version moves of managed datastores, clusters and stateful images, and data protection
    turned off, in ``path`` (``name`` is its lower-case file name)."""
    if added is None:
        return ()
    facts: list[Fact] = []
    if name.endswith((".tf", ".tfvars", ".hcl")):
        facts += _terraform(path, added, removed, head, base)
    if name.endswith((".yaml", ".yml")):
        facts += _images(path, added, removed, head, base, name)
    return tuple(facts)


def _terraform(
    path: str,
    added: ChangedText,
    removed: ChangedText | None,
    head: str | None,
    base: str | None,
) -> list[Fact]:
    facts: list[Fact] = []
    old = _versions(removed, base, _TF_VERSION, _TF_RESOURCE) if removed else {}
    new = _versions(added, head, _TF_VERSION, _TF_RESOURCE)
    for key, (value, line) in new.items():
        resource = key[0]
        if key not in old or not _STATEFUL_RESOURCE.search(resource):
            continue
        facts += _upgrade(path, line, f"{resource} {key[1]}", old[key][0], value)
    for text, number in zip(added.text.split("\n"), added.numbers, strict=False):
        m = _UNPROTECT.match(text)
        if m:
            facts.append(
                Fact(
                    "data_protection_off",
                    "infrastructure",
                    "HIGH",
                    path,
                    (number,),
                    " ".join(m.group(0).split()),
                    "",
                )
            )
    return facts


def _versions(
    changed: ChangedText,
    whole: str | None,
    attr: re.Pattern[str],
    block: re.Pattern[str],
) -> dict[tuple[str, str], tuple[str, int]]:
    """``{(enclosing resource, attribute): (value, line)}`` of the version lines changed."""
    lines = whole.split("\n") if whole is not None else None
    out: dict[tuple[str, str], tuple[str, int]] = {}
    for text, number in zip(changed.text.split("\n"), changed.numbers, strict=False):
        m = attr.match(text)
        if m is None:
            continue
        resource = "?"
        if lines is not None:
            for j in range(min(number - 1, len(lines)) - 1, -1, -1):
                b = block.match(lines[j])
                if b:
                    resource = "/".join(g for g in b.groups() if g)
                    break
        out[(resource, m.group(1))] = (m.group(2), number)
    return out


def _upgrade(path: str, line: int, subject: str, before: str, after: str) -> list[Fact]:
    """A managed service's version step ``before -> after`` at ``path:line`` as a fact (none when
    the versions are the same or cannot be compared): a major step or a downgrade is HIGH."""
    step = distance(before, after)
    if step in ("same", "unknown"):
        return []
    level: RiskLevel = "HIGH" if step in ("major", "downgrade") else "MEDIUM"
    return [
        Fact(
            "managed_upgrade",
            "infrastructure",
            level,
            path,
            (line,),
            subject,
            f"{before} -> {after} ({step})",
        )
    ]


def _images(
    path: str,
    added: ChangedText,
    removed: ChangedText | None,
    head: str | None,
    base: str | None,
    name: str,
) -> list[Fact]:
    new = _image_versions(added, head, name)
    old = _image_versions(removed, base, name) if removed is not None else {}
    facts: list[Fact] = []
    for image, (tag, line) in new.items():
        if image not in old:
            continue
        facts += _upgrade(path, line, image, old[image][0], tag)
    return facts


def _image_versions(
    changed: ChangedText, whole: str | None, name: str
) -> dict[str, tuple[str, int]]:
    """``{stateful image or chart: (tag or version, line)}`` of the changed lines."""
    lines = whole.split("\n") if whole is not None else None
    out: dict[str, tuple[str, int]] = {}
    for text, number in zip(changed.text.split("\n"), changed.numbers, strict=False):
        m = _IMAGE.match(text)
        if m and m.group(2):
            out[f"image {m.group(1).lower()}"] = (m.group(2), number)
            continue
        tag = _TAG.match(text)
        if tag and lines is not None:
            above = _near(lines, number, _IMAGE)
            if above:
                out[f"image {above}"] = (tag.group(1), number)
            continue
        version = _HELM_VERSION.match(text)
        if version and name == "chart.yaml" and lines is not None:
            dep = _near(lines, number, _CHART_DEP)
            if dep and _IMAGE.match(f"image: {dep}"):
                out[f"chart {dep.lower()}"] = (version.group(1), number)
    return out


def _near(lines: list[str], number: int, pattern: re.Pattern[str]) -> str | None:
    """Group 1 of ``pattern`` on one of the six lines above line ``number`` (1-based)."""
    for j in range(min(number - 1, len(lines)) - 1, max(-1, number - 8), -1):
        m = pattern.match(lines[j])
        if m:
            return m.group(1)
    return None
