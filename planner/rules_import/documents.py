"""Reading the engines' files: YAML documents, what was skipped or not mapped, and why."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Document", "Note", "read_documents", "resource_name"]


@dataclass(frozen=True)
class Document:
    """One YAML document of an input file (``index`` counts from 0 within the file)."""

    path: str
    index: int
    data: Mapping[str, Any]

    @property
    def kind(self) -> str:
        """``kind`` of a Kubernetes resource ("" for a plain rule file)."""
        kind = self.data.get("kind")
        return kind if isinstance(kind, str) else ""

    @property
    def api_group(self) -> str:
        """The group of ``apiVersion`` (``argoproj.io``), "" when absent."""
        api = self.data.get("apiVersion")
        return api.split("/")[0] if isinstance(api, str) and "/" in api else ""


@dataclass(frozen=True)
class Note:
    """One line for the user: a file or resource skipped, or a metric not mapped, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def resource_name(doc: Document) -> str:
    """``Kind/name`` of a resource document (``name`` may be missing: ``Kind/?``)."""
    meta = doc.data.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    return f"{doc.kind or 'document'}/{name if isinstance(name, str) and name else '?'}"


def _items(data: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(data, Mapping):
        return
    if data.get("kind") == "List" and isinstance(data.get("items"), list):
        for item in data["items"]:
            if isinstance(item, Mapping):
                yield item
        return
    yield data


def read_documents(path: str) -> tuple[tuple[Document, ...], Note | None]:
    """Every mapping document of the YAML/JSON file ``path`` (``kind: List`` unfolded).

    Returns the documents and, when the file cannot be read at all, the note saying why.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return (), Note(path, f"cannot read the file ({reason}); skipped")
    try:
        raw = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return (), Note(path, f"not YAML{at} ({problem}); skipped")
    docs: list[Document] = []
    for data in raw:
        for item in _items(data):
            docs.append(Document(path, len(docs), item))
    return tuple(docs), None
