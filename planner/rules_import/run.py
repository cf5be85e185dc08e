"""Import the rules a team already runs: engine files in, one thresholds file out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.exceptions import ThresholdsError
from planner.profile import MetricLabels
from planner.rules_import.argo import import_argo
from planner.rules_import.documents import Document, Note, read_documents
from planner.rules_import.flagger import import_flagger
from planner.rules_import.prometheus import import_prometheus
from planner.thresholds import Thresholds, parse_thresholds

__all__ = ["ENGINES", "ImportResult", "import_rules"]

Importer = Callable[[Sequence[Document], MetricLabels], tuple[list[dict[str, Any]], list[Note]]]


@dataclass(frozen=True)
class _Engine:
    importer: Importer
    kinds: tuple[str, ...]  # resource kinds this engine reads ("" = a plain rule file)
    group: str

    def reads(self, doc: Document) -> bool:
        if not doc.kind:
            return "" in self.kinds and "groups" in doc.data
        return doc.kind in self.kinds and doc.api_group == self.group


ENGINES: Mapping[str, _Engine] = {
    "argo-rollouts": _Engine(
        import_argo, ("Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate"), "argoproj.io"
    ),
    "flagger": _Engine(import_flagger, ("Canary", "MetricTemplate"), "flagger.app"),
    "prometheus-rules": _Engine(import_prometheus, ("PrometheusRule", ""), "monitoring.coreos.com"),
}


@dataclass(frozen=True)
class ImportResult:
    """The imported thresholds (None: nothing could be imported) and one note per problem."""

    thresholds: Thresholds | None
    notes: tuple[Note, ...]


def _found(docs: Sequence[Document]) -> str:
    kinds = sorted({d.kind or "a mapping without kind" for d in docs})
    return ", ".join(kinds) if kinds else "no YAML document"


def _unique_names(sets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rule sets named after their resource; a name found in several files gets the file's
    name beside it (``podinfo (canary.yaml)``), then a counter if still taken."""
    count: dict[str, int] = {}
    for rs in sets:
        count[rs["name"]] = count.get(rs["name"], 0) + 1
    out: list[dict[str, Any]] = []
    taken: set[str] = set()
    for rs in sets:
        body = {k: v for k, v in rs.items() if k != "source"}
        name = rs["name"]
        if count[name] > 1:
            name = f"{name} ({Path(rs['source']).name})"
        unique, k = name, 1
        while unique in taken:
            k += 1
            unique = f"{name} {k}"
        taken.add(unique)
        out.append({**body, "name": unique})
    return out


def import_rules(
    engine: str, paths: Sequence[str], labels: MetricLabels | None = None
) -> ImportResult:
    """Read ``paths`` as ``engine``'s files and map their rules into a thresholds document.

    A file that cannot be read or holds no resource of the engine, a metric whose provider
    is not Prometheus or whose query or bounds cannot be mapped, each gives one note; the rest
    is imported.

    Raises:
        ThresholdsError: ``engine`` is not one of :data:`ENGINES`.
    """
    if engine not in ENGINES:
        raise ThresholdsError(f"engine: {engine!r} is not one of {', '.join(ENGINES)}")
    spec = ENGINES[engine]
    labels = labels or MetricLabels()
    notes: list[Note] = []
    docs: list[Document] = []
    for path in paths:
        file_docs, problem = read_documents(path)
        if problem is not None:
            notes.append(problem)
            continue
        mine = [d for d in file_docs if spec.reads(d)]
        if not mine:
            notes.append(
                Note(path, f"holds no {engine} resource (found {_found(file_docs)}); skipped")
            )
        docs.extend(mine)
    sets, more = spec.importer(docs, labels)
    notes.extend(more)
    kept: list[dict[str, Any]] = []
    for rs in _unique_names(sets):
        rules = []
        for rule in rs["rules"]:
            try:
                parse_thresholds({"rule_sets": [{"name": rs["name"], "rules": [rule]}]})
            except ThresholdsError as exc:
                notes.append(Note(f"rule set {rs['name']} rule {rule.get('name')}", str(exc)))
                continue
            rules.append(rule)
        if rules:
            kept.append({**rs, "rules": rules})
    if not kept:
        return ImportResult(None, tuple(notes))
    source = ", ".join(paths)
    return ImportResult(parse_thresholds({"version": 1, "rule_sets": kept}, source), tuple(notes))
