"""The few figures of one report that the report index tracks over time.

The report notebook displays a :class:`ReportSummary` as its last output. Jupyter shows its
Markdown; the report runner finds it in the executed notebook by its MIME type
(:data:`SUMMARY_MIME`) and writes it beside the report as ``summary.json``, which the index
reads to draw its trend plot. Figures a report could not compute (no replay yet) are ``None``.
Summaries written before ``verdict``, ``detected_fraction`` and ``false_rollback_fraction``
existed still read (those fields are ``None``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from planner.model import LEVELS, Plan
from simulations.exceptions import ReportError
from simulations.notebook.verdict import VERDICTS, Verdict
from simulations.replay.measure.summary import ReplaySummary

__all__ = ["SUMMARY_MIME", "ReportSummary", "parse_summary", "report_summary"]

SUMMARY_MIME = "application/vnd.devops-planner.summary+json"


@dataclass(frozen=True)
class ReportSummary:
    """Headline figures of one report.

    ``overall_risk`` is ZERO/LOW/MEDIUM/HIGH; ``p95_blast_radius`` is failed requests and
    ``p95_time_to_rollback_minutes`` minutes, both the 95th percentile over the replay runs.
    ``verdict`` is one of :data:`~simulations.notebook.verdict.VERDICTS`;
    ``detected_fraction`` (with ``detected_fraction_ci95``) and ``false_rollback_fraction`` are
    shares 0..1 of the replay runs; ``tuned_holds`` says whether tuned thresholds held out of
    sample (``None``: not tested); ``history`` names the replayed trace (``sample`` for the
    bundled synthetic one).
    """

    feature: str
    service: str
    overall_risk: str
    complexity: int
    files: int
    p95_blast_radius: float | None = None
    p95_time_to_rollback_minutes: float | None = None
    verdict: str | None = None
    detected_fraction: float | None = None
    detected_fraction_ci95: tuple[float, float] | None = None
    false_rollback_fraction: float | None = None
    tuned_holds: bool | None = None
    history: str = ""

    def __post_init__(self) -> None:
        if self.overall_risk not in LEVELS:
            raise ReportError(
                f"summary.overall_risk: {self.overall_risk!r} is not one of {', '.join(LEVELS)}"
            )
        if self.verdict is not None and self.verdict not in VERDICTS:
            raise ReportError(
                f"summary.verdict: {self.verdict!r} is not one of {', '.join(VERDICTS)}"
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
        lines = []
        if self.verdict is not None:
            lines.append(f"- **Verdict**: {self.verdict}")
        lines += [
            f"- **Change**: {self.feature or '(unnamed)'} on service `{self.service or '?'}`",
            f"- **Overall risk**: {self.overall_risk} (complexity {self.complexity}, "
            f"{self.files} files)",
        ]
        if self.detected_fraction is not None:
            ci = self.detected_fraction_ci95
            interval = f" (95 % interval {ci[0]:.0%} to {ci[1]:.0%})" if ci else ""
            lines.append(f"- **Incidents detected**: {self.detected_fraction:.0%}{interval}")
        if self.false_rollback_fraction is not None:
            lines.append(f"- **False rollbacks**: {self.false_rollback_fraction:.1%} of runs")
        if self.p95_blast_radius is not None:
            lines.append(f"- **p95 blast radius**: {self.p95_blast_radius:,.0f} failed requests")
        if self.p95_time_to_rollback_minutes is not None:
            lines.append(
                f"- **p95 time to roll back**: {self.p95_time_to_rollback_minutes:.1f} minutes"
            )
        return "\n".join(lines)

    def _repr_mimebundle_(self, **_: Any) -> dict[str, Any]:
        return {"text/markdown": self.to_markdown(), SUMMARY_MIME: self.to_dict()}


def report_summary(
    plan: Plan,
    replay: ReplaySummary | None = None,
    verdict: Verdict | None = None,
    history: str = "",
) -> ReportSummary:
    """The summary of a report on ``plan`` and, when given, its replay summary document.

    ``replay`` is the summary of :func:`simulations.replay.simulate` (its p95 blast radius in
    failed requests and p95 time to roll back); ``verdict`` the
    :func:`~simulations.notebook.verdict.report_verdict` of the same runs; ``history`` the trace's
    name.
    """
    p95_blast_radius = p95_time_to_rollback_minutes = None
    if replay is not None:
        p95_blast_radius = replay.blast_radius.failed_requests.p95
        p95_time_to_rollback_minutes = replay.time_to_rollback_minutes.p95
    return ReportSummary(
        feature=plan.change.feature,
        service=plan.change.service,
        overall_risk=plan.risk.overall,
        complexity=plan.risk.complexity,
        files=len(plan.risk.files),
        p95_blast_radius=p95_blast_radius,
        p95_time_to_rollback_minutes=p95_time_to_rollback_minutes,
        verdict=verdict.verdict if verdict else None,
        detected_fraction=verdict.detected_fraction if verdict else None,
        detected_fraction_ci95=verdict.detected_ci95 if verdict else None,
        false_rollback_fraction=verdict.false_rollback_fraction if verdict else None,
        tuned_holds=verdict.holdout.holds if verdict and verdict.holdout.tested else None,
        history=history,
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
        if f.name in ("feature", "service", "overall_risk"):
            if not isinstance(value, str):
                raise ReportError(f"{where}.{f.name}: expected a string, got {value!r}")
            kwargs[f.name] = value
        elif f.name in ("complexity", "files"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ReportError(f"{where}.{f.name}: expected an integer, got {value!r}")
            kwargs[f.name] = value
        elif value is None:
            kwargs[f.name] = "" if f.name == "history" else None
        elif f.name in ("verdict", "history"):
            if not isinstance(value, str):
                raise ReportError(f"{where}.{f.name}: expected a string or null, got {value!r}")
            kwargs[f.name] = value
        elif f.name == "tuned_holds":
            if not isinstance(value, bool):
                raise ReportError(f"{where}.{f.name}: expected true, false or null, got {value!r}")
            kwargs[f.name] = value
        elif f.name == "detected_fraction_ci95":
            kwargs[f.name] = _pair(value, f"{where}.{f.name}")
        else:
            kwargs[f.name] = _number(value, f"{where}.{f.name}")
    return ReportSummary(**kwargs)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportError(f"{where}: expected a number or null, got {value!r}")
    return float(value)


def _pair(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ReportError(f"{where}: expected [low, high] or null, got {value!r}")
    low, high = (_number(v, where) for v in value)
    if not 0.0 <= low <= high <= 1.0:
        raise ReportError(f"{where}: {value!r} is not 0 <= low <= high <= 1")
    return low, high
