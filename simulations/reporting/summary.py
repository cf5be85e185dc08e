"""The few figures of one report that the report index tracks over time.

The report notebook displays a :class:`ReportSummary` as its last output. Jupyter shows its
Markdown; the report runner finds it in the executed notebook by its MIME type
(:data:`SUMMARY_MIME`) and writes it beside the report as ``summary.json``, which the index
reads to draw its trend plot. Figures a report could not compute (no replay yet) are ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from planner.model import LEVELS, Plan
from simulations.exceptions import ReportError

__all__ = ["SUMMARY_MIME", "ReportSummary", "parse_summary", "summarise"]

SUMMARY_MIME = "application/vnd.devops-planner.summary+json"


@dataclass(frozen=True)
class ReportSummary:
    """Headline figures of one report.

    ``overall_risk`` is ZERO/LOW/MEDIUM/HIGH; ``p95_blast_radius`` is failed requests and
    ``p95_time_to_rollback_minutes`` minutes, both the 95th percentile over the replay runs.
    """

    feature: str
    service: str
    overall_risk: str
    complexity: int
    files: int
    p95_blast_radius: float | None = None
    p95_time_to_rollback_minutes: float | None = None

    def __post_init__(self) -> None:
        if self.overall_risk not in LEVELS:
            raise ReportError(
                f"summary.overall_risk: {self.overall_risk!r} is not one of {', '.join(LEVELS)}"
            )

    @property
    def risk_rank(self) -> int:
        """``overall_risk`` as 0 (ZERO) to 3 (HIGH), for plotting."""
        return LEVELS.index(self.overall_risk)

    def to_dict(self) -> dict[str, Any]:
        """The ``summary.json`` document."""
        return asdict(self)

    def to_markdown(self) -> str:
        """A short Markdown list of the figures, for the notebook and the report page."""
        lines = [
            f"- **Change**: {self.feature or '(unnamed)'} on service `{self.service or '?'}`",
            f"- **Overall risk**: {self.overall_risk} (complexity {self.complexity}, "
            f"{self.files} files)",
        ]
        if self.p95_blast_radius is not None:
            lines.append(f"- **p95 blast radius**: {self.p95_blast_radius:,.0f} failed requests")
        if self.p95_time_to_rollback_minutes is not None:
            lines.append(
                f"- **p95 time to roll back**: {self.p95_time_to_rollback_minutes:.1f} minutes"
            )
        return "\n".join(lines)

    def _repr_mimebundle_(self, **_: Any) -> dict[str, Any]:
        return {"text/markdown": self.to_markdown(), SUMMARY_MIME: self.to_dict()}


def summarise(plan: Plan, replay: Mapping[str, Any] | None = None) -> ReportSummary:
    """The summary of a report on ``plan`` and, when given, its replay summary document.

    ``replay`` is the summary of :func:`simulations.replay.simulate` (``blast_radius`` ->
    ``failed_requests`` -> ``p95``; ``time_to_rollback_minutes`` -> ``p95``).
    """
    p95_blast_radius = p95_time_to_rollback_minutes = None
    if replay is not None:
        p95_blast_radius = replay["blast_radius"]["failed_requests"]["p95"]
        p95_time_to_rollback_minutes = replay["time_to_rollback_minutes"]["p95"]
    return ReportSummary(
        feature=plan.change.feature,
        service=plan.change.service,
        overall_risk=plan.risk.overall,
        complexity=plan.risk.complexity,
        files=len(plan.risk.files),
        p95_blast_radius=p95_blast_radius,
        p95_time_to_rollback_minutes=p95_time_to_rollback_minutes,
    )


def parse_summary(data: Any, where: str = "summary") -> ReportSummary:
    """Read a summary document (``summary.json`` or the notebook output).

    Raises:
        ReportError: not an object, a missing or mistyped field; the message names it.
    """
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ReportError(f"{where}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, Mapping):
        raise ReportError(f"{where}: expected an object, got {type(data).__name__}")
    kwargs: dict[str, Any] = {}
    for f in fields(ReportSummary):
        value = data.get(f.name)
        if value is None and f.name.startswith("p95_"):
            kwargs[f.name] = None
        elif f.name in ("feature", "service", "overall_risk"):
            if not isinstance(value, str):
                raise ReportError(f"{where}.{f.name}: expected a string, got {value!r}")
            kwargs[f.name] = value
        elif f.name in ("complexity", "files"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ReportError(f"{where}.{f.name}: expected an integer, got {value!r}")
            kwargs[f.name] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ReportError(f"{where}.{f.name}: expected a number or null, got {value!r}")
            kwargs[f.name] = float(value)
    return ReportSummary(**kwargs)
